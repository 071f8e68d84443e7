// SPDX-License-Identifier: Apache-2.0
// A whole GEMM computed by a verilated array (rtl/arrays/) in lock step with the C++ cycle model:
// the rtl_int_mac kind's array form. The controller schedule is the model's (array_lockstep.h
// replays the edge inputs it applied, every cycle); the outputs are those that left the RTL's
// ports, placed by the folds' order; any cycle where the RTL's outputs differ from the model's
// is a ModelError naming the cycle, its inputs and both values.
#pragma once

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"
#include "arch/rtl_values.h"
#include "sim/cosim/array_rtl_check.h"

namespace tpesim::cosim {

// `set` must be match_verilated_array(arch.array) (found).
arch::RtlValues rtl_array_gemm(const VerilatedArraySet& set, const arch::ArchSpec& arch,
                               const arch::GemmOperands& codes);

}  // namespace tpesim::cosim
