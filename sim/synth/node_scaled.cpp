// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/node_scaled.h"

#include <fmt/format.h>

#include "arch/node_scaling.h"
#include "arch/pe_datapath.h"
#include "arch/unit_costs.h"
#include "sim/core/errors.h"
#include "sim/synth/synth_flow.h"

namespace tpesim::synth {

namespace {

arch::NodeFactors factors_or_throw(const arch::TechTable& table, int node_nm, double vdd_v) {
  std::string why;
  const auto f = arch::node_factors(table, node_nm, vdd_v, &why);
  if (!f) throw UserError("error: node scaling: " + why);
  return *f;
}

double parts_um2(const std::vector<arch::Part>& parts, const arch::UnitCosts& units) {
  double um2 = 0;
  for (const arch::Part& p : parts) {
    const auto u = units.primitive(p.primitive);
    TPESIM_CHECK(u.has_value(), "'{}' is not a priced hardware primitive", p.primitive);
    um2 += p.count * u->area_um2;
  }
  return um2;
}

}  // namespace

NodeScaled scale_to_node(const SynthResult& r, const arch::TechTable& table, int node_nm,
                         double vdd_v) {
  // Both factors are relative to the table's own process; their ratio goes from the library's
  // node and voltage to the target's.
  const arch::NodeFactors lib = factors_or_throw(table, r.library_node_nm, r.library_vdd_v);
  const arch::NodeFactors to = factors_or_throw(table, node_nm, vdd_v);
  NodeScaled s;
  s.table = table.name;
  s.scaling = table.node_scaling.source.find("Stillmaker") != std::string::npos
                  ? "Stillmaker-Baas"
                  : "node_scaling of " + table.name;
  s.node_nm = to.node_nm;
  s.vdd_v = to.vdd_v;
  s.area_factor = to.area / lib.area;
  s.delay_factor = to.delay / lib.delay;
  s.energy_factor = to.energy / lib.energy;
  s.area_um2 = r.area_um2 * s.area_factor;
  s.critical_path_ns = r.critical_path_ns * s.delay_factor;
  if (r.reg_to_reg_ns) s.reg_to_reg_ns = *r.reg_to_reg_ns * s.delay_factor;
  s.fmax_mhz = 1000.0 / s.critical_path_ns;
  s.dynamic_energy_pj = r.dynamic_energy_pj * s.energy_factor;
  s.leakage_mw = r.leakage_mw * s.energy_factor;
  s.source = fmt::format("yosys ({}, scaled {} -> {} nm, {})", kOsu018Label, r.library_node_nm,
                         s.node_nm, s.scaling);
  s.assumption = fmt::format(
      "synthesized with {} ({} nm, {} V) cells; moved to {} nm, {} V with the {} node-scaling "
      "factors of technology table '{}' (area x{:.4g}, delay x{:.4g}, energy x{:.4g}): an "
      "estimate, not a {} nm library",
      r.library, r.library_node_nm, r.library_vdd_v, s.node_nm, s.vdd_v, s.scaling, s.table,
      s.area_factor, s.delay_factor, s.energy_factor, s.node_nm);
  return s;
}

TableEstimate table_estimate(const pe::PeConfig& pe, const RtlTarget& target,
                             const arch::TechTable& table, int node_nm, double vdd_v) {
  const arch::UnitCosts units(table);
  const double area = factors_or_throw(table, node_nm, vdd_v).area;
  return {parts_um2(arch::pe_parts(pe), units) * area, parts_um2(target.outside, units) * area};
}

}  // namespace tpesim::synth
