// SPDX-License-Identifier: Apache-2.0
// The `tech:` section of an architecture: which technology table prices the design, the node
// and supply voltage it is scaled to, and the clock that turns cycles into time.
#pragma once

#include <array>
#include <string>
#include <utility>

#include "arch/tech_table.h"
#include "sim/core/bind.h"

namespace tpesim::arch {

// A check that a number is strictly positive.
inline Check<double> positive_number() {
  return [](const double& v) -> std::optional<std::string> {
    if (v <= 0) return fmt::format("must be > 0, got {}", v);
    return std::nullopt;
  };
}

// Where the area of one PE comes from: the table's priced parts, or a synthesis of the PE's
// Verilog (rtl/) with the OSU 0.18 um cells, scaled to node_nm (sim/synth, docs/COST_MODEL.md).
enum class PeAreaSource { Table, Yosys };
constexpr auto enum_names(PeAreaSource) {
  return std::array{std::pair{PeAreaSource::Table, "table"},
                    std::pair{PeAreaSource::Yosys, "yosys"}};
}

struct TechSpec {
  std::string table = "horowitz_45nm";         // configs/tech/<name>.yaml, or a path to a table
  int node_nm = 45;                            // node the table is scaled to (node_scaling), nm
  double clock_ghz = 1.0;                      // clock frequency, GHz
  double vdd_v = 0;                            // supply voltage at node_nm, V; 0: the table's own
  PeAreaSource pe_area = PeAreaSource::Table;  // where the PE's area comes from

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<TechSpec, std::string>{"table", &TechSpec::table,
                                     "technology table: a name under configs/tech/ or a path"},
        Field<TechSpec, int>{"node_nm", &TechSpec::node_nm,
                             "technology node; must be in the table's node_scaling", "nm",
                             in_range(1, 1000)},
        Field<TechSpec, double>{"clock_ghz", &TechSpec::clock_ghz,
                                "clock frequency (cycles to seconds)", "GHz", positive_number()},
        Field<TechSpec, double>{"vdd_v", &TechSpec::vdd_v,
                                "supply voltage at node_nm; 0: the table's own", "V",
                                at_least(0.0)},
        Field<TechSpec, PeAreaSource>{
            "pe_area", &TechSpec::pe_area,
            "PE area: table (priced parts) | yosys (the PE's Verilog synthesized with OSU "
            "0.18 um cells, scaled to node_nm)"},
    };
    return kFields;
  }
};

// Binds `tech:` (absent: every default) and, when present, loads its table to check that the
// node is in the table's scaling range and the voltage inside the fit. Errors go to `diag`
// (the table's own errors included).
void bind_tech(const ConfigNode& node, TechSpec& out, Diag& diag);

// The table `spec` names. Throws UserError when it cannot be found, ConfigError when it is
// malformed.
TechTable load_tech_for(const TechSpec& spec);

}  // namespace tpesim::arch
