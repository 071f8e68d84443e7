// SPDX-License-Identifier: Apache-2.0
#include "arch/adder_tree_scheduler.h"

#include <algorithm>

namespace tpesim::arch {

AdderTreeScheduler::AdderTreeScheduler(const AdderTreeTiming& timing) : m_timing(timing) {}

FoldTimes AdderTreeScheduler::schedule(const Fold& fold, std::int64_t data_ready) {
  const AdderTreeTiming& at = m_timing;
  const std::int64_t lanes = at.k_lanes(), last_row = at.geometry().t - 1;
  FoldTimes t;
  t.load_start = data_ready;
  if (!m_first) {
    // NOTE(model): the write port takes one k row (lane l of every column) per cycle, so a
    // fold's tile takes k_lanes cycles whatever its size.
    // A shadow register file may be overwritten only once the previous fold's first row swapped
    // it in at the last column (the edge write lands after that cycle's swap).
    t.load_start = std::max(
        {t.load_start, m_prev.load_start + lanes, m_prev.stream_start + at.skew(at.columns() - 1)});
  }
  // Every lane of a column swaps at once when the fold's first row arrives, so the whole tile
  // must be written first (row l at the end of cycle load_start + l).
  t.stream_start = t.load_start + lanes;
  // The activation port carries one fold's rows at a time. A K fold's partial sum of (m, c) is
  // read by the accumulator at the same pipeline stage the previous K fold wrote it, later by at
  // least this separation, so chained folds add no constraint of their own.
  if (!m_first) {
    t.stream_start = std::max(t.stream_start, m_prev.stream_start + at.stream_busy(m_prev_fold));
  }
  t.start = t.load_start;
  t.end = at.fold_end(t, fold);
  t.occupied_end = t.end;
  // Inputs: activation rows are read once, at column 0's accept; weights during the load.
  t.release = std::max(t.stream_start + at.offset(fold, last_row) + 1, t.load_start + lanes);
  m_prev = t;
  m_prev_fold = fold;
  m_first = false;
  return t;
}

}  // namespace tpesim::arch
