// SPDX-License-Identifier: Apache-2.0
#include "sim/report/cost_report.h"

#include <fmt/format.h>

namespace tpesim {

namespace {

std::string num(double v) { return fmt::format("{:.6g}", v); }

nlohmann::json energy_json(const arch::EnergyBreakdown& e) {
  return {{"pe_array", e.pe_array_pj()},
          {"pe_arithmetic", e.pe_arithmetic_pj},
          {"pe_registers", e.pe_registers_pj},
          {"buffers", e.buffers_pj},
          {"dram", e.dram_pj},
          {"leakage", e.leakage_pj},
          {"total", e.total_pj()}};
}

}  // namespace

nlohmann::json cost_json(const arch::RunCost& c) {
  nlohmann::json j;
  j["tech"] = {{"table", c.table},
               {"table_node_nm", c.table_node_nm},
               {"table_vdd_v", c.table_vdd_v},
               {"node_nm", c.node.node_nm},
               {"vdd_v", c.node.vdd_v},
               {"clock_ghz", c.clock_ghz},
               {"area_factor", c.node.area},
               {"energy_factor", c.node.energy},
               {"delay_factor", c.node.delay}};
  j["time_s"] = c.perf.time_s;
  j["energy_pj"] = energy_json(c.energy);
  nlohmann::json items = nlohmann::json::array();
  for (const arch::AreaItem& i : c.area.items) {
    items.push_back({{"group", i.group},
                     {"component", i.component},
                     {"role", i.role},
                     {"count", i.count},
                     {"um2", i.um2},
                     {"source", i.source}});
  }
  j["area_mm2"] = {{"pe_array", c.area.pe_array_mm2},
                   {"periphery", c.area.periphery_mm2},
                   {"buffers", c.area.buffers_mm2},
                   {"total", c.area.total_mm2()},
                   {"pe_um2", c.area.pe_um2},
                   {"pes", c.area.pes},
                   {"components", items}};
  j["power_w"] = c.perf.power_w;
  j["tops"] = c.perf.tops;
  j["tops_per_w"] = c.perf.tops_per_w;
  j["tops_per_mm2"] = c.perf.tops_per_mm2;
  nlohmann::json events = nlohmann::json::array();
  for (const arch::EventEnergy& e : c.events) {
    events.push_back({{"event", e.event},
                      {"count", e.count},
                      {"pj_each", e.pj_each},
                      {"pj", e.pj_each * double(e.count)},
                      {"costed", e.costed},
                      {"rule", e.rule}});
  }
  j["events"] = events;
  return j;
}

std::string cost_markdown(const arch::RunCost& c) {
  const arch::EnergyBreakdown& e = c.energy;
  std::string out = "\n## Energy, area and throughput\n\n";
  out += fmt::format(
      "Technology table `{}` ({} nm, {} V) scaled to {} nm at {} V (area x{}, energy x{}, delay "
      "x{}); clock {} GHz. Rules and sources: `docs/COST_MODEL.md`.\n\n",
      c.table, c.table_node_nm, num(c.table_vdd_v), c.node.node_nm, num(c.node.vdd_v),
      num(c.node.area), num(c.node.energy), num(c.node.delay), num(c.clock_ghz));
  out += fmt::format(
      "Time {} s; **{} TOPS**, **{} TOPS/W**, **{} TOPS/mm²** (2 operations per MAC); power {} "
      "W.\n\n",
      num(c.perf.time_s), num(c.perf.tops), num(c.perf.tops_per_w), num(c.perf.tops_per_mm2),
      num(c.perf.power_w));
  out += "| energy | pJ | % |\n|---|---:|---:|\n";
  const double total = e.total_pj();
  const auto row = [&](const char* name, double pj) {
    out += fmt::format("| {} | {} | {:.1f} |\n", name, num(pj), total > 0 ? 100 * pj / total : 0);
  };
  row("PE array: arithmetic events", e.pe_arithmetic_pj);
  row("PE array: registers", e.pe_registers_pj);
  row("buffers (SRAM)", e.buffers_pj);
  row("DRAM", e.dram_pj);
  row("leakage", e.leakage_pj);
  row("**total**", total);
  out += fmt::format(
      "\n| area | mm² |\n|---|---:|\n| PE array ({} PEs x {} µm²) | {} |\n| periphery | {} |\n"
      "| buffers (SRAM bit cells) | {} |\n| **total** | {} |\n",
      c.area.pes, num(c.area.pe_um2), num(c.area.pe_array_mm2), num(c.area.periphery_mm2),
      num(c.area.buffers_mm2), num(c.area.total_mm2()));
  out += "\n| component | where | role | count | µm² | source |\n|---|---|---|---:|---:|---|\n";
  for (const arch::AreaItem& i : c.area.items) {
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", i.component, i.group, i.role,
                       num(i.count), num(i.um2), i.source);
  }
  out += "\n| event | count | pJ each | pJ | rule |\n|---|---:|---:|---:|---|\n";
  for (const arch::EventEnergy& ev : c.events) {
    out += fmt::format("| {} | {} | {} | {} | {} |\n", ev.event, ev.count, num(ev.pj_each),
                       num(ev.pj_each * double(ev.count)), ev.rule);
  }
  return out;
}

const std::vector<std::string>& cost_csv_columns() {
  static const std::vector<std::string> columns = {
      "time_s",         "energy_pj",         "energy_pe_array_pj", "energy_buffers_pj",
      "energy_dram_pj", "energy_leakage_pj", "area_mm2",           "tops",
      "tops_per_w",     "tops_per_mm2"};
  return columns;
}

std::vector<std::string> cost_csv_row(const arch::LayerCost& l, const arch::AreaBreakdown& area) {
  const arch::EnergyBreakdown& e = l.energy;
  return {num(l.perf.time_s),     num(e.total_pj()),       num(e.pe_array_pj()),  num(e.buffers_pj),
          num(e.dram_pj),         num(e.leakage_pj),       num(area.total_mm2()), num(l.perf.tops),
          num(l.perf.tops_per_w), num(l.perf.tops_per_mm2)};
}

}  // namespace tpesim
