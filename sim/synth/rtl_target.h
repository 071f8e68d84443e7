// SPDX-License-Identifier: Apache-2.0
// Which Verilog module of rtl/ implements a PE, and with which parameters: the mapping from a
// bound `array.pe` Spec (pe/pe_config.h) to `chparam` values for synthesis.
#pragma once

#include <string>
#include <vector>

#include "arch/pe_datapath.h"
#include "pe/pe_config.h"

namespace tpesim::synth {

// One Verilog parameter value (`chparam -set NAME VALUE`).
struct RtlParam {
  std::string name;  // e.g. "ACC_BITS"
  int value = 0;     // integer value
};

struct RtlTarget {
  std::string kind;    // PE kind and variant, for reports: "int_mac", "bitslice booth_csa"
  std::string module;  // top module, e.g. "pe_int_mac"
  std::string file;    // its file under rtl/, e.g. "pe_int_mac.sv"
  std::vector<RtlParam> params;  // every parameter of the module, in declaration order
  std::string scope;             // what the module contains, for reports
  // The parts of the cost model's PE (arch/pe_datapath.h) that the module does not contain
  // (forwarded operand registers; lmul's accumulator), so a synthesized PE plus these is the same
  // PE the table prices.
  std::vector<arch::Part> outside;
};

// The module and parameters of `pe`. Throws UserError naming what has Verilog when the kind, its
// variant or a parameter value has none (bitslice same_bw_tree, overflow: saturate of bitslice).
RtlTarget rtl_target(const pe::PeConfig& pe);

// One line per synthesizable PE kind, for messages and --help.
std::string rtl_catalogue();

}  // namespace tpesim::synth
