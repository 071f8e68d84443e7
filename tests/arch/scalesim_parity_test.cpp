// SPDX-License-Identifier: Apache-2.0
// `scalesim` timing reproduces SCALE-Sim v2's CALC-mode cycle counts exactly (folds do not
// overlap; the reported total is one below the count of the last output cycle), in both fidelities.
#include <gtest/gtest.h>

#include <random>

#include "arch/simulate.h"
#include "workloads/scalesim_topology.h"

namespace tpesim::arch {
namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// SCALE-Sim v2's closed forms (systolic_compute_{ws,os,is}.py: rows of the demand matrices).
std::int64_t scalesim_cycles(Dataflow df, std::int64_t R, std::int64_t C, std::int64_t M,
                             std::int64_t N, std::int64_t K) {
  switch (df) {
    case Dataflow::Ws:
      return ceil_div(K, R) * ceil_div(N, C) * (2 * R + C + M - 2) - 1;
    case Dataflow::Is:
      return ceil_div(K, R) * ceil_div(M, C) * (2 * R + C + N - 2) - 1;
    case Dataflow::Os:
      return ceil_div(M, R) * ceil_div(N, C) * (R + C + K - 2) - 1;
  }
  return 0;
}

ArchSpec scalesim_arch(int rows, int cols, Dataflow df, Fidelity fidelity) {
  ArchSpec a;
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = df;
  a.run.timing = TimingMode::Scalesim;
  a.run.fidelity = fidelity;
  return a;
}

// The calibration point the issue names: 64^3 on a 32x32 WS array gives 631 (OS 503, IS 631).
TEST(ScalesimParityTest, CalibrationPoint) {
  const workloads::Gemm g{"g", 64, 64, 64, 1};
  for (Fidelity fid : {Fidelity::Fast, Fidelity::Cycle}) {
    EXPECT_EQ(simulate_layer(scalesim_arch(32, 32, Dataflow::Ws, fid), g, 0).stats.cycles, 631);
    EXPECT_EQ(simulate_layer(scalesim_arch(32, 32, Dataflow::Os, fid), g, 0).stats.cycles, 503);
    EXPECT_EQ(simulate_layer(scalesim_arch(32, 32, Dataflow::Is, fid), g, 0).stats.cycles, 631);
  }
}

// Random GEMMs and arrays, all three dataflows: equal to SCALE-Sim's closed forms.
TEST(ScalesimParityTest, RandomGemmsMatchClosedForms) {
  std::mt19937_64 rng(7);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 300; ++i) {
    const int R = static_cast<int>(pick(4, 256)), C = static_cast<int>(pick(4, 256));
    const workloads::Gemm g{"g", pick(1, 5000), pick(1, 5000), pick(1, 5000), 1};
    for (Dataflow df : {Dataflow::Ws, Dataflow::Os, Dataflow::Is}) {
      const LayerRun r = simulate_layer(scalesim_arch(R, C, df, Fidelity::Fast), g, 0);
      EXPECT_EQ(r.stats.cycles, scalesim_cycles(df, R, C, g.m, g.n, g.k))
          << g.m << "x" << g.n << "x" << g.k << " on " << R << "x" << C << " " << enum_name(df);
      EXPECT_EQ(r.stats.stall_cycles, 0);
    }
  }
}

// Conv layers lowered as SCALE-Sim lowers them (M = ofmap pixels, N = filters, K = window).
TEST(ScalesimParityTest, ConvLayersLowerLikeScalesim) {
  const workloads::ConvLayer conv{"Conv1", 224, 224, 11, 11, 3, 96, 4, 4};
  const workloads::Gemm g = conv.to_gemm();
  EXPECT_EQ(g.m, 55 * 55);  // SCALE-Sim: ceil((224 - 11 + 4) / 4) = 55
  EXPECT_EQ(g.n, 96);
  EXPECT_EQ(g.k, 11 * 11 * 3);
  for (Dataflow df : {Dataflow::Ws, Dataflow::Os, Dataflow::Is}) {
    const LayerRun r = simulate_layer(scalesim_arch(128, 128, df, Fidelity::Fast), g, 0);
    EXPECT_EQ(r.stats.cycles, scalesim_cycles(df, 128, 128, g.m, g.n, g.k));
  }
}

// The stepped array reproduces the same counts on shapes that leave folds partly used.
TEST(ScalesimParityTest, CycleFidelityMatchesClosedFormsOnPartialFolds) {
  for (const auto& [m, n, k] :
       {std::tuple{37, 19, 45}, std::tuple{1, 70, 33}, std::tuple{65, 3, 1}}) {
    const workloads::Gemm g{"g", m, n, k, 1};
    for (Dataflow df : {Dataflow::Ws, Dataflow::Os, Dataflow::Is}) {
      const LayerRun r = simulate_layer(scalesim_arch(16, 8, df, Fidelity::Cycle), g, 0);
      EXPECT_EQ(r.stats.cycles, scalesim_cycles(df, 16, 8, m, n, k));
    }
  }
}

}  // namespace
}  // namespace tpesim::arch
