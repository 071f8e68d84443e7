// SPDX-License-Identifier: Apache-2.0
#include "arch/simulate.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <random>
#include <thread>

#include "arch/adder_tree_cycle.h"
#include "arch/adder_tree_plan.h"
#include "arch/elastic_cycle.h"
#include "arch/elastic_schedule.h"
#include "arch/memory_model.h"
#include "arch/rtl_values.h"
#include "arch/stream_slots.h"
#include "arch/systolic_cycle.h"
#include "arch/systolic_fast.h"
#include "pe/pe_config.h"
#include "sim/core/errors.h"
#include "workloads/golden_gemm.h"
#include "workloads/operands.h"

namespace tpesim::arch {

namespace {

std::int64_t total_cycles(const std::vector<FoldTimes>& times, std::int64_t memory_finish,
                          TimingMode mode) {
  std::int64_t last = memory_finish;
  for (const FoldTimes& t : times) last = std::max({last, t.end, t.occupied_end});
  // SCALE-Sim v2 reports the index of the last cycle, one below the count.
  return mode == TimingMode::Scalesim ? last - 1 : last;
}

// rtl_<kind>: replaces the model's outputs with the RTL's, which must equal them.
void take_rtl_values(const ArchSpec& arch, const GemmOperands& codes, LayerRun& run) {
  const RtlValueEngine* engine = rtl_value_engine();
  TPESIM_CHECK(engine != nullptr, "an rtl_ PE kind was bound with no RTL value engine installed");
  RtlValues rtl = engine->compute(arch, codes);
  TPESIM_CHECK(rtl.outputs.size() == run.outputs.size(), "the RTL gave {} outputs for {} x {}",
               rtl.outputs.size(), codes.m, codes.n);
  for (std::size_t i = 0; i < rtl.outputs.size(); ++i) {
    const auto n = static_cast<std::size_t>(codes.n);
    TPESIM_CHECK(rtl.outputs[i] == run.outputs[i],
                 "RTL output {} (row {}, column {}) is {}, the C++ model computed {} ({})", i,
                 i / n, i % n, rtl.outputs[i], run.outputs[i], rtl.source);
  }
  run.outputs = std::move(rtl.outputs);
  run.stats.value_source = std::move(rtl.source);
  run.stats.rtl_cycles = rtl.cycles;
}

// `arith` runs the models; `reference` (the kind's canonical 64-bit arithmetic) runs the golden
// GEMM for --verify, so a storage specialisation is itself checked.
template <class Arith, class Reference>
LayerRun run_with(const Arith& arith, const Reference& reference, const ArchSpec& arch,
                  const workloads::Gemm& gemm, std::int64_t layer_index,
                  const GemmOperands* given) {
  const bool cycle = arch.run.fidelity == Fidelity::Cycle;
  const bool want_values = cycle || arch.run.values || arch.run.verify || arch.array.rtl_values;
  GemmOperands generated;
  const GemmOperands* codes = given;
  if ((want_values || pe::data_dependent(arch.array.pe)) && !codes) {
    // Timing alone needs no weights for serial_digit: 4096 x 32000 of them would cost more
    // time than the whole schedule (A and W have their own seeds, so A is the same either way).
    generated = make_operands(arch, gemm, layer_index,
                              want_values || pe::timing_reads_weights(arch.array.pe));
    codes = &generated;
  }
  const LayerSchedule plan = plan_layer(arch, gemm, codes);
  const FoldGeometry& g = plan.geometry;
  LayerRun run;
  LayerStats& s = run.stats;
  s.cycles = plan.cycles;
  s.compute_cycles = plan.compute_cycles;
  s.stall_cycles = plan.cycles - plan.compute_cycles;
  s.folds = g.folds();
  FoldTraffic traffic;
  std::int64_t steps = 0;  // PE operations (MACs, or LUT-group steps)
  double mapping = 0;
  for (const Fold& f : plan.folds) {
    const FoldTraffic ft = fold_traffic(g, f);
    traffic.ifmap_reads += ft.ifmap_reads;
    traffic.filter_reads += ft.filter_reads;
    traffic.ofmap_writes += ft.ofmap_writes;
    traffic.ofmap_reads += ft.ofmap_reads;
    steps += g.t * f.rows_used * f.cols_used;
    mapping += static_cast<double>(f.rows_used) * f.cols_used / (double(g.rows) * g.cols);
  }
  s.mapping_efficiency = mapping / static_cast<double>(plan.folds.size());

  OperandMatrices<typename Arith::Operand> prepared;
  if (want_values) prepared = prepare_operands(arith, *codes);
  const OperandMatrices<typename Arith::Operand>* op = &prepared;
  std::vector<typename Arith::Acc> out;
  if (cycle) {
    std::int64_t until = 0;
    for (const FoldTimes& t : plan.times) until = std::max({until, t.end, t.occupied_end});
    const bool elastic = plan.data_dependent && arch.array.kind == ArrayKind::Systolic &&
                         arch.array.sync != SyncScope::Array;
    CycleRunResult<Arith> r =
        elastic ? run_elastic_array(arith, g, arch.array.sync, *op, plan.folds, plan.times, until)
        : arch.array.kind == ArrayKind::AdderTree
            ? run_adder_tree_array(arith, AdderTreeTiming(arch.array, g, &plan.offsets), *op,
                                   plan.folds, plan.times, until)
        : g.dataflow == Dataflow::Os ? run_output_stationary_array(arith, g, *op, plan.folds,
                                                                   plan.times, until, plan.offsets)
        : g.dataflow == Dataflow::Ws
            ? run_stationary_array<Arith, false>(arith, g, *op, plan.folds, plan.times, until,
                                                 plan.offsets)
            : run_stationary_array<Arith, true>(arith, g, *op, plan.folds, plan.times, until,
                                                plan.offsets);
    for (std::size_t f = 0; f < plan.folds.size(); ++f) {
      TPESIM_CHECK(r.fold_end[f] == plan.times[f].end,
                   "fold {} last output left at cycle {}, the schedule says {}", f, r.fold_end[f],
                   plan.times[f].end);
    }
    TPESIM_CHECK(r.activity.macs == steps, "stepped array did {} PE steps, the mapping has {}",
                 r.activity.macs, steps);
    traffic = r.traffic;
    s.overflows = r.activity.overflows;
    out = std::move(r.out);
  } else if (want_values) {
    const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    out = fast_gemm(arith, *op, s.overflows, threads);
  }
  s.access = plan.memory_traffic;
  s.access.ifmap.sram_reads += traffic.ifmap_reads;
  s.access.filter.sram_reads += traffic.filter_reads;
  s.access.ofmap.sram_writes += traffic.ofmap_writes;
  s.access.ofmap.sram_reads += traffic.ofmap_reads;
  // MAC-equivalents of the GEMM; a PE step covers Kg of them for lut_tc. Utilization is the
  // fraction of PE-cycles busy (a multi-cycle step keeps its PE busy II cycles).
  s.macs = gemm.m * gemm.n * gemm.k;
  static const std::vector<std::int32_t> kNoCodes;
  s.activity = pe::gemm_activity(arch.array.pe, pe::GemmShape{gemm.m, gemm.n, gemm.k, 1},
                                 codes ? codes->a : kNoCodes, codes ? codes->w : kNoCodes);
  TPESIM_CHECK(!plan.data_dependent || steps == gemm.m * gemm.n * gemm.k,
               "data-dependent timing stepped {} PE steps, the GEMM has {}", steps,
               gemm.m * gemm.n * gemm.k);
  s.pe_busy_cycles = plan.data_dependent ? plan.busy_pe_cycles : steps * g.interval;
  s.utilization =
      static_cast<double>(s.pe_busy_cycles) / (static_cast<double>(s.cycles) * g.rows * g.cols);
  if (want_values) {
    s.has_values = true;
    run.outputs.reserve(out.size());
    for (const auto& acc : out) run.outputs.push_back(arith.output(acc));
    if (arch.array.rtl_values) take_rtl_values(arch, *codes, run);
    s.output_fingerprint = workloads::fingerprint(run.outputs);
    if (arch.run.verify) {
      std::uint64_t golden_overflows = 0;
      const auto ref_op = prepare_operands(reference, *codes);
      const auto golden = workloads::golden_gemm(reference, ref_op.m, ref_op.n, ref_op.k, ref_op.a,
                                                 ref_op.w, &golden_overflows);
      for (std::size_t i = 0; i < golden.size(); ++i) {
        const std::int64_t expected = reference.output(golden[i]);
        TPESIM_CHECK(expected == run.outputs[i], "output {} is {}, the golden GEMM says {}", i,
                     run.outputs[i], expected);
      }
      TPESIM_CHECK(golden_overflows == s.overflows, "{} overflows counted, golden counts {}",
                   s.overflows, golden_overflows);
      s.verified = true;
    }
  }
  return run;
}

}  // namespace

LayerSchedule plan_layer(const ArchSpec& arch, const workloads::Gemm& gemm,
                         const GemmOperands* codes) {
  if (arch.array.kind == ArrayKind::AdderTree) return plan_adder_tree_layer(arch, gemm, codes);
  LayerSchedule plan;
  workloads::Gemm steps = gemm;  // the reduction as the array steps it (LUT groups for lut_tc)
  steps.k = pe::array_k(arch.array.pe, gemm.k);
  plan.geometry = FoldGeometry::of(arch.array, steps);
  const FoldGeometry& g = plan.geometry;
  const pe::OperandBits bits = pe::operand_bits(arch.array.pe);
  MemoryModel memory(arch.memory, g, bits);
  FoldScheduler scheduler(g, arch.run.timing);
  FoldScheduler ideal(g, arch.run.timing);
  plan.folds.reserve(static_cast<std::size_t>(g.folds()));
  for (std::int64_t i = 0; i < g.folds(); ++i) plan.folds.push_back(fold_at(g, i));
  const auto* slice = std::get_if<pe::BitsliceSpec>(&arch.array.pe);
  std::optional<ElasticSchedule> elastic;
  if (slice && pe::data_dependent(*slice)) {
    TPESIM_CHECK(codes != nullptr, "data-dependent timing needs the operands");
    elastic.emplace(*slice, arch.array.sync, g, *codes);
    plan.data_dependent = true;
    plan.busy_pe_cycles = busy_pe_cycles(elastic->step_cost(), *codes);
  }
  // The schedulers keep a pointer to the previous fold's elastic timing: two slots alternate.
  // Where column folds share their row fold's timing, the first column fold's is kept per row
  // fold and reused by every later one with as many columns.
  ElasticFoldTiming fold_timing[2];
  const bool shared = elastic && elastic->column_folds_share_timing();
  std::vector<ElasticFoldTiming> row_fold_timing(shared ? static_cast<std::size_t>(g.row_folds)
                                                        : 0);
  for (std::size_t i = 0; i < plan.folds.size(); ++i) {
    Fold& f = plan.folds[i];
    ElasticFoldTiming* timing = nullptr;
    if (elastic) {
      const bool first = f.fc == 0, same_columns = f.cols_used == plan.folds[0].cols_used;
      if (shared && (first || same_columns)) {
        timing = &row_fold_timing[static_cast<std::size_t>(f.fr)];
        if (first) *timing = elastic->fold_timing(f);
        if (!timing->offsets.empty()) plan.offsets.push_back(timing->offsets);
      } else {
        timing = &fold_timing[i % 2];
        *timing = elastic->fold_timing(f);
        if (!timing->offsets.empty()) plan.offsets.push_back(std::move(timing->offsets));
      }
      f.stream_cycles = timing->stream_cycles;
      f.stream_busy = timing->stream_busy;
    }
    const FoldTimes t = scheduler.schedule(f, memory.data_ready(f), timing);
    memory.fold_scheduled(f, t);
    plan.times.push_back(t);
    plan.compute_times.push_back(ideal.schedule(f, 0, timing));
  }
  plan.memory_traffic = memory.counts();
  plan.memory_finish = memory.finish();
  plan.cycles = total_cycles(plan.times, plan.memory_finish, arch.run.timing);
  plan.compute_cycles = total_cycles(plan.compute_times, 0, arch.run.timing);
  return plan;
}

GemmOperands make_operands(const ArchSpec& arch, const workloads::Gemm& gemm,
                           std::int64_t layer_index, bool weights) {
  GemmOperands op;
  op.m = gemm.m;
  op.n = gemm.n;
  op.k = gemm.k;
  const auto seed = static_cast<std::uint64_t>(arch.run.seed) * 0x9E3779B97F4A7C15ull +
                    static_cast<std::uint64_t>(layer_index) * 2;
  op.a = pe::random_operands(arch.array.pe, pe::OperandSide::A, gemm.m * gemm.k, seed);
  if (weights) {
    op.w = pe::random_operands(arch.array.pe, pe::OperandSide::W, gemm.k * gemm.n, seed + 1);
  }
  const auto* mix = std::get_if<pe::MixpeSpec>(&arch.array.pe);
  const auto* lut = std::get_if<pe::LutTcSpec>(&arch.array.pe);
  if (mix || lut) {
    // Group scales in [2^-9, 2^-5), zero points over the whole code range, token scales in
    // [2^-7, 2^-3): the magnitudes of real low-bit LLM checkpoints.
    std::mt19937_64 rng(seed + 2);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    const std::int64_t group_size = mix ? mix->group_size : lut->group_size;
    const int w_bits = mix ? mix->w_bits : lut->w_bits;
    const std::int64_t groups = (gemm.k + group_size - 1) / group_size;
    op.quant.group_size = group_size;
    for (std::int64_t i = 0; i < groups * gemm.n; ++i) {
      op.quant.w_scales.push_back(static_cast<std::int32_t>(
          pe::encode(std::ldexp(1.0 + unit(rng), -9 + static_cast<int>(rng() % 4)), pe::kFp16)));
      op.quant.w_zeros.push_back(static_cast<std::int32_t>(rng() % (1u << w_bits)));
    }
    const bool token_scales = mix || lut->activation == pe::LutActivation::Int8;
    for (std::int64_t i = 0; token_scales && i < gemm.m; ++i) {
      op.quant.a_scales.push_back(static_cast<std::int32_t>(
          pe::encode(std::ldexp(1.0 + unit(rng), -7 + static_cast<int>(rng() % 4)), pe::kFp32)));
    }
  }
  return op;
}

LayerRun simulate_layer(const ArchSpec& arch, const workloads::Gemm& gemm, std::int64_t layer_index,
                        const GemmOperands* operands) {
  return std::visit(
      [&](const auto& spec) -> LayerRun {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return run_with(pe::FpMacArith(spec), pe::FpMacArith(spec), arch, gemm, layer_index,
                          operands);
        } else if constexpr (std::is_same_v<S, pe::LutTcSpec>) {
          if (spec.activation == pe::LutActivation::Int8) {
            return run_with(pe::LutTcInt8Arith(spec), pe::LutTcInt8Arith(spec), arch, gemm,
                            layer_index, operands);
          }
          return run_with(pe::LutTcArith(spec), pe::LutTcArith(spec), arch, gemm, layer_index,
                          operands);
        } else if constexpr (std::is_same_v<S, pe::MixpeSpec>) {
          if (spec.variant == pe::MixpeVariant::W4A8) {
            return run_with(pe::MixpeW4A8Arith(spec), pe::MixpeW4A8Arith(spec), arch, gemm,
                            layer_index, operands);
          }
          return run_with(pe::MixpeW4A16Arith(spec), pe::MixpeW4A16Arith(spec), arch, gemm,
                          layer_index, operands);
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          return run_with(pe::LmulArith(spec), pe::LmulArith(spec), arch, gemm, layer_index,
                          operands);
        } else if constexpr (std::is_same_v<S, pe::BitsliceSpec>) {
          if (spec.acc_bits <= 32) {
            return run_with(pe::BitsliceArithT<std::int32_t>(spec), pe::IntMacArith(spec), arch,
                            gemm, layer_index, operands);
          }
          return run_with(pe::BitsliceArith(spec), pe::IntMacArith(spec), arch, gemm, layer_index,
                          operands);
        } else {
          if (spec.acc_bits <= 32) {
            return run_with(pe::IntMacArithT<std::int32_t>(spec), pe::IntMacArith(spec), arch, gemm,
                            layer_index, operands);
          }
          return run_with(pe::IntMacArith(spec), pe::IntMacArith(spec), arch, gemm, layer_index,
                          operands);
        }
      },
      arch.array.pe);
}

}  // namespace tpesim::arch
