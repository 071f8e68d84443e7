// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_fp_mac.sv, verilated, against FpMacArith (pe/fp_mac.h) in lock step: the
// binary32 accumulator's bit pattern (signed zeros included; every NaN is the canonical
// +0x7FC00000), the overflow event and the output-format read port after every clock edge, for
// fp16, bf16, fp8 e4m3, fp8 e5m2 and two mixed operand-format pairs.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vpe_fp_mac_bf16.h"
#include "Vpe_fp_mac_e4m3.h"
#include "Vpe_fp_mac_e4m3_e5m2.h"
#include "Vpe_fp_mac_e5m2.h"
#include "Vpe_fp_mac_fp16.h"
#include "Vpe_fp_mac_fp16_bf16.h"
#include "pe/float_format.h"
#include "pe/fp_mac.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

FpMacSpec fp_mac_spec(FloatFormat a, FloatFormat w, FloatFormat out) {
  FpMacSpec spec;
  spec.a_format = a;
  spec.w_format = w;
  spec.out_format = out;
  return spec;
}

// One clock edge's inputs.
struct Stimulus {
  bool valid = false;   // in_valid
  bool clear = false;   // in_clear (acts only with valid)
  std::uint32_t a = 0;  // a_format bit pattern
  std::uint32_t w = 0;  // w_format bit pattern
};

// One verilated pe_fp_mac with its clock and reset.
template <class Model>
class FpMacRtl {
 public:
  explicit FpMacRtl(std::uint64_t seed) : m_pe(seed) {}

  // Drives the inputs and takes one rising edge.
  void step(const Stimulus& s) {
    Model& m = m_pe.model();
    m.in_valid = s.valid;
    m.in_clear = s.clear;
    m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(s.a);
    m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(s.w);
    m_pe.edge();
  }
  std::uint32_t acc() const { return static_cast<std::uint32_t>(m_pe.model().acc); }
  bool overflow() const { return m_pe.model().overflow != 0; }
  std::uint32_t out() const { return static_cast<std::uint32_t>(m_pe.model().out); }

 private:
  testing_support::VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
};

// What one lock-step run compared (coverage of the datapath's paths and special values).
struct Counts {
  std::int64_t cycles = 0;          // clock edges compared
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

  void record() const {
    auto put = [](const char* key, std::int64_t v) {
      ::testing::Test::RecordProperty(key, std::to_string(v));
    };
    put("cycles", cycles);
    put("macs", macs);
    put("clears", clears);
    put("nan", nan);
    put("nan_operand", nan_operand);
    put("nan_acc", nan_acc);
    put("nan_inf_zero", nan_inf_zero);
    put("nan_inf_inf", nan_inf_inf);
    put("inf", inf);
    put("finite_to_inf", finite_to_inf);
    put("overflow", overflow);
    put("subnormal", subnormal);
    put("zero", zero);
    put("negative_zero", negative_zero);
    put("underflow", underflow);
    put("cancel_exact", cancel_exact);
    put("cancel_massive", cancel_massive);
    put("ties", ties);
    put("out_inf", out_inf);
  }
};

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// The RTL and FpMacArith side by side: every step() drives both and compares acc (bit pattern),
// overflow and out. The first mismatch fails the test with the cycle, the inputs, the
// accumulator before the edge and both values; later steps are refused.
template <class Model>
class Lockstep {
 public:
  Lockstep(const FpMacSpec& spec, std::uint64_t seed) : m_arith(spec), m_rtl(seed) {}

  const FpMacArith& arith() const { return m_arith; }
  float acc() const { return m_acc; }
  Counts& counts() { return m_counts; }

