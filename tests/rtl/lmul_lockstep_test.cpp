// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_lmul.sv, verilated, against lmul_multiply (pe/lmul.h): the product's bit
// pattern and its event flags (flushed, saturated, NaN) for every fp8 e4m3 and e5m2 operand pair,
// and for random and edge bf16 and fp16 pairs, one product per clock edge.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "Vpe_lmul_bf16.h"
#include "Vpe_lmul_e4m3.h"
#include "Vpe_lmul_e5m2.h"
#include "Vpe_lmul_fp16.h"
#include "pe/float_format.h"
#include "pe/lmul.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

// One verilated pe_lmul with its clock and reset.
template <class Model>
class LmulRtl {
 public:
  explicit LmulRtl(std::uint64_t seed) : m_pe(seed) {}

  // Drives the operands and takes one rising edge.
  void step(bool valid, std::uint32_t x, std::uint32_t y) {
    Model& m = m_pe.model();
    m.in_valid = valid;
    m.x = static_cast<std::remove_reference_t<decltype(m.x)>>(x);
    m.y = static_cast<std::remove_reference_t<decltype(m.y)>>(y);
    m_pe.edge();
  }
  bool out_valid() const { return m_pe.model().out_valid != 0; }
  // The registered product and flags, in LmulProduct's shape.
  LmulProduct product() const {
    const Model& m = m_pe.model();
    return LmulProduct{static_cast<std::uint32_t>(m.p), m.flushed != 0, m.saturated != 0,
                       m.nan != 0};
  }

 private:
  testing_support::VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
};

// How many products of each kind a run compared (coverage of the special-value paths).
struct EventCounts {
  std::int64_t products = 0;   // comparisons made
  std::int64_t flushed = 0;    // R below the smallest normal
  std::int64_t saturated = 0;  // R above the largest finite
  std::int64_t nan = 0;        // NaN or infinite operand
  std::int64_t zero_in = 0;    // zero or subnormal operand, no event
  std::int64_t idle = 0;       // edges without in_valid (product held, flags low)
};

// The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
void record(const EventCounts& c) {
  ::testing::Test::RecordProperty("products", std::to_string(c.products));
  ::testing::Test::RecordProperty("flushed", std::to_string(c.flushed));
  ::testing::Test::RecordProperty("saturated", std::to_string(c.saturated));
  ::testing::Test::RecordProperty("nan", std::to_string(c.nan));
  ::testing::Test::RecordProperty("zero_in", std::to_string(c.zero_in));
  ::testing::Test::RecordProperty("idle", std::to_string(c.idle));
}

// Runs one pair through the RTL and compares pattern and flags with lmul_multiply.
template <class Model>
bool compare(LmulRtl<Model>& rtl, const FloatFormat& f, std::uint32_t x, std::uint32_t y,
             EventCounts& counts) {
  rtl.step(true, x, y);
  const LmulProduct want = lmul_multiply(x, y, f);
  const LmulProduct got = rtl.product();
  ++counts.products;
  counts.flushed += want.flushed;
  counts.saturated += want.saturated;
  counts.nan += want.nan;
  counts.zero_in +=
      !want.nan && (is_zero(x, f) || is_subnormal(x, f) || is_zero(y, f) || is_subnormal(y, f));
  EXPECT_TRUE(rtl.out_valid());
  EXPECT_EQ(got.pattern, want.pattern)
      << float_format_name(f) << std::hex << " x=0x" << x << " y=0x" << y;
  EXPECT_EQ(got.flushed, want.flushed) << std::hex << "x=0x" << x << " y=0x" << y;
  EXPECT_EQ(got.saturated, want.saturated) << std::hex << "x=0x" << x << " y=0x" << y;
  EXPECT_EQ(got.nan, want.nan) << std::hex << "x=0x" << x << " y=0x" << y;
  return !::testing::Test::HasFailure();
}

// Every one of the 65,536 operand pairs of an fp8 format.
template <class Model>
EventCounts check_every_fp8_pair(const FloatFormat& f) {
  LmulRtl<Model> rtl(7);
  EventCounts counts;
  for (std::uint32_t x = 0; x < 256; ++x) {
    for (std::uint32_t y = 0; y < 256; ++y) {
      if (!compare(rtl, f, x, y, counts)) return counts;
    }
  }
  return counts;
}

// OCP fp8 e4m3: no infinities, NaN only at S.1111.111, saturation to S.1111.110 (448).
TEST(LmulLockstepTest, EveryE4m3PairMatchesModel) {
  const EventCounts c = check_every_fp8_pair<Vpe_lmul_e4m3>(kFp8E4M3);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c.products, 65536);
  EXPECT_EQ(c.nan, 2 * 2 * 256 - 4);  // x or y one of the two NaN patterns
  EXPECT_GT(c.flushed, 0);
  EXPECT_GT(c.saturated, 0);
  EXPECT_GT(c.zero_in, 0);
}

// fp8 e5m2, IEEE-like: infinities and NaNs in, the canonical NaN out.
TEST(LmulLockstepTest, EveryE5m2PairMatchesModel) {
  const EventCounts c = check_every_fp8_pair<Vpe_lmul_e5m2>(kFp8E5M2);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c.products, 65536);
  EXPECT_EQ(c.nan, 2 * 8 * 256 - 8 * 8);  // 8 inf/NaN patterns per operand
  EXPECT_GT(c.flushed, 0);
  EXPECT_GT(c.saturated, 0);
  EXPECT_GT(c.zero_in, 0);
}

