// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_reports.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <tuple>

#include "sim/core/errors.h"

namespace tpesim::sweep {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A metric column of results.csv and pareto.csv, and where its value is in a row.
struct Metric {
  const char* column;   // CSV header
  const char* pointer;  // JSON pointer into the row
};

// Units are in the names: seconds, picojoules, square millimetres, watts.
constexpr Metric kMetrics[] = {
    {"array_rows", "/array_rows"},
    {"array_cols", "/array_cols"},
    {"cycles", "/cycles"},
    {"time_s", "/time_s"},
    {"energy_pj", "/energy_pj"},
    {"energy_pe_arithmetic_pj", "/energy/pe_arithmetic_pj"},
    {"energy_pe_registers_pj", "/energy/pe_registers_pj"},
    {"energy_buffers_pj", "/energy/buffers_pj"},
    {"energy_dram_pj", "/energy/dram_pj"},
    {"energy_leakage_pj", "/energy/leakage_pj"},
    {"area_mm2", "/area_mm2"},
    {"area_pe_array_mm2", "/area/pe_array_mm2"},
    {"area_periphery_mm2", "/area/periphery_mm2"},
    {"area_buffers_mm2", "/area/buffers_mm2"},
    {"power_w", "/power_w"},
    {"tops", "/tops"},
    {"tops_per_w", "/tops_per_w"},
    {"tops_per_mm2", "/tops_per_mm2"},
    {"utilization", "/utilization"},
    {"macs", "/macs"},
    {"stall_cycles", "/stall_cycles"},
    {"prefill_s", "/prefill_s"},
    {"decode_token_s", "/decode_token_s"},
    {"numeric_error", "/numeric_error"},
    {"model_error", "/model_error"},
};

const json& at(const json& row, const char* pointer) {
  static const json kNull;
  const json::json_pointer p(pointer);
  return row.contains(p) ? row.at(p) : kNull;
}

double number(const json& row, const char* pointer) {
  const json& v = at(row, pointer);
  return v.is_number() ? v.get<double>() : 0.0;
}

bool is_ok(const SweepRow& r) { return r.result.value("status", "") == "ok"; }

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// A markdown table cell: `|` escaped, line breaks as spaces.
std::string md_cell(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '|') {
      out += "\\|";
    } else if (c == '\n' || c == '\r') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

std::string md_row(const std::vector<std::string>& cells) {
  std::string out = "|";
  for (const std::string& c : cells) out.append(" ").append(md_cell(c)).append(" |");
  return out + "\n";
}

// The rule under a table's header: `numbers` columns right-aligned after `text` left-aligned
// ones, then `trailing_text` left-aligned ones.
std::string md_rule(std::size_t text, std::size_t numbers, std::size_t trailing_text = 0) {
  std::string out = "|";
  for (std::size_t i = 0; i < text; ++i) out += "---|";
  for (std::size_t i = 0; i < numbers; ++i) out += "---:|";
  for (std::size_t i = 0; i < trailing_text; ++i) out += "---|";
  return out + "\n";
}

std::vector<std::string> metric_cells(const json& row) {
  std::vector<std::string> out;
  for (const Metric& m : kMetrics) out.push_back(format_number(at(row, m.pointer)));
  return out;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  return out + "\n";
}

bool has_phase(const SweepSpec& spec, const char* phase) {
  return std::find(spec.layer_phases.begin(), spec.layer_phases.end(), phase) !=
         spec.layer_phases.end();
}

// A code fence longer than any run of backticks in `text`.
std::string fence_for(const std::string& text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string axis_summary(const Axis& a) {
  std::vector<std::string> keys;
  for (const std::string& c : a.columns) keys.push_back(fmt::format("`{}`", c));
  switch (a.kind) {
    case AxisKind::Key:
      return fmt::format("{} ({} values)", keys.front(), a.choices.size());
    case AxisKind::Zip:
      return fmt::format("zip of {} ({} values each)", fmt::join(keys, ", "), a.choices.size());
    case AxisKind::AreaBudget:
      return fmt::format("area budget {} ({} values, array sized to fit)", keys.front(),
                         a.choices.size());
    case AxisKind::Variants:
      break;
  }
  std::vector<std::string> names;
  for (const AxisChoice& c : a.choices) names.push_back(c.labels.front());
  return fmt::format("{}: {} variants ({})", keys.front(), a.choices.size(),
                     fmt::join(names, ", "));
}

// The report.md table of `rows` whose `keep` is true.
std::string points_table(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                         const std::vector<bool>& keep, const std::vector<bool>& front,
                         bool with_status) {
  const bool prefill = has_phase(spec, "prefill");
  const bool decode = has_phase(spec, "decode");
  std::vector<std::string> header = {"id"};
  for (const std::string& c : spec.param_columns()) header.push_back(c);
  const std::size_t text_columns = header.size() + (with_status ? 1 : 0);
  if (with_status) header.push_back("status");
  for (const char* h : {"cycles", "latency (s)", "energy (pJ)", "area (mm²)", "TOPS", "TOPS/W",
                        "TOPS/mm²", "util %"}) {
    header.emplace_back(h);
  }
  if (prefill) header.emplace_back("prefill (s)");
  if (decode) header.emplace_back("decode (s/token)");
  header.emplace_back("model error");
  if (with_status) header.emplace_back("Pareto");
  const std::size_t trailing = with_status ? 1 : 0;  // the Pareto column
  std::string out =
      md_row(header) + md_rule(text_columns, header.size() - text_columns - trailing, trailing);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!keep[i]) continue;
    const json& r = rows[i].result;
    std::vector<std::string> cells = {rows[i].point->id};
    cells.insert(cells.end(), rows[i].point->params.begin(), rows[i].point->params.end());
    if (with_status) cells.push_back(r.value("status", ""));
    const bool ok = is_ok(rows[i]);
    for (const char* p : {"/cycles", "/time_s", "/energy_pj", "/area_mm2", "/tops", "/tops_per_w",
                          "/tops_per_mm2"}) {
      cells.push_back(format_number(at(r, p)));
    }
    cells.push_back(ok ? fmt::format("{:.2f}", 100 * number(r, "/utilization")) : "");
    if (prefill) cells.push_back(format_number(at(r, "/prefill_s")));
    if (decode) cells.push_back(format_number(at(r, "/decode_token_s")));
    cells.push_back(format_number(at(r, "/model_error")));
    if (with_status) cells.emplace_back(front[i] ? "yes" : "");
    out += md_row(cells);
  }
  return out;
}

