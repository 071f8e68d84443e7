// SPDX-License-Identifier: Apache-2.0
// Cycle fidelity of the multiplier-adder-tree array: every column unit every cycle, with real
// values in its registers: the activation registers (forward), the weight register files and
// their shadows, the multipliers, the product registers, the tree's stage registers and the
// accumulator.
//
// Two-phase clocking as in arch/systolic_cycle.h: evaluation reads only committed registers and
// the edge inputs and writes next state; the clock edge commits. Registers read only by their own
// column (its weight files, its multipliers' operand latches) are updated in place, which is
// equivalent. The controller follows the shared AdderTreeScheduler; the array observes when each
// output leaves its accumulator and checks it against AdderTreeTiming's closed form, so a wrong
// schedule or formula is a ModelError.
//
// NOTE(model): values follow the PE kind's canonical order. A product or tree stage register holds
// its lanes' operand pairs (the form mac_step consumes), and the accumulator evaluates
// acc <- mac_step(acc, a_k, w_k) for k ascending over the lanes, starting from the K fold's
// partial sum. A real tree adds the products in tree order, which rounds floats (and saturates)
// differently; that order is not modelled, the tree's pipeline timing is.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "arch/adder_tree_timing.h"
#include "arch/fold_scheduler.h"
#include "arch/gemm_operands.h"
#include "arch/systolic_cycle.h"
#include "sim/core/errors.h"

