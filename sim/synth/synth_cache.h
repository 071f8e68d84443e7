// SPDX-License-Identifier: Apache-2.0
// The synthesis cache: one folder per distinct synthesis, named by a hash of everything that
// decides its result (PE kind, module, parameters, Verilog file hashes, liberty hash, tool
// versions, the flow's own version), so repeated calls and sweeps do not re-synthesize.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/synth/synth_result.h"

namespace tpesim::synth {

// What a synthesis depends on.
struct SynthInputs {
  RtlTarget target;                  // kind, module, parameters
  std::vector<VerilogFile> verilog;  // every file read, with its hash
  std::string liberty_sha256;        // the liberty
  std::string yosys_version;         // `yosys -V`
  std::string sta_version;           // `sta -version`
};

// SHA-256 (hex) of the inputs in a fixed text form.
std::string cache_key(const SynthInputs& in);

// The entry folder of `key` under `cache_dir`.
std::filesystem::path cache_entry(const std::filesystem::path& cache_dir, const std::string& key);

// The stored result of `key`, if its entry holds a readable result.json with that key.
std::optional<SynthResult> cache_lookup(const std::filesystem::path& cache_dir,
                                        const std::string& key);

// Writes `result` into `work` (a folder holding the run's files) and moves it to the key's entry;
// if another process stored the same key meanwhile, keeps that one. Returns the entry folder.
std::filesystem::path cache_store(const std::filesystem::path& cache_dir,
                                  const std::filesystem::path& work, const SynthResult& result);

}  // namespace tpesim::synth
