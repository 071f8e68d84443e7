// SPDX-License-Identifier: Apache-2.0
// A synthesis result moved from the liberty's node (OSU 0.18 um, 1.8 V) to a target node with
// the cost model's node-scaling factors (arch/node_scaling: the technology table's Stillmaker &
// Baas coefficients), next to the cost model's table estimate of the same PE at that node.
#pragma once

#include <optional>
#include <string>

#include "arch/tech_table.h"
#include "pe/pe_config.h"
#include "sim/synth/rtl_target.h"
#include "sim/synth/synth_result.h"

namespace tpesim::synth {

struct NodeScaled {
  std::string table;            // technology table whose node_scaling was used
  std::string scaling;          // short name of its scaling source, e.g. "Stillmaker-Baas"
  int node_nm = 0;              // target node, nm
  double vdd_v = 0;             // target supply voltage, V
  double area_factor = 1;       // area at the target / at the library's node
  double delay_factor = 1;      // gate delay, same ratio
  double energy_factor = 1;     // switching energy, same ratio (leakage too, as the cost model)
  double area_um2 = 0;          // synthesized area at the target, um^2
  double critical_path_ns = 0;  // at the target, ns
  std::optional<double> reg_to_reg_ns;  // at the target, ns
  double fmax_mhz = 0;                  // at the target, MHz
  double dynamic_energy_pj = 0;         // per cycle at the target, pJ
  double leakage_mw = 0;                // at the target, mW
  std::string source;      // e.g. "yosys (osu018, scaled 180 -> 45 nm, Stillmaker-Baas)"
  std::string assumption;  // the scaling assumption, one sentence for reports
};

// `r` scaled to (node_nm, vdd_v) (vdd_v <= 0: the table's own voltage, as tech.vdd_v). Throws
// UserError when the table's node_scaling lacks the library's node or the target.
NodeScaled scale_to_node(const SynthResult& r, const arch::TechTable& table, int node_nm,
                         double vdd_v);

// The cost model's table-priced area of the same PE at (node_nm, vdd_v), um^2.
struct TableEstimate {
  double pe_um2 = 0;       // the whole PE as the cost model prices it (arch/pe_datapath pe_parts)
  double outside_um2 = 0;  // of which the parts the Verilog lacks (RtlTarget::outside)
  double same_scope_um2() const { return pe_um2 - outside_um2; }  // what the Verilog contains
};
TableEstimate table_estimate(const pe::PeConfig& pe, const RtlTarget& target,
                             const arch::TechTable& table, int node_nm, double vdd_v);

}  // namespace tpesim::synth
