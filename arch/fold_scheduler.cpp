// SPDX-License-Identifier: Apache-2.0
#include "arch/fold_scheduler.h"

#include <algorithm>

namespace tpesim::arch {

FoldScheduler::FoldScheduler(const FoldGeometry& geometry, TimingMode mode)
    : m_geometry(geometry), m_mode(mode) {}

std::int64_t FoldScheduler::scalesim_fold_cycles(const FoldGeometry& g,
                                                 std::int64_t stream_cycles) {
  const std::int64_t load = g.has_load() ? g.rows : 0;
  return load + g.rows + g.cols + stream_cycles - 2;
}

namespace {
// How much later than in `prev` element e enters in `cur`, at most (0 for uniform streams):
// a chained K fold's element e must not overtake the previous fold's partial sum of e.
std::int64_t max_lag(const StreamOffsets* prev, const StreamOffsets* cur) {
  if (!prev || !cur) return 0;
  std::int64_t lag = 0;
  for (std::size_t e = 0; e + 1 < cur->size(); ++e) lag = std::max(lag, (*prev)[e] - (*cur)[e]);
  return lag;
}
}  // namespace

FoldTimes FoldScheduler::schedule(const Fold& fold, std::int64_t data_ready,
                                  const StreamOffsets* offsets) {
  const FoldGeometry& g = m_geometry;
  // TE: cycles from a fold's first streamed element to its last; TB: cycles a port is busy.
  const std::int64_t R = g.rows, C = g.cols, TE = fold.stream_cycles;
  const std::int64_t ru = fold.rows_used, cu = fold.cols_used;
  FoldTimes t;
  if (m_mode == TimingMode::Scalesim) {
    // Folds do not overlap: each occupies the array for SCALE-Sim's fixed fold length.
    t.start = std::max(m_first ? 0 : m_prev.occupied_end, data_ready);
    t.load_start = t.start;
    t.stream_start = t.start + (g.has_load() ? R : 0);
    // A multi-cycle PE's last element keeps it busy for the rest of its slot (TB - TE).
    t.occupied_end = t.start + scalesim_fold_cycles(g, TE) + fold.stream_busy - TE;
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
          std::max(m_prev.stream_start + m_prev_busy,
                   fold.chained ? m_prev.stream_start + R + max_lag(m_prev_offsets, offsets) : 0);
    }
    t.stream_start = std::max(t.stream_start, t.load_start + 1);
    t.start = t.load_start;
  } else {
    // Output stationary: inputs busy T cycles; the column output bus carries one result per row.
    t.stream_start = data_ready;
    if (!m_first) {
      t.stream_start = std::max({t.stream_start, m_prev.stream_start + m_prev_busy,
                                 m_prev.stream_start + m_prev_rows_used});
    }
    t.start = t.stream_start;
  }
  // The last output: ws/is at the bottom of column cu-1 after the last streamed row passed all R
  // rows; os from PE (ru-1, cu-1) on its column bus right after its last MAC.
  t.end = g.has_load() ? t.stream_start + TE + R + cu - 2 : t.stream_start + TE + ru + cu - 2;
  // A multi-cycle or data-dependent PE forwards its result one cycle after its operands arrive
  // (a pipelined unit); the last element's PEs stay busy for the rest of its slot.
  if (m_mode == TimingMode::Overlap) t.occupied_end = t.end + fold.stream_busy - TE;
  const std::int64_t stream_release = t.stream_start + TE + std::max(ru, g.has_load() ? 0 : cu) - 1;
  t.release = std::max(stream_release, g.has_load() ? t.load_start + R : 0);
  m_prev = t;
  m_prev_rows_used = fold.rows_used;
  m_prev_busy = fold.stream_busy;
  m_prev_offsets = offsets;
  m_first = false;
  return t;
}

}  // namespace tpesim::arch
