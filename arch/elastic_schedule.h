// SPDX-License-Identifier: Apache-2.0
// The fast fidelity's schedule of data-dependent PEs (bitslice serial_digit, laconic) in a
// systolic array: one max-plus recurrence per fold over the lock-step groups of array.sync
// (arch/sync_groups.h). With B_g[e] the cycle group g starts element e, relative to the fold's
// stream start, and step_g(e) the slowest step cost among g's members on element e:
//
//   B_g[e] = max( B_g[e - 1] + step_g(e - 1),  B_h[e] + 1 for every group h feeding g,  0 )
//
// PE (r, c) starts element e at B_g[e] + skew(r, c). A fold occupies the PEs of its used
// columns, in every row for ws/is (partial sums pass the rows without data, one cycle each) and
// in its used rows for os; the other PEs and the groups without such a PE sit the fold out. The
// controller starts a fold's stream once every group has finished the previous fold and its
// cross-fold hazards are clear (arch/fold_scheduler.h). The cycle fidelity steps the same rules
// with real values in elastic buffers (arch/elastic_cycle.h) and must produce the same cycles.
// Formulas: docs/TIMING.md.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/fold_geometry.h"
#include "arch/gemm_operands.h"
#include "arch/stream_slots.h"
#include "arch/sync_groups.h"
#include "pe/bitslice.h"

namespace tpesim::arch {

// One fold's schedule, relative to its stream start: what the fold scheduler needs to place it
// after the previous fold.
struct ElasticFoldTiming {
  std::vector<std::uint8_t> group_used;   // per group: it has a PE in the fold
  std::vector<std::int64_t> group_start;  // per group: B_g[0]
  std::vector<std::int64_t> group_free;   // per group: B_g[T-1] + step_g(T-1)
  std::vector<std::int64_t> top;          // ws/is: S(0, c, e) at [c T + e], c < cols_used
  std::vector<std::int64_t> bottom;       // ws/is: S(R-1, c, e): the partial sum leaves after it
  std::vector<std::int64_t> first_emit;   // os: per used column, S(0, c, T-1): first result
  std::vector<std::int64_t> last_emit;    // os: per used column, S(ru-1, c, T-1): last result
  std::int64_t swap_span = 0;             // ws/is: max over PEs of S(r, c, 0) - r
  std::int64_t end = 0;                   // one past the cycle the last output leaves
  std::int64_t occupied = 0;              // every group's members have finished the fold
  std::int64_t release = 0;               // one past the last edge read of an input buffer
  std::int64_t stream_cycles = 1;         // TE: an edge port's first to last element, cycles
  std::int64_t stream_busy = 1;           // TB: until an edge port could deliver a next element
  StreamOffsets offsets;                  // sync: array: B[e] for e = 0..T-1, then TB
};

// The PEs a fold occupies: rows [0, active_rows) x columns [0, cols_used).
inline int active_rows(const FoldGeometry& g, const Fold& f) {
  return g.dataflow == Dataflow::Os ? f.rows_used : g.rows;
}

class ElasticSchedule {
 public:
  ElasticSchedule(const pe::BitsliceSpec& spec, SyncScope scope, const FoldGeometry& geometry,
                  const GemmOperands& codes);
  ElasticFoldTiming fold_timing(const Fold& fold) const;
  const SyncGroups& groups() const { return m_groups; }
  const StepCost& step_cost() const { return m_cost; }
  // True when a fold's timing depends on its row fold and used columns alone: serial_digit's
  // step costs come from the activations, which ws and os stream per row fold.
  bool column_folds_share_timing() const {
    return !m_cost.product && m_geometry.dataflow != Dataflow::Is;
  }

 private:
  // The step-cost factors of one element (pe/stream_slots.h's StepCost): PE (r, c) costs
  // combine(stream_row[r], stationary[r C + c]) (ws; is: the other way round) or
  // combine(stream_row[r], stream_col[c]) (os).
  struct Factors {
    std::vector<std::int64_t> stationary;          // per PE, once per fold (ws: W, is: A)
    std::vector<std::int64_t> row_stationary_max;  // per row, max of `stationary`
    std::vector<std::int64_t> stream_row;          // per row (ws: A, is: W, os: A)
    std::vector<std::int64_t> stream_col;          // os: per column, W
    std::int64_t stream_col_max = 0;               // os: max of `stream_col`
  };
  void stream_factors(const Fold& fold, std::int64_t e, Factors& x) const;
  // Slowest step cost of each group on the element whose factors are `x`.
  void group_steps(const Fold& fold, const Factors& x, std::vector<std::int64_t>& out) const;
  // The recurrence: `base` holds element e - 1's group starts and becomes element e's.
  void advance(std::int64_t e, const std::vector<std::int64_t>& step,
               std::vector<std::int64_t>& base) const;
  std::int64_t a_cost(const Fold& fold, int r, int c, std::int64_t e) const;
  std::int64_t w_cost(const Fold& fold, int r, int c, std::int64_t e) const;

  FoldGeometry m_geometry;  // the GEMM's mapping
  SyncGroups m_groups;      // who steps together
  StepCost m_cost;          // per-operand step factors
  std::int64_t m_n = 1;     // GEMM N (row stride of W)
  std::int64_t m_k = 1;     // GEMM K (row stride of A)
};

}  // namespace tpesim::arch
