// SPDX-License-Identifier: Apache-2.0
#include "arch/fold_scheduler.h"

#include <algorithm>

namespace tpesim::arch {

FoldScheduler::FoldScheduler(const FoldGeometry& geometry, TimingMode mode)
    : m_geometry(geometry), m_mode(mode) {}

std::int64_t FoldScheduler::scalesim_fold_cycles(const FoldGeometry& g) {
  const std::int64_t load = g.has_load() ? g.rows : 0;
  return load + g.rows + g.cols + g.stream_cycles() - 2;
}

FoldTimes FoldScheduler::schedule(const Fold& fold, std::int64_t data_ready) {
  const FoldGeometry& g = m_geometry;
  // TE: cycles from a fold's first streamed element to its last; TB: cycles a port is busy.
  const std::int64_t R = g.rows, C = g.cols, TE = g.stream_cycles(), TB = g.stream_busy();
  const std::int64_t ru = fold.rows_used, cu = fold.cols_used;
  FoldTimes t;
  if (m_mode == TimingMode::Scalesim) {
    // Folds do not overlap: each occupies the array for SCALE-Sim's fixed fold length.
    t.start = std::max(m_first ? 0 : m_prev.occupied_end, data_ready);
    t.load_start = t.start;
    t.stream_start = t.start + (g.has_load() ? R : 0);
    t.occupied_end = t.start + scalesim_fold_cycles(g);
  } else if (g.has_load()) {
    // Stationary rows are written into shadow registers (row r at load_start + r) and swapped in
    // as the fold's first streamed element passes each PE.
    t.load_start = data_ready;
    t.stream_start = 0;
    if (!m_first) {
      // The write port is busy R cycles per fold; a shadow row may be overwritten only after the
      // previous fold swapped it in at its last column (stream_start + r + C - 1).
      t.load_start = std::max({t.load_start, m_prev.load_start + R, m_prev.stream_start + C - 1});
      // Row inputs are busy T cycles; a chained K fold needs the previous fold's partial sum of
      // row m at the column top R cycles after that fold injected row m.
      t.stream_start =
          std::max(m_prev.stream_start + TB, fold.chained ? m_prev.stream_start + R : 0);
    }
    t.stream_start = std::max(t.stream_start, t.load_start + 1);
    t.start = t.load_start;
  } else {
    // Output stationary: inputs busy T cycles; the column output bus carries one result per row.
    t.stream_start = data_ready;
    if (!m_first) {
      t.stream_start = std::max(
          {t.stream_start, m_prev.stream_start + TB, m_prev.stream_start + m_prev_rows_used});
    }
    t.start = t.stream_start;
  }
  // The last output: ws/is at the bottom of column cu-1 after the last streamed row passed all R
  // rows; os from PE (ru-1, cu-1) on its column bus right after its last MAC.
  t.end = g.has_load() ? t.stream_start + TE + R + cu - 2 : t.stream_start + TE + ru + cu - 2;
  if (m_mode == TimingMode::Overlap) t.occupied_end = t.end;
  const std::int64_t stream_release = t.stream_start + TE + std::max(ru, g.has_load() ? 0 : cu) - 1;
  t.release = std::max(stream_release, g.has_load() ? t.load_start + R : 0);
  m_prev = t;
  m_prev_rows_used = fold.rows_used;
  m_first = false;
  return t;
}

}  // namespace tpesim::arch
