// SPDX-License-Identifier: Apache-2.0
// The lock-step check of a configured array (`array:` of an arch config) against the verilated
// array set of rtl/arrays/ with the same parameters, for `tpesim verify-rtl`: the random GEMM
// stream of the lock-step tests (array_lockstep.h) on that set.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "arch/arch_spec.h"
#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/lockstep.h"

namespace tpesim::cosim {

struct ArrayRtlCheck {
  std::string title;        // the set and its parameters, for the report
  PeLockstepFactory bench;  // makes the bench, from reset
};

// The check of `array` on back-to-back random GEMMs (chained K folds, folds waiting for memory)
// for at least `cycles` RTL cycles from `seed`; nullopt when no verilated set has the array's
// kind, extents, dataflow, tree parameters and int_mac PE.
std::optional<ArrayRtlCheck> verilated_array_check(const arch::ArraySpec& array, std::uint64_t seed,
                                                   std::uint64_t cycles);

// The verilated set whose parameters are the array's (kind, extents, dataflow, tree parameters,
// int_mac PE); both null when there is none.
struct VerilatedArraySet {
  const SystolicRtlSet* systolic = nullptr;
  const AdderTreeRtlSet* adder_tree = nullptr;
  bool found() const { return systolic != nullptr || adder_tree != nullptr; }
};
VerilatedArraySet match_verilated_array(const arch::ArraySpec& array);

// The verilated class of a set: rtl/arrays/CMakeLists.txt names it V<set name>.
std::string model_class(const std::string& set);

// One line for an array without a verilated set: its parameters and the sets that exist.
std::string no_verilated_array_line(const arch::ArraySpec& array);

}  // namespace tpesim::cosim