  bool step(const Stimulus& s, bool tie = false) {
    if (m_failed) return false;
    const float before = m_acc;
    bool event = false;
    if (s.valid) {
      const float addend = s.clear ? FpMacArith::zero() : m_acc;
      const float a = m_arith.decode_a(s.a), w = m_arith.decode_w(s.w);
      const FpMacArith::Step r = m_arith.mac_step(addend, a, w);
      m_acc = r.value;
      event = r.overflow;
      count(addend, a, w, s.clear, tie);
    }
    m_rtl.step(s);
    ++m_counts.cycles;
    const std::uint32_t want_acc = std::bit_cast<std::uint32_t>(m_acc);
    const auto want_out = static_cast<std::uint32_t>(m_arith.output(m_acc));
    if (m_rtl.acc() != want_acc || m_rtl.overflow() != event || m_rtl.out() != want_out) {
      m_failed = true;
      ADD_FAILURE() << "first mismatch at cycle " << m_counts.cycles - 1 << " ("
                    << float_format_name(m_arith.a_format) << " x "
                    << float_format_name(m_arith.w_format) << " -> "
                    << float_format_name(m_arith.out_format) << "): in_valid=" << s.valid
                    << " in_clear=" << s.clear << " a=" << hex(s.a) << " w=" << hex(s.w)
                    << " acc before=" << hex(std::bit_cast<std::uint32_t>(before)) << " (" << before
                    << ")\n  model: acc=" << hex(want_acc) << " (" << m_acc
                    << ") overflow=" << event << " out=" << hex(want_out)
                    << "\n  rtl:   acc=" << hex(m_rtl.acc()) << " ("
                    << std::bit_cast<float>(m_rtl.acc()) << ") overflow=" << m_rtl.overflow()
                    << " out=" << hex(m_rtl.out());
      return false;
    }
    if (std::isfinite(m_acc) && (m_rtl.out() & ~out_sign()) == out_inf()) ++m_counts.out_inf;
    return true;
  }

 private:
  std::uint32_t out_sign() const {
    return std::uint32_t{1} << (m_arith.out_format.exp_bits + m_arith.out_format.man_bits);
  }
  std::uint32_t out_inf() const {
    const FloatFormat& f = m_arith.out_format;
    return ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
  }
  void count(float addend, float a, float w, bool clear, bool tie) {
    Counts& c = m_counts;
    const float r = m_acc;
    ++c.macs;
    c.clears += clear;
    c.ties += tie;
    if (std::isnan(r)) {  // by cause, in the RTL's priority order
      ++c.nan;
      if (std::isnan(a) || std::isnan(w)) {
        ++c.nan_operand;
      } else if (std::isnan(addend)) {
        ++c.nan_acc;
      } else if ((std::isinf(a) && w == 0) || (a == 0 && std::isinf(w))) {
        ++c.nan_inf_zero;
      } else {
        ++c.nan_inf_inf;
      }
    }
    if (std::isinf(r)) {
      ++c.inf;
      c.finite_to_inf += std::isfinite(a) && std::isfinite(w) && std::isfinite(addend);
    }
    c.overflow += !std::isfinite(r);
    c.subnormal += std::fpclassify(r) == FP_SUBNORMAL;
    if (r == 0) {
      ++c.zero;
      c.negative_zero += std::signbit(r);
      const bool product_nonzero = a != 0 && w != 0;
      c.underflow += product_nonzero && addend == 0;
      c.cancel_exact += product_nonzero && addend != 0;
    } else if (std::isfinite(r) && a != 0 && w != 0 && addend != 0 && std::isfinite(addend) &&
               (std::signbit(a) != std::signbit(w)) != std::signbit(addend)) {
      // The product is exact in binary64 (fp16 / bf16 / fp8 significands), so its binade is.
      const int larger =
          std::max(std::ilogb(static_cast<double>(a) * static_cast<double>(w)), std::ilogb(addend));
      c.cancel_massive += std::ilogb(r) <= larger - 8;
    }
  }

  FpMacArith m_arith;     // the one C++ definition of fp_mac's values
  FpMacRtl<Model> m_rtl;  // the verilated module
  float m_acc = 0.0f;     // the model's accumulator (reset: +0)
  bool m_failed = false;  // a mismatch was reported
  Counts m_counts;        // what was compared
};

// The pattern of value v in format f when v is exactly representable there.
std::optional<std::uint32_t> exact_pattern(double v, const FloatFormat& f) {
  const std::uint32_t p = encode(v, f);
  if (decode(p, f) != v) return std::nullopt;
  return p;
}

// Edge patterns: +-0, the smallest and largest subnormals, the smallest normal, 1, 1 + ulp,
// the largest significand of 1's binade, the largest finite value, and the infinities and NaNs
// (IEEE-like: quiet, signalling, all ones; e4m3: its one NaN).
std::vector<std::uint32_t> edge_patterns(const FloatFormat& f) {
  const std::uint32_t sign = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  const std::uint32_t man = (std::uint32_t{1} << f.man_bits) - 1;
  const std::uint32_t all = sign - 1;
  const std::uint32_t one = static_cast<std::uint32_t>(f.bias()) << f.man_bits;
  std::vector<std::uint32_t> mags = {0, 1, man, man + 1, one, one + 1, one + man};
  if (f.ieee_special) {
    const std::uint32_t inf = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
    mags.insert(mags.end(),
                {inf - 1, inf, inf + 1, inf | (std::uint32_t{1} << (f.man_bits - 1)), all});
  } else {
    mags.insert(mags.end(), {all - 1, all});
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : mags) {
    out.push_back(m);
    out.push_back(m | sign);
  }
  return out;
}

