// SPDX-License-Identifier: Apache-2.0
// The verilated PE models that have a lock-step bench, each with the PE parameters it was
// verilated for, and the lookup from a configured PE to one of them.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pe/pe_config.h"
#include "sim/cosim/lockstep.h"
#include "sim/synth/rtl_target.h"

namespace tpesim::cosim {

// One verilated parameter set of a Verilog PE (a `tpesim_verilate_pe()` of rtl/CMakeLists.txt).
struct VerilatedPeModel {
  std::string model;  // the verilated class, e.g. "Vpe_int_mac_wrap32"
  pe::PeConfig pe;    // the PE it implements: the kind with the parameters it was verilated for
  // A factory of its lock-step bench for `cycles` random cycles (plus the bench's directed
  // tail, if any) from `seed`.
  std::function<PeLockstepFactory(std::uint64_t seed, std::uint64_t cycles)> bench;
};

// Every verilated PE model with a bench.
const std::vector<VerilatedPeModel>& verilated_pe_models();

// The model whose Verilog module and parameters (synth::rtl_target) are those of `pe`; throws
// UserError naming the module and parameters asked for and listing those that exist when there
// is none (or when the PE has no Verilog at all).
const VerilatedPeModel& find_verilated_pe(const pe::PeConfig& pe);
// The same without throwing: null when there is none (or the kind has no Verilog).
const VerilatedPeModel* match_verilated_pe(const pe::PeConfig& pe);
// The verilated sets of the kind `kind`, on one line: "pe_int_mac A_BITS=8 ...; ...".
std::string verilated_sets_of(const std::string& kind);

// "pe_int_mac A_BITS=16 W_BITS=16 ACC_BITS=32 SATURATE=0".
std::string describe(const synth::RtlTarget& target);

}  // namespace tpesim::cosim
