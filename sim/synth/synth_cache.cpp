// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/synth_cache.h"

#include <fmt/format.h>

#include <fstream>

#include "sim/synth/sha256.h"

namespace tpesim::synth {

namespace {

namespace fs = std::filesystem;

// Bump when the flow (scripts, parsing, what is stored) changes, so old entries are not reused.
constexpr const char* kFlowVersion =
    "tpesim-synth-flow 2";  // 2: synth -noshare, netlist for OpenSTA
constexpr const char* kResultFile = "result.json";

}  // namespace

std::string cache_key(const SynthInputs& in) {
  std::string text =
      fmt::format("{}\nkind {}\nmodule {}\n", kFlowVersion, in.target.kind, in.target.module);
  for (const RtlParam& p : in.target.params) text += fmt::format("param {}={}\n", p.name, p.value);
  for (const VerilogFile& f : in.verilog) text += fmt::format("verilog {} {}\n", f.file, f.sha256);
  text += fmt::format("liberty {}\nyosys {}\nsta {}\n", in.liberty_sha256, in.yosys_version,
                      in.sta_version);
  return sha256_hex(text);
}

fs::path cache_entry(const fs::path& cache_dir, const std::string& key) {
  return cache_dir / key.substr(0, 16);
}

std::optional<SynthResult> cache_lookup(const fs::path& cache_dir, const std::string& key) {
  const fs::path entry = cache_entry(cache_dir, key);
  std::ifstream in(entry / kResultFile);
  if (!in) return std::nullopt;
  try {
    SynthResult r = synth_result_from_json(nlohmann::json::parse(in));
    if (r.cache_key != key) return std::nullopt;
    r.entry = entry;
    r.cache_hit = true;
    return r;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;  // a truncated or older entry: synthesize again
  }
}

fs::path cache_store(const fs::path& cache_dir, const fs::path& work, const SynthResult& result) {
  std::ofstream(work / kResultFile) << to_json(result).dump(2) << "\n";
  const fs::path entry = cache_entry(cache_dir, result.cache_key);
  std::error_code ec;
  if (fs::exists(entry / kResultFile, ec) && cache_lookup(cache_dir, result.cache_key)) {
    fs::remove_all(work, ec);  // another process stored the same synthesis first
    return entry;
  }
  fs::remove_all(entry, ec);  // an unreadable or colliding entry
  fs::rename(work, entry, ec);
  if (ec && !cache_lookup(cache_dir, result.cache_key)) {
    throw std::runtime_error(
        fmt::format("cannot store the synthesis in '{}': {}", entry.string(), ec.message()));
  }
  if (ec) fs::remove_all(work, ec);
  return entry;
}

}  // namespace tpesim::synth
