// SPDX-License-Identifier: Apache-2.0
// The adder-tree array's controller: when each fold's weight tile is written into the shadow
// register files and when its activation rows start streaming (timing: overlap only). One model
// shared by both fidelities; the cycle fidelity executes it on stepped registers and checks every
// output against AdderTreeTiming's closed forms. Formulas: docs/TIMING.md ("adder_tree").
#pragma once

#include <cstdint>

#include "arch/adder_tree_timing.h"
#include "arch/fold_scheduler.h"

namespace tpesim::arch {

class AdderTreeScheduler {
 public:
  explicit AdderTreeScheduler(const AdderTreeTiming& timing);
  // Schedules folds in order; `data_ready` is the first cycle the fold's operands are on chip.
  FoldTimes schedule(const Fold& fold, std::int64_t data_ready);

 private:
  AdderTreeTiming m_timing;  // pipeline shape and stream steps
  bool m_first = true;       // no fold scheduled yet
  Fold m_prev_fold;          // the previous fold
  FoldTimes m_prev;          // the previous fold's times
};

}  // namespace tpesim::arch
