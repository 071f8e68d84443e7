// SPDX-License-Identifier: Apache-2.0
// Step costs of data-dependent PEs (bitslice serial_digit, laconic) and the stream slots of the
// multiplier-adder tree. The systolic array's lock-step groups are in arch/elastic_schedule.h.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "arch/fold_geometry.h"
#include "arch/gemm_operands.h"
#include "pe/bitslice.h"

namespace tpesim::arch {

// A single-lane step costs combine(fa(a), fw(w)), monotone in both factors, so the maximum over
// a set of pairs is combine(max fa, max fw) wherever the set is a cross product.
// serial_digit's cost is fa(a) alone, so its fw is never filled: a K x N table of zeros would
// cost more time and memory than the whole schedule.
struct StepCost {
  bool product = false;          // laconic: max(1, terms_a * terms_w); else fa(a) alone
  std::vector<std::int64_t> fa;  // per activation code (M x K)
  std::vector<std::int64_t> fw;  // per weight code (K x N); empty unless `product`

  StepCost() = default;
  StepCost(const pe::BitsliceSpec& spec, const GemmOperands& codes);
  std::int64_t w(std::size_t index) const { return product ? fw[index] : 0; }
  std::int64_t combine(std::int64_t a, std::int64_t w) const {
    return product ? std::max<std::int64_t>(1, a * w) : a;
  }
};

// The multiplier-adder tree (sync: array): row m of a fold takes, in every column, the slowest
// column's step over the fold's lanes, pe::step_cycles(lanes of A's row m, lanes of W's column).
struct TreeSlots {
  std::vector<StreamOffsets> offsets;  // per fold, rows m = 0..M
  std::int64_t busy_pe_cycles = 0;     // sum over steps of the column's own cost x lanes used
};
TreeSlots adder_tree_stream_offsets(const pe::BitsliceSpec& spec, const FoldGeometry& g,
                                    const std::vector<Fold>& folds, const GemmOperands& codes);

// PE-cycles spent on the GEMM's M x N x K single-lane steps: the sum of every step's own cost.
std::int64_t busy_pe_cycles(const StepCost& cost, const GemmOperands& codes);
inline std::int64_t busy_pe_cycles(const pe::BitsliceSpec& spec, const GemmOperands& codes) {
  return busy_pe_cycles(StepCost(spec, codes), codes);
}

}  // namespace tpesim::arch
