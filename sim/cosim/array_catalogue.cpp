// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/array_catalogue.h"

#include <fmt/format.h>

#include <memory>

#include "Vadder_tree_3x5_fwd.h"
#include "Vadder_tree_4x8.h"
#include "Vsystolic_os_16x16_wrap32.h"
#include "Vsystolic_os_4x4_sat18.h"
#include "Vsystolic_ws_16x16_sat18.h"
#include "Vsystolic_ws_4x4_wrap32.h"
#include "sim/core/errors.h"
#include "sim/cosim/array_verilated.h"

namespace tpesim::cosim {

namespace {
template <class Model>
SystolicRtlSet systolic(std::string name, const SystolicShape& shape) {
  return SystolicRtlSet{std::move(name), shape,
                        [shape](std::uint64_t seed, bool traced) -> std::unique_ptr<SystolicRtl> {
                          return std::make_unique<VerilatedSystolic<Model>>(shape, seed, traced);
                        }};
}

template <class Model>
AdderTreeRtlSet adder_tree(std::string name, const AdderTreeShape& shape) {
  return AdderTreeRtlSet{std::move(name), shape,
                         [shape](std::uint64_t seed, bool traced) -> std::unique_ptr<AdderTreeRtl> {
                           return std::make_unique<VerilatedAdderTree<Model>>(shape, seed, traced);
                         }};
}

template <class Set>
const Set& find(const std::vector<Set>& sets, const std::string& name) {
  std::string names;
  for (const Set& s : sets) {
    if (s.name == name) return s;
    names += (names.empty() ? "" : ", ") + s.name;
  }
  throw UserError(fmt::format("error: no verilated array '{}' (there are: {})", name, names));
}
}  // namespace

// Keep in step with rtl/arrays/CMakeLists.txt.
const std::vector<SystolicRtlSet>& systolic_rtl_sets() {
  static const std::vector<SystolicRtlSet> kSets = {
      systolic<Vsystolic_ws_4x4_wrap32>("systolic_ws_4x4_wrap32",
                                        SystolicShape{false, 4, 4, 16, 16, 32, false}),
      systolic<Vsystolic_ws_16x16_sat18>("systolic_ws_16x16_sat18",
                                         SystolicShape{false, 16, 16, 8, 8, 18, true}),
      systolic<Vsystolic_os_4x4_sat18>("systolic_os_4x4_sat18",
                                       SystolicShape{true, 4, 4, 8, 8, 18, true}),
      systolic<Vsystolic_os_16x16_wrap32>("systolic_os_16x16_wrap32",
                                          SystolicShape{true, 16, 16, 16, 16, 32, false}),
  };
  return kSets;
}

const std::vector<AdderTreeRtlSet>& adder_tree_rtl_sets() {
  static const std::vector<AdderTreeRtlSet> kSets = {
      adder_tree<Vadder_tree_4x8>("adder_tree_4x8", AdderTreeShape{4, 8, 1, false, 16, 16, 32}),
      adder_tree<Vadder_tree_3x5_fwd>("adder_tree_3x5_fwd",
                                      AdderTreeShape{3, 5, 2, true, 8, 8, 18}),
  };
  return kSets;
}

const SystolicRtlSet& systolic_rtl_set(const std::string& name) {
  return find(systolic_rtl_sets(), name);
}

const AdderTreeRtlSet& adder_tree_rtl_set(const std::string& name) {
  return find(adder_tree_rtl_sets(), name);
}

}  // namespace tpesim::cosim
