// SPDX-License-Identifier: Apache-2.0
#include "sim/report/reports.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>

#include "sim/core/errors.h"
#include "sim/report/cost_report.h"
#include "sim/version.h"

namespace tpesim {

namespace {

std::ofstream open_for_write(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UserError(fmt::format("{}: error: cannot write file", path.string()));
  return out;
}

struct OperandColumns {
  const char* name;
  const arch::OperandTraffic arch::AccessCounts::*member;
};
constexpr OperandColumns kOperands[] = {{"ifmap", &arch::AccessCounts::ifmap},
                                        {"filter", &arch::AccessCounts::filter},
                                        {"ofmap", &arch::AccessCounts::ofmap}};

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

const std::vector<std::string>& layers_csv_columns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c = {"layer",
                                  "M",
                                  "N",
                                  "K",
                                  "count",
                                  "cycles",
                                  "stall_cycles",
                                  "compute_cycles",
                                  "macs",
                                  "utilization",
                                  "pe_busy_cycles",
                                  "mapping_efficiency",
                                  "folds",
                                  "overflows",
                                  "output_fingerprint",
                                  "value_source",
                                  "rtl_cycles"};
    for (const auto& op : kOperands) {
      for (const char* what : {"sram_reads", "sram_writes", "dram_reads", "dram_writes"}) {
        c.push_back(fmt::format("{}_{}", what, op.name));
      }
    }
    for (const auto& op : kOperands) {
      for (const char* what : {"sram_reads", "sram_writes", "dram_reads", "dram_writes"}) {
        c.push_back(fmt::format("{}_bytes_{}", what, op.name));
      }
    }
    c.insert(c.end(), cost_csv_columns().begin(), cost_csv_columns().end());
    return c;
  }();
  return columns;
}

void write_layers_csv(const RunResult& run, const std::filesystem::path& path) {
  std::ofstream out = open_for_write(path);
  out << fmt::format("{}\n", fmt::join(layers_csv_columns(), ","));
  for (std::size_t i = 0; i < run.layers.size(); ++i) {
    const LayerResult& l = run.layers[i];
    const arch::LayerStats& s = l.stats;
    std::vector<std::string> row = {
        csv_field(l.gemm.name),
        std::to_string(l.gemm.m),
        std::to_string(l.gemm.n),
        std::to_string(l.gemm.k),
        std::to_string(l.gemm.count),
        std::to_string(s.cycles),
        std::to_string(s.stall_cycles),
        std::to_string(s.compute_cycles),
        std::to_string(s.macs),
        fmt::format("{:.6f}", s.utilization),
        std::to_string(s.pe_busy_cycles),
        fmt::format("{:.6f}", s.mapping_efficiency),
        std::to_string(s.folds),
        s.has_values ? std::to_string(s.overflows) : std::string(),
        s.has_values ? fmt::format("{:016x}", s.output_fingerprint) : std::string(),
        csv_field(s.value_source.empty() ? std::string(s.has_values ? "model" : "")
                                         : s.value_source),
        s.value_source.empty() ? std::string() : std::to_string(s.rtl_cycles)};
    for (const auto& op : kOperands) {
      const arch::OperandTraffic& t = s.access.*op.member;
      for (std::int64_t v : {t.sram_reads, t.sram_writes, t.dram_reads, t.dram_writes}) {
        row.push_back(std::to_string(v));
      }
    }
    for (const auto& op : kOperands) {
      const arch::OperandTraffic& t = s.access.*op.member;
      for (std::int64_t v : {t.sram_reads, t.sram_writes, t.dram_reads, t.dram_writes}) {
        row.push_back(std::to_string(arch::OperandTraffic::bytes(v, t.bits)));
      }
    }
    const std::vector<std::string> cost = cost_csv_row(run.cost.layers.at(i), run.cost.area);
    row.insert(row.end(), cost.begin(), cost.end());
    out << fmt::format("{}\n", fmt::join(row, ","));
  }
}