void write_atomically(const fs::path& dir, const std::string& name, const std::string& text) {
  const fs::path tmp = dir / fmt::format(".{}.tmp-{}", name, ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw UserError(fmt::format("{}: error: cannot write file", tmp.string()));
  }
  std::error_code ec;
  fs::rename(tmp, dir / name, ec);
  if (ec) {
    throw UserError(
        fmt::format("{}: error: cannot write file: {}", (dir / name).string(), ec.message()));
  }
}

}  // namespace

std::string format_number(const json& value) {
  if (value.is_number_integer()) return value.dump();
  if (value.is_number()) return fmt::format("{:.6g}", value.get<double>());
  return "";
}

std::vector<bool> pareto_front(const std::vector<SweepRow>& rows) {
  // Sorted by (area, energy, latency), a point can only be dominated by one before it, and a
  // dominated point is dominated by a point of the front: compare with the front found so far.
  using Key = std::tuple<double, double, double>;
  std::vector<std::size_t> order;
  std::vector<Key> keys(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!is_ok(rows[i])) continue;
    const json& r = rows[i].result;
    keys[i] = {number(r, "/area_mm2"), number(r, "/energy_pj"), number(r, "/time_s")};
    order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });
  std::vector<bool> front(rows.size(), false);
  std::vector<std::size_t> found;
  for (const std::size_t i : order) {
    const auto& [area, energy, time] = keys[i];
    const bool dominated = std::any_of(found.begin(), found.end(), [&](std::size_t j) {
      const auto& [a, e, t] = keys[j];
      return a <= area && e <= energy && t <= time && keys[j] != keys[i];
    });
    if (dominated) continue;
    front[i] = true;
    found.push_back(i);
  }
  return front;
}

std::string results_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows) {
  std::vector<std::string> header = {"id", "status"};
  for (const std::string& c : spec.param_columns()) header.push_back(c);
  for (const Metric& m : kMetrics) header.emplace_back(m.column);
  header.emplace_back("error");
  std::string out = csv_line(header);
  for (const SweepRow& r : rows) {
    std::vector<std::string> fields = {r.point->id, r.result.value("status", "")};
    fields.insert(fields.end(), r.point->params.begin(), r.point->params.end());
    for (std::string& m : metric_cells(r.result)) fields.push_back(std::move(m));
    const json& error = at(r.result, "/error");
    fields.push_back(error.is_string() ? error.get<std::string>() : "");
    out += csv_line(fields);
  }
  return out;
}

std::string pareto_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                       const std::vector<bool>& front) {
  std::vector<std::string> header = {"id"};
  for (const std::string& c : spec.param_columns()) header.push_back(c);
  for (const Metric& m : kMetrics) header.emplace_back(m.column);
  std::string out = csv_line(header);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!front[i]) continue;
    std::vector<std::string> fields = {rows[i].point->id};
    fields.insert(fields.end(), rows[i].point->params.begin(), rows[i].point->params.end());
    for (std::string& m : metric_cells(rows[i].result)) fields.push_back(std::move(m));
    out += csv_line(fields);
  }
  return out;
}

