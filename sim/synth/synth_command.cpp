// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/synth_command.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "arch/tech_spec.h"
#include "pe/pe_config.h"
#include "sim/core/config_node.h"
#include "sim/core/errors.h"
#include "sim/synth/node_scaled.h"
#include "sim/synth/rtl_target.h"
#include "sim/synth/synth_flow.h"

namespace tpesim::synth {

namespace {

namespace fs = std::filesystem;

// A resolved PE field as JSON: integers and decimals as numbers, the rest as strings.
nlohmann::json scalar_json(const std::string& v) {
  try {
    std::size_t used = 0;
    const long long i = std::stoll(v, &used);
    if (used == v.size()) return i;
    const double d = std::stod(v, &used);
    if (used == v.size()) return d;
  } catch (const std::logic_error&) {
  }
  if (v == "true" || v == "false") return v == "true";
  return v;
}

nlohmann::json pe_json(const pe::PeConfig& pe) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& it : pe::emit_pe(pe)) out[it.first.Scalar()] = scalar_json(it.second.Scalar());
  return out;
}

std::string params_text(const std::vector<RtlParam>& params) {
  std::vector<std::string> parts;
  for (const RtlParam& p : params) parts.push_back(fmt::format("{}={}", p.name, p.value));
  return fmt::format("{}", fmt::join(parts, " "));
}

std::string optional_ns(const std::optional<double>& v) {
  return v ? fmt::format("{:.3f}", *v) : std::string("-");
}

void print_report(const SynthResult& r, const RtlTarget& t, const NodeScaled& s,
                  const TableEstimate& est) {
  fmt::print("synth {}: rtl/{}, module {} ({})\n", t.kind, t.file, t.module, params_text(t.params));
  fmt::print("contains: {}\n", t.scope);
  if (r.cache_hit) {
    fmt::print("cache: hit ({})\n", r.entry.string());
  } else {
    fmt::print("cache: miss; synthesized in {:.1f} s, stored in {}\n", r.seconds, r.entry.string());
  }
  fmt::print("\n| | {} {} nm, {} V | {} nm, {} V (scaled) |\n|---|---:|---:|\n", r.library,
             r.library_node_nm, r.library_vdd_v, s.node_nm, s.vdd_v);
  fmt::print("| area, um^2 | {:.1f} | {:.1f} |\n", r.area_um2, s.area_um2);
  fmt::print("| NAND2-eq ({} = {} um^2) | {:.1f} | {:.1f} |\n", "NAND2X1", r.nand2_um2, r.nand2_eq,
             r.nand2_eq);
  fmt::print("| critical path, ns | {:.3f} | {:.3f} |\n", r.critical_path_ns, s.critical_path_ns);
  fmt::print("| fmax, MHz | {:.1f} | {:.1f} |\n", r.fmax_mhz, s.fmax_mhz);
  fmt::print("| flip-flop to flip-flop, ns | {} | {} |\n", optional_ns(r.reg_to_reg_ns),
             optional_ns(s.reg_to_reg_ns));
  fmt::print("| dynamic energy per cycle, pJ | {:.3f} | {:.4f} |\n", r.dynamic_energy_pj,
             s.dynamic_energy_pj);
  fmt::print("| leakage, mW | {:.3g} | {:.3g} |\n\n", r.leakage_mw, s.leakage_mw);
  std::vector<std::string> cells;
  for (const auto& [type, n] : r.cells) cells.push_back(fmt::format("{} {}", type, n));
  fmt::print("cells: {} ({} flip-flops): {}\n", r.cell_count, r.flip_flops, fmt::join(cells, ", "));
  fmt::print("critical path: {} -> {} (inputs and outputs at zero external delay; no wire load)\n",
             r.critical_from, r.critical_to);
  fmt::print(
      "dynamic energy: OpenSTA's default activity, 0.1 transitions per cycle on every input\n");
  fmt::print(
      "cost model (table '{}') at {} nm: {:.1f} um^2 for the parts the Verilog contains (the "
      "whole PE {:.1f} um^2); synthesized / table = {:.2f}\n",
      s.table, s.node_nm, est.same_scope_um2(), est.pe_um2, s.area_um2 / est.same_scope_um2());
  fmt::print("scaling: {}\n", s.assumption);
}

