// SPDX-License-Identifier: Apache-2.0
// The verilated parameter sets of rtl/arrays/ (rtl/arrays/CMakeLists.txt), each with its
// parameters and a factory for the lock-step benches (array_lockstep.h).
#pragma once

#include <string>
#include <vector>

#include "sim/cosim/array_lockstep.h"
#include "sim/cosim/array_rtl.h"

namespace tpesim::cosim {

struct SystolicRtlSet {
  std::string name;         // e.g. "systolic_ws_16x16_sat18"
  SystolicShape shape;      // the parameters it was verilated with
  SystolicRtlFactory make;  // a fresh model from reset
};

struct AdderTreeRtlSet {
  std::string name;          // e.g. "adder_tree_4x8"
  AdderTreeShape shape;      // the parameters it was verilated with
  AdderTreeRtlFactory make;  // a fresh model from reset
};

const std::vector<SystolicRtlSet>& systolic_rtl_sets();
const std::vector<AdderTreeRtlSet>& adder_tree_rtl_sets();
// The set called `name`; throws UserError listing the sets when there is none.
const SystolicRtlSet& systolic_rtl_set(const std::string& name);
const AdderTreeRtlSet& adder_tree_rtl_set(const std::string& name);

}  // namespace tpesim::cosim
