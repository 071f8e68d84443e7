// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_fp_mac.sv against pe::FpMacArith: after every edge the binary32
// accumulator's bit pattern (signed zeros included; every NaN the canonical +0x7FC00000), the
// overflow event and the output-format read port `out`.
#pragma once

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "pe/fp_mac.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// An fp_mac spec with the formats of a verilated parameter set.
pe::FpMacSpec fp_mac_spec(const pe::FloatFormat& a, const pe::FloatFormat& w,
                          const pe::FloatFormat& out);

// One cycle's inputs of pe_fp_mac.
struct FpMacInputs {
  bool valid = false;   // in_valid: a MAC at this edge
  bool clear = false;   // in_clear: the MAC starts a new chain (acts only with valid)
  std::uint32_t a = 0;  // a_format bit pattern
  std::uint32_t w = 0;  // w_format bit pattern
  bool tie = false;     // not an input: the stimulus built the MAC's exact sum as a rounding tie
};

// Drives one verilated pe_fp_mac's inputs.
template <class Model>
void drive_fp_mac(Model& m, const FpMacInputs& in) {
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(in.a);
  m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(in.w);
}

// FpMacArith at the PE's cycle contract: registered binary32 accumulator (reset +0; a new chain
// restarts from FpMacArith::zero()), the overflow event of the edge's MAC (0 after an idle edge),
// and the read port out = output(acc).
class FpMacCycleModel {
 public:
  explicit FpMacCycleModel(const pe::FpMacSpec& spec) : m_arith(spec) {}
  void edge(const FpMacInputs& in) {
    m_overflow = false;
    if (!in.valid) return;
    const float addend = in.clear ? pe::FpMacArith::zero() : m_acc;
    const pe::FpMacArith::Step s =
        m_arith.mac_step(addend, m_arith.decode_a(in.a), m_arith.decode_w(in.w));
    m_acc = s.value;
    m_overflow = s.overflow;
  }
  float acc() const { return m_acc; }
  bool overflow() const { return m_overflow; }
  std::uint32_t out() const { return static_cast<std::uint32_t>(m_arith.output(m_acc)); }

 private:
  pe::FpMacArith m_arith;   // the value semantics
  float m_acc = 0.0f;       // registered accumulator (reset: +0)
  bool m_overflow = false;  // the last edge's MAC left the finite range
};

// The seeded stimulus, in phases:
//  1. `random_cycles` random cycles (in_valid 7/8, a new chain 1/16 and on half of the cycles
//     while acc is not finite). Each cycle picks a mode: edge patterns, uniform bit patterns,
//     huge or tiny values, the last MAC negated, a product of about -acc (cancellation), an exact
//     sum that is a rounding tie, the product acc * 2^k for k in [-40, 4] (every alignment
//     distance), or values of moderate size;
//  2. every pair of edge patterns onto each accumulator state (each a_format edge pattern, set by
//     a fresh-chain MAC with w = 1);
//  3. fp8 x fp8 only: every operand pair as a fresh chain, then every pair onto a running
//     accumulator (restarted when not finite and 1/64 of the time).
// Phase 1 draws from seed + 1, phase 3 from seed + 2 (the verilated registers from seed).
class FpMacStimulus {
 public:
  FpMacStimulus(const pe::FpMacSpec& spec, std::uint64_t seed, std::uint64_t random_cycles);
  bool done() const { return m_phase == Phase::Done; }
  // The next cycle's inputs, given the C++ side's accumulator.
  FpMacInputs next(float acc);

 private:
  enum class Phase { Random, EdgePairs, Fp8Fresh, Fp8Running, Done };

  FpMacInputs random_cycle(float acc);
  void advance();  // moves to the next phase that has cycles
  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double unit();    // uniform in [1, 2)
  double normal();  // standard normal
  std::uint32_t edge(const std::vector<std::uint32_t>& e);
  std::uint32_t random_pattern(const pe::FloatFormat& f);
  std::uint32_t scaled(const pe::FloatFormat& f, double lo, double hi);
  std::uint32_t near_one(const pe::FloatFormat& f);
  bool try_tie(float acc, FpMacInputs& s);

  pe::FpMacArith m_arith;                // formats and decoding
  std::mt19937_64 m_rng;                 // phase 1's source (seed + 1)
  std::mt19937_64 m_restart_rng;         // phase 3's restarts (seed + 2)
  std::vector<std::uint32_t> m_edges_a;  // edge patterns of a_format
  std::vector<std::uint32_t> m_edges_w;  // edge patterns of w_format
  std::uint32_t m_one_w = 0;             // the w_format pattern of 1
  FpMacInputs m_last;                    // the previous random cycle's inputs
  Phase m_phase = Phase::Random;         // the phase of the next cycle
  std::uint64_t m_random;                // cycles of phase 1
  std::uint64_t m_index = 0;             // the next cycle's index within its phase
};

