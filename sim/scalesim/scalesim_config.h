// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim v2 configuration files (INI: [general] [architecture_presets] [run_presets] ...),
// read strictly with located errors, and their mapping onto a tpesim architecture.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/arch_spec.h"

namespace tpesim::scalesim {

struct ScalesimConfig {
  std::string run_name;                          // [general] run_name: output sub-folder name
  int array_rows = 0;                            // ArrayHeight
  int array_cols = 0;                            // ArrayWidth
  std::int64_t ifmap_sram_kb = 0;                // IfmapSramSzkB (1 kB = 1024 one-byte words)
  std::int64_t filter_sram_kb = 0;               // FilterSramSzkB
  std::int64_t ofmap_sram_kb = 0;                // OfmapSramSzkB
  std::int64_t ifmap_offset = 0;                 // IfmapOffset (addresses; traces only)
  std::int64_t filter_offset = 10000000;         // FilterOffset
  std::int64_t ofmap_offset = 20000000;          // OfmapOffset
  arch::Dataflow dataflow = arch::Dataflow::Os;  // Dataflow: os | ws | is
  bool user_bandwidth = false;                   // InterfaceBandwidth USER (else CALC)
  std::vector<std::int64_t> bandwidths;          // Bandwidth: words per cycle (USER)
  int memory_banks = 1;                          // MemoryBanks (one DRAM channel is modelled)
  std::string topology_csv;                      // TopologyCsvLoc, if the file names one
  std::vector<std::string> warnings;             // settings read but not modelled (printed)
};

// Throws ConfigError (every problem, located) or UserError (unreadable file).
ScalesimConfig load_scalesim_config(const std::string& path);

// The same machine as a tpesim architecture: int8 x int8 -> int32 PEs, scalesim timing; CALC
// becomes ideal memory, USER a buffered memory with Bandwidth[0] bytes per cycle.
arch::ArchSpec to_arch(const ScalesimConfig& config);

}  // namespace tpesim::scalesim
