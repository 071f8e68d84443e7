// SPDX-License-Identifier: Apache-2.0
#include "sim/scalesim/scalesim_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "sim/core/diag.h"
#include "sim/core/errors.h"

namespace tpesim::scalesim {

namespace {

struct IniValue {
  std::string text;   // value, whitespace-trimmed
  SourceLoc key_loc;  // where the key is written
  SourceLoc loc;      // where the value starts
};

// Keys are matched case-insensitively (Python configparser lower-cases them); sections are not.
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(std::string_view s, std::size_t* lead = nullptr) {
  std::size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r')) --e;
  if (lead) *lead = b;
  return std::string(s.substr(b, e - b));
}

// The keys SCALE-Sim v2 reads, by section (canonical spelling for messages).
const std::map<std::string, std::vector<std::string>>& known_keys() {
  static const std::map<std::string, std::vector<std::string>> keys = {
      {"general", {"run_name"}},
      {"architecture_presets",
       {"ArrayHeight",
        "ArrayWidth",
        "IfmapSramSzkB",
        "FilterSramSzkB",
        "OfmapSramSzkB",
        "IfmapOffset",
        "FilterOffset",
        "OfmapOffset",
        "Dataflow",
        "Bandwidth",
        "MemoryBanks",
        "TopologyCsvLoc",
        "OnChipMemoryBanks",
        "OnChipMemoryBankPorts",
        "IfmapCustomLayout",
        "FilterCustomLayout",
        "IfmapSRAMBankBandwidth",
        "IfmapSRAMBankNum",
        "IfmapSRAMBankPort",
        "FilterSRAMBankBandwidth",
        "FilterSRAMBankNum",
        "FilterSRAMBankPort"}},
      {"run_presets",
       {"InterfaceBandwidth", "UseRamulatorTrace", "SRAM_row_size", "SRAM_bank_size",
        "DRAM_row_size", "DRAM_bank_size", "ReadRequestBuffer", "WriteRequestBuffer"}},
      {"network_presets", {"TopologyCsvLoc"}},
      {"layout",
       {"IfmapCustomLayout", "FilterCustomLayout", "IfmapSRAMBankBandwidth", "IfmapSRAMBankNum",
        "IfmapSRAMBankPort", "FilterSRAMBankBandwidth", "FilterSRAMBankNum", "FilterSRAMBankPort"}},
      {"sparsity",
       {"SparsitySupport", "SparseRep", "OptimizedMapping", "BlockSize",
        "RandomNumberGeneratorSeed"}},
  };
  return keys;
}

}  // namespace

ScalesimConfig load_scalesim_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: error: cannot open file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto source = std::make_shared<SourceText>(SourceText{path, buffer.str()});
  Diag diag;
  // section -> lower-cased key -> value
  std::map<std::string, std::map<std::string, IniValue>> ini;
  std::map<std::string, SourceLoc> section_locs;
  std::string section;
  std::istringstream lines(source->text);
  int line_no = 0;
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    std::size_t lead = 0;
    const std::string t = trim(line, &lead);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    const int col = static_cast<int>(lead) + 1;
    if (t.front() == '[') {
      if (t.back() != ']') {
        diag.error(SourceLoc{source, line_no, col}, "", "malformed section header");
        continue;
      }
      section = trim(t.substr(1, t.size() - 2));
      if (!known_keys().count(section)) {
        std::vector<std::string> names;
        for (const auto& [name, keys] : known_keys()) names.push_back(name);
        const std::string hint = closest_match(section, names);
        diag.error(SourceLoc{source, line_no, col + 1}, section,
                   fmt::format("unknown section{}",
                               hint.empty() ? std::string()
                                            : fmt::format(" (did you mean '[{}]'?)", hint)));
      }
      section_locs[section] = SourceLoc{source, line_no, col};
      ini[section];
      continue;
    }
    const std::size_t sep = t.find_first_of("=:");
    if (sep == std::string::npos) {
      diag.error(SourceLoc{source, line_no, col}, section, "expected `key = value`");
      continue;
    }
    if (section.empty()) {
      diag.error(SourceLoc{source, line_no, col}, "", "key outside of any [section]");
      continue;
    }
    const std::string key = trim(t.substr(0, sep));
    std::size_t value_lead = 0;
    const std::string value = trim(t.substr(sep + 1), &value_lead);
    const SourceLoc key_loc{source, line_no, col};
    const SourceLoc value_loc{source, line_no, col + static_cast<int>(sep + 1 + value_lead)};
    const auto known = known_keys().find(section);
    if (known != known_keys().end()) {
      std::vector<std::string> lowered;
      for (const auto& k : known->second) lowered.push_back(lower(k));
      if (std::find(lowered.begin(), lowered.end(), lower(key)) == lowered.end()) {
        const std::string hint = closest_match(key, known->second);
        diag.error(key_loc, fmt::format("{}.{}", section, key),
                   hint.empty() ? std::string("unknown key")
                                : fmt::format("unknown key (did you mean '{}'?)", hint));
        continue;
      }
    }
    ini[section][lower(key)] = IniValue{value, key_loc, value_loc};
  }

  ScalesimConfig cfg;
  const SourceLoc file_loc{source, 1, 1};
  auto get = [&](const std::string& sec, const std::string& key,
                 bool required) -> std::optional<IniValue> {
    const auto s = ini.find(sec);
    if (s != ini.end()) {
      const auto k = s->second.find(lower(key));
      if (k != s->second.end()) return k->second;
    }
    if (required) {
      const auto where = section_locs.count(sec) ? section_locs[sec] : file_loc;
      diag.error(where, fmt::format("{}.{}", sec, key),
                 s == ini.end() ? fmt::format("missing section [{}]", sec)
                                : std::string("required key is missing"));
    }
    return std::nullopt;
  };
  auto integer = [&](const std::string& sec, const std::string& key, bool required, std::int64_t lo,
                     std::int64_t hi, auto& out) {
    const auto v = get(sec, key, required);
    if (!v) return;
    std::int64_t value = 0;
    const auto [ptr, ec] = std::from_chars(v->text.data(), v->text.data() + v->text.size(), value);
    if (ec != std::errc() || ptr != v->text.data() + v->text.size() || v->text.empty()) {
      diag.error(v->loc, fmt::format("{}.{}", sec, key),
                 fmt::format("expected an integer, got '{}'", v->text));
      return;
    }
    if (value < lo || value > hi) {
      diag.error(v->loc, fmt::format("{}.{}", sec, key),
                 fmt::format("must be in [{}, {}], got {}", lo, hi, value));
      return;
    }
    out = static_cast<std::remove_reference_t<decltype(out)>>(value);
  };
  // A switch for a SCALE-Sim feature: `fatal` ones change results and are errors when on; the
  // others only change what tpesim does not model, and become warnings.
  auto feature_switch = [&](const std::string& sec, const std::string& key, const char* what,
                            bool fatal) {
    const auto v = get(sec, key, false);
    if (!v) return;
    const std::string l = lower(v->text);
    if (l == "true") {
      if (fatal) {
        diag.error(v->loc, fmt::format("{}.{}", sec, key), fmt::format("{} is not modelled", what));
      } else {
        cfg.warnings.push_back(fmt::format("{}:{}:{}: warning: {}.{}: {} is not modelled; ignored",
                                           v->loc.file(), v->loc.line, v->loc.col, sec, key, what));
      }
    } else if (l != "false") {
      diag.error(v->loc, fmt::format("{}.{}", sec, key),
                 fmt::format("expected True or False, got '{}'", v->text));
    }
  };

  if (const auto v = get("general", "run_name", true)) cfg.run_name = v->text;
  const std::string arch = "architecture_presets";
  integer(arch, "ArrayHeight", true, 1, 4096, cfg.array_rows);
  integer(arch, "ArrayWidth", true, 1, 4096, cfg.array_cols);
  integer(arch, "IfmapSramSzkB", true, 1, std::int64_t{1} << 30, cfg.ifmap_sram_kb);
  integer(arch, "FilterSramSzkB", true, 1, std::int64_t{1} << 30, cfg.filter_sram_kb);
  integer(arch, "OfmapSramSzkB", true, 1, std::int64_t{1} << 30, cfg.ofmap_sram_kb);
  integer(arch, "IfmapOffset", false, 0, std::int64_t{1} << 62, cfg.ifmap_offset);
  integer(arch, "FilterOffset", false, 0, std::int64_t{1} << 62, cfg.filter_offset);
  integer(arch, "OfmapOffset", false, 0, std::int64_t{1} << 62, cfg.ofmap_offset);
  integer(arch, "MemoryBanks", false, 1, 1024, cfg.memory_banks);
  if (const auto v = get(arch, "Dataflow", true)) {
    if (v->text == "ws")
      cfg.dataflow = arch::Dataflow::Ws;
    else if (v->text == "os")
      cfg.dataflow = arch::Dataflow::Os;
    else if (v->text == "is")
      cfg.dataflow = arch::Dataflow::Is;
    else
      diag.error(v->loc, arch + ".Dataflow",
                 fmt::format("'{}' is not one of os | ws | is (SCALE-Sim would silently run os)",
                             v->text));
  }
  if (const auto v = get("run_presets", "InterfaceBandwidth", true)) {
    if (v->text == "USER")
      cfg.user_bandwidth = true;
    else if (v->text != "CALC")
      diag.error(v->loc, "run_presets.InterfaceBandwidth",
                 fmt::format("'{}' is not one of USER | CALC", v->text));
  }
  if (const auto v = get(arch, "Bandwidth", cfg.user_bandwidth)) {
    std::size_t start = 0;
    while (start <= v->text.size()) {
      const std::size_t comma = std::min(v->text.find(',', start), v->text.size());
      const std::string item = trim(std::string_view(v->text).substr(start, comma - start));
      std::int64_t bw = 0;
      const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), bw);
      if (ec != std::errc() || ptr != item.data() + item.size() || item.empty() || bw < 1) {
        SourceLoc at = v->loc;
        at.col += static_cast<int>(start);
        diag.error(at, arch + ".Bandwidth",
                   fmt::format("expected a comma list of positive integers, got '{}'", item));
        break;
      }
      cfg.bandwidths.push_back(bw);
      start = comma + 1;
    }
  }
  for (const std::string sec : {"network_presets", "architecture_presets"}) {
    if (const auto v = get(sec, "TopologyCsvLoc", false); v && cfg.topology_csv.empty()) {
      std::string p = v->text;
      p.erase(std::remove(p.begin(), p.end(), '"'), p.end());
      cfg.topology_csv = p;
    }
  }
  feature_switch("run_presets", "UseRamulatorTrace", "a Ramulator DRAM trace (SCALE-Sim v3)",
                 false);
  for (const std::string sec : {"layout", "architecture_presets"}) {
    feature_switch(sec, "IfmapCustomLayout", "a custom IFMAP SRAM bank layout", false);
    feature_switch(sec, "FilterCustomLayout", "a custom filter SRAM bank layout", false);
  }
  feature_switch("sparsity", "SparsitySupport", "structured (N:M) sparsity", true);
  diag.throw_if_any();
  return cfg;
}

