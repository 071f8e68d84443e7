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

FoldTimes FoldScheduler::schedule_elastic(const Fold& fold, std::int64_t data_ready,
                                          const ElasticFoldTiming& cur) {
  const FoldGeometry& g = m_geometry;
  const std::int64_t R = g.rows, T = g.t;
  const ElasticFoldTiming* prev = m_first ? nullptr : m_prev_elastic;
  FoldTimes t;
  t.load_start = data_ready;
  t.stream_start = g.has_load() ? 0 : data_ready;
  m_group_free.resize(cur.group_start.size(), 0);
  // Every group finishes the last fold it took part in before starting this one.
  for (std::size_t gi = 0; gi < cur.group_start.size(); ++gi) {
    if (cur.group_used[gi]) {
      t.stream_start = std::max(t.stream_start, m_group_free[gi] - cur.group_start[gi]);
    }
  }
  if (prev) {
    std::int64_t ss = t.stream_start;
    if (g.has_load()) {
      // The write port is busy R cycles per fold; shadow row r is rewritten only once the
      // previous fold has swapped it into its last PE.
      t.load_start =
          std::max({t.load_start, m_prev.load_start + R, m_prev.stream_start + prev->swap_span});
      // A chained K fold reads each partial sum at a column top no earlier than the previous
      // fold's bottom row sends it.
      for (std::size_t c = 0; fold.chained && c < static_cast<std::size_t>(fold.cols_used); ++c) {
        for (std::int64_t e = 0; e < T; ++e) {
          const std::size_t i = c * static_cast<std::size_t>(T) + static_cast<std::size_t>(e);
          ss = std::max(ss, m_prev.stream_start + prev->bottom[i] + 1 - cur.top[i]);
        }
      }
    } else {
      // A column's result bus carries one result per cycle, folds in order.
      for (std::size_t c = 0; c < cur.first_emit.size() && c < prev->last_emit.size(); ++c) {
        ss = std::max(ss, m_prev.stream_start + prev->last_emit[c] + 1 - cur.first_emit[c]);
      }
    }
    t.stream_start = std::max(t.stream_start, ss);
  }
  if (g.has_load()) t.stream_start = std::max(t.stream_start, t.load_start + 1);
  t.start = g.has_load() ? t.load_start : t.stream_start;
  t.end = t.stream_start + cur.end;
  t.occupied_end = t.stream_start + cur.occupied;
  t.release = std::max(t.stream_start + cur.release, g.has_load() ? t.load_start + R : 0);
  for (std::size_t gi = 0; gi < cur.group_free.size(); ++gi) {
    if (cur.group_used[gi]) m_group_free[gi] = t.stream_start + cur.group_free[gi];
  }
  return t;
}

FoldTimes FoldScheduler::schedule(const Fold& fold, std::int64_t data_ready,
                                  const ElasticFoldTiming* elastic) {
  const FoldGeometry& g = m_geometry;
  // TE: cycles from a fold's first streamed element to its last; TB: cycles a port is busy.
  const std::int64_t R = g.rows, C = g.cols, TE = fold.stream_cycles;
  const std::int64_t ru = fold.rows_used, cu = fold.cols_used;
  FoldTimes t;
  if (elastic && m_mode == TimingMode::Overlap) {
    t = schedule_elastic(fold, data_ready, *elastic);
    remember(fold, t, elastic);
    return t;
  }
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
          std::max(m_prev.stream_start + m_prev_busy, fold.chained ? m_prev.stream_start + R : 0);
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
  // A multi-cycle PE forwards its result one cycle after its operands arrive (a pipelined unit);
  // the last element's PEs stay busy for the rest of its slot.
  if (m_mode == TimingMode::Overlap) t.occupied_end = t.end + fold.stream_busy - TE;
  const std::int64_t stream_release = t.stream_start + TE + std::max(ru, g.has_load() ? 0 : cu) - 1;
  t.release = std::max(stream_release, g.has_load() ? t.load_start + R : 0);
  remember(fold, t, elastic);
  return t;
}

void FoldScheduler::remember(const Fold& fold, const FoldTimes& times,
                             const ElasticFoldTiming* elastic) {
  m_prev = times;
  m_prev_rows_used = fold.rows_used;
  m_prev_busy = fold.stream_busy;
  m_prev_elastic = elastic;
  m_first = false;
}

}  // namespace tpesim::arch