void write_activity_csv(const RunResult& run, const std::filesystem::path& path) {
  std::ofstream out = open_for_write(path);
  out << "layer,event,count,total\n";
  for (const LayerResult& l : run.layers) {
    for (const auto& [name, n] : l.stats.activity.events) {
      out << fmt::format("{},{},{},{}\n", csv_field(l.gemm.name), name, n, n * l.gemm.count);
    }
  }
}

void write_resolved_config(const RunResult& run, const std::filesystem::path& path) {
  std::ofstream out = open_for_write(path);
  YAML::Emitter e;
  e << arch::emit_arch(run.arch);
  out << "# Fully resolved configuration of this run (every default filled in).\n"
      << "# Reproduce with: tpesim run --arch config.yaml --workload " << run.workload.source
      << " --out DIR\n"
      << e.c_str() << "\n";
}

nlohmann::json yaml_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json j = nlohmann::json::object();
      for (auto it : node) j[it.first.Scalar()] = yaml_to_json(it.second);
      return j;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json j = nlohmann::json::array();
      for (auto it : node) j.push_back(yaml_to_json(it));
      return j;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (s == "true" || s == "false") return s == "true";
      long long i = 0;
      if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), i);
          ec == std::errc() && p == s.data() + s.size()) {
        return i;
      }
      double d = 0;
      if (auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
          ec == std::errc() && p == s.data() + s.size()) {
        return d;
      }
      return s;
    }
    default:
      return nullptr;
  }
}

nlohmann::json summary_json(const RunResult& run) {
  nlohmann::json j;
  j["tool"] = "tpesim";
  j["version"] = kTpesimVersion;
  j["arch"] = run.arch.name;
  j["workload"] = run.workload.source;
  j["config"] = yaml_to_json(arch::emit_arch(run.arch));
  const RunTotals& t = run.totals;
  j["totals"] = {
      {"layers", run.layers.size()},    {"cycles", t.cycles}, {"compute_cycles", t.compute_cycles},
      {"stall_cycles", t.stall_cycles}, {"macs", t.macs},     {"utilization", t.utilization}};
  nlohmann::json access = nlohmann::json::object();
  for (const auto& op : kOperands) {
    std::int64_t sr = 0, sw = 0, dr = 0, dw = 0;
    int bits = 8;
    for (const LayerResult& l : run.layers) {
      const arch::OperandTraffic& tr = l.stats.access.*op.member;
      sr += tr.sram_reads * l.gemm.count;
      sw += tr.sram_writes * l.gemm.count;
      dr += tr.dram_reads * l.gemm.count;
      dw += tr.dram_writes * l.gemm.count;
      bits = tr.bits;
    }
    access[op.name] = {{"bits", bits},
                       {"sram_reads", sr},
                       {"sram_writes", sw},
                       {"dram_reads", dr},
                       {"dram_writes", dw},
                       {"dram_read_bytes", arch::OperandTraffic::bytes(dr, bits)},
                       {"dram_write_bytes", arch::OperandTraffic::bytes(dw, bits)}};
  }
  j["totals"]["access"] = access;
  if (run.arch.array.rtl_values) {
    std::uint64_t rtl_cycles = 0;
    for (const LayerResult& l : run.layers) rtl_cycles += l.stats.rtl_cycles;
    j["totals"]["rtl_cycles"] = rtl_cycles;
    j["totals"]["value_source"] =
        run.layers.empty() ? std::string() : run.layers.front().stats.value_source;
  }
  j["totals"]["activity"] = t.activity;
  j["totals"]["activity_data_counted"] = t.activity_data_counted;
  j["cost"] = cost_json(run.cost);
  return j;
}

void write_summary_json(const RunResult& run, const std::filesystem::path& path) {
  std::ofstream out = open_for_write(path);
  out << summary_json(run).dump(2) << "\n";
}

