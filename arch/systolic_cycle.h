// SPDX-License-Identifier: Apache-2.0
// Cycle fidelity of the systolic array: every PE every cycle, with real values in registers.
//
// Two-phase clocking: evaluate() reads only the committed registers (the `cur` buffers and the
// edge inputs) and writes next-state (the `nxt` buffers); commit swaps them. Registers read only
// by their own PE (active weights, os accumulators) are updated in place, which is equivalent.
// The controller follows the shared FoldScheduler; the array observes when outputs leave and
// checks them against the schedule, so a wrong schedule or formula is a ModelError.
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <vector>

#include "arch/fold_geometry.h"
#include "arch/fold_scheduler.h"
#include "arch/gemm_operands.h"
#include "sim/core/errors.h"

namespace tpesim::arch {

// The order in which rows are evaluated each cycle. Two-phase clocking makes it irrelevant;
// tests pass shuffled orders to prove that. Empty means top to bottom.
using RowOrder = std::vector<int>;

template <class Arith>
struct CycleRunResult {
  std::vector<typename Arith::Acc> out;  // M x N outputs, row-major
  ArrayActivity activity;                // MACs and overflows
  FoldTraffic traffic;                   // buffer accesses by the array, summed over folds
  std::vector<std::int64_t> fold_end;    // observed: one past each fold's last output cycle
  std::int64_t stepped_cycles = 0;       // cycles evaluated (idle stretches skipped are not)
};

namespace detail {
constexpr std::uint8_t kValid = 1;  // flag: the element is real data
constexpr std::uint8_t kMark = 2;   // flag: first element of a fold (ws/is) / last of a chain (os)

// The fold whose stream covers local time u (cycle minus the port's skew) at one edge port, or
// -1. Folds' streams are disjoint and in order, so `cursor` only moves forward.
inline std::int64_t stream_fold_at(std::size_t& cursor, std::int64_t u,
                                   const std::vector<FoldTimes>& times,
                                   const std::vector<Fold>& folds) {
  while (cursor < times.size() && u >= times[cursor].stream_start + folds[cursor].stream_cycles) {
    ++cursor;
  }
  if (cursor < times.size() && u >= times[cursor].stream_start) {
    return static_cast<std::int64_t>(cursor);
  }
  return -1;
}

// The streamed element entering an edge port at local time u of fold f, or -1 (between the
// elements of a multi-cycle or data-dependent PE).
inline std::int64_t element_at(const std::vector<StreamOffsets>& offsets, std::int64_t interval,
                               std::size_t f, std::int64_t u) {
  if (offsets.empty()) return u % interval == 0 ? u / interval : -1;
  const StreamOffsets& o = offsets[f];
  const auto last = o.end() - 1;  // offsets[T]: the port is free again, no element
  const auto it = std::lower_bound(o.begin(), last, u);
  return it != last && *it == u ? it - o.begin() : -1;
}

template <class Arith>
concept HasStepCycles = requires(const Arith& a, typename Arith::Operand x) {
  { a.step_cycles(x, x) } -> std::convertible_to<std::int64_t>;
};

template <class Arith>
concept HasLaneStepCycles = requires(const Arith& a, const typename Arith::Operand* x) {
  { a.step_cycles_lanes(x, x, 1) } -> std::convertible_to<std::int64_t>;
};

// Data-dependent PEs: every PE that fires is busy for its own step cost; no PE may receive an
// element while busy, and each element's slot must equal the slowest cost among the PEs it meets
// (sync: array). Observed independently of how the planner computed the slots.
class SlotCheck {
 public:
  SlotCheck(const std::vector<StreamOffsets>& offsets, const std::vector<Fold>& folds, int rows,
            int cols)
      : m_offsets(offsets),
        m_cols(cols),
        m_busy_until(static_cast<std::size_t>(rows) * cols, 0),
        m_ring(static_cast<std::size_t>(rows) * cols, {-1, -1}) {
    if (offsets.empty()) return;
    m_observed.resize(folds.size());
    for (std::size_t f = 0; f < folds.size(); ++f) m_observed[f].assign(offsets[f].size() - 1, 0);
  }
  bool active() const { return !m_offsets.empty(); }
  // Row r's edge received element e of fold f (f < 0: nothing) at cycle t.
  void injected(int r, std::int64_t t, std::int64_t f, std::int64_t e) {
    m_ring[ring_slot(r, t)] = {f, e};
  }
  // PE (r, c) fired at cycle t for `cost` cycles.
  void fired(int r, int c, std::int64_t t, std::int64_t cost) {
    const std::size_t i = static_cast<std::size_t>(r) * m_cols + c;
    TPESIM_CHECK(t >= m_busy_until[i],
                 "PE ({}, {}) received an element at cycle {} while busy until {}", r, c, t,
                 m_busy_until[i]);
    m_busy_until[i] = t + cost;
    const auto [f, e] = m_ring[ring_slot(r, t - c)];
    TPESIM_CHECK(f >= 0, "PE ({}, {}) fired at cycle {} with no element injected", r, c, t);
    auto& seen = m_observed[static_cast<std::size_t>(f)][static_cast<std::size_t>(e)];
    seen = std::max(seen, cost);
  }
  void finish() const {
    for (std::size_t f = 0; f < m_observed.size(); ++f) {
      for (std::size_t e = 0; e < m_observed[f].size(); ++e) {
        const std::int64_t slot = m_offsets[f][e + 1] - m_offsets[f][e];
        TPESIM_CHECK(slot == m_observed[f][e],
                     "fold {} element {}: slot of {} cycles, its slowest PE took {}", f, e, slot,
                     m_observed[f][e]);
      }
    }
  }