// Seeded random stimulus. Each cycle picks a mode; several aim the product at the current
// accumulator (alignment distances, cancellation, rounding ties) so that the adder's paths are
// all exercised, not only the trivial far-apart sums that uniform bit patterns give.
class StimulusGen {
 public:
  StimulusGen(const FpMacArith& arith, std::uint64_t seed) : m_arith(arith), m_rng(seed) {
    m_edges_a = edge_patterns(arith.a_format);
    m_edges_w = edge_patterns(arith.w_format);
  }

  // The next cycle's inputs given the model's accumulator; `tie` is set when the MAC's exact
  // sum is constructed to lie halfway between two binary32 values.
  Stimulus next(float acc, bool& tie) {
    Stimulus s;
    tie = false;
    s.valid = pick(8) != 0;
    // New chains: 1/16 of cycles, and half of the cycles while the accumulator is not finite.
    s.clear = pick(16) == 0 || (!std::isfinite(acc) && pick(2) == 0);
    const float addend = s.clear ? 0.0f : acc;
    const bool live = std::isfinite(addend) && addend != 0;
    switch (pick(16)) {
      case 0:  // edge patterns
        s.a = pick(2) ? edge(m_edges_a) : random_pattern(m_arith.a_format);
        s.w = pick(2) ? edge(m_edges_w) : random_pattern(m_arith.w_format);
        break;
      case 1:
      case 2:  // uniform bit patterns
        s.a = random_pattern(m_arith.a_format);
        s.w = random_pattern(m_arith.w_format);
        break;
      case 3:  // huge: products near and past binary32's range where the formats allow it
        s.a = scaled(m_arith.a_format, 0.5, 1.0);
        s.w = scaled(m_arith.w_format, 0.5, 1.0);
        break;
      case 4:  // tiny: products in and below binary32's subnormals where the formats allow it
        s.a = scaled(m_arith.a_format, -1.0, -0.4);
        s.w = scaled(m_arith.w_format, -1.0, -0.4);
        break;
      case 5:  // the last MAC again with a negated: exact cancellation after a chain's first MAC
        if (m_last.valid && !s.clear && pick(2) == 0) {
          s.a = m_last.a ^ (std::uint32_t{1} << (m_arith.a_format.bits() - 1));
          s.w = m_last.w;
          break;
        }
        [[fallthrough]];
      case 6:  // cancellation: the product is about -acc
        if (live) {
          s.w = near_one(m_arith.w_format);
          s.a = encode(-static_cast<double>(addend) / m_arith.decode_w(s.w), m_arith.a_format);
          break;
        }
        [[fallthrough]];
      case 7:
      case 8:
        if (live && try_tie(addend, s)) {
          tie = true;
          break;
        }
        [[fallthrough]];
      case 9:
      case 10:
      case 11:  // the product acc * 2^k, k in [-40, 4]: every alignment distance
        if (live) {
          s.w = near_one(m_arith.w_format);
          const double target = static_cast<double>(addend) * std::ldexp(unit(), pick(45) - 40) *
                                (pick(2) ? -1.0 : 1.0);
          s.a = encode(target / m_arith.decode_w(s.w), m_arith.a_format);
          break;
        }
        [[fallthrough]];
      default:  // values of moderate size
        s.a = encode(normal() * std::ldexp(1.0, pick(9) - 4), m_arith.a_format);
        s.w = encode(normal() * std::ldexp(1.0, pick(9) - 4), m_arith.w_format);
        break;
    }
    m_last = s;
    return s;
  }

