// SPDX-License-Identifier: Apache-2.0
#include "arch/node_scaling.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <vector>

namespace tpesim::arch {

std::optional<NodeFactors> node_factors(const TechTable& table, int node_nm, double vdd_v,
                                        std::string* why) {
  const NodeScaling& s = table.node_scaling;
  const NodeEntry* from = s.find(table.process.node_nm);
  const NodeEntry* to = s.find(node_nm);
  if (!to || !from) {
    std::vector<int> nodes;
    for (const NodeEntry& n : s.nodes) nodes.push_back(n.node_nm);
    if (why) {
      *why = fmt::format("{} nm is not in the node-scaling table of '{}' (nodes: {})", node_nm,
                         table.name, fmt::join(nodes, ", "));
    }
    return std::nullopt;
  }
  NodeFactors f;
  f.node_nm = node_nm;
  f.vdd_v = vdd_v > 0 ? vdd_v : table.process.vdd_v;
  const double e_from = from->energy.at(table.process.vdd_v);
  const double d_from = from->delay.at(table.process.vdd_v);
  const double e_to = to->energy.at(f.vdd_v);
  const double d_to = to->delay.at(f.vdd_v);
  if (e_from <= 0 || d_from <= 0 || e_to <= 0 || d_to <= 0) {
    if (why) {
      *why = fmt::format(
          "{} V is outside the fitted range of the {} nm scaling polynomials (energy {:.4g}, "
          "delay {:.4g})",
          f.vdd_v, node_nm, e_to, d_to);
    }
    return std::nullopt;
  }
  f.area = to->area_vs_reference / from->area_vs_reference;
  f.energy = e_to / e_from;
  f.delay = d_to / d_from;
  return f;
}

}  // namespace tpesim::arch