nlohmann::json report_json(const SynthResult& r, const pe::PeConfig& pe, const RtlTarget& t,
                           const NodeScaled& s, const TableEstimate& est) {
  nlohmann::json j = to_json(r);
  j["pe"] = pe_json(pe);
  j["verilog_file"] = "rtl/" + t.file;
  j["contains"] = t.scope;
  j["scaled"] = {{"table", s.table},
                 {"node_nm", s.node_nm},
                 {"vdd_v", s.vdd_v},
                 {"area_factor", s.area_factor},
                 {"delay_factor", s.delay_factor},
                 {"energy_factor", s.energy_factor},
                 {"area_um2", s.area_um2},
                 {"critical_path_ns", s.critical_path_ns},
                 {"reg_to_reg_ns", s.reg_to_reg_ns ? nlohmann::json(*s.reg_to_reg_ns) : nullptr},
                 {"fmax_mhz", s.fmax_mhz},
                 {"dynamic_energy_pj_per_cycle", s.dynamic_energy_pj},
                 {"leakage_mw", s.leakage_mw},
                 {"source", s.source},
                 {"assumption", s.assumption}};
  nlohmann::json outside = nlohmann::json::array();
  for (const arch::Part& p : t.outside) {
    outside.push_back({{"primitive", p.primitive}, {"count", p.count}, {"role", p.role}});
  }
  j["table_estimate"] = {{"table", s.table},
                         {"node_nm", s.node_nm},
                         {"pe_um2", est.pe_um2},
                         {"outside_verilog_um2", est.outside_um2},
                         {"outside_verilog", outside},
                         {"same_scope_um2", est.same_scope_um2()},
                         {"synthesized_over_table", s.area_um2 / est.same_scope_um2()}};
  j["cache"] = {{"hit", r.cache_hit}, {"entry", r.entry.string()}};
  return j;
}

void write_outputs(const fs::path& dir, const nlohmann::json& report, const SynthResult& r) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw UserError(
        fmt::format("error: --out: cannot create '{}': {}", dir.string(), ec.message()));
  }
  const fs::path staged = dir / ".synth.json.partial";
  {
    std::ofstream out(staged);
    out << report.dump(2) << "\n";
    if (!out) throw UserError(fmt::format("error: --out: cannot write '{}'", staged.string()));
  }
  fs::copy_file(r.entry / "netlist.v", dir / "netlist.v", fs::copy_options::overwrite_existing);
  fs::rename(staged, dir / "synth.json");
}

}  // namespace

int run_synth_command(const SynthCommandOptions& o) {
  // The PE goes through the same strict binder as a config file's `array.pe`.
  ConfigDoc doc = ConfigDoc::from_string(fmt::format("kind: {}\n", o.kind), "--pe");
  Diag diag;
  for (const auto& s : o.overrides) doc.apply_override(s, diag);
  diag.throw_if_any();
  const pe::PeConfig pe = pe::bind_pe(doc.root(), diag);
  diag.throw_if_any();
  const RtlTarget target = rtl_target(pe);

  const arch::TechTable table = arch::load_tech_for(arch::TechSpec{});
  const int node = o.node_nm > 0 ? o.node_nm : table.process.node_nm;
  const SynthResult r = synthesize(target, default_synth_env(o.cache_dir));
  const NodeScaled scaled = scale_to_node(r, table, node, 0);
  const TableEstimate est = table_estimate(pe, target, table, node, 0);
  print_report(r, target, scaled, est);
  if (!o.out.empty()) {
    write_outputs(o.out, report_json(r, pe, target, scaled, est), r);
    fmt::print("synth.json: {}\n", (fs::path(o.out) / "synth.json").string());
  }
  return 0;
}

}  // namespace tpesim::synth
