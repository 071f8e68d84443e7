// SPDX-License-Identifier: Apache-2.0
// Timing of the multiplier-adder-tree array, shared by both fidelities: the pipeline of one column
// unit (k_lanes multipliers, a binary reduction tree, an accumulator register), when each streamed
// row of a fold reaches each column, and when each output leaves. Formulas: docs/TIMING.md
// ("adder_tree").
//
// Mapping: a fold is a K tile of k_lanes by an N tile of `columns` (FoldGeometry with dataflow ws,
// rows = k_lanes, cols = columns); the fold's weight tile stays in the units' register files while
// the M rows of A's K tile stream through.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/fold_geometry.h"
#include "arch/fold_scheduler.h"
#include "workloads/gemm.h"

namespace tpesim::arch {

// The adder tree's fold geometry: ws over a k_lanes x columns grid. `gemm.k` is the reduction the
// array steps (pe::array_k: LUT groups for lut_tc).
FoldGeometry adder_tree_geometry(const ArraySpec& array, const workloads::Gemm& gemm);

class AdderTreeTiming {
 public:
  // `offsets` (data-dependent PEs: each fold's row slots, arch/stream_slots.h) must outlive this.
  AdderTreeTiming(const ArraySpec& array, const FoldGeometry& geometry,
                  const std::vector<StreamOffsets>* offsets = nullptr);

  const FoldGeometry& geometry() const { return m_geometry; }
  int k_lanes() const { return m_geometry.rows; }
  int columns() const { return m_geometry.cols; }
  // ceil(log2(k_lanes)) adder levels (0 for a single lane).
  int tree_levels() const { return m_levels; }
  // Register stages between the product registers and the accumulator: levels x stages/level.
  int tree_stages() const { return m_levels * m_stages_per_level; }
  bool forward() const { return m_forward; }
  // Cycles after column 0 at which column c receives a streamed row: c (forward) or 0.
  std::int64_t skew(std::int64_t c) const { return m_forward ? c : 0; }

  // The stream of a fold. Every step costs II cycles, so row m enters at m II, unless the PE's
  // step time depends on its operands: then the fold's slot table gives both (sync: array, every
  // column waits for the slowest). The schedule, the stepped model and every closed form use only
  // these.
  // Cycles row m of the fold keeps a column's multipliers busy.
  std::int64_t cost(const Fold& fold, std::int64_t m) const {
    if (!m_offsets) return m_geometry.interval;
    const StreamOffsets& o = (*m_offsets)[static_cast<std::size_t>(fold.index)];
    return o[static_cast<std::size_t>(m) + 1] - o[static_cast<std::size_t>(m)];
  }
  // Cycle at which row m reaches column 0, counted from the fold's stream start.
  std::int64_t offset(const Fold& fold, std::int64_t m) const {
    if (!m_offsets) return m * m_geometry.interval;
    return (*m_offsets)[static_cast<std::size_t>(fold.index)][static_cast<std::size_t>(m)];
  }
  bool data_dependent() const { return m_offsets != nullptr; }
  // Cycles the activation port is busy with the fold: offset(T - 1) + cost(T - 1).
  std::int64_t stream_busy(const Fold& fold) const {
    return offset(fold, m_geometry.t - 1) + cost(fold, m_geometry.t - 1);
  }

  // Closed forms over a scheduled fold `t`:
  // the cycle column c's multipliers take row m: S + offset(m) + skew(c);
  std::int64_t accept(const FoldTimes& t, const Fold& fold, std::int64_t m, std::int64_t c) const {
    return t.stream_start + offset(fold, m) + skew(c);
  }
  // one past the cycle output (m, c) is latched in the accumulator and written to the ofmap
  // buffer: the product register latches at the end of accept + cost - 1, each tree stage adds
  // one cycle, the accumulator one more;
  std::int64_t output_end(const FoldTimes& t, const Fold& fold, std::int64_t m,
                          std::int64_t c) const {
    return accept(t, fold, m, c) + cost(fold, m) + tree_stages() + 1;
  }
  // one past the fold's last output (row T - 1 at column cu - 1).
  std::int64_t fold_end(const FoldTimes& t, const Fold& fold) const {
    return output_end(t, fold, m_geometry.t - 1, fold.cols_used - 1);
  }

 private:
  FoldGeometry m_geometry;     // the GEMM's folds on the k_lanes x columns grid
  int m_levels = 0;            // adder levels of one tree
  int m_stages_per_level = 1;  // register stages per level (0: combinational)
  bool m_forward = false;      // activations forwarded column to column (else broadcast)
  const std::vector<StreamOffsets>* m_offsets = nullptr;  // data-dependent row slots, or none
};

}  // namespace tpesim::arch
