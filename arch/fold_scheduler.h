// SPDX-License-Identifier: Apache-2.0
// The array controller's fold schedule: when each fold's stationary load and operand stream
// begin. One model shared by both fidelities; the cycle fidelity executes it on stepped
// registers (and asserts it is hazard-free), the fast fidelity uses its closed forms.
// Formulas: docs/TIMING.md.
#pragma once

#include <cstdint>

#include "arch/elastic_schedule.h"
#include "arch/fold_geometry.h"

namespace tpesim::arch {

struct FoldTimes {
  std::int64_t start = 0;         // first cycle the fold occupies the array
  std::int64_t load_start = 0;    // ws/is: cycle the stationary row 0 is written (row r at +r)
  std::int64_t stream_start = 0;  // S: cycle row 0 (and column 0) receive the first element
  std::int64_t end = 0;           // one past the cycle the fold's last output leaves the array
  std::int64_t occupied_end = 0;  // scalesim: start + fixed fold length; overlap: end plus the
                                  // rest of the last element's slot (TB - TE)
  std::int64_t release = 0;       // one past the last cycle the fold reads its input buffers
};

class FoldScheduler {
 public:
  FoldScheduler(const FoldGeometry& geometry, TimingMode mode);
  // Schedules folds in order; `data_ready` is the first cycle the fold's operands are on chip.
  // `elastic` (data-dependent PEs: the fold's own schedule) must outlive the next call.
  FoldTimes schedule(const Fold& fold, std::int64_t data_ready,
                     const ElasticFoldTiming* elastic = nullptr);
  // SCALE-Sim v2's fixed fold length: 2R + C + TE - 2 (ws, is) or R + C + TE - 2 (os).
  static std::int64_t scalesim_fold_cycles(const FoldGeometry& g, std::int64_t stream_cycles);

 private:
  // Overlap timing of a data-dependent fold: placed after the previous one so that no group,
  // partial sum, shadow register or result bus is used by both at once.
  FoldTimes schedule_elastic(const Fold& fold, std::int64_t data_ready,
                             const ElasticFoldTiming& cur);
  void remember(const Fold& fold, const FoldTimes& times, const ElasticFoldTiming* elastic);

  FoldGeometry m_geometry;       // the GEMM's mapping
  TimingMode m_mode;             // overlap or scalesim
  bool m_first = true;           // no fold scheduled yet
  FoldTimes m_prev;              // the previous fold's times
  int m_prev_rows_used = 0;      // rows of the previous fold (os output-bus occupancy)
  std::int64_t m_prev_busy = 0;  // TB of the previous fold
  const ElasticFoldTiming* m_prev_elastic = nullptr;  // its own schedule (data-dependent PEs)
  std::vector<std::int64_t> m_group_free;  // data-dependent: per lock-step group, the cycle it
                                           // finished the last fold it took part in
};

}  // namespace tpesim::arch