std::string sweep_report_md(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                            const std::vector<bool>& front, const PlotOutcome& plots) {
  const auto ok = std::count_if(rows.begin(), rows.end(), is_ok);
  const auto on_front = std::count(front.begin(), front.end(), true);
  std::vector<std::string> axes;
  for (const Axis& a : spec.axes) axes.push_back(axis_summary(a));
  std::string out = fmt::format("# Sweep `{}`\n\n", spec.name);
  out += "| | |\n|---|---|\n";
  out += md_row({"sweep file", fmt::format("`{}`", fs::path(spec.path).filename().string())});
  out += md_row({"base", fmt::format("`{}` (`{}`)", spec.base, spec.base_arch.name)});
  const std::size_t layers = spec.workload.layers.size();
  out += md_row({"workload", fmt::format("{} ({} GEMM layer{})", spec.workload_ref.describe(),
                                         layers, layers == 1 ? "" : "s")});
  out += md_row({"axes", axes.empty() ? std::string("none (the base alone)")
                                      : fmt::format("{}", fmt::join(axes, "; "))});
  out +=
      md_row({"points", fmt::format("{}: {} ok, {} error{}", rows.size(), ok,
                                    rows.size() - static_cast<std::size_t>(ok),
                                    rows.size() - static_cast<std::size_t>(ok) == 1 ? "" : "s")});
  out += md_row({"Pareto set", fmt::format("{} point{} (minimizing area, energy and latency)",
                                           on_front, on_front == 1 ? "" : "s")});
  out +=
      "\nLatency is the whole workload's time at `tech.clock_ghz`; energy and area come from "
      "the cost model (docs/COST_MODEL.md). Every column of every point: `results.csv`.\n";

  if (plots.requested) {
    out += "\n## Plots\n\n";
    if (!plots.problem.empty()) {
      out += fmt::format(
          "**{}.** The tables below hold every number the plots would show; "
          "`scripts/plot-sweep DIR` draws them later.\n",
          plots.problem);
    } else if (plots.files.empty()) {
      out += "No point ran without an error, so there is nothing to plot.\n";
    }
    for (const std::string& f : plots.files) {
      out += fmt::format("![{}]({})\n\n", fs::path(f).stem().string(), f);
    }
  }

  const std::string fence = fence_for(spec.text);
  out += fmt::format("\n## Sweep file\n\n{}yaml\n{}{}{}\n", fence, spec.text,
                     spec.text.empty() || spec.text.back() == '\n' ? "" : "\n", fence);

  out += "\n## Points\n\n";
  out += points_table(spec, rows, std::vector<bool>(rows.size(), true), front, true);

  out += "\n## Pareto set (area, energy, latency)\n\n";
  if (on_front == 0) {
    out += "No point ran without an error.\n";
  } else {
    out += points_table(spec, rows, front, front, false);
  }

  if (static_cast<std::size_t>(ok) < rows.size()) {
    out += "\n## Errors\n\n";
    std::vector<std::string> header = {"id"};
    for (const std::string& c : spec.param_columns()) header.push_back(c);
    header.emplace_back("error");
    out += md_row(header) + md_rule(header.size(), 0);
    for (const SweepRow& r : rows) {
      if (is_ok(r)) continue;
      std::vector<std::string> cells = {r.point->id};
      cells.insert(cells.end(), r.point->params.begin(), r.point->params.end());
      const json& error = at(r.result, "/error");
      cells.push_back(error.is_string() ? error.get<std::string>() : "");
      out += md_row(cells);
    }
  }
  return out;
}

SweepReportFiles write_sweep_reports(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                                     const fs::path& dir, bool plots) {
  // Temporary files of a run killed while writing these reports.
  std::error_code ec;
  std::vector<fs::path> leftovers;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    for (const char* report : {".results.csv.tmp-", ".pareto.csv.tmp-", ".report.md.tmp-"}) {
      if (name.rfind(report, 0) == 0) leftovers.push_back(entry.path());
    }
  }
  for (const fs::path& p : leftovers) fs::remove(p, ec);
  const std::vector<bool> front = pareto_front(rows);
  write_atomically(dir, "results.csv", results_csv(spec, rows));
  write_atomically(dir, "pareto.csv", pareto_csv(spec, rows, front));
  SweepReportFiles files;
  files.pareto = std::count(front.begin(), front.end(), true);
  if (plots) files.plots = make_plots(dir);
  write_atomically(dir, "report.md", sweep_report_md(spec, rows, front, files.plots));
  return files;
}

}  // namespace tpesim::sweep
