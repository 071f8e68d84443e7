// SPDX-License-Identifier: Apache-2.0
// Node scaling: factors that move a technology table's energy, area and delay from its own node
// and supply voltage to another node and voltage (coefficients from the table's node_scaling).
#pragma once

#include <optional>
#include <string>

#include "arch/tech_table.h"

namespace tpesim::arch {

struct NodeFactors {
  int node_nm = 0;    // target node, nm
  double vdd_v = 0;   // target supply voltage, V
  double area = 1;    // area at the target / area at the table's node
  double energy = 1;  // switching energy at (node, vdd) / at the table's (node, vdd)
  double delay = 1;   // gate delay at (node, vdd) / at the table's (node, vdd)
};

// The factors from the table's process to (node_nm, vdd_v); vdd_v <= 0 means the table's own
// supply voltage. nullopt, with the reason in `why`, when the node has no entry in the scaling
// table or a fitted polynomial is not positive at that voltage (outside the fit).
std::optional<NodeFactors> node_factors(const TechTable& table, int node_nm, double vdd_v,
                                        std::string* why);

}  // namespace tpesim::arch
