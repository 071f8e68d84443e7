// SPDX-License-Identifier: Apache-2.0
// One verilated PE in a lock-step test: the cosim library's VerilatedPe (sim/cosim/verilated_pe.h),
// under the name the tests use.
#pragma once

#include "sim/cosim/verilated_pe.h"

namespace tpesim::testing_support {

template <class Model>
using VerilatedPe = cosim::VerilatedPe<Model>;

}  // namespace tpesim::testing_support
