// SPDX-License-Identifier: Apache-2.0
// Two-phase clocking: evaluating the PE rows in any order gives the same outputs and counts,
// because evaluate reads only committed registers. (With in-place registers, top-to-bottom
// order would let a partial sum cross several rows in one cycle and the outputs would differ.)
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "arch/simulate.h"
#include "arch/systolic_cycle.h"
#include "workloads/golden_gemm.h"

namespace tpesim::arch {
namespace {

template <class Arith>
CycleRunResult<Arith> run(const Arith& arith, const ArchSpec& a, const LayerSchedule& plan,
                          const GemmOperands& codes, const RowOrder& order) {
  const auto op = prepare_operands(arith, codes);
  std::int64_t until = 0;
  for (const FoldTimes& t : plan.times) until = std::max({until, t.end, t.occupied_end});
  switch (a.array.dataflow) {
    case Dataflow::Ws:
      return run_stationary_array<Arith, false>(arith, plan.geometry, op, plan.folds, plan.times,
                                                until, plan.offsets, order);
    case Dataflow::Is:
      return run_stationary_array<Arith, true>(arith, plan.geometry, op, plan.folds, plan.times,
                                               until, plan.offsets, order);
    case Dataflow::Os:
      return run_output_stationary_array<Arith>(arith, plan.geometry, op, plan.folds, plan.times,
                                                until, plan.offsets, order);
  }
  return {};
}

// Shuffled and reversed row orders give identical results, equal to the golden GEMM.
TEST(TwoPhaseTest, RowEvaluationOrderDoesNotMatter) {
  std::mt19937_64 rng(99);
  for (Dataflow df : {Dataflow::Ws, Dataflow::Os, Dataflow::Is}) {
    ArchSpec a;
    a.array.rows = 9;
    a.array.cols = 7;
    a.array.dataflow = df;
    a.array.pe = pe::IntMacSpec{8, 8, 20, pe::Overflow::Saturate};
    const workloads::Gemm g{"g", 23, 17, 31, 1};
    const LayerSchedule plan = plan_layer(a, g);
    const GemmOperands op = make_operands(a, g, 0);
    const pe::IntMacArith arith(std::get<pe::IntMacSpec>(a.array.pe));
    RowOrder natural(static_cast<std::size_t>(a.array.rows));
    std::iota(natural.begin(), natural.end(), 0);
    RowOrder reversed(natural.rbegin(), natural.rend());
    const auto reference = run(arith, a, plan, op, natural);
    const auto golden = workloads::golden_gemm(arith, g.m, g.n, g.k, op.a, op.w);  // int codes
    ASSERT_EQ(reference.out, golden) << enum_name(df);
    std::vector<RowOrder> orders = {reversed};
    for (int i = 0; i < 5; ++i) {
      RowOrder shuffled = natural;
      std::shuffle(shuffled.begin(), shuffled.end(), rng);
      orders.push_back(shuffled);
    }
    for (const RowOrder& order : orders) {
      const auto r = run(arith, a, plan, op, order);
      EXPECT_EQ(r.out, reference.out) << enum_name(df);
      EXPECT_EQ(r.activity, reference.activity) << enum_name(df);
      EXPECT_EQ(r.fold_end, reference.fold_end) << enum_name(df);
    }
  }
}

}  // namespace
}  // namespace tpesim::arch
