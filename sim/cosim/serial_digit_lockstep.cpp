// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/serial_digit_lockstep.h"

#include <memory>

#include "Vpe_bitslice_serial_digit_int8.h"
#include "Vpe_bitslice_serial_digit_lane1.h"
#include "Vpe_bitslice_serial_digit_narrow.h"

namespace tpesim::cosim {

pe::BitsliceSpec serial_digit_spec(int a_bits, int w_bits, int acc_bits, int lanes) {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::SerialDigit;
  spec.a_bits = a_bits;
  spec.w_bits = w_bits;
  spec.acc_bits = acc_bits;
  spec.overflow = pe::Overflow::Wrap;  // the benched sets wrap (saturate: its own tests)
  spec.digit_group = lanes;            // one step of the PE is one digit group
  return spec;
}

SerialDigitStimulus::SerialDigitStimulus(const pe::BitsliceSpec& spec, std::uint64_t seed,
                                         std::uint64_t random_cycles, SerialDigitSchedule schedule)
    : m_spec(spec), m_rng(seed + 1), m_random(random_cycles) {
  const std::int64_t per_step =
      pe::int_min(spec.a_bits) * pe::int_min(spec.w_bits) * spec.digit_group;
  m_drive = (std::int64_t{1} << (spec.acc_bits - 1)) / per_step * 5 / 4 + 8;
  m_pairs = static_cast<std::uint64_t>((pe::int_max(spec.a_bits) - pe::int_min(spec.a_bits) + 1) *
                                       (pe::int_max(spec.w_bits) - pe::int_min(spec.w_bits) + 1));
  if (schedule == SerialDigitSchedule::EveryPair) {
    m_phase = Phase::Pairs;
  } else {
    m_phase = m_random > 0 ? Phase::Random : Phase::Drive;
  }
}

SerialDigitInputs SerialDigitStimulus::next(bool busy) {
  SerialDigitInputs in;
  switch (m_phase) {
    case Phase::Random: {
      const bool offer = busy ? m_rng() % 2 == 0 : m_rng() % 4 != 0;
      const bool clear = m_rng() % 64 == 0;
      if (clear && offer && !busy) m_drift = static_cast<int>(m_rng() % 3) - 1;
      in = lanes(m_drift);
      in.valid = offer;
      in.clear = clear;
      if (++m_index == m_random) m_phase = Phase::Drive;
      break;
    }
    case Phase::Drive:
      in = drive_lanes(m_drive_sign);
      in.valid = !busy;
      m_driven += in.valid;
      if (m_driven == m_drive) {
        m_driven = 0;
        if (m_drive_sign < 0) m_phase = Phase::Drain;
        m_drive_sign = -1;
      }
      break;
    case Phase::Pairs:
      if (!busy && m_index < m_pairs) {
        const std::uint64_t span_w =
            static_cast<std::uint64_t>(pe::int_max(m_spec.w_bits) - pe::int_min(m_spec.w_bits) + 1);
        m_pair.a.assign(static_cast<std::size_t>(m_spec.digit_group), 0);
        m_pair.w.assign(static_cast<std::size_t>(m_spec.digit_group), 0);
        m_pair.a[0] = static_cast<std::int32_t>(pe::int_min(m_spec.a_bits) +
                                                static_cast<std::int64_t>(m_index / span_w));
        m_pair.w[0] = static_cast<std::int32_t>(pe::int_min(m_spec.w_bits) +
                                                static_cast<std::int64_t>(m_index % span_w));
        ++m_index;
        in = m_pair;
        in.valid = true;
        in.clear = true;
      } else {
        in = m_pair;
      }
      break;
    case Phase::Drain:
      in = lanes(0);
      break;
  }
  return in;
}

std::int32_t SerialDigitStimulus::activation() {
  const int bits = m_spec.a_bits;
  switch (m_rng() % 8) {
    case 0:
    case 1:
      return 0;
    case 2:
      return static_cast<std::int32_t>(pe::int_min(bits));
    case 3:
      return static_cast<std::int32_t>(pe::int_max(bits));
    case 4:  // magnitudes below 8: at most two non-zero digits
      return static_cast<std::int32_t>(m_rng() % 15) - 7;
    case 5:  // +-0b0101...: digit 1 at every bit weight that fits
      return static_cast<std::int32_t>(0x5555 & pe::int_max(bits)) * (m_rng() % 2 ? -1 : 1);
    default:
      return uniform(bits);
  }
}

std::int32_t SerialDigitStimulus::weight() {
  const int bits = m_spec.w_bits;
  switch (m_rng() % 8) {
    case 0:
      return static_cast<std::int32_t>(pe::int_min(bits));
    case 1:
      return static_cast<std::int32_t>(pe::int_max(bits));
    default:
      return uniform(bits);
  }
}

std::int32_t SerialDigitStimulus::uniform(int bits) {
  const std::int64_t lo = pe::int_min(bits), hi = pe::int_max(bits);
  return static_cast<std::int32_t>(
      lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1)));
}

// A step's lanes; with drift = +-1 every product keeps that sign (w replaced by ~w = -w - 1, in
// range, where needed) so that chains run into the accumulator's range.
SerialDigitInputs SerialDigitStimulus::lanes(int drift) {
  SerialDigitInputs x;
  for (int l = 0; l < m_spec.digit_group; ++l) {
    const std::int32_t a = activation();
    std::int32_t w = weight();
    if (drift * a * w < 0) w = ~w;
    x.a.push_back(a);
    x.w.push_back(w);
  }
  return x;
}

// Every lane the most negative activation times the weight whose product has `sign` and the
// largest magnitude.
SerialDigitInputs SerialDigitStimulus::drive_lanes(int sign) const {
  const auto lanes = static_cast<std::size_t>(m_spec.digit_group);
  SerialDigitInputs x;
  x.a.assign(lanes, static_cast<std::int32_t>(pe::int_min(m_spec.a_bits)));
  x.w.assign(lanes,
             static_cast<std::int32_t>(sign * pe::int_min(m_spec.w_bits)) - (sign < 0 ? 1 : 0));
  return x;
}

namespace {

template <class Model>
VerilatedPeModel serial_digit_model(const char* name, const pe::BitsliceSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<SerialDigitLockstep<Model>>(spec, seed, cycles, traced,
                                                                  SerialDigitCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> serial_digit_verilated_pes() {
  return {serial_digit_model<Vpe_bitslice_serial_digit_int8>("Vpe_bitslice_serial_digit_int8",
                                                             serial_digit_spec(8, 8, 32, 4)),
          serial_digit_model<Vpe_bitslice_serial_digit_narrow>("Vpe_bitslice_serial_digit_narrow",
                                                               serial_digit_spec(5, 6, 14, 3)),
          serial_digit_model<Vpe_bitslice_serial_digit_lane1>("Vpe_bitslice_serial_digit_lane1",
                                                              serial_digit_spec(8, 8, 32, 1))};
}

}  // namespace tpesim::cosim
