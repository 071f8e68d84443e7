// SPDX-License-Identifier: Apache-2.0
// The rtl_<kind> PE kinds (`array.pe.kind: rtl_int_mac`): the timing, traffic and activity of
// <kind>, with the output values computed by <kind>'s verilated RTL. arch/ does not link the
// verilated models: the program that does (the tpesim binary, the cosim tests) installs an
// engine here before it binds a config; without one, rtl_ kinds are a config error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"

namespace tpesim::arch {

// The values of one GEMM as the RTL computed them.
struct RtlValues {
  std::vector<std::int64_t> outputs;  // M x N, row-major, coded as pe::output_coding says
  std::string source;                 // what computed them, e.g. "PE Vpe_int_mac_wrap32"
  std::uint64_t cycles = 0;           // RTL clock edges stepped
};

class RtlValueEngine {
 public:
  virtual ~RtlValueEngine() = default;
  // Empty when the array's PE kind and parameters have a verilated model; else why not, with
  // the verilated sets there are (one config error).
  virtual std::string unsupported(const ArraySpec& array) const = 0;
  // The outputs of the GEMM `codes` on `arch`'s PE (or, where a verilated array matches, on the
  // array). Throws ModelError when the RTL and the C++ model part ways.
  virtual RtlValues compute(const ArchSpec& arch, const GemmOperands& codes) const = 0;
};

// Installs the engine (not owned; null removes it). Not thread-safe: call before binding.
void set_rtl_value_engine(const RtlValueEngine* engine);
// The installed engine, or null.
const RtlValueEngine* rtl_value_engine();

}  // namespace tpesim::arch
