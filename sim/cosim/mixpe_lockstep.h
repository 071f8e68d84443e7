// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_mixpe_w4a8.sv against pe::MixpeW4A8Arith: after every edge the
// group's partial sums P and S, the binary32 accumulator's and the activation scale's bit
// patterns, the int32 overflow event and the output read port.
#pragma once

#include <fmt/format.h>

#include <bit>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "pe/mixpe.h"
#include "pe/numeric.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// A mixpe W4A8 spec with the parameters of a verilated parameter set.
pe::MixpeSpec mixpe_w4a8_spec(int w_bits, int group_size, const pe::FloatFormat& out);

// One cycle's inputs of pe_mixpe_w4a8.
struct MixpeInputs {
  bool valid = false;         // in_valid: a step at this edge
  bool clear = false;         // in_clear: the step starts a new chain (acts only with valid)
  std::int32_t a = 0;         // int8 activation
  std::uint32_t a_scale = 0;  // s_a, binary32 pattern
  std::int32_t q = 0;         // weight code, 0 .. 2^w_bits - 1
  std::int32_t z = 0;         // zero point, 0 .. 2^w_bits - 1
  std::uint32_t w_scale = 0;  // s, fp16 pattern
  bool group_end = false;     // q ends its group
};

// Drives one verilated pe_mixpe_w4a8's inputs.
template <class Model>
void drive_mixpe(Model& m, const MixpeInputs& in) {
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  m.a =
      static_cast<std::remove_reference_t<decltype(m.a)>>(static_cast<std::uint32_t>(in.a) & 0xFF);
  m.a_scale = in.a_scale;
  m.q = static_cast<std::remove_reference_t<decltype(m.q)>>(in.q);
  m.z = static_cast<std::remove_reference_t<decltype(m.z)>>(in.z);
  m.w_scale = static_cast<std::remove_reference_t<decltype(m.w_scale)>>(in.w_scale);
  m.group_end = in.group_end;
}

// The widths of the p and s ports: 8 + w_bits + clog2(G) and 8 + clog2(G).
int mixpe_p_bits(const pe::MixpeSpec& spec);
int mixpe_s_bits(const pe::MixpeSpec& spec);

// MixpeW4A8Arith at the PE's cycle contract: registered chain state (reset: zero(); a new chain
// restarts from zero()), the overflow event of the edge's step (0 after an idle edge) and the
// read port out = output(state).
class MixpeCycleModel {
 public:
  explicit MixpeCycleModel(const pe::MixpeSpec& spec) : m_arith(spec) {}
  void edge(const MixpeInputs& in) {
    m_overflow = false;
    if (!in.valid) return;
    pe::MixpeOperand a;
    a.v = in.a;
    a.s = static_cast<float>(pe::decode(in.a_scale, pe::kFp32));
    pe::MixpeOperand w;
    w.v = in.q;
    w.z = in.z;
    w.s = static_cast<float>(pe::decode(in.w_scale, pe::kFp16));
    w.group_end = in.group_end;
    const auto r = m_arith.mac_step(in.clear ? pe::MixpeW4A8Arith::zero() : m_acc, a, w);
    m_acc = r.value;
    m_overflow = r.overflow;
  }
  const pe::MixpeW4A8Arith::Acc& acc() const { return m_acc; }
  bool overflow() const { return m_overflow; }
  std::uint32_t out() const { return static_cast<std::uint32_t>(m_arith.output(m_acc)); }

 private:
  pe::MixpeW4A8Arith m_arith;     // the value semantics
  pe::MixpeW4A8Arith::Acc m_acc;  // registered P, S, acc, s_a
  bool m_overflow = false;        // the last edge's D left int32
};

// The seeded stimulus, in phases:
//  1. `random_cycles` random cycles (seed + 1): in_valid 7/8; a new chain on 1/256 of the steps
//     and half of them while acc is not finite; groups full (G steps, for G <= 4096) or of a
//     random length up to min(G, 4096); a third of the groups take products and -zS of one sign;
//     activations with their extremes, codes with theirs; fp16 scales: edge patterns, subnormals,
//     uniform patterns, else 2^[-14, 1); binary32 activation scales: edge patterns, uniform
//     patterns, huge, tiny, else 2^[-12, 0);
//  2. every pair of fp16 edge scales on two consecutive one-step groups (D = -128 w_max, then
//     w_max or 0) under every binary32 edge activation scale;
//  3. inf - inf in acc: a one-step group scaled to an infinity, then one to the other, under each
//     edge activation scale;
//  4. when G holds the steps that carry D past int32: 100 groups of 600 to 2,999 products of one
//     sign (seed + 2; |D| past 2^24, float(D) rounds), then one group per sign whose D leaves
//     int32.
class MixpeStimulus {
 public:
  MixpeStimulus(const pe::MixpeSpec& spec, std::uint64_t seed, std::uint64_t random_cycles);
  bool done() const { return m_phase == Phase::Done; }
  // The next cycle's inputs, given the C++ side's chain state.
  MixpeInputs next(const pe::MixpeW4A8Arith::Acc& acc);