 private:
  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double unit() { return 1.0 + static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }  // [1, 2)
  double normal() { return std::normal_distribution<double>(0.0, 1.0)(m_rng); }
  std::uint32_t edge(const std::vector<std::uint32_t>& e) {
    return e[static_cast<std::size_t>(pick(static_cast<int>(e.size())))];
  }
  std::uint32_t random_pattern(const FloatFormat& f) {
    return static_cast<std::uint32_t>(m_rng()) & ((std::uint32_t{1} << f.bits()) - 1);
  }
  // A random value of magnitude 2^(x * (emax + bias)) for x uniform in [lo, hi) of the
  // format's exponent range, random sign.
  std::uint32_t scaled(const FloatFormat& f, double lo, double hi) {
    const double span = static_cast<double>(f.bias()) + (f.ieee_special ? 1 : 2);
    const double x = lo + (hi - lo) * static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
    const double v = unit() * std::exp2(x * span) * (pick(2) ? -1.0 : 1.0);
    return encode(v, f);
  }
  // A value in [0.75, 1.5), random sign, in format f.
  std::uint32_t near_one(const FloatFormat& f) {
    return encode(
        (0.75 + 0.75 * static_cast<double>(m_rng() >> 11) * 0x1.0p-53) * (pick(2) ? -1.0 : 1.0), f);
  }
  // a and w whose exact product is (2j + 1) / 2 ulps of acc, random sign, j in 0..3: the exact
  // sum is a tie when it stays in acc's binade. False when no split fits the formats.
  bool try_tie(float acc, Stimulus& s) {
    const int e = std::max(std::ilogb(acc), -126);
    const double half_ulp = std::ldexp(1.0, e - 24);
    const double t = half_ulp * (2 * pick(4) + 1) * (pick(2) ? -1.0 : 1.0);
    const int lo = -m_arith.w_format.bias() - m_arith.w_format.man_bits;
    const int hi = m_arith.w_format.bias();
    for (int tries = 0; tries < 8; ++tries) {
      const int r = lo + pick(hi - lo + 1);
      const std::optional<std::uint32_t> w = exact_pattern(std::ldexp(1.0, r), m_arith.w_format);
      const std::optional<std::uint32_t> a = exact_pattern(std::ldexp(t, -r), m_arith.a_format);
      if (a && w) {
        s.a = *a;
        s.w = *w;
        return true;
      }
    }
    return false;
  }

  const FpMacArith& m_arith;             // formats and decoding
  std::mt19937_64 m_rng;                 // the seeded source
  std::vector<std::uint32_t> m_edges_a;  // edge patterns of a_format
  std::vector<std::uint32_t> m_edges_w;  // edge patterns of w_format
  Stimulus m_last;                       // the previous cycle's inputs
};

// Random cycles, then every pair of edge patterns on top of several accumulator states, then
// (fp8 x fp8) every operand pair, once as a fresh chain and once onto a running accumulator.
template <class Model>
Counts run(const FpMacSpec& spec, std::uint64_t seed, int random_cycles) {
  Lockstep<Model> ls(spec, seed);
  StimulusGen gen(ls.arith(), seed + 1);
  for (int i = 0; i < random_cycles; ++i) {
    bool tie = false;
    const Stimulus s = gen.next(ls.acc(), tie);
    if (!ls.step(s, tie)) return ls.counts();
  }
  // Accumulator states: each edge value of a_format (+-0, subnormals, 1, max finite, +-inf,
  // +-NaN), set by a fresh-chain MAC with w = 1; then every (a, w) pair of edge patterns onto
  // each state.
  const std::vector<std::uint32_t> ea = edge_patterns(spec.a_format);
  const std::vector<std::uint32_t> ew = edge_patterns(spec.w_format);
  const std::uint32_t one_w = *exact_pattern(1.0, spec.w_format);
  for (std::uint32_t state : ea) {
    for (std::uint32_t a : ea) {
      for (std::uint32_t w : ew) {
        if (!ls.step(Stimulus{true, true, state, one_w})) return ls.counts();
        if (!ls.step(Stimulus{true, false, a, w})) return ls.counts();
      }
    }
  }
  if (spec.a_format.bits() == 8 && spec.w_format.bits() == 8) {
    for (std::uint32_t a = 0; a < 256; ++a) {
      for (std::uint32_t w = 0; w < 256; ++w) {
        if (!ls.step(Stimulus{true, true, a, w})) return ls.counts();
      }
    }
    std::mt19937_64 rng(seed + 2);
    for (std::uint32_t a = 0; a < 256; ++a) {
      for (std::uint32_t w = 0; w < 256; ++w) {
        const bool restart = !std::isfinite(ls.acc()) || rng() % 64 == 0;
        if (!ls.step(Stimulus{true, restart, a, w})) return ls.counts();
      }
    }
  }
  return ls.counts();
}

