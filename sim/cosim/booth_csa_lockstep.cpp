// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/booth_csa_lockstep.h"

#include <memory>

#include "Vpe_bitslice_booth_csa_int8.h"
#include "Vpe_bitslice_booth_csa_narrow.h"

namespace tpesim::cosim {

pe::BitsliceSpec booth_csa_spec(int a_bits, int w_bits, int acc_bits) {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::BoothCsa;
  spec.a_bits = a_bits;
  spec.w_bits = w_bits;
  spec.acc_bits = acc_bits;
  spec.overflow = pe::Overflow::Wrap;
  return spec;
}

BoothCsaStimulus::BoothCsaStimulus(const pe::BitsliceSpec& spec, std::uint64_t seed,
                                   std::uint64_t random_cycles)
    : m_spec(spec), m_rng(seed), m_random(random_cycles) {
  // Products of at least (2^(A-1) - 1)(2^(W-1) - 1) in magnitude.
  const std::int64_t min_product = pe::int_max(spec.a_bits) * pe::int_max(spec.w_bits);
  m_drive = static_cast<std::uint64_t>(
      (std::int64_t{1} << (spec.acc_bits - 1)) / min_product * 5 / 4 + 64);
}

std::int64_t BoothCsaStimulus::operand(int bits) {
  const std::int64_t lo = pe::int_min(bits), hi = pe::int_max(bits);
  switch (m_rng() % 8) {
    case 0:
      return lo;
    case 1:
      return hi;
    default:
      return lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1));
  }
}

BoothCsaInputs BoothCsaStimulus::next() {
  const std::uint64_t index = m_next++;
  BoothCsaInputs in;
  if (index < m_random) {
    in.valid = m_rng() % 4 != 0;
    in.clear = m_rng() % 512 == 0;
    if (in.clear) m_drift = static_cast<int>(m_rng() % 3) - 1;
    in.a = operand(m_spec.a_bits);
    in.w = operand(m_spec.w_bits);
    if (m_drift * in.a * in.w < 0) in.w = ~in.w;  // -w - 1: in range, of the other sign (or 0)
    return in;
  }
  const int sign = index - m_random < m_drive ? 1 : -1;
  in.valid = true;
  in.a = m_rng() % 2 != 0 ? pe::int_min(m_spec.a_bits) : pe::int_max(m_spec.a_bits);
  const bool w_negative = (in.a < 0) == (sign > 0);  // so that a * w has the phase's sign
  in.w = w_negative ? pe::int_min(m_spec.w_bits) : pe::int_max(m_spec.w_bits);
  return in;
}

namespace {

template <class Model>
VerilatedPeModel booth_csa_model(const char* name, const pe::BitsliceSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<BoothCsaLockstep<Model>>(spec, seed, cycles, traced,
                                                               BoothCsaCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> booth_csa_verilated_pes() {
  return {booth_csa_model<Vpe_bitslice_booth_csa_int8>("Vpe_bitslice_booth_csa_int8",
                                                       booth_csa_spec(8, 8, 32)),
          booth_csa_model<Vpe_bitslice_booth_csa_narrow>("Vpe_bitslice_booth_csa_narrow",
                                                         booth_csa_spec(6, 5, 14))};
}

}  // namespace tpesim::cosim
