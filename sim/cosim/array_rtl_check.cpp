// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/array_rtl_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>

#include "pe/pe_config.h"
#include "sim/core/bind.h"
#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/array_lockstep.h"

namespace tpesim::cosim {

namespace {

std::string describe_int_mac(int a_bits, int w_bits, int acc_bits, bool saturate) {
  return fmt::format("int_mac {} x {} -> {} {}", a_bits, w_bits, acc_bits,
                     saturate ? "saturate" : "wrap");
}

std::string describe(const SystolicShape& s) {
  return fmt::format("systolic {} x {} {}, {}", s.rows, s.cols, s.output_stationary ? "os" : "ws",
                     describe_int_mac(s.a_bits, s.w_bits, s.acc_bits, s.saturate));
}

std::string describe(const AdderTreeShape& s) {
  return fmt::format("adder_tree {} columns x {} lanes, {} stage(s) per level, {}, {}", s.columns,
                     s.k_lanes, s.stages_per_level, s.forward ? "forward" : "broadcast",
                     describe_int_mac(s.a_bits, s.w_bits, s.acc_bits, false));
}

// The configured array in the words of describe(shape), so the two read side by side.
std::string describe(const arch::ArraySpec& a) {
  std::string pe;
  if (const auto* m = std::get_if<pe::IntMacSpec>(&a.pe)) {
    pe = describe_int_mac(m->a_bits, m->w_bits, m->acc_bits, m->overflow == pe::Overflow::Saturate);
  } else {
    pe = fmt::format("{} PEs", pe::pe_kind_name(a.pe));
  }
  if (a.kind == arch::ArrayKind::Systolic) {
    return fmt::format("systolic {} x {} {}, {}", a.rows, a.cols, enum_name(a.dataflow), pe);
  }
  return fmt::format("adder_tree {} columns x {} lanes, {} stage(s) per level, {}, {}", a.columns(),
                     a.k_lanes(), a.tree_stages_per_level, enum_name(a.activation), pe);
}

bool matches(const SystolicShape& s, const arch::ArraySpec& a, const pe::IntMacSpec& m) {
  const bool os = a.dataflow == arch::Dataflow::Os;
  return a.kind == arch::ArrayKind::Systolic && (os || a.dataflow == arch::Dataflow::Ws) &&
         s.output_stationary == os && s.rows == a.rows && s.cols == a.cols &&
         s.a_bits == m.a_bits && s.w_bits == m.w_bits && s.acc_bits == m.acc_bits &&
         s.saturate == (m.overflow == pe::Overflow::Saturate);
}

bool matches(const AdderTreeShape& s, const arch::ArraySpec& a, const pe::IntMacSpec& m) {
  return a.kind == arch::ArrayKind::AdderTree && s.columns == a.columns() &&
         s.k_lanes == a.k_lanes() && s.stages_per_level == a.tree_stages_per_level &&
         s.forward == (a.activation == arch::TreeActivation::Forward) && s.a_bits == m.a_bits &&
         s.w_bits == m.w_bits && s.acc_bits == m.acc_bits && m.overflow == pe::Overflow::Wrap;
}

// "Vsystolic_ws_16x16_sat18": rtl/arrays/CMakeLists.txt names each set's class V<set name>.
}  // namespace

std::string model_class(const std::string& set) { return "V" + set; }

VerilatedArraySet match_verilated_array(const arch::ArraySpec& array) {
  VerilatedArraySet found;
  const auto* mac = std::get_if<pe::IntMacSpec>(&array.pe);
  if (mac == nullptr) return found;
  for (const SystolicRtlSet& set : systolic_rtl_sets()) {
    if (!found.systolic && matches(set.shape, array, *mac)) found.systolic = &set;
  }
  for (const AdderTreeRtlSet& set : adder_tree_rtl_sets()) {
    if (!found.adder_tree && matches(set.shape, array, *mac)) found.adder_tree = &set;
  }
  return found;
}

std::optional<ArrayRtlCheck> verilated_array_check(const arch::ArraySpec& array, std::uint64_t seed,
                                                   std::uint64_t cycles) {
  const VerilatedArraySet set = match_verilated_array(array);
  ArrayStimulus stimulus;
  stimulus.seed = seed;
  stimulus.cycles = static_cast<std::int64_t>(cycles);
  if (const SystolicRtlSet* s = set.systolic) {
    // Extents up to 3 x the array (partial folds, chained K folds); OS chains of up to 64 k, so
    // that narrow accumulators overflow.
    stimulus.max_m = 3 * s->shape.rows;
    stimulus.max_n = 3 * s->shape.cols;
    stimulus.max_k =
        s->shape.output_stationary ? std::max(64, 3 * s->shape.rows) : 3 * s->shape.rows;
    return ArrayRtlCheck{fmt::format("array {}: {} (verilated {})", s->name, describe(s->shape),
                                     model_class(s->name)),
                         systolic_lockstep(s->make, stimulus)};
  }
  if (const AdderTreeRtlSet* t = set.adder_tree) {
    stimulus.max_n = 3 * t->shape.columns;
    stimulus.max_k = 4 * t->shape.k_lanes;
    return ArrayRtlCheck{fmt::format("array {}: {} (verilated {})", t->name, describe(t->shape),
                                     model_class(t->name)),
                         adder_tree_lockstep(t->make, stimulus)};
  }
  return std::nullopt;
}

std::string no_verilated_array_line(const arch::ArraySpec& array) {
  std::string sets;
  for (const SystolicRtlSet& set : systolic_rtl_sets()) {
    sets += fmt::format("{}{} ({})", sets.empty() ? "" : ", ", set.name, describe(set.shape));
  }
  for (const AdderTreeRtlSet& set : adder_tree_rtl_sets()) {
    sets += fmt::format(", {} ({})", set.name, describe(set.shape));
  }
  return fmt::format(
      "array: not checked, no verilated array has this configuration ({}); verilated arrays: {}",
      describe(array), sets);
}

}  // namespace tpesim::cosim
