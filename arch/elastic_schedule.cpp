// SPDX-License-Identifier: Apache-2.0
#include "arch/elastic_schedule.h"

#include <algorithm>

namespace tpesim::arch {

ElasticSchedule::ElasticSchedule(const pe::BitsliceSpec& spec, SyncScope scope,
                                 const FoldGeometry& geometry, const GemmOperands& codes)
    : m_geometry(geometry),
      m_groups(scope, geometry.rows, geometry.cols),
      m_cost(spec, codes),
      m_n(codes.n),
      m_k(codes.k) {}

// PE (r, c) on element e: ws pairs A[e][k_r] with W[k_r][n_c]; is pairs A[m_c][k_r] with
// W[k_r][e]; os pairs A[m_r][e] with W[e][n_c] (arch/fold_geometry.h).
std::int64_t ElasticSchedule::a_cost(const Fold& f, int r, int c, std::int64_t e) const {
  const std::int64_t R = m_geometry.rows, C = m_geometry.cols;
  switch (m_geometry.dataflow) {
    case Dataflow::Ws:
      return m_cost.fa[static_cast<std::size_t>(e * m_k + f.fr * R + r)];
    case Dataflow::Is:
      return m_cost.fa[static_cast<std::size_t>((f.fc * C + c) * m_k + f.fr * R + r)];
    case Dataflow::Os:
      return m_cost.fa[static_cast<std::size_t>((f.fr * R + r) * m_k + e)];
  }
  return 1;
}

std::int64_t ElasticSchedule::w_cost(const Fold& f, int r, int c, std::int64_t e) const {
  const std::int64_t R = m_geometry.rows, C = m_geometry.cols;
  switch (m_geometry.dataflow) {
    case Dataflow::Ws:
      return m_cost.w(static_cast<std::size_t>((f.fr * R + r) * m_n + f.fc * C + c));
    case Dataflow::Is:
      return m_cost.w(static_cast<std::size_t>((f.fr * R + r) * m_n + e));
    case Dataflow::Os:
      return m_cost.w(static_cast<std::size_t>(e * m_n + f.fc * C + c));
  }
  return 0;
}

void ElasticSchedule::group_steps(const Fold& f, const Factors& x,
                                  std::vector<std::int64_t>& out) const {
  const int R = m_geometry.rows, C = m_geometry.cols, ru = f.rows_used, cu = f.cols_used;
  const Dataflow df = m_geometry.dataflow;
  auto cost = [&](int r, int c) {  // PE (r, c), holding data
    const std::int64_t row = x.stream_row[static_cast<std::size_t>(r)];
    switch (df) {
      case Dataflow::Ws:
        return m_cost.combine(row, x.stationary[static_cast<std::size_t>(r * C + c)]);
      case Dataflow::Is:
        return m_cost.combine(x.stationary[static_cast<std::size_t>(r * C + c)], row);
      case Dataflow::Os:
        break;
    }
    return m_cost.combine(row, x.stream_col[static_cast<std::size_t>(c)]);
  };
  // Along a row one side's factor is constant (ws: A, is: W, os: A) and the other varies with
  // the column, so a row's slowest step is combine(constant, the row's maximum of the other).
  auto row_step = [&](int r) {
    if (r >= ru) return std::int64_t{1};  // no real data: the element passes in one cycle
    const std::int64_t row = x.stream_row[static_cast<std::size_t>(r)];
    const std::int64_t other =
        df == Dataflow::Os ? x.stream_col_max : x.row_stationary_max[static_cast<std::size_t>(r)];
    return std::max<std::int64_t>(
        1, df == Dataflow::Is ? m_cost.combine(other, row) : m_cost.combine(row, other));
  };
  switch (m_groups.scope()) {
    case SyncScope::Array: {
      std::int64_t s = 1;
      for (int r = 0; r < ru; ++r) s = std::max(s, row_step(r));
      out[0] = s;
      break;
    }
    case SyncScope::Row:
      for (int r = 0; r < R; ++r) out[static_cast<std::size_t>(r)] = row_step(r);
      break;
    case SyncScope::Column:
      for (int c = 0; c < C; ++c) {
        std::int64_t s = 1;
        for (int r = 0; r < ru && c < cu; ++r) s = std::max(s, cost(r, c));
        out[static_cast<std::size_t>(c)] = s;
      }
      break;
    case SyncScope::Pe:
      std::fill(out.begin(), out.end(), 1);
      for (int r = 0; r < ru; ++r) {
        for (int c = 0; c < cu; ++c) {
          out[static_cast<std::size_t>(r * C + c)] = std::max<std::int64_t>(1, cost(r, c));
        }
      }
      break;
  }
}

void ElasticSchedule::stream_factors(const Fold& f, std::int64_t e, Factors& x) const {
  for (int r = 0; r < f.rows_used; ++r) {
    x.stream_row[static_cast<std::size_t>(r)] =
        m_geometry.dataflow == Dataflow::Is ? w_cost(f, r, 0, e) : a_cost(f, r, 0, e);
  }
  if (m_geometry.dataflow != Dataflow::Os) return;
  x.stream_col_max = 0;
  for (int c = 0; c < f.cols_used; ++c) {
    x.stream_col[static_cast<std::size_t>(c)] = w_cost(f, 0, c, e);
    x.stream_col_max = std::max(x.stream_col_max, x.stream_col[static_cast<std::size_t>(c)]);
  }
}

void ElasticSchedule::advance(std::int64_t e, const std::vector<std::int64_t>& step,
                              std::vector<std::int64_t>& base) const {
  const int R = m_geometry.rows, C = m_geometry.cols;
  auto own = [&](std::size_t gi) { return e == 0 ? 0 : base[gi] + step[gi]; };
  switch (m_groups.scope()) {
    case SyncScope::Array:
      base[0] = own(0);
      break;
    case SyncScope::Row:
    case SyncScope::Column:  // a chain: group i is fed by group i - 1
      for (std::size_t gi = 0; gi < base.size(); ++gi) {
        base[gi] = gi == 0 ? own(0) : std::max(own(gi), base[gi - 1] + 1);
      }
      break;
    case SyncScope::Pe:  // a grid: fed from above and from the left
      for (int r = 0; r < R; ++r) {
        for (int c = 0; c < C; ++c) {
          const std::size_t gi = static_cast<std::size_t>(r * C + c);
          std::int64_t b = own(gi);
          if (r > 0) b = std::max(b, base[gi - static_cast<std::size_t>(C)] + 1);
          if (c > 0) b = std::max(b, base[gi - 1] + 1);
          base[gi] = b;
        }
      }
      break;
  }
}

ElasticFoldTiming ElasticSchedule::fold_timing(const Fold& f) const {
  const FoldGeometry& g = m_geometry;
  const int R = g.rows, ru = f.rows_used, cu = f.cols_used;
  const std::int64_t T = g.t;
  const SyncGroups& sg = m_groups;
  const std::size_t G = static_cast<std::size_t>(sg.count());
  const bool os = g.dataflow == Dataflow::Os;
  std::vector<std::int64_t> base(G, 0), step(G, 1), next_step(G, 1);
  // The stationary operand's factors (ws: W, is: A) and their row maxima, once per fold.
  Factors x;
  x.stationary.assign(static_cast<std::size_t>(R) * static_cast<std::size_t>(g.cols), 0);
  x.row_stationary_max.assign(static_cast<std::size_t>(R), 0);
  x.stream_row.assign(static_cast<std::size_t>(R), 0);
  x.stream_col.assign(static_cast<std::size_t>(g.cols), 0);
  for (int r = 0; r < ru && !os; ++r) {
    for (int c = 0; c < cu; ++c) {
      const std::int64_t v = g.dataflow == Dataflow::Ws ? w_cost(f, r, c, 0) : a_cost(f, r, c, 0);
      x.stationary[static_cast<std::size_t>(r * g.cols + c)] = v;
      x.row_stationary_max[static_cast<std::size_t>(r)] =
          std::max(x.row_stationary_max[static_cast<std::size_t>(r)], v);
    }
  }
  auto start = [&](int r, int c) {  // S(r, c, e) of the element in `base`
    return base[static_cast<std::size_t>(sg.group_of(r, c))] + sg.skew(r, c);
  };
  ElasticFoldTiming out;
  if (!os) {
    out.top.resize(static_cast<std::size_t>(cu * T));
    out.bottom.resize(out.top.size());
  }
  if (sg.scope() == SyncScope::Array) out.offsets.resize(static_cast<std::size_t>(T) + 1);
  const int region_rows = active_rows(g, f);
  out.group_used.assign(G, 0);
  for (int r = 0; r < region_rows; ++r) {
    for (int c = 0; c < cu; ++c) out.group_used[static_cast<std::size_t>(sg.group_of(r, c))] = 1;
  }
  for (std::int64_t e = 0; e < T; ++e) {
    stream_factors(f, e, x);
    group_steps(f, x, next_step);
    advance(e, step, base);
    step.swap(next_step);
    if (e == 0) {
      out.group_start = base;
      for (int r = 0; r < R && !os; ++r) {
        for (int c = 0; c < cu; ++c) out.swap_span = std::max(out.swap_span, start(r, c) - r);
      }
    }
    for (int c = 0; c < cu && !os; ++c) {
      out.top[static_cast<std::size_t>(c * T + e)] = start(0, c);
      out.bottom[static_cast<std::size_t>(c * T + e)] = start(R - 1, c);
    }
    if (!out.offsets.empty()) out.offsets[static_cast<std::size_t>(e)] = base[0];
  }
  out.group_free.resize(G);
  for (std::size_t gi = 0; gi < G; ++gi) out.group_free[gi] = base[gi] + step[gi];
  auto free_at = [&](int r, int c) {  // PE (r, c)'s group may next step, in its own time
    return out.group_free[static_cast<std::size_t>(sg.group_of(r, c))] + sg.skew(r, c);
  };
  if (!out.offsets.empty()) out.offsets[static_cast<std::size_t>(T)] = out.group_free[0];
  // The last element's timing: outputs, occupancy, edge ports.
  for (int r = 0; r < region_rows; ++r) {
    for (int c = 0; c < cu; ++c) out.occupied = std::max(out.occupied, free_at(r, c));
  }
  for (int c = 0; c < cu; ++c) {
    out.end = std::max(out.end, start(os ? ru - 1 : R - 1, c) + 1);
    if (os) {
      out.first_emit.push_back(start(0, c));
      out.last_emit.push_back(start(ru - 1, c));
    }
  }
  // Edge ports: rows (and, os, the weight columns); port p's elements enter at S - p.
  out.stream_cycles = 0;
  out.stream_busy = 0;
  auto edge = [&](int r, int c, int port) {
    out.release = std::max(out.release, start(r, c) + 1);
    out.stream_cycles = std::max(out.stream_cycles, start(r, c) - port + 1);
    out.stream_busy = std::max(out.stream_busy, free_at(r, c) - port);
  };
  for (int r = 0; r < ru; ++r) edge(r, 0, r);
  for (int c = 0; c < cu && os; ++c) edge(0, c, c);
  return out;
}

}  // namespace tpesim::arch
