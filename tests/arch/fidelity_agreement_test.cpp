// SPDX-License-Identifier: Apache-2.0
// Model vs model: the cycle fidelity (every PE stepped) and the fast fidelity (closed forms and a
// blocked GEMM) agree exactly on cycles, stalls, access counts, activity and outputs, and both
// equal the CPU golden GEMM, over random shapes, arrays, dataflows, timing modes and memories.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "arch/simulate.h"
#include "tests/support/random_cases.h"
#include "workloads/golden_gemm.h"

namespace tpesim::arch {
namespace {

struct Case {
  ArchSpec arch;
  workloads::Gemm gemm;
};

using testing_support::golden_outputs;

Case random_case(std::mt19937_64& rng, int index) {
  testing_support::CasePicker pick(rng);
  Case c;
  c.arch.array.rows = static_cast<int>(pick(1, 12));
  c.arch.array.cols = static_cast<int>(pick(1, 12));
  c.arch.array.dataflow = static_cast<Dataflow>(pick(0, 2));
  c.arch.array.pe = pick.pe_kind(false);
  c.arch.run.timing = pick(0, 1) ? TimingMode::Overlap : TimingMode::Scalesim;
  c.arch.run.seed = index;
  c.arch.run.values = true;
  pick.memory(c.arch.memory);
  c.gemm = pick.gemm();
  return c;
}

// 240 random cases (int_mac, fp_mac, lmul, mixpe, lut_tc and bitslice): cycles, stalls, access
// counts, MACs, numeric events and outputs all equal, and equal to the golden GEMM.
TEST(FidelityAgreementTest, CycleEqualsFastOnRandomCases) {
  std::mt19937_64 rng(20261123);
  std::map<std::string, int> kinds;  // cases per PE kind
  for (int i = 0; i < 240; ++i) {
    Case c = random_case(rng, i);
    SCOPED_TRACE(::testing::Message()
                 << "case " << i << ": " << c.gemm.m << "x" << c.gemm.n << "x" << c.gemm.k << " on "
                 << c.arch.array.rows << "x" << c.arch.array.cols << " "
                 << enum_name(c.arch.array.dataflow) << " " << enum_name(c.arch.run.timing) << " "
                 << enum_name(c.arch.memory.kind));
    const GemmOperands op = make_operands(c.arch, c.gemm, i);
    c.arch.run.fidelity = Fidelity::Fast;
    const LayerRun fast = simulate_layer(c.arch, c.gemm, i, &op);
    c.arch.run.fidelity = Fidelity::Cycle;
    const LayerRun cycle = simulate_layer(c.arch, c.gemm, i, &op);
    EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
    EXPECT_EQ(fast.stats.stall_cycles, cycle.stats.stall_cycles);
    EXPECT_EQ(fast.stats.compute_cycles, cycle.stats.compute_cycles);
    EXPECT_EQ(fast.stats.access, cycle.stats.access);
    EXPECT_EQ(fast.stats.macs, cycle.stats.macs);
    EXPECT_EQ(fast.stats.overflows, cycle.stats.overflows);
    EXPECT_EQ(fast.outputs, cycle.outputs);
    const auto [golden, golden_events] = golden_outputs(c.arch.array.pe, op);
    ASSERT_EQ(golden, cycle.outputs) << pe::pe_kind_name(c.arch.array.pe);
    EXPECT_EQ(golden_events, cycle.stats.overflows);
    EXPECT_EQ(cycle.stats.macs, c.gemm.m * c.gemm.n * c.gemm.k);
    EXPECT_EQ(fast.stats.utilization, cycle.stats.utilization);
    ++kinds[pe::pe_kind_name(c.arch.array.pe)];
  }
  EXPECT_GT(kinds["int_mac"], 50);
  EXPECT_GT(kinds["fp_mac"], 20);
  EXPECT_GT(kinds["lmul"], 20);
  EXPECT_GT(kinds["mixpe"], 20);
  EXPECT_GT(kinds["lut_tc"], 20);
  EXPECT_GT(kinds["bitslice"], 20);
}

// The random cases above really exercise overflow and memory stalls (the test can fail).
TEST(FidelityAgreementTest, CasesCoverOverflowAndStalls) {
  std::mt19937_64 rng(20261123);
  int overflowing = 0, stalled = 0;
  for (int i = 0; i < 240; ++i) {
    Case c = random_case(rng, i);
    const LayerRun r = simulate_layer(c.arch, c.gemm, i);
    overflowing += r.stats.overflows > 0;
    stalled += r.stats.stall_cycles > 0;
  }
  EXPECT_GT(overflowing, 15);
  EXPECT_GT(stalled, 40);
}

}  // namespace
}  // namespace tpesim::arch
