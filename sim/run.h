// SPDX-License-Identifier: Apache-2.0
// Runs a workload (a list of GEMM layers) on one architecture and totals the results.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/cost_model.h"
#include "arch/simulate.h"
#include "workloads/gemm.h"

namespace tpesim {

struct LayerResult {
  workloads::Gemm gemm;    // the layer
  arch::LayerStats stats;  // one instance of it
};

struct RunTotals {
  std::int64_t cycles = 0;                       // sum over layers of cycles x count
  std::int64_t compute_cycles = 0;               // same with ideal memory
  std::int64_t stall_cycles = 0;                 // cycles - compute_cycles
  std::int64_t macs = 0;                         // sum of macs x count
  std::map<std::string, std::int64_t> activity;  // PE events x count (pe/activity.h)
  bool activity_data_counted = true;             // every layer counted its data-dependent events
  double utilization = 0;  // busy PE-cycles / (cycles x PEs): layers' weighted by cycles
};

struct RunResult {
  arch::ArchSpec arch;              // resolved architecture
  workloads::Workload workload;     // what ran
  std::vector<LayerResult> layers;  // in workload order
  RunTotals totals;
  arch::RunCost cost;  // energy, area and throughput (arch/cost_model.h)
};

RunResult run_workload(const arch::ArchSpec& arch, const workloads::Workload& workload);

}  // namespace tpesim
