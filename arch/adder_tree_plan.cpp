// SPDX-License-Identifier: Apache-2.0
#include "arch/adder_tree_plan.h"

#include <algorithm>

#include "arch/adder_tree_scheduler.h"
#include "arch/adder_tree_timing.h"
#include "arch/memory_model.h"
#include "arch/stream_slots.h"
#include "sim/core/errors.h"

namespace tpesim::arch {

LayerSchedule plan_adder_tree_layer(const ArchSpec& arch, const workloads::Gemm& gemm,
                                    const GemmOperands* codes) {
  TPESIM_CHECK(arch.array.kind == ArrayKind::AdderTree && arch.run.timing == TimingMode::Overlap,
               "the adder tree has only overlap timing (got {} on a {} array)",
               enum_name(arch.run.timing), enum_name(arch.array.kind));
  LayerSchedule plan;
  workloads::Gemm steps = gemm;  // the reduction as the array steps it (LUT groups for lut_tc)
  steps.k = pe::array_k(arch.array.pe, gemm.k);
  plan.geometry = adder_tree_geometry(arch.array, steps);
  const std::int64_t folds = plan.geometry.folds();
  plan.folds.reserve(static_cast<std::size_t>(folds));
  for (std::int64_t i = 0; i < folds; ++i) plan.folds.push_back(fold_at(plan.geometry, i));
  if (const auto* slice = std::get_if<pe::BitsliceSpec>(&arch.array.pe);
      slice && pe::data_dependent(*slice)) {
    TPESIM_CHECK(codes != nullptr, "data-dependent timing needs the operands");
    const TreeSlots slots = adder_tree_stream_offsets(*slice, plan.geometry, plan.folds, *codes);
    plan.data_dependent = true;
    plan.offsets = slots.offsets;
    plan.busy_pe_cycles = slots.busy_pe_cycles;
    for (std::size_t i = 0; i < plan.folds.size(); ++i) {
      apply_offsets(plan.folds[i], plan.offsets[i]);
    }
  }
  const AdderTreeTiming timing(arch.array, plan.geometry, &plan.offsets);
  // The weight tile (K tile x N tile), A's K tile (M rows) and the output tile (M x N tile, read
  // back for chained K folds) are ws's tiles on this grid, so the memory model applies as is.
  MemoryModel memory(arch.memory, plan.geometry, pe::operand_bits(arch.array.pe));
  AdderTreeScheduler scheduler(timing), ideal(timing);
  std::int64_t end = 0, compute_end = 0;
  for (const Fold& f : plan.folds) {
    const FoldTimes t = scheduler.schedule(f, memory.data_ready(f));
    memory.fold_scheduled(f, t);
    plan.times.push_back(t);
    plan.compute_times.push_back(ideal.schedule(f, 0));
    end = std::max(end, t.end);
    compute_end = std::max(compute_end, plan.compute_times.back().end);
  }
  plan.memory_traffic = memory.counts();
  plan.memory_finish = memory.finish();
  plan.cycles = std::max(end, plan.memory_finish);
  plan.compute_cycles = compute_end;
  return plan;
}

}  // namespace tpesim::arch
