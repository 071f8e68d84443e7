// SPDX-License-Identifier: Apache-2.0
// Reads any workload file `tpesim run --workload` accepts, telling the formats apart by name and
// header: a GEMM list YAML, an LLM trace CSV, or a SCALE-Sim topology CSV (docs/WORKLOADS.md).
#pragma once

#include <string>

#include "workloads/gemm.h"

namespace tpesim {

// An LLM trace CSV says so by its first line: `name,m,n,k,count,phase,...`.
bool csv_is_trace(const std::string& path);
// A SCALE-Sim topology CSV whose header row has 4 fields: `Layer, M, N, K` (GEMM rows).
bool csv_is_gemm(const std::string& path);
// A CSV workload: an LLM trace (by its header), else a SCALE-Sim topology (GEMM rows with
// `gemm_csv` or a 4-field header, else conv rows).
workloads::Workload load_csv_workload(const std::string& path, bool gemm_csv);
// A GEMM list YAML, or (a name ending in .csv) a CSV workload as above. Throws ConfigError for a
// malformed file, UserError for a missing one.
workloads::Workload load_workload_file(const std::string& path, bool gemm_csv);

}  // namespace tpesim
