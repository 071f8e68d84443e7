// SPDX-License-Identifier: Apache-2.0
// Parsers for what the synthesis tools print: Yosys `stat -liberty` (cells by type and the chip
// area), OpenSTA `report_checks` / `report_power`, and the few liberty attributes the flow needs
// (cell areas, which cells are flip-flops, the nominal voltage). Pure text in, values out.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace tpesim::synth {

// The standard cells of a liberty file.
struct LibertyCell {
  double area_um2 = 0;      // `area` attribute (the OSU libraries' unit: um^2)
  bool sequential = false;  // has an `ff` or `latch` group
};
struct Liberty {
  std::string name;                          // `library (NAME)`
  double nom_voltage_v = 0;                  // `nom_voltage`
  std::map<std::string, LibertyCell> cells;  // by cell name
};
// Throws std::runtime_error (naming `origin`) when a cell has no area or the library no
// nom_voltage.
Liberty parse_liberty(std::string_view text, const std::string& origin);

// Yosys `stat -liberty` of one (flattened) module.
struct CellStats {
  std::string module;                         // `=== module ===`
  std::map<std::string, std::int64_t> cells;  // count by cell type
  std::int64_t cell_count = 0;                // `Number of cells`
  double area_um2 = 0;                        // `Chip area for module`
};
// Throws std::runtime_error (naming `origin`) when the text has no statistics or the counts do
// not add up.
CellStats parse_yosys_stat(std::string_view text, const std::string& origin);

// The worst path of one OpenSTA `report_checks -path_delay max` section.
struct TimingPath {
  std::string startpoint;  // `Startpoint:` (a port or an instance)
  std::string endpoint;    // `Endpoint:`
  double arrival_ns = 0;   // `data arrival time`
  double slack_ns = 0;     // `slack` at the clock period of the report
};
// OpenSTA `report_power` totals, W.
struct PowerTotals {
  double internal_w = 0;   // cell internal power
  double switching_w = 0;  // net switching power
  double leakage_w = 0;    // leakage
};
// What tpesim's STA script prints: sections opened by a line `tpesim-section NAME`.
struct StaReport {
  std::optional<TimingPath> all;         // section `all`: every path, ports at zero delay
  std::optional<TimingPath> reg_to_reg;  // section `reg_to_reg`: flip-flop to flip-flop
  std::optional<PowerTotals> power;      // section `power`
};
// Throws std::runtime_error (naming `origin`) when a section is malformed; a timing section
// with "No paths found." (or a missing section) gives nullopt.
StaReport parse_sta_report(std::string_view text, const std::string& origin);

}  // namespace tpesim::synth
