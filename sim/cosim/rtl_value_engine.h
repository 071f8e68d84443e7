// SPDX-License-Identifier: Apache-2.0
// The engine behind the rtl_<kind> PE kinds (arch/rtl_values.h), over the verilated models:
// - array form: an int_mac array whose parameters are a verilated array set's (rtl/arrays/) runs
//   each GEMM on that array in lock step with the C++ cycle model (array_rtl_gemm.h);
// - PE form: every other kind and array computes each output chain on the kind's verilated PE,
//   one instance per thread (rtl_gemm.h).
#pragma once

#include <string>

#include "arch/rtl_values.h"

namespace tpesim::cosim {

class VerilatedValueEngine final : public arch::RtlValueEngine {
 public:
  std::string unsupported(const arch::ArraySpec& array) const override;
  arch::RtlValues compute(const arch::ArchSpec& arch,
                          const arch::GemmOperands& codes) const override;
};

// Installs a VerilatedValueEngine that lives as long as the program.
void install_verilated_values();

}  // namespace tpesim::cosim
