// SPDX-License-Identifier: Apache-2.0
// What one synthesis of a Verilog PE measured, at the liberty's own node (OSU 0.18 um): cells,
// area, critical path, power. Stored as JSON in the synthesis cache and in synth.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/synth/rtl_target.h"

namespace tpesim::synth {

struct VerilogFile {
  std::string file;    // path under rtl/
  std::string sha256;  // of its bytes
};

// One tool run: the command line and the script it read.
struct ToolCommand {
  std::string command;              // e.g. "yosys -q -s synth.ys"
  std::vector<std::string> script;  // the script's lines
};

struct SynthResult {
  std::string kind;                  // PE kind (and variant), RtlTarget::kind
  std::string module;                // top module
  std::vector<RtlParam> params;      // parameter values (chparam)
  std::vector<VerilogFile> verilog;  // the top module's file, then the files it includes

  std::string liberty;         // liberty file
  std::string liberty_sha256;  // of its bytes
  std::string library;         // its `library (...)` name
  int library_node_nm = 0;     // technology node of the library, nm
  double library_vdd_v = 0;    // its nominal supply voltage, V
  double nand2_um2 = 0;        // area of its NAND2X1, um^2

  std::string yosys_version;  // `yosys -V`
  std::string sta_version;    // `sta -version`

  std::map<std::string, std::int64_t> cells;  // mapped cells by type
  std::int64_t cell_count = 0;                // all cells
  std::int64_t flip_flops = 0;                // sequential cells (ff / latch in the liberty)
  double area_um2 = 0;                        // cell area (no wires, no placement), um^2
  double nand2_eq = 0;                        // area_um2 / nand2_um2

  double critical_path_ns = 0;          // slowest path, ports at zero external delay, incl. setup
  std::string critical_from;            // its startpoint
  std::string critical_to;              // its endpoint
  std::optional<double> reg_to_reg_ns;  // slowest flip-flop to flip-flop path, incl. setup
  double fmax_mhz = 0;                  // 1000 / critical_path_ns
  double dynamic_energy_pj = 0;         // internal + switching energy per clock cycle at OpenSTA's
                                 // default activity (0.1 transitions per cycle on every input)
  double leakage_mw = 0;  // leakage power, mW

  std::vector<ToolCommand> commands;  // what ran, in order
  std::string cache_key;              // SHA-256 of the inputs (synth_cache.h)

  // Not part of the stored result:
  std::filesystem::path entry;  // cache entry folder: netlist.v, scripts, logs
  bool cache_hit = false;       // read from the cache
  double seconds = 0;           // wall time of the tools (0 on a hit)
};

nlohmann::json to_json(const SynthResult& r);
// Throws nlohmann::json::exception on a malformed object.
SynthResult synth_result_from_json(const nlohmann::json& j);

}  // namespace tpesim::synth
