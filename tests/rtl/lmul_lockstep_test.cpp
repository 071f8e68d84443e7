// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_lmul.sv, verilated, against lmul_multiply (pe/lmul.h) through the cosim
// library's bench (sim/cosim/lmul_lockstep.h): the product's bit pattern, out_valid and its event
// flags (flushed, saturated, NaN) for every fp8 e4m3 and e5m2 operand pair, and for random and
// edge bf16 and fp16 pairs, one product per clock edge.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "Vpe_lmul_bf16.h"
#include "Vpe_lmul_e4m3.h"
#include "Vpe_lmul_e5m2.h"
#include "Vpe_lmul_fp16.h"
#include "pe/float_format.h"
#include "pe/lmul.h"
#include "sim/cosim/lmul_lockstep.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::FloatFormat;

// How many products of each kind a run compared (coverage of the special-value paths).
struct EventCounts {
  std::int64_t cycles = 0;     // clock edges compared
  std::int64_t products = 0;   // edges with in_valid
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

// Runs the bench (LmulStimulus: fp8 every pair; wide formats `random_pairs` random pairs with
// idle edges, every pair of edge patterns, pairs aimed at R's limits); fails the test at the first
// divergence with its report.
template <class Model>
EventCounts run_lmul(const FloatFormat& f, std::uint64_t seed, std::uint64_t random_pairs) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<LmulLockstep<Model>>(f, seed, random_pairs, traced,
                                                     LmulCycleModel(f));
      },
      LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  EventCounts c;
  c.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) {
    if (k.name == "products") c.products = k.value;
    if (k.name == "flushed") c.flushed = k.value;
    if (k.name == "saturated") c.saturated = k.value;
    if (k.name == "nan") c.nan = k.value;
    if (k.name == "zero_in") c.zero_in = k.value;
    if (k.name == "idle") c.idle = k.value;
  }
  return c;
}

// OCP fp8 e4m3: no infinities, NaN only at S.1111.111, saturation to S.1111.110 (448). Every one
// of the 65,536 operand pairs.
TEST(LmulLockstepTest, EveryE4m3PairMatchesModel) {
  const EventCounts c = run_lmul<Vpe_lmul_e4m3>(pe::kFp8E4M3, 7, 0);
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
  const EventCounts c = run_lmul<Vpe_lmul_e5m2>(pe::kFp8E5M2, 7, 0);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c.products, 65536);
  EXPECT_EQ(c.nan, 2 * 8 * 256 - 8 * 8);  // 8 inf/NaN patterns per operand
  EXPECT_GT(c.flushed, 0);
  EXPECT_GT(c.saturated, 0);
  EXPECT_GT(c.zero_in, 0);
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
  const EventCounts c = run_lmul<Vpe_lmul_bf16>(pe::kBf16, 21, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  expect_wide_format_coverage(c);
}

// fp16 (E = 5, M = 10, l = 4): the same checks on a second IEEE-like parameter set.
TEST(LmulLockstepTest, Fp16RandomAndEdgePairsMatchModel) {
  const EventCounts c = run_lmul<Vpe_lmul_fp16>(pe::kFp16, 22, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  expect_wide_format_coverage(c);
}

// Reset clears the randomly initialised registers; one edge of latency.
TEST(LmulLockstepTest, ResetClearsAndOutputIsRegistered) {
  VerilatedPe<Vpe_lmul_bf16> rtl(5);
  Vpe_lmul_bf16& m = rtl.model();
  EXPECT_FALSE(m.out_valid);
  EXPECT_EQ(m.p, 0u);
  EXPECT_FALSE(m.nan);
  m.in_valid = 1;
  m.x = 0x3F80;  // 1 x 2 under L-Mul: 2 (1 + 2^-4) = 2.125, 0x4008
  m.y = 0x4000;
  rtl.edge();
  EXPECT_TRUE(m.out_valid);
  EXPECT_EQ(m.p, 0x4008u);
  EXPECT_EQ(pe::lmul_multiply(0x3F80, 0x4000, pe::kBf16).pattern, 0x4008u);
}

}  // namespace
}  // namespace tpesim::cosim
