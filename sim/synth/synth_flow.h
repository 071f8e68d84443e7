// SPDX-License-Identifier: Apache-2.0
// Synthesis of a Verilog PE with real standard cells: Yosys maps the module onto the OSU 0.18 um
// liberty of Debian's qflow-tech-osu018 (area), OpenSTA times the mapped netlist with the same
// liberty (critical path, power). Results are cached (synth_cache.h). docs/RTL.md, "Synthesis".
#pragma once

#include <filesystem>
#include <string>

#include "sim/synth/rtl_target.h"
#include "sim/synth/synth_result.h"

namespace tpesim::synth {

// The liberty the flow uses, its label in reports and its node.
inline constexpr const char* kOsu018Liberty = "/usr/share/qflow/tech/osu018/osu018_stdcells.lib";
inline constexpr const char* kOsu018Label = "osu018";
inline constexpr int kOsu018NodeNm = 180;

// Where the inputs, tools and cache are.
struct SynthEnv {
  std::filesystem::path rtl_dir;    // the Verilog PEs (rtl/)
  std::filesystem::path liberty;    // standard-cell library
  std::filesystem::path cache_dir;  // synthesis cache
  std::string yosys = "yosys";      // program, looked up on $PATH
  std::string sta = "sta";          // OpenSTA, looked up on $PATH
};

// rtl/ under $TPESIM_DATA_DIR (else the source tree tpesim was built from), the OSU 0.18 um
// liberty, and the cache in $TPESIM_CACHE_DIR (else .synth-cache in the build folder).
// `cache_dir`, when not empty, replaces the cache folder.
SynthEnv default_synth_env(const std::string& cache_dir = "");

// Empty when Yosys, OpenSTA and the liberty are all there; else what is missing and how to
// install it.
std::string missing_tools(const SynthEnv& env);

// Synthesizes `target` (or reads it from the cache) and times it. Throws UserError when a tool or
// the liberty is missing, std::runtime_error when a tool fails (the message names its log).
// Thread-safe: concurrent calls in one process run one at a time.
SynthResult synthesize(const RtlTarget& target, const SynthEnv& env);

}  // namespace tpesim::synth