 private:
  enum class Phase { Random, EdgeScales, InfInf, OneSign, Overflow, Done };

  MixpeInputs random_cycle(const pe::MixpeW4A8Arith::Acc& acc);
  MixpeInputs one_sign_cycle();
  void advance();  // moves to the next phase that has cycles
  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double uniform01() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
  void new_group();
  std::int32_t activation();
  std::int32_t code();
  std::uint32_t w_scale();
  std::uint32_t a_scale();

  pe::MixpeSpec m_spec;                     // the parameter set
  std::mt19937_64 m_rng;                    // phase 1's source (seed + 1)
  std::mt19937_64 m_long_rng;               // phase 4's source (seed + 2)
  std::int32_t m_w_max;                     // 2^w_bits - 1
  std::vector<std::uint32_t> m_fp16_edges;  // fp16 edge patterns
  std::vector<std::uint32_t> m_fp32_edges;  // binary32 edge patterns
  std::int64_t m_needed;                    // steps of one group whose D leaves int32
  std::uint64_t m_random;                   // cycles of phase 1
  Phase m_phase = Phase::Random;            // the phase of the next cycle
  std::uint64_t m_index = 0;                // the next cycle's index within its phase
  std::int64_t m_in_group = 0;              // steps taken in the current group
  std::int64_t m_length = 1;                // the current random group's length, steps
  bool m_one_sign = false;                  // the current random group has products of one sign
  int m_sign = 1;                           // ... that sign
  int m_long_group = 0;                     // phase 4: the current long group
  std::int64_t m_long_length = 0;           // ... its length (0: not drawn yet)
  std::int64_t m_long_step = 0;             // ... steps taken in it
};

// The coverage counters of a run (names as in counters()).
struct MixpeCounts {
  std::int64_t steps = 0;              // edges with in_valid
  std::int64_t clears = 0;             // steps with in_clear (a new chain)
  std::int64_t groups = 0;             // steps with group_end (dequantizations)
  std::int64_t full_groups = 0;        // ... of exactly G steps
  std::int64_t d_inexact = 0;          // group ends with |D| >= 2^24 and float(D) != D
  std::int64_t overflow = 0;           // D left int32 (the model's event)
  std::int64_t scale_sub = 0;          // group ends with a subnormal fp16 scale
  std::int64_t scale_special = 0;      // group ends with an infinite or NaN fp16 scale
  std::int64_t acc_nan = 0;            // steps after which acc is NaN
  std::int64_t nan_scale = 0;          // group ends with a NaN scale onto a non-NaN acc
  std::int64_t nan_inf_sub = 0;        // group ends, infinite acc, scaled of the other sign
  std::int64_t nan_zero_inf = 0;       // group ends with D = 0, an infinite scale, non-NaN acc
  std::int64_t nan_both = 0;           // group ends onto a NaN acc, NaN scale of the other sign
  std::int64_t acc_inf = 0;            // steps after which acc is infinite
  std::int64_t out_nan_both = 0;       // steps with a negative NaN a_scale onto a NaN acc
  std::int64_t out_zero_inf = 0;       // cycles with out NaN from 0 * inf (acc, s_a not NaN)
  std::int64_t nan_not_canonical = 0;  // model NaNs in acc, s_a or out other than +canonical
  std::int64_t out_sub = 0;            // cycles whose binary32 product acc * s_a is subnormal
  std::int64_t out_inf = 0;            // cycles with out infinite while acc and s_a are finite
  std::int64_t out_flush = 0;          // cycles with out zero while acc and s_a are nonzero

  // Counts one step from the state it starts from, its inputs, the state after it, and the steps
  // its group had before it.
  void count_step(const pe::MixpeSpec& spec, const pe::MixpeW4A8Arith::Acc& start,
                  const MixpeInputs& in, const pe::MixpeW4A8Arith::Acc& after,
                  std::int64_t in_group, bool overflow);
  // Counts the read port after an edge.
  void count_output(const pe::MixpeSpec& spec, const pe::MixpeW4A8Arith::Acc& acc,
                    std::uint32_t out);
  std::vector<Counter> counters() const;
};