// Every run must have compared each path; the thresholds are far below what the seeds give.
// Every NaN cause is exercised: a NaN operand and a NaN accumulator always; with `inf`, also
// inf * 0 and inf + (-inf).
// `inf`: an operand format has infinities (so do products and the accumulator);
// `tiny`: products reach binary32's overflow and subnormal range (bf16 operands);
// `out_overflow`: the output format's range is narrower than binary32's (fp16).
void expect_coverage(const Counts& c, bool inf, bool tiny, bool out_overflow) {
  EXPECT_GE(c.cycles, 200000);
  EXPECT_GT(c.nan, 1000);
  EXPECT_GT(c.nan_operand, 1000);
  EXPECT_GT(c.nan_acc, 500);
  EXPECT_GT(c.clears, 1000);
  EXPECT_GT(c.zero, 1000);
  EXPECT_GT(c.cancel_exact, 500);
  EXPECT_GT(c.cancel_massive, 100);
  EXPECT_GT(c.ties, 1000);
  if (inf) {
    EXPECT_GT(c.inf, 100);
    EXPECT_GT(c.nan_inf_zero, 50);
    EXPECT_GT(c.nan_inf_inf, 5);
  }
  if (tiny) {  // -0 needs an underflow first: RNE32(+0 + -0) is +0, and a chain starts at +0
    EXPECT_GT(c.finite_to_inf, 10);
    EXPECT_GT(c.subnormal, 10);
    EXPECT_GT(c.underflow, 10);
    EXPECT_GT(c.negative_zero, 10);
  }
  if (out_overflow) {
    EXPECT_GT(c.out_inf, 100);
  }
}

// fp16 x fp16 -> binary32, output rounded to fp16 (which overflows and flushes): 200k random
// cycles, edge pairs on every accumulator state, zero mismatches.
TEST(FpMacLockstepTest, Fp16MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_fp16>(fp_mac_spec(kFp16, kFp16, kFp16), 31, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, false, true);
}

// bf16 x bf16 -> binary32 (products overflow binary32 and land in its subnormals), output bf16.
TEST(FpMacLockstepTest, Bf16MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_bf16>(fp_mac_spec(kBf16, kBf16, kBf16), 32, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, true, false);
}

// OCP fp8 e4m3 (no infinity, one NaN, max 448): random cycles and every operand pair.
TEST(FpMacLockstepTest, E4m3MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_e4m3>(fp_mac_spec(kFp8E4M3, kFp8E4M3, kFp32), 33, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, false, false, false);
}

// fp8 e5m2 (IEEE-like), output rounded to fp16: random cycles and every operand pair.
TEST(FpMacLockstepTest, E5m2MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_e5m2>(fp_mac_spec(kFp8E5M2, kFp8E5M2, kFp16), 34, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, false, true);
}

// Mixed fp8: e4m3 activations x e5m2 weights, output bf16: random cycles and every pair.
TEST(FpMacLockstepTest, E4m3xE5m2MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_e4m3_e5m2>(fp_mac_spec(kFp8E4M3, kFp8E5M2, kBf16), 35, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, false, false);
}

// Mixed 16-bit: fp16 activations x bf16 weights, output fp32.
TEST(FpMacLockstepTest, Fp16xBf16MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_fp16_bf16>(fp_mac_spec(kFp16, kBf16, kFp32), 36, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, true, false);
}

// Reset clears the randomly initialised registers; one edge of latency; idle edges and a clear
// without in_valid hold the accumulator and drop the overflow event.
TEST(FpMacLockstepTest, ResetClearAndValidTiming) {
  FpMacRtl<Vpe_fp_mac_bf16> rtl(5);
  EXPECT_EQ(rtl.acc(), 0u);
  EXPECT_FALSE(rtl.overflow());
  rtl.step(Stimulus{true, false, 0x3FC0, 0x4000});  // 1.5 x 2 = 3
  EXPECT_EQ(rtl.acc(), 0x40400000u);
  EXPECT_EQ(rtl.out(), 0x4040u);
  rtl.step(Stimulus{false, true, 0x7F80, 0x7F80});  // idle: clear and operands ignored
  EXPECT_EQ(rtl.acc(), 0x40400000u);
  rtl.step(Stimulus{true, false, 0x7F7F, 0x7F7F});  // max x max: overflows binary32
  EXPECT_EQ(rtl.acc(), 0x7F800000u);
  EXPECT_TRUE(rtl.overflow());
  rtl.step(Stimulus{false, false, 0, 0});  // the event lasts one cycle; acc holds
  EXPECT_FALSE(rtl.overflow());
  EXPECT_EQ(rtl.acc(), 0x7F800000u);
  rtl.step(Stimulus{true, true, 0x8000, 0x3F80});  // clear: RNE32(+0 + -0 x 1) = +0
  EXPECT_EQ(rtl.acc(), 0u);
}

}  // namespace
}  // namespace tpesim::pe
