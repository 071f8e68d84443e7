// SPDX-License-Identifier: Apache-2.0
// CPU golden GEMM: the plainest possible loop over the canonical order (k ascending within each
// output's accumulation chain), calling a PE kind's arithmetic. Every model is checked against it.
#pragma once

#include <cstdint>
#include <vector>

namespace tpesim::workloads {

// A is M x K and W is K x N, row-major. Arith provides zero() and mac_step(acc, a, w), which
// returns {value, overflow}; `overflows` counts the steps whose overflow flag was set.
template <class Arith>
std::vector<typename Arith::Acc> golden_gemm(const Arith& arith, std::int64_t m, std::int64_t n,
                                             std::int64_t k,
                                             const std::vector<typename Arith::Operand>& a,
                                             const std::vector<typename Arith::Operand>& w,
                                             std::uint64_t* overflows = nullptr) {
  std::vector<typename Arith::Acc> out(static_cast<std::size_t>(m * n));
  std::uint64_t ov = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      typename Arith::Acc acc = Arith::zero();
      for (std::int64_t p = 0; p < k; ++p) {
        const auto step = arith.mac_step(acc, a[i * k + p], w[p * n + j]);
        acc = step.value;
        ov += step.overflow;
      }
      out[i * n + j] = acc;
    }
  }
  if (overflows) *overflows = ov;
  return out;
}

}  // namespace tpesim::workloads