template <class Model, class Reference = MixpeCycleModel>
class MixpeLockstep final : public VerilatedLockstep<Model> {
 public:
  MixpeLockstep(const pe::MixpeSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                bool traced, Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_p_bits(mixpe_p_bits(spec)),
        m_s_bits(mixpe_s_bits(spec)),
        m_stimulus(spec, seed, random_cycles),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(); }
  std::vector<Mismatch> step() override {
    m_before = m_reference.acc();
    m_in = m_stimulus.next(m_before);
    Model& m = this->pe().model();
    drive_mixpe(m, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    const pe::MixpeW4A8Arith::Acc& want = m_reference.acc();
    if (m_in.valid) {
      m_counts.count_step(m_spec, m_in.clear ? pe::MixpeW4A8Arith::zero() : m_before, m_in, want,
                          m_in_group, m_reference.overflow());
      m_in_group = m_in.group_end ? 0 : (m_in.clear ? 0 : m_in_group) + 1;
    }
    m_counts.count_output(m_spec, want, m_reference.out());
    std::vector<Mismatch> out;
    const std::int64_t p = pe::wrap_signed(static_cast<std::int64_t>(m.p), m_p_bits);
    const std::int64_t s = pe::wrap_signed(static_cast<std::int64_t>(m.s), m_s_bits);
    if (p != want.p) out.push_back({"p", fmt::format("{}", want.p), fmt::format("{}", p)});
    if (s != want.s) out.push_back({"s", fmt::format("{}", want.s), fmt::format("{}", s)});
    float_port(out, "acc", want.acc, static_cast<std::uint32_t>(m.acc));
    float_port(out, "s_a", want.s_a, static_cast<std::uint32_t>(m.s_a));
    if ((m.overflow != 0) != m_reference.overflow()) {
      out.push_back({"overflow", fmt::format("{:d}", m_reference.overflow()),
                     fmt::format("{:d}", m.overflow != 0)});
    }
    const auto rtl_out = static_cast<std::uint32_t>(m.out);
    if (rtl_out != m_reference.out()) {
      out.push_back(
          {"out", fmt::format("{:#x}", m_reference.out()), fmt::format("{:#x}", rtl_out)});
    }
    return out;
  }
  std::string inputs() const override {
    return fmt::format(
        "in_valid={:d} in_clear={:d} a={} a_scale={:#x} q={} z={} w_scale={:#x} group_end={:d} "
        "(w_bits={} G={} out={}); before: p={} s={} acc={:#x} ({})",
        m_in.valid, m_in.clear, m_in.a, m_in.a_scale, m_in.q, m_in.z, m_in.w_scale, m_in.group_end,
        m_spec.w_bits, m_spec.group_size, pe::float_format_name(m_spec.out_format), m_before.p,
        m_before.s, std::bit_cast<std::uint32_t>(m_before.acc), m_before.acc);
  }
  std::vector<Counter> counters() const override { return m_counts.counters(); }

 private:
  static void float_port(std::vector<Mismatch>& out, const char* name, float want,
                         std::uint32_t rtl) {
    const auto bits = std::bit_cast<std::uint32_t>(want);
    if (bits != rtl) {
      out.push_back({name, fmt::format("{:#x} ({})", bits, want),
                     fmt::format("{:#x} ({})", rtl, std::bit_cast<float>(rtl))});
    }
  }

  pe::MixpeSpec m_spec;              // the verilated parameter set
  int m_p_bits;                      // width of the p port
  int m_s_bits;                      // width of the s port
  MixpeStimulus m_stimulus;          // the seeded inputs
  Reference m_reference;             // the C++ side
  MixpeInputs m_in;                  // the last step's inputs
  pe::MixpeW4A8Arith::Acc m_before;  // the C++ state before the last step's edge
  std::int64_t m_in_group = 0;       // steps in the current group, for full_groups
  MixpeCounts m_counts;              // what was compared
};

// The verilated mixpe W4A8 parameter sets: 4-bit codes in groups of 128 -> fp32, 2-bit in groups
// of 3 -> fp16, 8-bit in groups of up to 2^17 -> fp16.
std::vector<VerilatedPeModel> mixpe_verilated_pes();

}  // namespace tpesim::cosim
