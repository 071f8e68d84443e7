// SPDX-License-Identifier: Apache-2.0
// `tpesim synth --pe KIND [--set key=value ...] [--node NM] [--out DIR]`: synthesizes the PE's
// Verilog with the OSU 0.18 um cells (Yosys, OpenSTA), scales it to a node and prints the area,
// NAND2-equivalents, critical path and fmax next to the cost model's table estimate.
#pragma once

#include <string>
#include <vector>

namespace tpesim::synth {

struct SynthCommandOptions {
  std::string kind;                    // --pe: a PE kind (list-kinds)
  std::vector<std::string> overrides;  // --set key=value, relative to the PE mapping
  int node_nm = 0;                     // --node; 0: the technology table's node
  std::string out;                     // --out: folder for synth.json and netlist.v; empty: none
  std::string cache_dir;               // --cache-dir; empty: $TPESIM_CACHE_DIR or the build's
};

// Prints the report; returns the exit code (0). Throws ConfigError / UserError for bad input
// (a kind or parameters without Verilog included), std::runtime_error when a tool fails.
int run_synth_command(const SynthCommandOptions& options);

}  // namespace tpesim::synth
