// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/synth_result.h"

namespace tpesim::synth {

nlohmann::json to_json(const SynthResult& r) {
  nlohmann::json params = nlohmann::json::object();
  for (const RtlParam& p : r.params) params[p.name] = p.value;
  nlohmann::json verilog = nlohmann::json::array();
  for (const VerilogFile& f : r.verilog)
    verilog.push_back({{"file", f.file}, {"sha256", f.sha256}});
  nlohmann::json commands = nlohmann::json::array();
  for (const ToolCommand& c : r.commands) {
    commands.push_back({{"command", c.command}, {"script", c.script}});
  }
  nlohmann::json timing = {{"critical_path_ns", r.critical_path_ns},
                           {"critical_path_from", r.critical_from},
                           {"critical_path_to", r.critical_to},
                           {"fmax_mhz", r.fmax_mhz}};
  timing["reg_to_reg_ns"] = r.reg_to_reg_ns ? nlohmann::json(*r.reg_to_reg_ns) : nlohmann::json();
  return {{"kind", r.kind},
          {"module", r.module},
          {"parameters", params},
          {"verilog", verilog},
          {"liberty",
           {{"file", r.liberty},
            {"sha256", r.liberty_sha256},
            {"library", r.library},
            {"node_nm", r.library_node_nm},
            {"vdd_v", r.library_vdd_v},
            {"nand2_um2", r.nand2_um2}}},
          {"tools", {{"yosys", r.yosys_version}, {"sta", r.sta_version}}},
          {"cells", r.cells},
          {"cell_count", r.cell_count},
          {"flip_flops", r.flip_flops},
          {"area_um2", r.area_um2},
          {"nand2_eq", r.nand2_eq},
          {"timing", timing},
          {"power",
           {{"dynamic_energy_pj_per_cycle", r.dynamic_energy_pj},
            {"leakage_mw", r.leakage_mw},
            {"activity", "OpenSTA default: 0.1 transitions per clock cycle on every input"}}},
          {"commands", commands},
          {"cache_key", r.cache_key}};
}

SynthResult synth_result_from_json(const nlohmann::json& j) {
  SynthResult r;
  r.kind = j.at("kind").get<std::string>();
  r.module = j.at("module").get<std::string>();
  for (const auto& [name, value] : j.at("parameters").items()) {
    r.params.push_back({name, value.get<int>()});
  }
  for (const auto& f : j.at("verilog")) {
    r.verilog.push_back({f.at("file").get<std::string>(), f.at("sha256").get<std::string>()});
  }
  const auto& lib = j.at("liberty");
  r.liberty = lib.at("file").get<std::string>();
  r.liberty_sha256 = lib.at("sha256").get<std::string>();
  r.library = lib.at("library").get<std::string>();
  r.library_node_nm = lib.at("node_nm").get<int>();
  r.library_vdd_v = lib.at("vdd_v").get<double>();
  r.nand2_um2 = lib.at("nand2_um2").get<double>();
  r.yosys_version = j.at("tools").at("yosys").get<std::string>();
  r.sta_version = j.at("tools").at("sta").get<std::string>();
  r.cells = j.at("cells").get<std::map<std::string, std::int64_t>>();
  r.cell_count = j.at("cell_count").get<std::int64_t>();
  r.flip_flops = j.at("flip_flops").get<std::int64_t>();
  r.area_um2 = j.at("area_um2").get<double>();
  r.nand2_eq = j.at("nand2_eq").get<double>();
  const auto& t = j.at("timing");
  r.critical_path_ns = t.at("critical_path_ns").get<double>();
  r.critical_from = t.at("critical_path_from").get<std::string>();
  r.critical_to = t.at("critical_path_to").get<std::string>();
  if (!t.at("reg_to_reg_ns").is_null()) r.reg_to_reg_ns = t.at("reg_to_reg_ns").get<double>();
  r.fmax_mhz = t.at("fmax_mhz").get<double>();
  r.dynamic_energy_pj = j.at("power").at("dynamic_energy_pj_per_cycle").get<double>();
  r.leakage_mw = j.at("power").at("leakage_mw").get<double>();
  for (const auto& c : j.at("commands")) {
    r.commands.push_back(
        {c.at("command").get<std::string>(), c.at("script").get<std::vector<std::string>>()});
  }
  r.cache_key = j.at("cache_key").get<std::string>();
  return r;
}

}  // namespace tpesim::synth
