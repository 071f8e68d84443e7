// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/array_rtl_gemm.h"

#include <fmt/format.h>

#include <memory>
#include <vector>

#include "arch/simulate.h"
#include "sim/core/errors.h"
#include "sim/cosim/array_lockstep.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

namespace {

// Places the outputs in M x N order. Each column's outputs leave in fold order; a fold gives,
// per used column, T outputs (ws, adder tree: streamed rows m = 0..T-1, partial sums unless its
// K fold is the last) or rows_used outputs (os: final, tagged with their PE row).
std::vector<std::int64_t> place_outputs(const arch::LayerSchedule& plan, std::int64_t m,
                                        std::int64_t n, const std::vector<RtlArrayOutput>& outs) {
  const arch::FoldGeometry& g = plan.geometry;
  const bool os = g.dataflow == arch::Dataflow::Os;
  std::vector<std::vector<const RtlArrayOutput*>> by_column(static_cast<std::size_t>(g.cols));
  for (const RtlArrayOutput& o : outs) {
    TPESIM_CHECK(o.column >= 0 && o.column < g.cols, "RTL output on column {} of {}", o.column,
                 g.cols);
    by_column[static_cast<std::size_t>(o.column)].push_back(&o);
  }
  std::vector<std::size_t> next(static_cast<std::size_t>(g.cols), 0);
  std::vector<std::int64_t> placed(static_cast<std::size_t>(m * n), 0);
  std::vector<std::uint8_t> written(placed.size(), 0);
  for (const arch::Fold& f : plan.folds) {
    for (int c = 0; c < f.cols_used; ++c) {
      const auto& column = by_column[static_cast<std::size_t>(c)];
      std::size_t& i = next[static_cast<std::size_t>(c)];
      const std::int64_t count = os ? f.rows_used : g.t;
      TPESIM_CHECK(i + static_cast<std::size_t>(count) <= column.size(),
                   "column {} gave {} outputs, fold {} needs {} more", c, column.size(), f.index,
                   count);
      for (std::int64_t e = 0; e < count; ++e, ++i) {
        const std::int64_t row = os ? f.fr * g.rows + column[i]->row : e;
        const std::int64_t col = f.fc * g.cols + c;
        if (!f.final_k) continue;
        TPESIM_CHECK(row >= 0 && row < m && col < n, "fold {} placed output ({}, {}) in {} x {}",
                     f.index, row, col, m, n);
        const auto at = static_cast<std::size_t>(row * n + col);
        TPESIM_CHECK(!written[at], "output ({}, {}) left the array twice", row, col);
        written[at] = 1;
        placed[at] = column[i]->value;
      }
    }
  }
  for (int c = 0; c < g.cols; ++c) {
    TPESIM_CHECK(next[static_cast<std::size_t>(c)] == by_column[static_cast<std::size_t>(c)].size(),
                 "column {} gave {} outputs, the folds account for {}", c,
                 by_column[static_cast<std::size_t>(c)].size(), next[static_cast<std::size_t>(c)]);
  }
  for (std::size_t i = 0; i < written.size(); ++i) {
    TPESIM_CHECK(written[i], "output {} never left the array", i);
  }
  return placed;
}

}  // namespace

arch::RtlValues rtl_array_gemm(const VerilatedArraySet& set, const arch::ArchSpec& arch,
                               const arch::GemmOperands& codes) {
  TPESIM_CHECK(set.found(), "rtl_array_gemm without a verilated array set");
  std::unique_ptr<ArrayLockstepBase> bench;
  std::string name;
  if (set.systolic != nullptr) {
    name = set.systolic->name;
    bench = std::make_unique<SystolicLockstep>(set.systolic->make(kRtlChainSeed, false),
                                               ArrayStimulus{});
  } else {
    name = set.adder_tree->name;
    bench = std::make_unique<AdderTreeLockstep>(set.adder_tree->make(kRtlChainSeed, false),
                                                ArrayStimulus{});
  }
  bench->run_given(arch, codes);
  const workloads::Gemm gemm{"rtl", codes.m, codes.n, codes.k, 1};
  const arch::LayerSchedule plan = arch::plan_layer(arch, gemm, &codes);
  arch::RtlValues values;
  values.outputs = place_outputs(plan, codes.m, codes.n, bench->rtl_outputs());
  TPESIM_CHECK(values.outputs == bench->model_outputs(),
               "the outputs placed from the verilated array's ports are not the cycle model's");
  values.source = fmt::format("verilated array {} ({}), in lock step with the cycle model",
                              model_class(name), name);
  values.cycles = static_cast<std::uint64_t>(bench->rtl_cycles());
  return values;
}

}  // namespace tpesim::cosim