void write_report_md(const RunResult& run, const std::filesystem::path& path) {
  std::ofstream out = open_for_write(path);
  const arch::ArchSpec& a = run.arch;
  const RunTotals& t = run.totals;
  out << fmt::format("# tpesim report: {}\n\n", a.name);
  out << fmt::format(
      "Array: {}, PE `{}`; memory `{}`; fidelity `{}`, timing `{}`.\n"
      "Workload: `{}` ({} layers).\n\n",
      arch::array_summary(a.array), arch::pe_kind_label(a.array), enum_name(a.memory.kind),
      enum_name(a.run.fidelity), enum_name(a.run.timing), run.workload.source, run.layers.size());
  if (a.array.rtl_values && !run.layers.empty()) {
    std::uint64_t rtl_cycles = 0;
    for (const LayerResult& l : run.layers) rtl_cycles += l.stats.rtl_cycles;
    out << fmt::format(
        "Output values: from the RTL, {}; {} RTL cycles over the {} layers. Every output "
        "equalled the C++ model's.\n\n",
        run.layers.front().stats.value_source, rtl_cycles, run.layers.size());
  }
  out << fmt::format(
      "Total: **{} cycles** ({} compute, {} stalled), {} MACs, utilization {:.2f} %.\n\n", t.cycles,
      t.compute_cycles, t.stall_cycles, t.macs, 100 * t.utilization);
  out << "| layer | M | N | K | count | cycles | stalls | util % | map eff % | DRAM read B | "
         "DRAM write B |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const LayerResult& l : run.layers) {
    const arch::LayerStats& s = l.stats;
    const auto& acc = s.access;
    const std::int64_t rd = arch::OperandTraffic::bytes(acc.ifmap.dram_reads, acc.ifmap.bits) +
                            arch::OperandTraffic::bytes(acc.filter.dram_reads, acc.filter.bits) +
                            arch::OperandTraffic::bytes(acc.ofmap.dram_reads, acc.ofmap.bits);
    const std::int64_t wr = arch::OperandTraffic::bytes(acc.ofmap.dram_writes, acc.ofmap.bits);
    out << fmt::format("| {} | {} | {} | {} | {} | {} | {} | {:.2f} | {:.2f} | {} | {} |\n",
                       l.gemm.name, l.gemm.m, l.gemm.n, l.gemm.k, l.gemm.count, s.cycles,
                       s.stall_cycles, 100 * s.utilization, 100 * s.mapping_efficiency, rd, wr);
  }
  out << "\n## Activity (totals)\n\n| event | count |\n|---|---:|\n";
  for (const auto& [name, n] : t.activity) out << fmt::format("| {} | {} |\n", name, n);
  if (const auto it = t.activity.find("digits"); it != t.activity.end() && it->second > 0) {
    const double nonzero = static_cast<double>(t.activity.at("nonzero_digits"));
    out << fmt::format(
        "\nDigit sparsity: {:.2f} % of the encoded operands' radix-4 digits are "
        "zero.\n",
        100.0 * (1.0 - nonzero / static_cast<double>(it->second)));
  }
  if (!t.activity_data_counted) {
    out << "\nData-dependent events (set weight bits, non-zero digits) are not counted: the run "
           "computed no operands (set `run.values: true`).\n";
  }
  out << cost_markdown(run.cost);
  out << "\nFiles: `layers.csv` (per layer, every counter), `activity.csv` (per layer, every PE "
         "event), `summary.json` (totals and the resolved config), `config.yaml` (the resolved "
         "config, reusable with `--arch`).\n";
}

void write_run_reports(const RunResult& run, StagedOutput& out) {
  write_layers_csv(run, out.file("layers.csv"));
  write_activity_csv(run, out.file("activity.csv"));
  write_summary_json(run, out.file("summary.json"));
  write_report_md(run, out.file("report.md"));
  write_resolved_config(run, out.file("config.yaml"));
}

}  // namespace tpesim
