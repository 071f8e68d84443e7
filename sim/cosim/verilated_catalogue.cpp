// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/verilated_catalogue.h"

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/cosim/booth_csa_lockstep.h"
#include "sim/cosim/fp_mac_lockstep.h"
#include "sim/cosim/int_mac_lockstep.h"
#include "sim/cosim/lmul_lockstep.h"
#include "sim/cosim/lut_tc_lockstep.h"
#include "sim/cosim/mixpe_lockstep.h"
#include "sim/cosim/serial_digit_lockstep.h"

namespace tpesim::cosim {

namespace {

bool same_parameters(const synth::RtlTarget& x, const synth::RtlTarget& y) {
  if (x.module != y.module || x.params.size() != y.params.size()) return false;
  for (std::size_t i = 0; i < x.params.size(); ++i) {
    if (x.params[i].name != y.params[i].name || x.params[i].value != y.params[i].value) {
      return false;
    }
  }
  return true;
}

std::string catalogue_lines() {
  std::string lines;
  for (const VerilatedPeModel& m : verilated_pe_models()) {
    lines += fmt::format("  {:<12} {} ({})\n", pe::pe_kind_name(m.pe),
                         describe(synth::rtl_target(m.pe)), m.model);
  }
  return lines;
}

}  // namespace

const std::vector<VerilatedPeModel>& verilated_pe_models() {
  static const std::vector<VerilatedPeModel> kModels = [] {
    std::vector<VerilatedPeModel> all = int_mac_verilated_pes();
    for (VerilatedPeModel& m : booth_csa_verilated_pes()) all.push_back(std::move(m));
    for (VerilatedPeModel& m : lmul_verilated_pes()) all.push_back(std::move(m));
    for (VerilatedPeModel& m : fp_mac_verilated_pes()) all.push_back(std::move(m));
    for (VerilatedPeModel& m : serial_digit_verilated_pes()) all.push_back(std::move(m));
    for (VerilatedPeModel& m : mixpe_verilated_pes()) all.push_back(std::move(m));
    for (VerilatedPeModel& m : lut_tc_verilated_pes()) all.push_back(std::move(m));
    return all;
  }();
  return kModels;
}

std::string describe(const synth::RtlTarget& target) {
  std::string text = target.module;
  for (const synth::RtlParam& p : target.params) text += fmt::format(" {}={}", p.name, p.value);
  return text;
}

const VerilatedPeModel* match_verilated_pe(const pe::PeConfig& pe) {
  synth::RtlTarget wanted;
  try {
    wanted = synth::rtl_target(pe);
  } catch (const UserError&) {
    return nullptr;
  }
  for (const VerilatedPeModel& m : verilated_pe_models()) {
    if (same_parameters(synth::rtl_target(m.pe), wanted)) return &m;
  }
  return nullptr;
}

std::string verilated_sets_of(const std::string& kind) {
  std::string sets;
  for (const VerilatedPeModel& m : verilated_pe_models()) {
    if (pe::pe_kind_name(m.pe) != kind) continue;
    sets += fmt::format("{}{}", sets.empty() ? "" : "; ", describe(synth::rtl_target(m.pe)));
  }
  return sets.empty() ? std::string("none") : sets;
}

const VerilatedPeModel& find_verilated_pe(const pe::PeConfig& pe) {
  synth::RtlTarget wanted;
  try {
    wanted = synth::rtl_target(pe);
  } catch (const UserError&) {
    throw UserError(fmt::format(
        "error: verify-rtl: the PE kind '{}' with these parameters has no Verilog; verilated "
        "models with a lock-step bench:\n{}",
        pe::pe_kind_name(pe), catalogue_lines()));
  }
  for (const VerilatedPeModel& m : verilated_pe_models()) {
    if (same_parameters(synth::rtl_target(m.pe), wanted)) return m;
  }
  throw UserError(fmt::format(
      "error: verify-rtl: no verilated model of {} (the configured {} PE); verilated models with "
      "a lock-step bench:\n{}add the parameter set to rtl/CMakeLists.txt (tpesim_verilate_pe) and "
      "to sim/cosim/ to check it",
      describe(wanted), pe::pe_kind_name(pe), catalogue_lines()));
}

}  // namespace tpesim::cosim