// The coverage counters of a run, by cause (names as in counters()).
struct FpMacCounts {
  std::int64_t macs = 0;            // edges with in_valid
  std::int64_t clears = 0;          // MACs with in_clear (a new chain)
  std::int64_t nan = 0;             // MACs whose result is NaN (the canonical NaN), of which:
  std::int64_t nan_operand = 0;     // ... a or w NaN
  std::int64_t nan_acc = 0;         // ... a and w not NaN, the accumulator NaN
  std::int64_t nan_inf_zero = 0;    // ... no NaN input, inf * 0 or 0 * inf
  std::int64_t nan_inf_inf = 0;     // ... no NaN input, an infinite product plus the opposite inf
  std::int64_t inf = 0;             // MACs whose result is infinite
  std::int64_t finite_to_inf = 0;   // ... from finite operands and addend (rounding overflow)
  std::int64_t overflow = 0;        // the model's numeric event (result inf or NaN)
  std::int64_t subnormal = 0;       // MACs whose result is a binary32 subnormal
  std::int64_t zero = 0;            // MACs whose result is +-0
  std::int64_t negative_zero = 0;   // ... -0
  std::int64_t underflow = 0;       // nonzero exact sum rounded to zero
  std::int64_t cancel_exact = 0;    // nonzero product and addend that sum to exactly zero
  std::int64_t cancel_massive = 0;  // opposite signs, result 8+ binades below the larger input
  std::int64_t ties = 0;            // constructed steps whose exact sum is a rounding tie
  std::int64_t out_inf = 0;         // out is infinite while acc is finite (output overflow)

  // Counts one MAC: its addend, decoded operands and result.
  void count_mac(float addend, float a, float w, float result, const FpMacInputs& in);
  std::vector<Counter> counters() const;
};

template <class Model, class Reference = FpMacCycleModel>
class FpMacLockstep final : public VerilatedLockstep<Model> {
 public:
  FpMacLockstep(const pe::FpMacSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                bool traced, Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_arith(spec),
        m_stimulus(spec, seed, random_cycles),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(); }
  std::vector<Mismatch> step() override {
    m_before = m_reference.acc();
    m_in = m_stimulus.next(m_before);
    Model& m = this->pe().model();
    drive_fp_mac(m, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    if (m_in.valid) {
      m_counts.count_mac(m_in.clear ? pe::FpMacArith::zero() : m_before, m_arith.decode_a(m_in.a),
                         m_arith.decode_w(m_in.w), m_reference.acc(), m_in);
    }
    std::vector<Mismatch> out;
    const auto want_acc = std::bit_cast<std::uint32_t>(m_reference.acc());
    const auto rtl_acc = static_cast<std::uint32_t>(m.acc);
    if (rtl_acc != want_acc) {
      out.push_back({"acc", fmt::format("{:#x} ({})", want_acc, m_reference.acc()),
                     fmt::format("{:#x} ({})", rtl_acc, std::bit_cast<float>(rtl_acc))});
    }
    if ((m.overflow != 0) != m_reference.overflow()) {
      out.push_back({"overflow", fmt::format("{:d}", m_reference.overflow()),
                     fmt::format("{:d}", m.overflow != 0)});
    }
    const auto rtl_out = static_cast<std::uint32_t>(m.out);
    if (rtl_out != m_reference.out()) {
      out.push_back(
          {"out", fmt::format("{:#x}", m_reference.out()), fmt::format("{:#x}", rtl_out)});
    }
    if (std::isfinite(m_reference.acc()) && (m_reference.out() & ~out_sign()) == out_inf()) {
      ++m_counts.out_inf;
    }
    return out;
  }
  std::string inputs() const override {
    return fmt::format(
        "in_valid={:d} in_clear={:d} a={:#x} w={:#x} ({} x {} -> {}), acc before "
        "{:#x} ({})",
        m_in.valid, m_in.clear, m_in.a, m_in.w, pe::float_format_name(m_arith.a_format),
        pe::float_format_name(m_arith.w_format), pe::float_format_name(m_arith.out_format),
        std::bit_cast<std::uint32_t>(m_before), m_before);
  }
  std::vector<Counter> counters() const override { return m_counts.counters(); }

 private:
  std::uint32_t out_sign() const {
    return std::uint32_t{1} << (m_arith.out_format.exp_bits + m_arith.out_format.man_bits);
  }
  std::uint32_t out_inf() const {
    const pe::FloatFormat& f = m_arith.out_format;
    return ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
  }

  pe::FpMacArith m_arith;    // formats and decoding, for the counters and the report
  FpMacStimulus m_stimulus;  // the seeded inputs
  Reference m_reference;     // the C++ side
  FpMacInputs m_in;          // the last step's inputs
  float m_before = 0.0f;     // the C++ accumulator before the last step's edge
  FpMacCounts m_counts;      // what was compared
};

// The verilated fp_mac parameter sets (a x w -> out): fp16 x fp16 -> fp16, bf16 x bf16 -> bf16,
// e4m3 x e4m3 -> fp32, e5m2 x e5m2 -> fp16, e4m3 x e5m2 -> bf16, fp16 x bf16 -> fp32 and
// fp16 x fp16 -> fp32.
std::vector<VerilatedPeModel> fp_mac_verilated_pes();

}  // namespace tpesim::cosim