namespace tpesim::arch {

// The order in which columns are evaluated each cycle. Two-phase clocking makes it irrelevant;
// tests pass shuffled orders to prove that. Empty means left to right.
using ColumnOrder = std::vector<int>;

namespace detail {
// What travels with a streamed row through the registers: which row of which fold it is.
struct TreeToken {
  std::int64_t fold = -1;  // fold index; -1: a bubble
  std::int64_t m = 0;      // the row of A
  bool valid() const { return fold >= 0; }
};
}  // namespace detail

// What an observer (the RTL lock-step runner, sim/cosim/array_lockstep.h) sees each stepped cycle
// t: the edge inputs of t and the outputs latched at the edge that ends t. Pointers are valid only
// during the call; skipped idle cycles are not reported (nothing enters or leaves in them).
template <class Operand, class Acc>
struct AdderTreeCycleIo {
  std::int64_t cycle = 0;                   // t
  int lanes = 0, columns = 0;               // L, Cn
  bool edge_valid = false;                  // a row enters the activation port
  bool edge_first = false;                  // it is its fold's first row (swaps the weights in)
  int edge_columns = 0;                     // units that compute it (the fold's used columns)
  const Operand* edge_x = nullptr;          // its L activations (zeros past the used lanes)
  std::int64_t load_lane = -1;              // shadow lane written at the edge, -1: none
  const Operand* shadow = nullptr;          // lane l of unit c at [c * L + l]
  const std::uint8_t* acc_read = nullptr;   // Cn: the accumulator took a tree output in t
  const Acc* psum = nullptr;                // Cn: the partial sum it read (zero: first K fold)
  const std::uint8_t* out_valid = nullptr;  // Cn: an output was latched at the edge
  const Acc* out = nullptr;                 // Cn: the latched outputs
};

// `observer` (NoCycleObserver: none) is called once per stepped cycle with an AdderTreeCycleIo.
template <class Arith, class Observer = NoCycleObserver>
CycleRunResult<Arith> run_adder_tree_array(const Arith& arith, const AdderTreeTiming& timing,
                                           const OperandMatrices<typename Arith::Operand>& op,
                                           const std::vector<Fold>& folds,
                                           const std::vector<FoldTimes>& times, std::int64_t until,
                                           const ColumnOrder& order = {}, Observer observer = {}) {
  using Acc = typename Arith::Acc;
  using Operand = typename Arith::Operand;
  using detail::TreeToken;
  const FoldGeometry& g = timing.geometry();
  const int L = g.rows, C = g.cols;  // lanes per column unit, column units
  const std::int64_t T = g.t, N = op.n, K = op.k;
  const int TS = timing.tree_stages();  // tree register stages
  const int P = 1 + TS;                 // pipeline registers per column: products, tree stages
  const std::size_t CL = static_cast<std::size_t>(C) * L;
  auto lanes = [L](std::size_t slot) { return slot * static_cast<std::size_t>(L); };

  CycleRunResult<Arith> res;
  res.out.assign(static_cast<std::size_t>(op.m * op.n), Arith::zero());  // the ofmap buffer
  std::vector<std::int32_t> k_folds_done(res.out.size(), 0);  // partial-sum version per output
  res.fold_end.assign(folds.size(), 0);
  std::vector<std::int64_t> fold_outputs(folds.size(), 0);

  // Activation registers, L lanes per slot. Slot 0 is the edge (the broadcast bus, or column 0's
  // input when forwarding); forwarding, slot c + 1 is column c's register, read by column c + 1.
  const std::size_t XS = timing.forward() ? static_cast<std::size_t>(C) + 1 : 1;
  std::vector<Operand> x[2] = {std::vector<Operand>(lanes(XS)), std::vector<Operand>(lanes(XS))};
  std::vector<TreeToken> xt[2] = {std::vector<TreeToken>(XS), std::vector<TreeToken>(XS)};
  // Weight register files (lane l of column c at c L + l): in use, and the next fold's; each
  // weight is tagged with its fold (-1: none) so a row can check it meets its own tile.
  std::vector<Operand> active(CL), shadow(CL);
  std::vector<std::int64_t> active_f(CL, -1), shadow_f(CL, -1);
  // Multipliers: the operand pairs being multiplied, their row, cycles left (0: idle).
  std::vector<Operand> mul_a(CL), mul_w(CL);
  std::vector<TreeToken> mul_t(static_cast<std::size_t>(C));
  std::vector<std::int64_t> mul_left(static_cast<std::size_t>(C), 0);
  // Pipeline registers of column c: stage s (0: products; 1..TS: tree levels, stages_per_level
  // each) at slot s C + c. A stage holds its nodes' operand pairs in lane order (NOTE above).
  const std::size_t PS = static_cast<std::size_t>(P) * C;
  std::vector<Operand> pa[2] = {std::vector<Operand>(lanes(PS)), std::vector<Operand>(lanes(PS))};
  std::vector<Operand> pw[2] = {std::vector<Operand>(lanes(PS)), std::vector<Operand>(lanes(PS))};
  std::vector<TreeToken> pt[2] = {std::vector<TreeToken>(PS), std::vector<TreeToken>(PS)};
  // Accumulator registers: the output (m, c) with the partial sum it started from.
  std::vector<Acc> acc[2] = {std::vector<Acc>(static_cast<std::size_t>(C), Arith::zero()),
                             std::vector<Acc>(static_cast<std::size_t>(C), Arith::zero())};
  std::vector<TreeToken> acc_t[2] = {std::vector<TreeToken>(static_cast<std::size_t>(C)),
                                     std::vector<TreeToken>(static_cast<std::size_t>(C))};

  std::size_t stream_fold = 0;   // the fold whose rows the edge injects next
  std::int64_t stream_row = 0;   // its next row
  std::size_t load_cursor = 0;   // the fold whose weight tile the write port writes next
  std::int64_t load_row = 0;     // the k row (lane) of its tile the port writes next
  std::int64_t pending = 0;      // outputs of injected rows not yet out of their accumulator
  std::int64_t last_inject = 0;  // cycle of the latest injected row
  std::uint64_t overflows = 0;
  // Data-dependent PEs: each column's own step cost, recomputed from the operand pairs it
  // latched; the slowest column of a row must set the row's slot (sync: array).
  std::vector<std::vector<std::int64_t>> slowest(timing.data_dependent() ? folds.size() : 0);
  for (auto& v : slowest) v.assign(static_cast<std::size_t>(T), 0);
  std::int64_t macs = 0;
  int cur = 0;
  // Observed per cycle (an enabled observer only): the edge row's shape, the accumulators' reads.
  bool edge_first = false;
  int edge_columns = 0;
  std::vector<std::uint8_t> acc_read(Observer::kEnabled ? C : 0), out_valid(acc_read.size());
  std::vector<Acc> psum(acc_read.size(), Arith::zero());
  auto next_inject = [&]() -> std::int64_t {
    if (stream_fold >= folds.size()) return until;
    return times[stream_fold].stream_start + timing.offset(folds[stream_fold], stream_row);
  };

  for (std::int64_t t = 0; t < until; ++t) {
    // Idle stretch (waiting for memory, array drained): nothing changes until the next load or
    // injection.
    if (pending == 0 && t > last_inject + C + P + 1) {
      const std::int64_t next = std::min(
          next_inject(), load_cursor < folds.size() ? times[load_cursor].load_start : until);
      if (next > t) {
        t = next - 1;
        continue;
      }
    }
    // Edge input of this cycle, from the controller's schedule: row m of A's K tile.
    TPESIM_CHECK(next_inject() >= t, "row {} of fold {} was due at cycle {}, before cycle {}",
                 stream_row, stream_fold, next_inject(), t);
    xt[cur][0] = TreeToken{};
    if constexpr (Observer::kEnabled) std::fill(acc_read.begin(), acc_read.end(), 0);
    if (next_inject() == t) {
      const Fold& fold = folds[stream_fold];
      edge_first = stream_row == 0;
      edge_columns = fold.cols_used;
      for (int l = 0; l < L; ++l) {
        x[cur][static_cast<std::size_t>(l)] =
            l < fold.rows_used ? op.a[stream_row * K + fold.fr * L + l] : Operand{};
      }
      res.traffic.ifmap_reads += fold.rows_used;
      xt[cur][0] = TreeToken{static_cast<std::int64_t>(stream_fold), stream_row};
      pending += fold.cols_used;
      last_inject = t;
      if (++stream_row == T) {
        ++stream_fold;
        stream_row = 0;
      }
    }
    // Evaluate every column unit from committed state.
    const int nxt = cur ^ 1;
    std::uint32_t hazards = 0;
    for (int i = 0; i < C; ++i) {
      const int c = order.empty() ? i : order[static_cast<std::size_t>(i)];
      const std::size_t cs = static_cast<std::size_t>(c);
      const std::size_t w0 = lanes(cs);  // this column's lanes in the CL-sized arrays
      const std::size_t xs = timing.forward() ? cs : 0;
      const TreeToken in = xt[cur][xs];
      const Operand* xin = x[cur].data() + lanes(xs);
      // A fold's first row swaps the shadow weights in as it reaches the column.
      if (in.valid() && in.m == 0) {
        std::copy_n(shadow.begin() + w0, L, active.begin() + w0);
        std::copy_n(shadow_f.begin() + w0, L, active_f.begin() + w0);
      }
      if (timing.forward()) {
        std::copy_n(xin, L, x[nxt].begin() + lanes(cs + 1));
        xt[nxt][cs + 1] = in;
      }
      // Multipliers: take a row when idle; the products latch after cost() cycles.
      std::int64_t left = mul_left[cs];
      if (in.valid() && c < folds[static_cast<std::size_t>(in.fold)].cols_used) {
        const Fold& fold = folds[static_cast<std::size_t>(in.fold)];
        TPESIM_CHECK(left == 0,
                     "column {} multipliers busy with row {} of fold {} when row {} of "
                     "fold {} arrived (cycle {})",
                     c, mul_t[cs].m, mul_t[cs].fold, in.m, in.fold, t);
        std::copy_n(xin, L, mul_a.begin() + w0);
        std::copy_n(active.begin() + w0, L, mul_w.begin() + w0);
        for (int l = 0; l < fold.rows_used; ++l) hazards += active_f[w0 + l] != in.fold;
        mul_t[cs] = in;
        left = timing.cost(fold, in.m);
        macs += fold.rows_used;
        if constexpr (detail::HasLaneStepCycles<Arith>) {
          if (timing.data_dependent()) {
            const std::int64_t own =
                arith.step_cycles_lanes(mul_a.data() + w0, mul_w.data() + w0, fold.rows_used);
            auto& row = slowest[static_cast<std::size_t>(in.fold)][static_cast<std::size_t>(in.m)];
            row = std::max(row, own);
          }
        }
      }
      TreeToken product;
      if (left > 0 && --left == 0) product = mul_t[cs];
      mul_left[cs] = left;
      pt[nxt][cs] = product;
      if (product.valid()) {
        std::copy_n(mul_a.begin() + w0, L, pa[nxt].begin() + w0);
        std::copy_n(mul_w.begin() + w0, L, pw[nxt].begin() + w0);
      }
      // Tree stages: each takes the stage before it (a level's adders combine its children's
      // nodes, whose pairs already sit in lane order).
      for (int s = 1; s <= TS; ++s) {
        const std::size_t from = static_cast<std::size_t>(s - 1) * C + cs;
        const std::size_t to = from + static_cast<std::size_t>(C);
        pt[nxt][to] = pt[cur][from];
        if (!pt[cur][from].valid()) continue;
        std::copy_n(pa[cur].begin() + lanes(from), L, pa[nxt].begin() + lanes(to));
        std::copy_n(pw[cur].begin() + lanes(from), L, pw[nxt].begin() + lanes(to));
      }
      // Accumulator: the tree's output (its last stage, or the product registers through a
      // combinational tree) plus the K fold's partial sum, read from the ofmap buffer.
      const std::size_t top = static_cast<std::size_t>(TS) * C + cs;
      const TreeToken tree = pt[cur][top];
      acc_t[nxt][cs] = tree;
      if (!tree.valid()) continue;
      const Fold& fold = folds[static_cast<std::size_t>(tree.fold)];
      const std::size_t idx = static_cast<std::size_t>(tree.m * N + fold.fc * C + c);
      Acc sum = Arith::zero();
      if (fold.chained) {
        TPESIM_CHECK(k_folds_done[idx] == fold.fr,
                     "partial sum of fold {} read before K fold {} wrote it (cycle {})", tree.fold,
                     fold.fr - 1, t);
        sum = res.out[idx];
        ++res.traffic.ofmap_reads;
      }
      if constexpr (Observer::kEnabled) {
        acc_read[cs] = 1;
        psum[cs] = sum;
      }
      const Operand* a = pa[cur].data() + lanes(top);
      const Operand* w = pw[cur].data() + lanes(top);
      for (int l = 0; l < fold.rows_used; ++l) {
        const auto q = arith.mac_step(sum, a[l], w[l]);
        sum = q.value;
        overflows += q.overflow;
      }
      acc[nxt][cs] = sum;
    }
    TPESIM_CHECK(hazards == 0, "{} multipliers met a weight of another fold's tile at cycle {}",
                 hazards, t);
    // Clock edge: commit registers, then the write port's k row (lane l of every column).
    cur = nxt;
    std::int64_t load_lane = -1;
    if (load_cursor < folds.size() && t >= times[load_cursor].load_start) {
      const Fold& fold = folds[load_cursor];
      const std::int64_t l = load_row;
      load_lane = l;
      TPESIM_CHECK(t == times[load_cursor].load_start + l,
                   "fold {}'s weight tile was due from cycle {}; the write port was busy until {}",
                   load_cursor, times[load_cursor].load_start, t - 1);
      for (int c = 0; c < C; ++c) {
        const std::size_t i = lanes(static_cast<std::size_t>(c)) + static_cast<std::size_t>(l);
        const bool real = l < fold.rows_used && c < fold.cols_used;
        shadow[i] = real ? op.w[(fold.fr * L + l) * N + fold.fc * C + c] : Operand{};
        shadow_f[i] = real ? static_cast<std::int64_t>(load_cursor) : -1;
        res.traffic.filter_reads += real;
      }
      if (++load_row == L) {
        ++load_cursor;
        load_row = 0;
      }
    }
    // Outputs latched in the accumulators this cycle go to the ofmap buffer.
    for (int c = 0; c < C; ++c) {
      const TreeToken tok = acc_t[cur][static_cast<std::size_t>(c)];
      if (!tok.valid()) continue;
      const std::size_t f = static_cast<std::size_t>(tok.fold);
      const Fold& fold = folds[f];
      const std::int64_t expected = timing.output_end(times[f], fold, tok.m, c);
      TPESIM_CHECK(expected == t + 1,
                   "output ({}, {}) of fold {} left at cycle {}, the closed form says {}", tok.m, c,
                   f, t, expected - 1);
      const std::size_t idx = static_cast<std::size_t>(tok.m * N + fold.fc * C + c);
      res.out[idx] = acc[cur][static_cast<std::size_t>(c)];
      k_folds_done[idx] = static_cast<std::int32_t>(fold.fr + 1);
      ++res.traffic.ofmap_writes;
      res.fold_end[f] = t + 1;
      ++fold_outputs[f];
      --pending;
    }
    if constexpr (Observer::kEnabled) {
      for (int c = 0; c < C; ++c) {
        out_valid[static_cast<std::size_t>(c)] = acc_t[cur][static_cast<std::size_t>(c)].valid();
      }
      observer(AdderTreeCycleIo<Operand, Acc>{
          t, L, C, xt[cur ^ 1][0].valid(), edge_first, edge_columns, x[cur ^ 1].data(), load_lane,
          shadow.data(), acc_read.data(), psum.data(), out_valid.data(), acc[cur].data()});
    }
    ++res.stepped_cycles;
  }
  for (std::size_t f = 0; f < folds.size(); ++f) {
    TPESIM_CHECK(fold_outputs[f] == T * folds[f].cols_used, "fold {} produced {} outputs, not {}",
                 f, fold_outputs[f], T * folds[f].cols_used);
    TPESIM_CHECK(res.fold_end[f] == times[f].end,
                 "fold {}'s last output left at cycle {}, the schedule says {}", f,
                 res.fold_end[f] - 1, times[f].end - 1);
  }
  for (std::size_t f = 0; f < slowest.size(); ++f) {
    for (std::int64_t m = 0; m < T; ++m) {
      const std::int64_t slot = timing.cost(folds[f], m);
      TPESIM_CHECK(slowest[f][static_cast<std::size_t>(m)] == slot,
                   "fold {} row {}: slot of {} cycles, its slowest column took {}", f, m, slot,
                   slowest[f][static_cast<std::size_t>(m)]);
    }
  }
  res.activity = ArrayActivity{macs, overflows};
  return res;
}

}  // namespace tpesim::arch