arch::ArchSpec to_arch(const ScalesimConfig& config) {
  arch::ArchSpec spec;
  spec.name = config.run_name;
  spec.array.rows = config.array_rows;
  spec.array.cols = config.array_cols;
  spec.array.dataflow = config.dataflow;
  spec.array.pe = pe::IntMacSpec{8, 8, 32, pe::Overflow::Wrap};
  spec.run.timing = arch::TimingMode::Scalesim;
  if (config.user_bandwidth) {
    spec.memory.kind = arch::MemoryKind::Buffered;
    const std::int64_t bw = config.bandwidths.empty() ? 1 : config.bandwidths.front();
    auto buffer = [&](std::int64_t kb) { return arch::BufferSpec{kb * 1024, bw, true}; };
    spec.memory.ifmap = buffer(config.ifmap_sram_kb);
    spec.memory.filter = buffer(config.filter_sram_kb);
    spec.memory.ofmap = buffer(config.ofmap_sram_kb);
    spec.memory.dram = arch::DramSpec{bw, 1};
  } else {
    spec.memory.kind = arch::MemoryKind::Ideal;
    auto buffer = [](std::int64_t kb) { return arch::BufferSpec{kb * 1024, 64, true}; };
    spec.memory.ifmap = buffer(config.ifmap_sram_kb);
    spec.memory.filter = buffer(config.filter_sram_kb);
    spec.memory.ofmap = buffer(config.ofmap_sram_kb);
  }
  return spec;
}

}  // namespace tpesim::scalesim
