// SPDX-License-Identifier: Apache-2.0
// Cycle fidelity of a systolic array of data-dependent PEs with lock-step groups (array.sync:
// row, column or pe; arch/sync_groups.h): PEs hold real values and pass every operand and
// partial sum through an elastic buffer (a FIFO; inside a group it never holds more than one).
// A fold occupies the PEs of arch/elastic_schedule.h's active_rows x cols_used; the others and
// the groups without such a PE sit it out.
//
// Each cycle, in this order:
//   1. Group controllers, last group first so that each sees its feeders as they were at the end
//      of the previous cycle, issue their next element when (a) its fold's stream has started,
//      (b) the group finished its previous element (the slowest member's step cost, looked ahead
//      from the operands the members will hold) and (c) every feeding group issued the element
//      in an earlier cycle. Member (r, c) is told to start it `skew` cycles later.
//   2. PEs told to start now pop their inputs, which must be at the FIFO heads and have arrived,
//      compute, and push their outputs (visible downstream the next cycle). Each PE checks it is
//      not still busy and that its own step cost never exceeds its group's step; each group
//      checks its step equals the slowest cost its members observed.
//   3. The stationary write port fills one shadow row (ws/is), as in arch/systolic_cycle.h.
// Outputs are observed when they leave, so the fold times of the fast schedule
// (arch/elastic_schedule.h) are checked by the caller; any broken hazard is a ModelError.
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <vector>

#include "arch/elastic_schedule.h"
#include "arch/fold_geometry.h"
#include "arch/fold_scheduler.h"
#include "arch/gemm_operands.h"
#include "arch/sync_groups.h"
#include "arch/systolic_cycle.h"
#include "sim/core/errors.h"

