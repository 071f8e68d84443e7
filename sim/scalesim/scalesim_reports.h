// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim v2's report files (COMPUTE_REPORT.csv, BANDWIDTH_REPORT.csv,
// DETAILED_ACCESS_REPORT.csv) with its exact headers, row format and counter definitions, so
// scripts written for SCALE-Sim keep working. Differences: docs/SCALESIM.md.
#pragma once

#include <string>

#include "sim/report/staged_output.h"
#include "sim/run.h"

namespace tpesim::scalesim {

// Python's str() of a float: shortest round-trip digits, always with a '.' or an exponent.
std::string python_float(double value);

// SCALE-Sim's per-layer metrics for a layer run (needs the fold schedule, recomputed cheaply).
struct ScalesimLayerMetrics {
  double overall_util = 0;        // %: M*N*K / (cycles * R * C)
  double mapping_efficiency = 0;  // %: unweighted mean over folds
  double compute_util = 0;        // %: unweighted mean over folds, SCALE-Sim's fold lengths
  std::int64_t ifmap_reads = 0, filter_reads = 0, ofmap_writes = 0;  // SCALE-Sim's counters
  double ifmap_sram_start = 0, ifmap_sram_stop = 0;  // serviced cycles of the first/last read
  double filter_sram_start = 0, filter_sram_stop = 0;
  double ofmap_sram_start = 0, ofmap_sram_stop = 0;
};
ScalesimLayerMetrics scalesim_metrics(const arch::ArchSpec& arch, const LayerResult& layer);

void write_scalesim_reports(const RunResult& run, StagedOutput& out);

}  // namespace tpesim::scalesim
