// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_mixpe_w4a8.sv, verilated, against MixpeW4A8Arith (pe/mixpe.h) in lock step
// through the cosim library's bench (sim/cosim/mixpe_lockstep.h): the group's partial sums P and
// S, the binary32 accumulator's and the activation scale's bit patterns, the int32 overflow event
// and the output read port after every clock edge, for three parameter sets (weight bits, group
// size, output format).
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "Vpe_mixpe_w4a8_g128.h"
#include "Vpe_mixpe_w4a8_g3_fp16.h"
#include "Vpe_mixpe_w4a8_wide.h"
#include "pe/float_format.h"
#include "pe/mixpe.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/mixpe_lockstep.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::kFp16;
using pe::kFp32;
using pe::MixpeSpec;

// Random groups are at most this long, steps (MixpeStimulus; wider G are filled by its phase 4).
constexpr std::int64_t kLongestRandomGroup = 4096;

// What one lock-step run compared: the cycles and the bench's counters by name (MixpeCounts).
struct Counts {
  std::int64_t cycles = 0;                      // clock edges compared
  std::map<std::string, std::int64_t> counter;  // MixpeCounts::counters(), by name

  std::int64_t operator[](const std::string& name) const { return counter.at(name); }
  // The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
  void record() const {
    ::testing::Test::RecordProperty("cycles", std::to_string(cycles));
    for (const auto& [name, value] : counter) {
      ::testing::Test::RecordProperty(name, std::to_string(value));
    }
  }
};

// Runs the bench (MixpeStimulus: random cycles, every pair of fp16 edge scales under every
// binary32 edge activation scale, inf - inf in acc, long one-sign groups and D past int32 when G
// allows); fails the test at the first divergence with its report.
template <class Model>
Counts run(const MixpeSpec& spec, std::uint64_t seed, std::uint64_t random_cycles) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<MixpeLockstep<Model>>(spec, seed, random_cycles, traced,
                                                      MixpeCycleModel(spec));
      },
      LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  Counts out;
  out.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) out.counter[k.name] = k.value;
  return out;
}

// Every run must have compared each path; the thresholds are far below what the seeds give.
void expect_coverage(const Counts& c, const MixpeSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c["clears"], 500);
  EXPECT_GT(c["groups"], 1000);
  if (spec.group_size <= kLongestRandomGroup) {
    EXPECT_GT(c["full_groups"], 100);
  }
  EXPECT_GT(c["scale_sub"], 100);
  EXPECT_GT(c["scale_special"], 100);
  EXPECT_GT(c["acc_nan"], 1000);
  EXPECT_GT(c["nan_scale"], 100);
  EXPECT_GT(c["nan_inf_sub"], 20);
  EXPECT_GT(c["nan_zero_inf"], 100);
  EXPECT_GT(c["nan_both"], 20);
  EXPECT_GT(c["acc_inf"], 100);
  EXPECT_GT(c["out_nan_both"], 20);
  EXPECT_GT(c["out_zero_inf"], 100);
  EXPECT_EQ(c["nan_not_canonical"], 0);
  EXPECT_GT(c["out_sub"], 1000);
  EXPECT_GT(c["out_inf"], 1000);
  EXPECT_GT(c["out_flush"], 100);
  if (spec.group_size >= (1 << 17)) {
    EXPECT_GT(c["d_inexact"], 20);
    EXPECT_GE(c["overflow"], 2);
  }
}

// The default shape: 4-bit weights in groups of 128, binary32 output. 200k random cycles,
// every edge-scale pair, zero mismatches.
TEST(MixpeW4A8LockstepTest, G128MatchesModelEveryCycle) {
  const MixpeSpec spec = mixpe_w4a8_spec(4, 128, kFp32);
  const Counts c = run<Vpe_mixpe_w4a8_g128>(spec, 41, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// 2-bit weights in groups of 3 (partial groups of 1 and 2 as well), output rounded to fp16.
TEST(MixpeW4A8LockstepTest, G3Fp16MatchesModelEveryCycle) {
  const MixpeSpec spec = mixpe_w4a8_spec(2, 3, kFp16);
  const Counts c = run<Vpe_mixpe_w4a8_g3_fp16>(spec, 42, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// 8-bit codes in groups of up to 2^17: D past 2^24 (float(D) rounds) and past int32 (the
// event), output rounded to fp16.
TEST(MixpeW4A8LockstepTest, WideGroupsMatchModelEveryCycle) {
  const MixpeSpec spec = mixpe_w4a8_spec(8, 1 << 17, kFp16);
  const Counts c = run<Vpe_mixpe_w4a8_wide>(spec, 43, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// Reset clears the randomly initialised registers; one edge of latency; idle edges hold every
// register and drop the overflow event; a group end dequantizes and restarts P and S.
TEST(MixpeW4A8LockstepTest, ResetClearAndValidTiming) {
  const MixpeSpec spec = mixpe_w4a8_spec(4, 128, kFp32);
  VerilatedPe<Vpe_mixpe_w4a8_g128> rtl(7);
  const auto& m = rtl.model();
  const auto step = [&](const MixpeInputs& in) {
    drive_mixpe(rtl.model(), in);
    rtl.edge();
  };
  const auto p = [&] {
    return pe::wrap_signed(static_cast<std::int64_t>(m.p), mixpe_p_bits(spec));
  };
  const auto s = [&] {
    return pe::wrap_signed(static_cast<std::int64_t>(m.s), mixpe_s_bits(spec));
  };
  EXPECT_EQ(p(), 0);
  EXPECT_EQ(m.acc, 0u);
  step({true, true, -3, 0x40000000u, 5, 2, 0x3C00u, false});  // P = -15, S = -3
  EXPECT_EQ(p(), -15);
  EXPECT_EQ(s(), -3);
  EXPECT_EQ(m.acc, 0u);
  step({false, true, 100, 0, 15, 15, 0x7C00u, true});  // idle: everything holds
  EXPECT_EQ(p(), -15);
  EXPECT_EQ(m.s_a, 0x40000000u);
  step({true, false, 4, 0x40000000u, 1, 2, 0x3800u, true});  // D = -11 - 2 * 1
  EXPECT_EQ(p(), 0);
  EXPECT_EQ(s(), 0);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.acc)), -6.5f);   // -13 * 0.5
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.out)), -13.0f);  // acc * s_a
}

}  // namespace
}  // namespace tpesim::cosim
