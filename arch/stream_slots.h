// SPDX-License-Identifier: Apache-2.0
// Stream slots of data-dependent PEs (bitslice serial_digit, laconic) in a systolic array.
// The array keeps its rigid pipeline (every element moves one PE per cycle) and streams in
// lock-step (sync: array): element e of a fold is followed by element e + 1 only when the
// slowest PE it meets has finished it, so its slot is the maximum step cost over those PEs.
// The cycle model observes the same maxima PE by PE and checks them (arch/systolic_cycle.h).
#pragma once

#include <cstdint>
#include <vector>

#include "arch/fold_geometry.h"
#include "arch/gemm_operands.h"
#include "pe/bitslice.h"

namespace tpesim::arch {

// One StreamOffsets per fold, in fold order.
std::vector<StreamOffsets> systolic_stream_offsets(const pe::BitsliceSpec& spec,
                                                   const FoldGeometry& g,
                                                   const std::vector<Fold>& folds,
                                                   const GemmOperands& codes);

// The multiplier-adder tree (sync: array): row m of a fold takes, in every column, the slowest
// column's step over the fold's lanes, pe::step_cycles(lanes of A's row m, lanes of W's column).
struct TreeSlots {
  std::vector<StreamOffsets> offsets;  // per fold, rows m = 0..M
  std::int64_t busy_pe_cycles = 0;     // sum over steps of the column's own cost x lanes used
};
TreeSlots adder_tree_stream_offsets(const pe::BitsliceSpec& spec, const FoldGeometry& g,
                                    const std::vector<Fold>& folds, const GemmOperands& codes);

// PE-cycles spent on the GEMM's M x N x K single-lane steps: the sum of every step's own cost.
std::int64_t busy_pe_cycles(const pe::BitsliceSpec& spec, const GemmOperands& codes);

}  // namespace tpesim::arch
