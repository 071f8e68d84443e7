// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_fp_mac.sv, verilated, against FpMacArith (pe/fp_mac.h) in lock step
// through the cosim library's bench (sim/cosim/fp_mac_lockstep.h): the binary32 accumulator's bit
// pattern (signed zeros included; every NaN is the canonical +0x7FC00000), the overflow event and
// the output-format read port after every clock edge, for fp16, bf16, fp8 e4m3, fp8 e5m2, two
// mixed operand-format pairs and fp16 x fp16 -> fp32.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "Vpe_fp_mac_bf16.h"
#include "Vpe_fp_mac_e4m3.h"
#include "Vpe_fp_mac_e4m3_e5m2.h"
#include "Vpe_fp_mac_e5m2.h"
#include "Vpe_fp_mac_fp16.h"
#include "Vpe_fp_mac_fp16_bf16.h"
#include "Vpe_fp_mac_fp16_fp32.h"
#include "pe/float_format.h"
#include "pe/fp_mac.h"
#include "sim/cosim/fp_mac_lockstep.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::kBf16;
using pe::kFp16;
using pe::kFp32;
using pe::kFp8E4M3;
using pe::kFp8E5M2;

// What one lock-step run compared (coverage of the datapath's paths and special values): the
// cycles and the bench's counters by name (FpMacCounts).
struct Counts {
  std::int64_t cycles = 0;                      // clock edges compared
  std::map<std::string, std::int64_t> counter;  // FpMacCounts::counters(), by name

  std::int64_t operator[](const std::string& name) const { return counter.at(name); }
  // The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
  void record() const {
    ::testing::Test::RecordProperty("cycles", std::to_string(cycles));
    for (const auto& [name, value] : counter) {
      ::testing::Test::RecordProperty(name, std::to_string(value));
    }
  }
};

// Runs the bench (FpMacStimulus: random cycles, every pair of edge patterns on every accumulator
// state, every fp8 pair); fails the test at the first divergence with its report.
template <class Model>
Counts run(const pe::FpMacSpec& spec, std::uint64_t seed, std::uint64_t random_cycles) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<FpMacLockstep<Model>>(spec, seed, random_cycles, traced,
                                                      FpMacCycleModel(spec));
      },
      LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  Counts out;
  out.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) out.counter[k.name] = k.value;
  return out;
}

// Every run must have compared each path; the thresholds are far below what the seeds give.
// Every NaN cause is exercised: a NaN operand and a NaN accumulator always; with `inf`, also
// inf * 0 and inf + (-inf).
// `inf`: an operand format has infinities (so do products and the accumulator);
// `tiny`: products reach binary32's overflow and subnormal range (bf16 operands);
// `out_overflow`: the output format's range is narrower than binary32's (fp16).
void expect_coverage(const Counts& c, bool inf, bool tiny, bool out_overflow) {
  EXPECT_GE(c.cycles, 200000);
  EXPECT_GT(c["nan"], 1000);
  EXPECT_GT(c["nan_operand"], 1000);
  EXPECT_GT(c["nan_acc"], 500);
  EXPECT_GT(c["clears"], 1000);
  EXPECT_GT(c["zero"], 1000);
  EXPECT_GT(c["cancel_exact"], 500);
  EXPECT_GT(c["cancel_massive"], 100);
  EXPECT_GT(c["ties"], 1000);
  if (inf) {
    EXPECT_GT(c["inf"], 100);
    EXPECT_GT(c["nan_inf_zero"], 50);
    EXPECT_GT(c["nan_inf_inf"], 5);
  }
  if (tiny) {  // -0 needs an underflow first: RNE32(+0 + -0) is +0, and a chain starts at +0
    EXPECT_GT(c["finite_to_inf"], 10);
    EXPECT_GT(c["subnormal"], 10);
    EXPECT_GT(c["underflow"], 10);
    EXPECT_GT(c["negative_zero"], 10);
  }
  if (out_overflow) {
    EXPECT_GT(c["out_inf"], 100);
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

// fp16 x fp16 -> binary32 with no output rounding (the spec's defaults, the parameter set of
// configs/arch/fp16_mac_32x32.yaml): out is acc itself.
TEST(FpMacLockstepTest, Fp16ToFp32MatchesModelEveryCycle) {
  const Counts c = run<Vpe_fp_mac_fp16_fp32>(fp_mac_spec(kFp16, kFp16, kFp32), 37, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, true, false, false);
}

// Reset clears the randomly initialised registers; one edge of latency; idle edges and a clear
// without in_valid hold the accumulator and drop the overflow event.
TEST(FpMacLockstepTest, ResetClearAndValidTiming) {
  VerilatedPe<Vpe_fp_mac_bf16> rtl(5);
  const auto& m = rtl.model();
  const auto step = [&](const FpMacInputs& in) {
    drive_fp_mac(rtl.model(), in);
    rtl.edge();
  };
  EXPECT_EQ(m.acc, 0u);
  EXPECT_FALSE(m.overflow);
  step({true, false, 0x3FC0, 0x4000});  // 1.5 x 2 = 3
  EXPECT_EQ(m.acc, 0x40400000u);
  EXPECT_EQ(m.out, 0x4040u);
  step({false, true, 0x7F80, 0x7F80});  // idle: clear and operands ignored
  EXPECT_EQ(m.acc, 0x40400000u);
  step({true, false, 0x7F7F, 0x7F7F});  // max x max: overflows binary32
  EXPECT_EQ(m.acc, 0x7F800000u);
  EXPECT_TRUE(m.overflow);
  step({false, false, 0, 0});  // the event lasts one cycle; acc holds
  EXPECT_FALSE(m.overflow);
  EXPECT_EQ(m.acc, 0x7F800000u);
  step({true, true, 0x8000, 0x3F80});  // clear: RNE32(+0 + -0 x 1) = +0
  EXPECT_EQ(m.acc, 0u);
}

}  // namespace
}  // namespace tpesim::cosim
