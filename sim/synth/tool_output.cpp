// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/tool_output.h"

#include <fmt/format.h>

#include <charconv>
#include <regex>
#include <sstream>
#include <vector>

namespace tpesim::synth {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

[[noreturn]] void fail(const std::string& origin, const std::string& what) {
  throw std::runtime_error(fmt::format("{}: {}", origin, what));
}

double number(const std::string& s) { return std::stod(s); }

}  // namespace

Liberty parse_liberty(std::string_view text, const std::string& origin) {
  static const std::regex kLibrary(R"re(^\s*library\s*\(\s*"?([\w.]+)"?\s*\))re");
  static const std::regex kVoltage(R"(^\s*nom_voltage\s*:\s*([0-9.eE+-]+)\s*;)");
  static const std::regex kCell(R"re(^\s*cell\s*\(\s*"?(\w+)"?\s*\))re");
  static const std::regex kArea(R"(^\s*area\s*:\s*([0-9.eE+-]+)\s*;)");
  static const std::regex kState(R"(^\s*(ff|latch)\s*\()");
  Liberty lib;
  std::string cell;       // the cell whose group is open
  bool has_area = false;  // `cell` has its area
  std::smatch m;
  for (const std::string& line : split_lines(text)) {
    if (std::regex_search(line, m, kLibrary)) {
      lib.name = m[1];
    } else if (std::regex_search(line, m, kVoltage) && lib.nom_voltage_v == 0) {
      lib.nom_voltage_v = number(m[1]);
    } else if (std::regex_search(line, m, kCell)) {
      if (!cell.empty() && !has_area) fail(origin, fmt::format("cell {} has no area", cell));
      cell = m[1];
      has_area = false;
      lib.cells[cell] = LibertyCell{};
    } else if (!cell.empty() && !has_area && std::regex_search(line, m, kArea)) {
      lib.cells[cell].area_um2 = number(m[1]);
      has_area = true;
    } else if (!cell.empty() && std::regex_search(line, kState)) {
      lib.cells[cell].sequential = true;
    }
  }
  if (!cell.empty() && !has_area) fail(origin, fmt::format("cell {} has no area", cell));
  if (lib.cells.empty()) fail(origin, "no `cell (...)` groups: not a liberty file");
  if (lib.nom_voltage_v <= 0) fail(origin, "no `nom_voltage`");
  return lib;
}

CellStats parse_yosys_stat(std::string_view text, const std::string& origin) {
  static const std::regex kModule(R"(^===\s*(\S+)\s*===\s*$)");
  static const std::regex kCells(R"(^\s*Number of cells:\s*(\d+)\s*$)");
  static const std::regex kCellLine(R"(^\s+(\S+)\s+(\d+)\s*$)");
  static const std::regex kArea(R"(^\s*Chip area for module '\\?([^']+)':\s*([0-9.eE+-]+)\s*$)");
  CellStats s;
  bool in_cells = false;  // inside the per-type list after `Number of cells`
  bool has_count = false, has_area = false;
  std::smatch m;
  for (const std::string& line : split_lines(text)) {
    if (std::regex_search(line, m, kModule)) {
      if (!s.module.empty()) {
        fail(origin, fmt::format("statistics of more than one module ({}, {}): flatten the design",
                                 s.module, std::string(m[1])));
      }
      s.module = m[1];
    } else if (std::regex_search(line, m, kCells)) {
      s.cell_count = std::stoll(m[1]);
      has_count = in_cells = true;
    } else if (in_cells && std::regex_search(line, m, kCellLine)) {
      s.cells[m[1]] += std::stoll(m[2]);
    } else if (std::regex_search(line, m, kArea)) {
      s.area_um2 = number(m[2]);
      has_area = true;
      in_cells = false;
    } else {
      in_cells = false;
    }
  }
  if (!has_count) fail(origin, "no `Number of cells` in the Yosys statistics");
  if (!has_area) fail(origin, "no `Chip area for module` (was stat run with -liberty?)");
  std::int64_t listed = 0;
  for (const auto& [type, n] : s.cells) listed += n;
  if (listed != s.cell_count) {
    fail(origin, fmt::format("the cells by type add up to {}, `Number of cells` says {}", listed,
                             s.cell_count));
  }
  return s;
}

StaReport parse_sta_report(std::string_view text, const std::string& origin) {
  static const std::regex kSection(R"(^tpesim-section\s+(\w+)\s*$)");
  static const std::regex kStart(R"(^\s*Startpoint:\s*(\S+))");
  static const std::regex kEnd(R"(^\s*Endpoint:\s*(\S+))");
  static const std::regex kArrival(R"(^\s*(-?[0-9.]+)\s+data arrival time\s*$)");
  static const std::regex kSlack(R"(^\s*(-?[0-9.]+)\s+slack\s+\((MET|VIOLATED)\)\s*$)");
  static const std::regex kPower(
      R"(^\s*Total\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+)\s+([0-9.eE+-]+))");
  StaReport r;
  std::string section;
  TimingPath path;
  bool start = false, end = false, arrival = false;
  const auto close_path = [&](std::optional<TimingPath>& into) {
    if (!(start && end && arrival)) {
      fail(origin, fmt::format("section {}: a path without Startpoint, Endpoint or data arrival "
                               "time before its slack",
                               section));
    }
    if (!into) into = path;
  };
  std::smatch m;
  for (const std::string& line : split_lines(text)) {
    if (std::regex_search(line, m, kSection)) {
      section = m[1];
      if (section != "all" && section != "reg_to_reg" && section != "power") {
        fail(origin, fmt::format("unknown section '{}'", section));
      }
      start = end = arrival = false;
    } else if (section == "power" && std::regex_search(line, m, kPower)) {
      r.power = PowerTotals{number(m[1]), number(m[2]), number(m[3])};
    } else if (section == "power" || section.empty()) {
      continue;
    } else if (std::regex_search(line, m, kStart)) {
      path.startpoint = m[1];
      start = true;
    } else if (std::regex_search(line, m, kEnd)) {
      path.endpoint = m[1];
      end = true;
    } else if (!arrival && std::regex_search(line, m, kArrival)) {  // the summary repeats it
      path.arrival_ns = number(m[1]);
      arrival = true;
    } else if (std::regex_search(line, m, kSlack)) {
      path.slack_ns = number(m[1]);
      close_path(section == "all" ? r.all : r.reg_to_reg);
      start = end = arrival = false;
    }
  }
  return r;
}

}  // namespace tpesim::synth