 private:
  std::size_t ring_slot(int r, std::int64_t t) const {
    return static_cast<std::size_t>(r) * m_cols + static_cast<std::size_t>(t % m_cols);
  }
  const std::vector<StreamOffsets>& m_offsets;                // the planner's slots
  int m_cols = 1;                                             // C
  std::vector<std::int64_t> m_busy_until;                     // per PE: first cycle it is free
  std::vector<std::pair<std::int64_t, std::int64_t>> m_ring;  // per row: (fold, element) by cycle
  std::vector<std::vector<std::int64_t>> m_observed;          // slowest cost per fold, element
};

}  // namespace detail

// What an observer of the register-level arrays sees each stepped cycle t (the RTL lock-step
// runner, sim/cosim/array_lockstep.h): the edge inputs the controller applied in t and what left
// the array at the edge that ends t. Pointers are valid only during the call. Cycles the model
// skips (idle stretches) are not reported: nothing enters or leaves in them.
template <class Operand, class Acc>
struct StationaryCycleIo {
  std::int64_t cycle = 0;                    // t
  int rows = 0, cols = 0;                    // R, C
  const Operand* edge_x = nullptr;           // row r's streamed element at [r * edge_stride]
  const std::uint8_t* edge_flags = nullptr;  // its flags (kValid, kMark), same stride
  std::size_t edge_stride = 0;               // elements between rows
  const Acc* top_psum = nullptr;             // C partial sums entering the column tops
  const std::uint8_t* top_valid = nullptr;   // C: kValid where a partial sum enters
  std::int64_t load_row = -1;                // shadow row written at the edge, -1: none
  const Operand* load_value = nullptr;       // its C stationary operands
  const std::uint8_t* load_valid = nullptr;  // C: kValid for a PE that holds data
  const Acc* out = nullptr;                  // C bottom-row partial sums after the edge
  const std::uint8_t* out_valid = nullptr;   // C: kValid where an output row left
};

template <class Operand, class Acc>
struct OutputStationaryCycleIo {
  std::int64_t cycle = 0;                    // t
  int rows = 0, cols = 0;                    // R, C
  const Operand* edge_a = nullptr;           // row r's activation at [r * edge_stride]
  const std::uint8_t* edge_flags = nullptr;  // its flags (kValid, kMark = last of its chain)
  std::size_t edge_stride = 0;               // elements between rows
  const Operand* top_w = nullptr;            // C weights entering the column tops
  const std::uint8_t* top_valid = nullptr;   // C: kValid where a weight enters
  const Acc* out = nullptr;                  // C: the sum on column c's result bus after the edge
  const std::int64_t* out_row = nullptr;     // C: the PE row it came from, -1: bus idle
};

// The default observer: sees nothing and compiles to nothing.
struct NoCycleObserver {
  static constexpr bool kEnabled = false;  // the models build no view for a disabled observer
  template <class Io>
  void operator()(const Io&) const {}
};

namespace detail {
struct RowActivity {
  std::uint64_t overflows = 0;  // accumulator overflows in this row this cycle
  std::int64_t fired = 0;       // MACs on real operands
  std::int64_t marks = 0;       // os: PEs that finished their chain
  std::uint32_t hazards = 0;    // ws/is: MACs that met an invalid partial sum
};

// One row of a ws/is array for one cycle. The streamed operand register of PE c is x[c + 1];
// x[0] is the row's edge input, so PE c reads x_cur[c] and writes x_nxt[c + 1].
// Kept out of line so the restrict qualifiers hold (GCC drops them when inlining), and the
// arithmetic's parameters are copied so byte-wide flag stores cannot alias them.
template <class Arith, bool kStationaryIsA>
[[gnu::noinline]] RowActivity stationary_row(
    const Arith& arith_in, int C, const typename Arith::Operand* __restrict x_cur,
    const std::uint8_t* __restrict f_cur, typename Arith::Operand* __restrict x_nxt,
    std::uint8_t* __restrict f_nxt, const typename Arith::Acc* __restrict above,
    const std::uint8_t* __restrict above_v, typename Arith::Acc* __restrict p_nxt,
    std::uint8_t* __restrict pv_nxt, typename Arith::Operand* __restrict act,
    std::uint8_t* __restrict act_v, const typename Arith::Operand* __restrict shadow,
    const std::uint8_t* __restrict shadow_v) {
  const Arith arith = arith_in;
  // A fold's first streamed element swaps the shadow operand into the PE it reaches.
  for (int c = 0; c < C; ++c) {
    const bool swap = (f_cur[c] & kMark) != 0;
    act[c] = swap ? shadow[c] : act[c];
    act_v[c] = swap ? shadow_v[c] : act_v[c];
  }
  // 32-bit per-row counters keep every lane type narrow enough for the vectorizer.
  std::uint32_t ov = 0, fired = 0, hazards = 0;
  for (int c = 0; c < C; ++c) {
    const std::uint8_t go = static_cast<std::uint8_t>(f_cur[c] & act_v[c] & kValid);
    const typename Arith::Acc p = above[c];
    const auto q =
        kStationaryIsA ? arith.mac_step(p, act[c], x_cur[c]) : arith.mac_step(p, x_cur[c], act[c]);
    p_nxt[c] = go ? q.value : p;
    hazards += static_cast<std::uint32_t>(go & (above_v[c] ^ kValid));
    ov += static_cast<std::uint32_t>(q.overflow) & go;
    fired += go;
  }
  // Registers move on: partial-sum valid bits down, the streamed operand one PE right.
  std::copy_n(above_v, C, pv_nxt);
  std::copy_n(x_cur, C, x_nxt + 1);
  std::copy_n(f_cur, C, f_nxt + 1);
  return RowActivity{ov, fired, 0, hazards};
}

// One row of an os array for one cycle. a[c + 1] is PE c's forwarded activation (a[0]: edge);
// `above` is the weight register row above (or the column edge inputs).
template <class Arith>
[[gnu::noinline]] RowActivity output_stationary_row(
    const Arith& arith_in, int C, const typename Arith::Operand* __restrict a_cur,
    const std::uint8_t* __restrict af_cur, typename Arith::Operand* __restrict a_nxt,
    std::uint8_t* __restrict af_nxt, const typename Arith::Operand* __restrict w_above,
    const std::uint8_t* __restrict wf_above, typename Arith::Operand* __restrict w_nxt,
    std::uint8_t* __restrict wf_nxt, typename Arith::Acc* __restrict acc) {
  const Arith arith = arith_in;
  std::uint32_t ov = 0, fired = 0, marks = 0;
  for (int c = 0; c < C; ++c) {
    const typename Arith::Operand a_in = a_cur[c];
    const std::uint8_t af_in = af_cur[c];
    const std::uint8_t go = static_cast<std::uint8_t>(af_in & wf_above[c] & kValid);
    const auto q = arith.mac_step(acc[c], a_in, w_above[c]);
    acc[c] = go ? q.value : acc[c];
    ov += static_cast<std::uint32_t>(q.overflow) & go;
    fired += go;
    marks += go & (af_in >> 1);
    a_nxt[c + 1] = a_in;
    af_nxt[c + 1] = af_in;
    w_nxt[c] = w_above[c];
    wf_nxt[c] = wf_above[c];
  }
  return RowActivity{ov, fired, marks, 0};
}
}  // namespace detail

// Weight- or input-stationary array (ws: stationary W, streamed A; is: stationary A^T, streamed
// W^T). Streamed operand enters rows from the left, partial sums flow down the columns.
// `observer` (NoCycleObserver: none) is called once per stepped cycle with a StationaryCycleIo.
template <class Arith, bool kStationaryIsA, class Observer = NoCycleObserver>
CycleRunResult<Arith> run_stationary_array(const Arith& arith, const FoldGeometry& g,
                                           const OperandMatrices<typename Arith::Operand>& op,
                                           const std::vector<Fold>& folds,
                                           const std::vector<FoldTimes>& times, std::int64_t until,
                                           const std::vector<StreamOffsets>& offsets = {},
                                           const RowOrder& order = {}, Observer observer = {}) {
  using Acc = typename Arith::Acc;
  using Operand = typename Arith::Operand;
  using namespace detail;
  const int R = g.rows, C = g.cols;
  const std::int64_t T = g.t, N = op.n, K = op.k;
  // A multi-cycle PE takes a new element every II cycles: the stream of a fold spans TE cycles.
  const std::int64_t II = g.interval;
  const std::size_t RC = static_cast<std::size_t>(R) * C;
  auto stream_at = [&](std::int64_t t, std::int64_t s) -> Operand {  // X[t][s]
    return kStationaryIsA ? op.w[s * N + t] : op.a[t * K + s];
  };
  auto stationary_at = [&](std::int64_t s, std::int64_t col) -> Operand {  // Wst[s][col]
    return kStationaryIsA ? op.a[col * K + s] : op.w[s * N + col];
  };
  auto out_index = [&](std::int64_t t, std::int64_t col) {  // Y[t][col] in O
    return static_cast<std::size_t>(kStationaryIsA ? col * N + t : t * N + col);
  };

  CycleRunResult<Arith> res;
  res.out.assign(static_cast<std::size_t>(op.m * op.n), Arith::zero());
  std::vector<std::int32_t> k_folds_done(res.out.size(), 0);  // partial-sum version per output
  res.fold_end.assign(folds.size(), 0);
  std::vector<std::int64_t> fold_outputs(folds.size(), 0);

  // Streamed-operand registers, one extra slot per row for its edge input (see stationary_row).
  const std::size_t XW = static_cast<std::size_t>(C) + 1;
  std::vector<Operand> x[2] = {std::vector<Operand>(R * XW), std::vector<Operand>(R * XW)};
  std::vector<std::uint8_t> xf[2] = {std::vector<std::uint8_t>(R * XW),
                                     std::vector<std::uint8_t>(R * XW)};
  std::vector<Acc> ps[2] = {std::vector<Acc>(RC), std::vector<Acc>(RC)};
  std::vector<std::uint8_t> pv[2] = {std::vector<std::uint8_t>(RC), std::vector<std::uint8_t>(RC)};
  std::vector<Operand> act(RC), shadow(RC);
  std::vector<std::uint8_t> act_v(RC), shadow_v(RC);
  std::vector<Acc> edge_p(C);
  std::vector<std::uint8_t> edge_pv(C);
  // In-flight partial sums by column: which (fold, row of Y) entered the top at each cycle.
  std::vector<std::int64_t> ring_fold(static_cast<std::size_t>(R) * C, -1),
      ring_t(ring_fold.size());
  std::vector<std::size_t> row_cursor(R, 0), col_cursor(C, 0);
  std::size_t load_cursor = 0;
  std::uint64_t overflows = 0;
  std::int64_t macs = 0;
  int cur = 0;

  auto stream_fold = [&](std::size_t& cursor, std::int64_t u) {
    return stream_fold_at(cursor, u, times, folds);
  };
  SlotCheck slots(offsets, folds, R, C);
  std::int64_t latest_end = 0;
  std::size_t completed = 0;  // folds whose every output has left the array
  for (std::int64_t t = 0; t < until; ++t) {
    // Idle stretch (waiting for memory, array drained): nothing can change until the next load.
    if (load_cursor < folds.size() && completed == load_cursor && t >= latest_end + R + C &&
        t < times[load_cursor].load_start) {
      t = times[load_cursor].load_start - 1;
      continue;
    }
    // Edge inputs of this cycle, from the controller's schedule (slot 0 of each row).
    for (int r = 0; r < R; ++r) {
      Operand& edge_x = x[cur][static_cast<std::size_t>(r) * XW];
      std::uint8_t& edge_xf = xf[cur][static_cast<std::size_t>(r) * XW];
      const std::int64_t f = stream_fold(row_cursor[static_cast<std::size_t>(r)], t - r);
      edge_x = Operand{};
      edge_xf = 0;
      if (slots.active()) slots.injected(r, t, -1, -1);
      if (f < 0) continue;
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      const std::int64_t e = element_at(offsets, II, static_cast<std::size_t>(f),
                                        t - r - times[static_cast<std::size_t>(f)].stream_start);
      if (e < 0) continue;  // between elements of a multi-cycle PE
      edge_xf = e == 0 ? kMark : 0;
      if (slots.active()) slots.injected(r, t, f, e);
      if (r < fold.rows_used) {
        edge_x = stream_at(e, fold.fr * R + r);
        edge_xf |= kValid;
        ++res.traffic.ifmap_reads;  // streamed operand (A for ws, W for is), renamed below
      }
    }
    const std::size_t slot_in = static_cast<std::size_t>(t % R);
    for (int c = 0; c < C; ++c) {
      const std::int64_t f = stream_fold(col_cursor[static_cast<std::size_t>(c)], t - c);
      edge_p[c] = Arith::zero();
      edge_pv[c] = 0;
      ring_fold[slot_in * C + c] = -1;
      if (f < 0) continue;
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      if (c >= fold.cols_used) continue;
      const std::int64_t e = element_at(offsets, II, static_cast<std::size_t>(f),
                                        t - c - times[static_cast<std::size_t>(f)].stream_start);
      if (e < 0) continue;
      const std::size_t idx = out_index(e, fold.fc * C + c);
      if (fold.chained) {
        TPESIM_CHECK(k_folds_done[idx] == fold.fr,
                     "partial sum of fold {} read before K fold {} "
                     "wrote it (cycle {})",
                     f, fold.fr - 1, t);
        edge_p[c] = res.out[idx];
        ++res.traffic.ofmap_reads;
      }
      edge_pv[c] = kValid;
      ring_fold[slot_in * C + c] = f;
      ring_t[slot_in * C + c] = e;
    }
    // Evaluate every PE from committed state.
    const int nxt = cur ^ 1;
    std::uint32_t hazards = 0;
    for (int i = 0; i < R; ++i) {
      const int r = order.empty() ? i : order[static_cast<std::size_t>(i)];
      const std::size_t base = static_cast<std::size_t>(r) * C;
      const std::size_t xbase = static_cast<std::size_t>(r) * XW;
      const RowActivity row = stationary_row<Arith, kStationaryIsA>(
          arith, C, x[cur].data() + xbase, xf[cur].data() + xbase, x[nxt].data() + xbase,
          xf[nxt].data() + xbase, r == 0 ? edge_p.data() : ps[cur].data() + base - C,
          r == 0 ? edge_pv.data() : pv[cur].data() + base - C, ps[nxt].data() + base,
          pv[nxt].data() + base, act.data() + base, act_v.data() + base, shadow.data() + base,
          shadow_v.data() + base);
      overflows += row.overflows;
      macs += row.fired;
      hazards += row.hazards;
      if constexpr (HasStepCycles<Arith>) {
        if (slots.active()) {
          const Operand* xr = x[cur].data() + xbase;
          const std::uint8_t* fr = xf[cur].data() + xbase;
          for (int c = 0; c < C; ++c) {
            const std::size_t pe = base + static_cast<std::size_t>(c);
            if (!(fr[c] & act_v[pe] & kValid)) continue;
            const std::int64_t cost = kStationaryIsA ? arith.step_cycles(act[pe], xr[c])
                                                     : arith.step_cycles(xr[c], act[pe]);
            slots.fired(r, c, t, cost);
          }
        }
      }
    }
    TPESIM_CHECK(hazards == 0, "{} MACs met an invalid partial sum at cycle {}", hazards, t);
    // Clock edge: commit registers, then the stationary write port's row.
    cur = nxt;
    std::int64_t load_row = -1;
    if (load_cursor < folds.size() && t >= times[load_cursor].load_start) {
      const Fold& fold = folds[load_cursor];
      const std::int64_t r = t - times[load_cursor].load_start;
      load_row = r;
      for (int c = 0; c < C; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * C + c;
        const bool real = r < fold.rows_used && c < fold.cols_used;
        shadow[i] = real ? stationary_at(fold.fr * R + r, fold.fc * C + c) : Operand{};
        shadow_v[i] = real ? kValid : 0;
        res.traffic.filter_reads += real;  // stationary operand, renamed below
      }
      if (r == R - 1) ++load_cursor;
    }
    // Outputs leaving the bottom row this cycle entered the top R-1 cycles ago.
    const std::size_t slot_out = static_cast<std::size_t>((t + 1) % R);
    const std::size_t bottom = static_cast<std::size_t>(R - 1) * C;
    for (int c = 0; c < C; ++c) {
      const std::int64_t f = ring_fold[slot_out * C + c];
      TPESIM_CHECK((f >= 0) == (pv[cur][bottom + c] != 0),
                   "column {} output valid={} but schedule expects fold {} at cycle {}", c,
                   pv[cur][bottom + c], f, t);
      if (f < 0) continue;
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      const std::size_t idx = out_index(ring_t[slot_out * C + c], fold.fc * C + c);
      res.out[idx] = ps[cur][bottom + c];
      k_folds_done[idx] = static_cast<std::int32_t>(fold.fr + 1);
      ++res.traffic.ofmap_writes;
      res.fold_end[static_cast<std::size_t>(f)] = t + 1;
      latest_end = std::max(latest_end, t + 1);
      if (++fold_outputs[static_cast<std::size_t>(f)] == T * fold.cols_used) ++completed;
    }
    if constexpr (Observer::kEnabled) {
      const std::size_t lr = load_row < 0 ? 0 : static_cast<std::size_t>(load_row) * C;
      observer(StationaryCycleIo<Operand, Acc>{t, R, C, x[cur ^ 1].data(), xf[cur ^ 1].data(), XW,
                                               edge_p.data(), edge_pv.data(), load_row,
                                               shadow.data() + lr, shadow_v.data() + lr,
                                               ps[cur].data() + bottom, pv[cur].data() + bottom});
    }
    ++res.stepped_cycles;
  }
  for (std::size_t f = 0; f < folds.size(); ++f) {
    TPESIM_CHECK(fold_outputs[f] == T * folds[f].cols_used, "fold {} produced {} outputs, not {}",
                 f, fold_outputs[f], T * folds[f].cols_used);
  }
  slots.finish();
  if (kStationaryIsA) std::swap(res.traffic.ifmap_reads, res.traffic.filter_reads);
  res.activity = ArrayActivity{macs, overflows};
  return res;
}

// Output-stationary array: A enters rows from the left, W enters columns from the top, each PE
// accumulates one output and puts it on its column's result bus after its last MAC.
// `observer` (NoCycleObserver: none) is called once per stepped cycle with an
// OutputStationaryCycleIo.
template <class Arith, class Observer = NoCycleObserver>
CycleRunResult<Arith> run_output_stationary_array(
    const Arith& arith, const FoldGeometry& g, const OperandMatrices<typename Arith::Operand>& op,
    const std::vector<Fold>& folds, const std::vector<FoldTimes>& times, std::int64_t until,
    const std::vector<StreamOffsets>& offsets = {}, const RowOrder& order = {},
    Observer observer = {}) {
  using Acc = typename Arith::Acc;
  using Operand = typename Arith::Operand;
  using namespace detail;
  const int R = g.rows, C = g.cols;
  const std::int64_t T = g.t, N = op.n, K = op.k;
  const std::int64_t II = g.interval;  // see run_stationary_array
  const std::size_t RC = static_cast<std::size_t>(R) * C;
  CycleRunResult<Arith> res;
  res.out.assign(static_cast<std::size_t>(op.m * op.n), Arith::zero());
  res.fold_end.assign(folds.size(), 0);
  std::vector<std::int64_t> fold_outputs(folds.size(), 0);
  // Activation registers, one extra slot per row for its edge input (output_stationary_row).
  const std::size_t AW = static_cast<std::size_t>(C) + 1;
  std::vector<Operand> a[2] = {std::vector<Operand>(R * AW), std::vector<Operand>(R * AW)};
  std::vector<std::uint8_t> af[2] = {std::vector<std::uint8_t>(R * AW),
                                     std::vector<std::uint8_t>(R * AW)};
  std::vector<Operand> w[2] = {std::vector<Operand>(RC), std::vector<Operand>(RC)};
  std::vector<std::uint8_t> wf[2] = {std::vector<std::uint8_t>(RC), std::vector<std::uint8_t>(RC)};
  std::vector<Acc> acc(RC, Arith::zero());
  std::vector<Operand> edge_w(C);
  std::vector<std::uint8_t> edge_wf(C);
  std::vector<Acc> bus(Observer::kEnabled ? C : 0);   // observed: each column's result bus
  std::vector<std::int64_t> bus_row(bus.size(), -1);  // the PE row on it, -1: idle
  std::vector<std::size_t> row_cursor(R, 0), col_cursor(C, 0);
  std::size_t drain_first = 0;  // first fold that may still have results to emit
  std::uint64_t overflows = 0;
  std::int64_t macs = 0;
  int cur = 0;
  auto stream_fold = [&](std::size_t& cursor, std::int64_t u) {
    return stream_fold_at(cursor, u, times, folds);
  };
  SlotCheck slots(offsets, folds, R, C);
  std::int64_t latest_end = 0;
  std::size_t started = 0;    // folds whose stream has begun
  std::size_t completed = 0;  // folds whose every output has left the array
  for (std::int64_t t = 0; t < until; ++t) {
    while (started < folds.size() && times[started].stream_start <= t) ++started;
    if (started < folds.size() && completed == started && t >= latest_end + R + C &&
        t < times[started].stream_start) {
      t = times[started].stream_start - 1;
      continue;
    }
    for (int r = 0; r < R; ++r) {
      Operand& edge_a = a[cur][static_cast<std::size_t>(r) * AW];
      std::uint8_t& edge_af = af[cur][static_cast<std::size_t>(r) * AW];
      const std::int64_t f = stream_fold(row_cursor[static_cast<std::size_t>(r)], t - r);
      edge_a = Operand{};
      edge_af = 0;
      if (slots.active()) slots.injected(r, t, -1, -1);
      if (f < 0) continue;
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      if (r >= fold.rows_used) continue;
      const std::int64_t k = element_at(offsets, II, static_cast<std::size_t>(f),
                                        t - r - times[static_cast<std::size_t>(f)].stream_start);
      if (k < 0) continue;
      if (slots.active()) slots.injected(r, t, f, k);
      edge_a = op.a[(fold.fr * R + r) * K + k];
      edge_af = static_cast<std::uint8_t>(kValid | (k == T - 1 ? kMark : 0));
      ++res.traffic.ifmap_reads;
    }
    for (int c = 0; c < C; ++c) {
      const std::int64_t f = stream_fold(col_cursor[static_cast<std::size_t>(c)], t - c);
      edge_w[c] = Operand{};
      edge_wf[c] = 0;
      if (f < 0) continue;
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      if (c >= fold.cols_used) continue;
      const std::int64_t k = element_at(offsets, II, static_cast<std::size_t>(f),
                                        t - c - times[static_cast<std::size_t>(f)].stream_start);
      if (k < 0) continue;
      edge_w[c] = op.w[k * N + fold.fc * C + c];
      edge_wf[c] = kValid;
      ++res.traffic.filter_reads;
    }
    const int nxt = cur ^ 1;
    std::int64_t emitted = 0;
    for (int i = 0; i < R; ++i) {
      const int r = order.empty() ? i : order[static_cast<std::size_t>(i)];
      const std::size_t base = static_cast<std::size_t>(r) * C;
      const std::size_t abase = static_cast<std::size_t>(r) * AW;
      const RowActivity row = output_stationary_row<Arith>(
          arith, C, a[cur].data() + abase, af[cur].data() + abase, a[nxt].data() + abase,
          af[nxt].data() + abase, r == 0 ? edge_w.data() : w[cur].data() + base - C,
          r == 0 ? edge_wf.data() : wf[cur].data() + base - C, w[nxt].data() + base,
          wf[nxt].data() + base, acc.data() + base);
      overflows += row.overflows;
      macs += row.fired;
      emitted += row.marks;
      if constexpr (HasStepCycles<Arith>) {
        if (slots.active()) {
          const Operand* ar = a[cur].data() + abase;
          const std::uint8_t* afr = af[cur].data() + abase;
          const Operand* wr = r == 0 ? edge_w.data() : w[cur].data() + base - C;
          const std::uint8_t* wfr = r == 0 ? edge_wf.data() : wf[cur].data() + base - C;
          for (int c = 0; c < C; ++c) {
            if (!(afr[c] & wfr[c] & kValid)) continue;
            slots.fired(r, c, t, arith.step_cycles(ar[c], wr[c]));
          }
        }
      }
    }
    cur = nxt;
    // Column result buses: PE (r, c) of fold f finishes at stream_start + TE - 1 + r + c.
    std::int64_t expected = 0;
    std::fill(bus_row.begin(), bus_row.end(), -1);
    for (std::size_t f = drain_first;
         f < folds.size() && times[f].stream_start + folds[f].stream_cycles - 1 <= t; ++f) {
      const Fold& fold = folds[f];
      const std::int64_t d = t - (times[f].stream_start + fold.stream_cycles - 1);
      if (d > fold.rows_used + fold.cols_used - 2) {
        if (f == drain_first) ++drain_first;
        continue;
      }
      for (std::int64_t r = std::max<std::int64_t>(0, d - fold.cols_used + 1);
           r <= std::min<std::int64_t>(fold.rows_used - 1, d); ++r) {
        const std::int64_t c = d - r;
        const std::size_t i = static_cast<std::size_t>(r * C + c);
        res.out[static_cast<std::size_t>((fold.fr * R + r) * N + fold.fc * C + c)] = acc[i];
        if constexpr (Observer::kEnabled) {
          bus[static_cast<std::size_t>(c)] = acc[i];
          bus_row[static_cast<std::size_t>(c)] = r;
        }
        acc[i] = Arith::zero();
        ++expected;
        ++res.traffic.ofmap_writes;
        if (++fold_outputs[f] == std::int64_t{fold.rows_used} * fold.cols_used) ++completed;
        res.fold_end[f] = t + 1;
        latest_end = std::max(latest_end, t + 1);
      }
    }
    TPESIM_CHECK(emitted == expected,
                 "{} PEs finished a chain at cycle {}, the schedule expects {}", emitted, t,
                 expected);
    if constexpr (Observer::kEnabled) {
      observer(OutputStationaryCycleIo<Operand, Acc>{t, R, C, a[cur ^ 1].data(), af[cur ^ 1].data(),
                                                     AW, edge_w.data(), edge_wf.data(), bus.data(),
                                                     bus_row.data()});
    }
    ++res.stepped_cycles;
  }
  for (std::size_t f = 0; f < folds.size(); ++f) {
    TPESIM_CHECK(fold_outputs[f] == std::int64_t{folds[f].rows_used} * folds[f].cols_used,
                 "fold {} produced {} outputs", f, fold_outputs[f]);
  }
  slots.finish();
  res.activity = ArrayActivity{macs, overflows};
  return res;
}

}  // namespace tpesim::arch
