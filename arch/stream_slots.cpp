// SPDX-License-Identifier: Apache-2.0
#include "arch/stream_slots.h"

namespace tpesim::arch {

StepCost::StepCost(const pe::BitsliceSpec& spec, const GemmOperands& codes)
    : product(spec.variant == pe::BitsliceVariant::Laconic) {
  fa.reserve(codes.a.size());
  for (std::int32_t a : codes.a) {
    const std::int32_t zero = 0;
    fa.push_back(product ? pe::activation_terms(spec, a) : pe::step_cycles(spec, &a, &zero, 1));
  }
  if (!product) return;
  fw.reserve(codes.w.size());
  for (std::int32_t w : codes.w) fw.push_back(pe::weight_terms(spec, w));
}

TreeSlots adder_tree_stream_offsets(const pe::BitsliceSpec& spec, const FoldGeometry& g,
                                    const std::vector<Fold>& folds, const GemmOperands& codes) {
  const std::int64_t N = codes.n, K = codes.k, L = g.rows, C = g.cols;
  const bool laconic = spec.variant == pe::BitsliceVariant::Laconic;
  // Booth terms per code (laconic); serial_digit's cost depends on the activations only, so one
  // step cost per row serves every column.
  const StepCost terms = laconic ? StepCost(spec, codes) : StepCost{};
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

std::int64_t busy_pe_cycles(const StepCost& cost, const GemmOperands& codes) {
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
    for (std::int64_t n = 0; n < N && cost.product; ++n) {
      const std::int64_t v = cost.fw[static_cast<std::size_t>(k * N + n)];
      sum_w += v;
      zero_w += v == 0;
    }
    busy += cost.product ? sum_a * sum_w + zero_a * N + zero_w * M - zero_a * zero_w : sum_a * N;
  }
  return busy;
}

}  // namespace tpesim::arch
