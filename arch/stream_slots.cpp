// SPDX-License-Identifier: Apache-2.0
#include "arch/stream_slots.h"

#include <algorithm>

namespace tpesim::arch {

namespace {

// A single-lane step costs combine(fa(a), fw(w)), monotone in both factors, so the maximum over
// a set of pairs is combine(max fa, max fw) wherever the set is a cross product.
struct StepCost {
  bool product = false;          // laconic: max(1, terms_a * terms_w); else fa(a) alone
  std::vector<std::int64_t> fa;  // per activation code (M x K)
  std::vector<std::int64_t> fw;  // per weight code (K x N)

  std::int64_t combine(std::int64_t a, std::int64_t w) const {
    return product ? std::max<std::int64_t>(1, a * w) : a;
  }
};

StepCost step_cost(const pe::BitsliceSpec& spec, const GemmOperands& codes) {
  StepCost cost;
  cost.product = spec.variant == pe::BitsliceVariant::Laconic;
  cost.fa.reserve(codes.a.size());
  cost.fw.reserve(codes.w.size());
  for (std::int32_t a : codes.a) {
    const std::int32_t zero = 0;
    cost.fa.push_back(cost.product ? pe::activation_terms(spec, a)
                                   : pe::step_cycles(spec, &a, &zero, 1));
  }
  for (std::int32_t w : codes.w) cost.fw.push_back(cost.product ? pe::weight_terms(spec, w) : 0);
  return cost;
}

}  // namespace

std::vector<StreamOffsets> systolic_stream_offsets(const pe::BitsliceSpec& spec,
                                                   const FoldGeometry& g,
                                                   const std::vector<Fold>& folds,
                                                   const GemmOperands& codes) {
  const StepCost cost = step_cost(spec, codes);
  const std::int64_t N = codes.n, K = codes.k, R = g.rows, C = g.cols;
  std::vector<StreamOffsets> out;
  out.reserve(folds.size());
  std::vector<std::int64_t> row_max(static_cast<std::size_t>(R)),
      slot(static_cast<std::size_t>(g.t));
  for (const Fold& f : folds) {
    const std::int64_t ru = f.rows_used, cu = f.cols_used;
    switch (g.dataflow) {
      case Dataflow::Ws:  // element e = row m of A; PE (r, c) holds W[k_r][n_c]
        for (std::int64_t r = 0; r < ru; ++r) {
          std::int64_t m = 0;
          for (std::int64_t c = 0; c < cu; ++c) {
            m = std::max(m, cost.fw[static_cast<std::size_t>((f.fr * R + r) * N + f.fc * C + c)]);
          }
          row_max[static_cast<std::size_t>(r)] = m;
        }
        for (std::int64_t e = 0; e < g.t; ++e) {
          std::int64_t s = 1;
          for (std::int64_t r = 0; r < ru; ++r) {
            s = std::max(s, cost.combine(cost.fa[static_cast<std::size_t>(e * K + f.fr * R + r)],
                                         row_max[static_cast<std::size_t>(r)]));
          }
          slot[static_cast<std::size_t>(e)] = s;
        }
        break;
      case Dataflow::Is:  // element e = column n of W; PE (r, c) holds A[m_c][k_r]
        for (std::int64_t r = 0; r < ru; ++r) {
          std::int64_t m = 0;
          for (std::int64_t c = 0; c < cu; ++c) {
            m = std::max(m, cost.fa[static_cast<std::size_t>((f.fc * C + c) * K + f.fr * R + r)]);
          }
          row_max[static_cast<std::size_t>(r)] = m;
        }
        for (std::int64_t e = 0; e < g.t; ++e) {
          std::int64_t s = 1;
          for (std::int64_t r = 0; r < ru; ++r) {
            s = std::max(s,
                         cost.combine(row_max[static_cast<std::size_t>(r)],
                                      cost.fw[static_cast<std::size_t>((f.fr * R + r) * N + e)]));
          }
          slot[static_cast<std::size_t>(e)] = s;
        }
        break;
      case Dataflow::Os:  // element e = k; PE (r, c) pairs A[m_r][k] with W[k][n_c]
        for (std::int64_t e = 0; e < g.t; ++e) {
          std::int64_t ma = 0, mw = 0;
          for (std::int64_t r = 0; r < ru; ++r) {
            ma = std::max(ma, cost.fa[static_cast<std::size_t>((f.fr * R + r) * K + e)]);
          }
          for (std::int64_t c = 0; c < cu; ++c) {
            mw = std::max(mw, cost.fw[static_cast<std::size_t>(e * N + f.fc * C + c)]);
          }
          slot[static_cast<std::size_t>(e)] = std::max<std::int64_t>(1, cost.combine(ma, mw));
        }
        break;
    }
    StreamOffsets o(static_cast<std::size_t>(g.t) + 1, 0);
    for (std::int64_t e = 0; e < g.t; ++e) {
      o[static_cast<std::size_t>(e) + 1] =
          o[static_cast<std::size_t>(e)] + slot[static_cast<std::size_t>(e)];
    }
    out.push_back(std::move(o));
  }
  return out;
}

TreeSlots adder_tree_stream_offsets(const pe::BitsliceSpec& spec, const FoldGeometry& g,
                                    const std::vector<Fold>& folds, const GemmOperands& codes) {
  const std::int64_t N = codes.n, K = codes.k, L = g.rows, C = g.cols;
  const bool laconic = spec.variant == pe::BitsliceVariant::Laconic;
  // Booth terms per code (laconic); serial_digit's cost depends on the activations only, so one
  // step cost per row serves every column.
  const StepCost terms = laconic ? step_cost(spec, codes) : StepCost{};
  TreeSlots out;
  out.offsets.reserve(folds.size());
  std::vector<std::int32_t> a_lanes(static_cast<std::size_t>(L)), w_lanes(a_lanes.size());
  for (const Fold& f : folds) {
    const std::int64_t lanes = f.rows_used, k0 = f.fr * L;
    StreamOffsets o(static_cast<std::size_t>(g.t) + 1, 0);
    for (std::int64_t m = 0; m < g.t; ++m) {
      std::int64_t slot = 1;
      if (laconic) {
        for (std::int64_t c = 0; c < f.cols_used; ++c) {
          std::int64_t cost = 1;
          for (std::int64_t l = 0; l < lanes; ++l) {
            cost =
                std::max(cost, terms.fa[static_cast<std::size_t>(m * K + k0 + l)] *
                                   terms.fw[static_cast<std::size_t>((k0 + l) * N + f.fc * C + c)]);
          }
          slot = std::max(slot, cost);
          out.busy_pe_cycles += cost * lanes;
        }
      } else if (f.fc > 0) {
        // Same K tile, same rows: the first column fold's slots (folds run K-inner).
        slot = out.offsets[static_cast<std::size_t>(f.fr)][static_cast<std::size_t>(m) + 1] -
               out.offsets[static_cast<std::size_t>(f.fr)][static_cast<std::size_t>(m)];
        out.busy_pe_cycles += slot * lanes * f.cols_used;
      } else {
        for (std::int64_t l = 0; l < lanes; ++l) {
          a_lanes[static_cast<std::size_t>(l)] = codes.a[static_cast<std::size_t>(m * K + k0 + l)];
        }
        slot = pe::step_cycles(spec, a_lanes.data(), w_lanes.data(), static_cast<int>(lanes));
        out.busy_pe_cycles += slot * lanes * f.cols_used;
      }
      o[static_cast<std::size_t>(m) + 1] = o[static_cast<std::size_t>(m)] + slot;
    }
    out.offsets.push_back(std::move(o));
  }
  return out;
}

std::int64_t busy_pe_cycles(const pe::BitsliceSpec& spec, const GemmOperands& codes) {
  const StepCost cost = step_cost(spec, codes);
  const std::int64_t M = codes.m, N = codes.n, K = codes.k;
  std::int64_t busy = 0;
  for (std::int64_t k = 0; k < K; ++k) {
    // Sum over m, n of combine(fa, fw): the product's sum, plus 1 for each pair whose product
    // is 0 (laconic), or N times the activation costs.
    std::int64_t sum_a = 0, sum_w = 0, zero_a = 0, zero_w = 0;
    for (std::int64_t m = 0; m < M; ++m) {
      const std::int64_t v = cost.fa[static_cast<std::size_t>(m * K + k)];
      sum_a += v;
      zero_a += v == 0;
    }
    for (std::int64_t n = 0; n < N; ++n) {
      const std::int64_t v = cost.fw[static_cast<std::size_t>(k * N + n)];
      sum_w += v;
      zero_w += v == 0;
    }
    busy += cost.product ? sum_a * sum_w + zero_a * N + zero_w * M - zero_a * zero_w : sum_a * N;
  }
  return busy;
}

}  // namespace tpesim::arch