// Edge patterns of a wide IEEE-like format: signed zeros, the smallest and largest subnormals,
// the smallest normal, one, the largest finite, infinities and NaNs (quiet, signalling, all
// ones).
std::vector<std::uint32_t> edge_patterns(const FloatFormat& f) {
  const std::uint32_t sign = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  const std::uint32_t man = (std::uint32_t{1} << f.man_bits) - 1;
  const std::uint32_t inf = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
  const std::uint32_t one = static_cast<std::uint32_t>(f.bias()) << f.man_bits;
  std::vector<std::uint32_t> out;
  for (std::uint32_t mag : {0u, 1u, man, man + 1, one, one + man, inf - 1, inf, inf + 1,
                            inf | (std::uint32_t{1} << (f.man_bits - 1)), inf | man}) {
    out.push_back(mag);
    out.push_back(mag | sign);
  }
  return out;
}

// `random_pairs` random pairs (and between them idle cycles, in_valid low, an eighth of the time:
// the product then holds and the flags drop),
// every pair of edge patterns, and pairs aimed at R's two limits (the smallest normal and the
// largest finite encoding, +-3).
template <class Model>
EventCounts check_wide_format(const FloatFormat& f, std::uint64_t seed, int random_pairs) {
  LmulRtl<Model> rtl(seed);
  EventCounts counts;
  std::mt19937_64 rng(seed);
  const int mag_bits = f.exp_bits + f.man_bits;
  const std::uint32_t mask = (std::uint32_t{1} << (mag_bits + 1)) - 1;
  LmulProduct last{};
  for (int compared = 0; compared < random_pairs;) {
    const auto x = static_cast<std::uint32_t>(rng()) & mask;
    const auto y = static_cast<std::uint32_t>(rng()) & mask;
    if (rng() % 8 == 0) {
      rtl.step(false, x, y);
      ++counts.idle;
      const LmulProduct got = rtl.product();
      EXPECT_FALSE(rtl.out_valid());
      EXPECT_EQ(got.pattern, last.pattern) << "the product must hold while in_valid is low";
      EXPECT_FALSE(got.flushed || got.saturated || got.nan) << "flags are per product";
      continue;
    }
    if (!compare(rtl, f, x, y, counts)) return counts;
    last = rtl.product();
    ++compared;
  }
  const std::vector<std::uint32_t> edges = edge_patterns(f);
  for (std::uint32_t x : edges) {
    for (std::uint32_t y : edges) {
      if (!compare(rtl, f, x, y, counts)) return counts;
    }
  }
  // R = X + Y - OFFSET aimed at the smallest normal 2^m and the largest finite encoding.
  const std::int64_t offset = lmul_offset(f);
  const std::int64_t largest = ((((std::int64_t{1} << f.exp_bits) - 1) << f.man_bits) - 1);
  const std::int64_t min_normal = std::int64_t{1} << f.man_bits;
  for (std::int64_t target : {min_normal, largest}) {
    for (std::int64_t delta = -3; delta <= 3; ++delta) {
      for (int k = 0; k < 64; ++k) {
        // X a normal magnitude such that Y = target + delta + OFFSET - X is a normal magnitude.
        const std::int64_t want_sum = target + delta + offset;
        const std::int64_t lo = std::max<std::int64_t>(min_normal, want_sum - largest);
        const std::int64_t hi = std::min<std::int64_t>(largest, want_sum - min_normal);
        if (lo > hi) break;
        const std::int64_t x =
            lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
        const auto sx = static_cast<std::uint32_t>(rng() & 1) << mag_bits;
        const auto sy = static_cast<std::uint32_t>(rng() & 1) << mag_bits;
        if (!compare(rtl, f, static_cast<std::uint32_t>(x) | sx,
                     static_cast<std::uint32_t>(want_sum - x) | sy, counts)) {
          return counts;
        }
      }
    }
  }
  return counts;
}

// A wide-format run compared every path: products, flushes, saturations, NaNs, zero inputs, idle
// edges.
void expect_wide_format_coverage(const EventCounts& c) {
  EXPECT_GT(c.products, 200000);
  EXPECT_GT(c.flushed, 1000);
  EXPECT_GT(c.saturated, 1000);
  EXPECT_GT(c.nan, 1000);
  EXPECT_GT(c.zero_in, 100);
  EXPECT_GT(c.idle, 10000);
}

// bf16: 200k random pairs, the edge patterns and R's limits, against lmul_multiply bit for bit.
TEST(LmulLockstepTest, Bf16RandomAndEdgePairsMatchModel) {
  const EventCounts c = check_wide_format<Vpe_lmul_bf16>(kBf16, 21, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  expect_wide_format_coverage(c);
}

// fp16 (E = 5, M = 10, l = 4): the same checks on a second IEEE-like parameter set.
TEST(LmulLockstepTest, Fp16RandomAndEdgePairsMatchModel) {
  const EventCounts c = check_wide_format<Vpe_lmul_fp16>(kFp16, 22, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  expect_wide_format_coverage(c);
}

// Reset clears the randomly initialised registers; one edge of latency.
TEST(LmulLockstepTest, ResetClearsAndOutputIsRegistered) {
  LmulRtl<Vpe_lmul_bf16> rtl(5);
  EXPECT_FALSE(rtl.out_valid());
  EXPECT_EQ(rtl.product().pattern, 0u);
  EXPECT_FALSE(rtl.product().nan);
  rtl.step(true, 0x3F80, 0x4000);  // 1 x 2 under L-Mul: 2 (1 + 2^-4) = 2.125, 0x4008
  EXPECT_TRUE(rtl.out_valid());
  EXPECT_EQ(rtl.product().pattern, 0x4008u);
  EXPECT_EQ(lmul_multiply(0x3F80, 0x4000, kBf16).pattern, 0x4008u);
}

}  // namespace
}  // namespace tpesim::pe