namespace tpesim::arch {

namespace detail {

// One element in an elastic buffer: a streamed operand (or, os, a weight) and a partial sum.
template <class Operand, class Acc>
struct ElasticToken {
  std::int64_t ready = 0;  // first cycle the receiver may take it
  std::int64_t fold = 0;   // fold and element it belongs to
  std::int64_t e = 0;
  Operand x{};         // operand moving right (or, os, the weight moving down)
  Acc p{};             // ws/is: partial sum moving down
  bool valid = false;  // real data
};

// A group's element issue, as its members see it.
struct ElasticFire {
  std::int64_t cycle = 0;  // when this member starts the element
  std::int64_t fold = 0;
  std::int64_t e = 0;
  std::int64_t step = 1;  // the group's step for this element (the controller's look-ahead)
  std::int64_t seq = 0;   // the group's issue number, counting the elements it took part in
};

// Per group, per issued element: the slowest cost its members observed.
struct ElasticStepCheck {
  std::int64_t step = 1;      // look-ahead step
  std::int64_t observed = 0;  // slowest member cost seen so far
  int members_left = 0;       // members yet to start the element
};

template <class Arith>
std::int64_t elastic_step_cost(const Arith& arith, const typename Arith::Operand& a,
                               const typename Arith::Operand& w, std::int64_t interval) {
  if constexpr (HasStepCycles<Arith>) {
    return arith.step_cycles(a, w);
  } else {
    return interval;
  }
}

}  // namespace detail

template <class Arith>
CycleRunResult<Arith> run_elastic_array(const Arith& arith, const FoldGeometry& g, SyncScope scope,
                                        const OperandMatrices<typename Arith::Operand>& op,
                                        const std::vector<Fold>& folds,
                                        const std::vector<FoldTimes>& times, std::int64_t until) {
  using Acc = typename Arith::Acc;
  using Operand = typename Arith::Operand;
  using Token = detail::ElasticToken<Operand, Acc>;
  const int R = g.rows, C = g.cols;
  const std::int64_t T = g.t, N = op.n, K = op.k;
  const bool os = g.dataflow == Dataflow::Os;
  const bool stationary_a = g.dataflow == Dataflow::Is;
  const SyncGroups groups(scope, R, C);
  const std::size_t RC = static_cast<std::size_t>(R) * C;
  const std::size_t G = static_cast<std::size_t>(groups.count());

  // The operand pair of PE (r, c) on element e of fold f, and whether it is real data.
  struct Pair {
    Operand a{}, w{};
    bool valid = false;
  };
  auto pair_at = [&](const Fold& f, int r, int c, std::int64_t e) {
    Pair p;
    if (r >= f.rows_used || c >= f.cols_used) return p;
    p.valid = true;
    const std::int64_t row = f.fr * R + r, col = f.fc * C + c;
    switch (g.dataflow) {
      case Dataflow::Ws:
        p.a = op.a[static_cast<std::size_t>(e * K + row)];
        p.w = op.w[static_cast<std::size_t>(row * N + col)];
        break;
      case Dataflow::Is:
        p.a = op.a[static_cast<std::size_t>(col * K + row)];
        p.w = op.w[static_cast<std::size_t>(row * N + e)];
        break;
      case Dataflow::Os:
        p.a = op.a[static_cast<std::size_t>(row * K + e)];
        p.w = op.w[static_cast<std::size_t>(e * N + col)];
        break;
    }
    return p;
  };
  auto out_index = [&](const Fold& f, int r, int c, std::int64_t e) {
    const std::int64_t col = f.fc * C + c;
    switch (g.dataflow) {
      case Dataflow::Ws:
        return static_cast<std::size_t>(e * N + col);
      case Dataflow::Is:
        return static_cast<std::size_t>(col * N + e);
      case Dataflow::Os:
        break;
    }
    return static_cast<std::size_t>((f.fr * R + r) * N + col);
  };

  CycleRunResult<Arith> res;
  res.out.assign(static_cast<std::size_t>(op.m * op.n), Arith::zero());
  res.fold_end.assign(folds.size(), 0);
  std::vector<std::int32_t> k_folds_done(res.out.size(), 0);  // ws/is: partial-sum version
  std::vector<std::int64_t> out_ready(res.out.size(), 0);     // ws/is: cycle it can be read
  std::vector<std::int64_t> fold_outputs(folds.size(), 0);

  // PE state.
  std::vector<std::deque<Token>> left(RC), top(RC);  // input FIFOs (edge PEs read the buffers)
  std::vector<std::deque<detail::ElasticFire>> pending(RC);
  std::vector<std::int64_t> busy_until(RC, 0);
  std::vector<Operand> stationary(RC), shadow(RC);  // ws/is: W (ws) or A (is) at the PE
  std::vector<std::uint8_t> stationary_valid(RC, 0), shadow_valid(RC, 0);  // real data held
  std::vector<std::int64_t> shadow_fold(RC, -1);  // fold whose shadow waits to be swapped in
  std::vector<Acc> acc(RC, Arith::zero());        // os accumulators
  std::vector<std::int64_t> bus_last(static_cast<std::size_t>(C), -1);  // os result bus
  std::int64_t pending_fires = 0;

  // Controllers.
  std::vector<std::int64_t> issued(G, 0);   // elements issued, counted over all folds
  std::vector<std::int64_t> free_at(G, 0);  // first cycle the group may issue again
  std::vector<std::deque<detail::ElasticStepCheck>> checks(G);
  std::vector<std::int64_t> steps_issued(G, 0);  // elements the group took part in
  std::vector<std::int64_t> checked(G, 0);       // of those, the ones whose check is complete
  std::vector<std::vector<std::pair<int, int>>> members(G);
  for (int r = 0; r < R; ++r) {
    for (int c = 0; c < C; ++c) {
      members[static_cast<std::size_t>(groups.group_of(r, c))].emplace_back(r, c);
    }
  }
  const std::int64_t total = static_cast<std::int64_t>(folds.size()) * T;
  // The PEs a fold occupies (arch/elastic_schedule.h); the others sit it out.
  auto in_fold = [&](const Fold& f, int r, int c) {
    return r < active_rows(g, f) && c < f.cols_used;
  };
  auto takes_part = [&](std::size_t gi, const Fold& f) {
    return std::any_of(members[gi].begin(), members[gi].end(),
                       [&](const auto& rc) { return in_fold(f, rc.first, rc.second); });
  };
  std::size_t load_cursor = 0;
  std::uint64_t overflows = 0;
  std::int64_t macs = 0;

  for (std::int64_t t = 0; t < until; ++t) {
    // Nothing in flight: jump to the next cycle something can happen.
    if (pending_fires == 0) {
      std::int64_t next = until;
      for (std::size_t gi = 0; gi < G; ++gi) {
        if (issued[gi] < total) {
          const std::size_t f = static_cast<std::size_t>(issued[gi] / T);
          next = std::min(next, std::max(free_at[gi], times[f].stream_start));
        }
      }
      if (load_cursor < folds.size() && !os) next = std::min(next, times[load_cursor].load_start);
      if (next >= until) break;
      t = std::max(t, next);
    }
    // 1. Controllers, feeders last (they are updated after the groups they feed read them).
    for (std::size_t gi = G; gi-- > 0;) {
      while (issued[gi] < total &&
             !takes_part(gi, folds[static_cast<std::size_t>(issued[gi] / T)])) {
        issued[gi] += T;  // the group has no PE in this fold
      }
      const std::int64_t idx = issued[gi];
      if (idx >= total) continue;
      const std::size_t f = static_cast<std::size_t>(idx / T);
      const std::int64_t e = idx % T;
      if (t < times[f].stream_start || t < free_at[gi]) continue;
      bool fed = true;
      for (int h : groups.feeders(static_cast<int>(gi))) {
        fed = fed && (h < 0 || issued[static_cast<std::size_t>(h)] > idx);
      }
      if (!fed) continue;
      std::int64_t step = 1;
      int taking_part = 0;
      for (const auto& [r, c] : members[gi]) {
        const Pair p = pair_at(folds[f], r, c, e);
        if (p.valid) step = std::max(step, detail::elastic_step_cost(arith, p.a, p.w, g.interval));
      }
      for (const auto& [r, c] : members[gi]) {
        if (!in_fold(folds[f], r, c)) continue;
        pending[static_cast<std::size_t>(r) * C + c].push_back(
            {t + groups.skew(r, c), static_cast<std::int64_t>(f), e, step, steps_issued[gi]});
        ++pending_fires;
        ++taking_part;
      }
      checks[gi].push_back({step, 0, taking_part});
      ++steps_issued[gi];
      free_at[gi] = t + step;
      ++issued[gi];
    }
    // 2. PEs starting an element.
    for (int r = 0; r < R; ++r) {
      for (int c = 0; c < C; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * C + c;
        if (pending[i].empty() || pending[i].front().cycle != t) continue;
        const detail::ElasticFire fire = pending[i].front();
        pending[i].pop_front();
        --pending_fires;
        const Fold& fold = folds[static_cast<std::size_t>(fire.fold)];
        TPESIM_CHECK(t >= busy_until[i],
                     "PE ({}, {}) started element {} of fold {} at cycle {} "
                     "while busy until {}",
                     r, c, fire.e, fire.fold, t, busy_until[i]);
        // Inputs: from the buffers at the edges, else the FIFO heads.
        auto take = [&](std::deque<Token>& fifo, const char* side) {
          TPESIM_CHECK(!fifo.empty() && fifo.front().fold == fire.fold &&
                           fifo.front().e == fire.e && fifo.front().ready <= t,
                       "PE ({}, {}) started element {} of fold {} at cycle {} before its {} "
                       "input arrived",
                       r, c, fire.e, fire.fold, t, side);
          Token tok = fifo.front();
          fifo.pop_front();
          return tok;
        };
        const Pair pair = pair_at(fold, r, c, fire.e);
        Token in_left, in_top;
        if (c == 0) {
          in_left.valid = r < fold.rows_used;
          if (in_left.valid) {
            in_left.x = os || !stationary_a ? pair.a : pair.w;
            ++(stationary_a ? res.traffic.filter_reads : res.traffic.ifmap_reads);
          }
        } else {
          in_left = take(left[i], "left");
        }
        if (r == 0) {
          if (os) {
            in_top.valid = c < fold.cols_used;
            in_top.x = pair.w;
            res.traffic.filter_reads += in_top.valid;
          } else {
            in_top.valid = true;
            in_top.p = Arith::zero();
            if (fold.chained && c < fold.cols_used) {
              const std::size_t idx = out_index(fold, r, c, fire.e);
              TPESIM_CHECK(k_folds_done[idx] == fold.fr && out_ready[idx] <= t,
                           "partial sum of fold {} read at cycle {} before K fold {} wrote it",
                           fire.fold, t, fold.fr - 1);
              in_top.p = res.out[idx];
              ++res.traffic.ofmap_reads;
            }
          }
        } else {
          in_top = take(top[i], "top");
        }
        if (!os && fire.e == 0) {  // the fold's first element swaps the stationary operand in
          TPESIM_CHECK(shadow_fold[i] == fire.fold,
                       "PE ({}, {}) swapped in fold {}'s stationary operand at cycle {} before "
                       "it was written",
                       r, c, fire.fold, t);
          stationary[i] = shadow[i];
          stationary_valid[i] = shadow_valid[i];
          shadow_fold[i] = -1;
        }
        // Compute: the pair is real when both operands are.
        const bool go = in_left.valid && (os ? in_top.valid : stationary_valid[i] != 0);
        std::int64_t cost = 1;
        Acc p_out = in_top.p;
        if (go) {
          const Operand a = os ? in_left.x : (stationary_a ? stationary[i] : in_left.x);
          const Operand w = os ? in_top.x : (stationary_a ? in_left.x : stationary[i]);
          cost = detail::elastic_step_cost(arith, a, w, g.interval);
          const auto q = arith.mac_step(os ? acc[i] : in_top.p, a, w);
          (os ? acc[i] : p_out) = q.value;
          overflows += q.overflow ? 1 : 0;
          ++macs;
        }
        TPESIM_CHECK(cost <= fire.step,
                     "PE ({}, {}) took {} cycles on element {} of fold {}; its group's step is {}",
                     r, c, cost, fire.e, fire.fold, fire.step);
        busy_until[i] = t + cost;
        const std::size_t gi = static_cast<std::size_t>(groups.group_of(r, c));
        detail::ElasticStepCheck& check =
            checks[gi][static_cast<std::size_t>(fire.seq - checked[gi])];
        check.observed = std::max(check.observed, cost);
        if (--check.members_left == 0) {
          TPESIM_CHECK(check.observed == check.step,
                       "group {} stepped {} cycles on element {} of fold {}; its slowest member "
                       "took {}",
                       gi, check.step, fire.e, fire.fold, check.observed);
        }
        while (!checks[gi].empty() && checks[gi].front().members_left == 0) {
          checks[gi].pop_front();
          ++checked[gi];
        }
        // Outputs: visible to the neighbours next cycle.
        if (c + 1 < C && in_fold(fold, r, c + 1)) {
          left[i + 1].push_back({t + 1, fire.fold, fire.e, in_left.x, Acc{}, in_left.valid});
        }
        if (r + 1 < R && in_fold(fold, r + 1, c)) {
          top[i + static_cast<std::size_t>(C)].push_back(
              {t + 1, fire.fold, fire.e, in_top.x, p_out, in_top.valid});
        }
        const bool leaves = os ? fire.e == T - 1 && go : r == R - 1 && c < fold.cols_used;
        if (!leaves) continue;
        const std::size_t idx = out_index(fold, r, c, fire.e);
        if (os) {
          TPESIM_CHECK(t > bus_last[static_cast<std::size_t>(c)],
                       "column {} result bus carries two results at cycle {}", c, t);
          bus_last[static_cast<std::size_t>(c)] = t;
          res.out[idx] = acc[i];
          acc[i] = Arith::zero();
        } else {
          TPESIM_CHECK(in_top.valid, "column {} output of fold {} is not valid at cycle {}", c,
                       fire.fold, t);
          res.out[idx] = p_out;
          k_folds_done[idx] = static_cast<std::int32_t>(fold.fr + 1);
          out_ready[idx] = t + 1;
        }
        ++res.traffic.ofmap_writes;
        res.fold_end[static_cast<std::size_t>(fire.fold)] = t + 1;
        ++fold_outputs[static_cast<std::size_t>(fire.fold)];
      }
    }
    // 3. Clock edge: the stationary write port's row, after this cycle's swaps read the shadows.
    if (!os && load_cursor < folds.size() && t >= times[load_cursor].load_start) {
      const Fold& fold = folds[load_cursor];
      const std::int64_t r = t - times[load_cursor].load_start;
      for (int c = 0; c < fold.cols_used; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * C + c;
        TPESIM_CHECK(shadow_fold[i] < 0,
                     "shadow of PE ({}, {}) rewritten at cycle {} before fold {} swapped it in", r,
                     c, t, shadow_fold[i]);
        const bool real = r < fold.rows_used;
        const std::int64_t s = fold.fr * R + r, col = fold.fc * C + c;
        shadow[i] = !real          ? Operand{}
                    : stationary_a ? op.a[static_cast<std::size_t>(col * K + s)]
                                   : op.w[static_cast<std::size_t>(s * N + col)];
        shadow_valid[i] = real ? 1 : 0;
        shadow_fold[i] = static_cast<std::int64_t>(load_cursor);
        (stationary_a ? res.traffic.ifmap_reads : res.traffic.filter_reads) += real;
      }
      if (r == R - 1) ++load_cursor;
    }
    ++res.stepped_cycles;
  }
  for (std::size_t f = 0; f < folds.size(); ++f) {
    const std::int64_t expected =
        os ? std::int64_t{folds[f].rows_used} * folds[f].cols_used : T * folds[f].cols_used;
    TPESIM_CHECK(fold_outputs[f] == expected, "fold {} produced {} outputs, not {}", f,
                 fold_outputs[f], expected);
  }
  for (std::size_t gi = 0; gi < G; ++gi) {
    TPESIM_CHECK(issued[gi] == total && checks[gi].empty(),
                 "group {} issued {} of {} elements by cycle {}", gi, issued[gi], total, until);
  }
  res.activity = ArrayActivity{macs, overflows};
  return res;
}

}  // namespace tpesim::arch
