// SPDX-License-Identifier: Apache-2.0
// Runs one GEMM layer on the configured array at the configured fidelity and timing mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/access_counts.h"
#include "arch/arch_spec.h"
#include "arch/fold_geometry.h"
#include "arch/fold_scheduler.h"
#include "arch/gemm_operands.h"
#include "pe/activity.h"
#include "workloads/gemm.h"

namespace tpesim::arch {

struct LayerStats {
  std::int64_t cycles = 0;               // run time of one instance (scalesim: SCALE-Sim's count)
  std::int64_t compute_cycles = 0;       // the same schedule with ideal memory
  std::int64_t stall_cycles = 0;         // cycles - compute_cycles: waiting for memory
  std::int64_t folds = 0;                // array folds
  std::int64_t macs = 0;                 // MACs on real operand pairs
  std::uint64_t overflows = 0;           // accumulator overflows (counted when values are computed)
  double mapping_efficiency = 0;         // mean over folds of used PEs / (R x C)
  std::int64_t pe_busy_cycles = 0;       // PE-cycles spent on steps (II each, or data-dependent)
  double utilization = 0;                // pe_busy_cycles / (cycles x R x C)
  AccessCounts access;                   // buffer and DRAM traffic per operand
  bool has_values = false;               // outputs were computed
  std::uint64_t output_fingerprint = 0;  // FNV-1a of the outputs, when computed
  bool verified = false;                 // outputs equal the CPU golden GEMM
  std::string value_source;              // rtl_ kinds: the RTL that computed the outputs
  std::uint64_t rtl_cycles = 0;          // rtl_ kinds: its clock edges, cycles
  pe::PeActivity activity;               // the PE kind's events (pe/activity.h)
};

struct LayerRun {
  LayerStats stats;
  std::vector<std::int64_t> outputs;  // M x N, when computed
};

// The controller schedule of a layer: the folds and their times, with memory and without.
struct LayerSchedule {
  FoldGeometry geometry;
  std::vector<Fold> folds;
  std::vector<FoldTimes> times;          // with the configured memory
  std::vector<FoldTimes> compute_times;  // with ideal memory
  AccessCounts memory_traffic;           // DRAM traffic and the fills/drains it causes
  std::int64_t memory_finish = 0;        // last DRAM write completion
  std::int64_t cycles = 0;
  std::int64_t compute_cycles = 0;
  bool data_dependent = false;         // the PE's step costs depend on the operands
  std::vector<StreamOffsets> offsets;  // data-dependent, sync: array: each fold's element slots
  std::int64_t busy_pe_cycles = 0;     // PE-cycles spent stepping (steps x II, or the step costs)
};
// `codes` are needed when the PE's timing is data-dependent (pe::data_dependent); else unused.
LayerSchedule plan_layer(const ArchSpec& arch, const workloads::Gemm& gemm,
                         const GemmOperands* codes = nullptr);

// Operands drawn from run.seed (uniform over the PE's operand ranges); with `weights` false, W
// stays empty (timing that reads the activations only).
GemmOperands make_operands(const ArchSpec& arch, const workloads::Gemm& gemm,
                           std::int64_t layer_index, bool weights = true);

// `operands` may be null: the operands are then generated when values are needed.
LayerRun simulate_layer(const ArchSpec& arch, const workloads::Gemm& gemm, std::int64_t layer_index,
                        const GemmOperands* operands = nullptr);

}  // namespace tpesim::arch
