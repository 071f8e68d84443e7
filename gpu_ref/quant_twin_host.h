// SPDX-License-Identifier: Apache-2.0
// Host side of the group-quantized twins (mixpe, lut_tc): the argument checks both the kernels
// and the host reference apply, and the host reference GEMM itself, which runs the chains of
// gpu_ref/quant_twin.h in a loop (the same source the kernels run per thread).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/quant_twin.h"

namespace tpesim::gpu_ref {

// Sizes and code ranges of `op` for `g` (lut: the lut_tc kind's extra rules). False with the
// reason in *error when anything does not fit.
inline bool quant_operands_valid(const QuantGemm& g, const QuantOperands& op, bool lut,
                                 std::string* error) {
  auto fail = [&](const std::string& why) {
    if (error) *error = why;
    return false;
  };
  if (g.m <= 0 || g.n <= 0 || g.k <= 0) return fail("M, N and K must be positive");
  if (g.group_size <= 0) return fail("group_size must be positive");
  if (g.w_bits < 1 || g.w_bits > (lut ? 4 : 8)) return fail("w_bits out of range");
  if (lut && (g.lut_group < 2 || g.lut_group > 4)) return fail("lut_group must be 2..4");
  if (lut && g.group_size % g.lut_group != 0) return fail("group_size must be a multiple of Kg");
  if (lut && (g.table_format < 0 || g.table_format > 2)) return fail("table_format must be 0..2");
  const std::int64_t groups = (g.k + g.group_size - 1) / g.group_size;
  if (static_cast<std::int64_t>(op.a.size()) != g.m * g.k ||
      static_cast<std::int64_t>(op.w.size()) != g.k * g.n ||
      static_cast<std::int64_t>(op.w_scales.size()) != groups * g.n ||
      static_cast<std::int64_t>(op.w_zeros.size()) != groups * g.n ||
      (g.int8_activations && static_cast<std::int64_t>(op.a_scales.size()) != g.m)) {
    return fail("operand sizes do not match M, N, K and group_size");
  }
  const std::int32_t code_max = (1 << g.w_bits) - 1;
  for (std::int32_t q : op.w) {
    if (q < 0 || q > code_max) return fail("weight code " + std::to_string(q) + " out of range");
  }
  for (std::int32_t z : op.w_zeros) {
    if (z < 0 || z > code_max) return fail("zero point " + std::to_string(z) + " out of range");
  }
  for (std::int32_t x : op.a) {
    const bool ok = g.int8_activations ? (x >= -128 && x <= 127) : (x >= 0 && x <= 0xFFFF);
    if (!ok) return fail("activation code " + std::to_string(x) + " out of range");
  }
  return true;
}

// The host reference: every output's chain of quant_twin.h, row by row.
inline FloatGemmResult host_quant_gemm(const QuantGemm& g, const QuantOperands& op, bool lut) {
  FloatGemmResult r;
  r.acc.resize(static_cast<std::size_t>(g.m * g.n));
  r.out.resize(r.acc.size());
  const std::int64_t groups = (g.k + g.lut_group - 1) / g.lut_group;
  std::vector<twin::LutTable> tables(lut ? static_cast<std::size_t>(groups) : 0);
  for (std::int64_t i = 0; i < g.m; ++i) {
    if (lut) {
      for (std::int64_t j = 0; j < groups; ++j) {
        tables[static_cast<std::size_t>(j)] = twin::lut_table(g, op.a.data(), i, j);
      }
    }
    for (std::int64_t j = 0; j < g.n; ++j) {
      const twin::ChainResult c =
          lut ? twin::lut_tc_chain(g, tables.data(), op.w.data(), op.w_scales.data(),
                                   op.w_zeros.data(), op.a_scales.data(), i, j)
              : twin::mixpe_chain(g, op.a.data(), op.w.data(), op.w_scales.data(),
                                  op.w_zeros.data(), op.a_scales.data(), i, j);
      const auto at = static_cast<std::size_t>(i * g.n + j);
      r.acc[at] = static_cast<std::int64_t>(c.acc);
      r.out[at] = c.out;
      r.overflows += c.overflow;
    }
  }
  return r;
}

}  // namespace tpesim::gpu_ref
