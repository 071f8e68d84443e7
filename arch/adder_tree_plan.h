// SPDX-License-Identifier: Apache-2.0
// The layer schedule of the multiplier-adder-tree array: its folds, the memory model's ready
// times and the controller's fold times, with the configured memory and with ideal memory.
#pragma once

#include "arch/arch_spec.h"
#include "arch/simulate.h"
#include "workloads/gemm.h"

namespace tpesim::arch {

// plan_layer() for `array.kind: adder_tree` (timing overlap; scalesim is rejected by the binder).
// `codes` are needed when the PE's timing is data-dependent.
LayerSchedule plan_adder_tree_layer(const ArchSpec& arch, const workloads::Gemm& gemm,
                                    const GemmOperands* codes = nullptr);

}  // namespace tpesim::arch
