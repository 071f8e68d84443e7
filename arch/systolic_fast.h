// SPDX-License-Identifier: Apache-2.0
// Fast fidelity values: a blocked GEMM over the canonical order (k ascending per output) that
// calls the PE kind's arithmetic, so it equals the cycle model bit for bit. Rows are split over
// threads; the result does not depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

#include "arch/gemm_operands.h"

namespace tpesim::arch {

namespace detail {
// acc[n] <- mac(acc[n], a, w[n]) for one activation and a row segment of W. Out of line so the
// restrict qualifiers hold; returns the overflows.
template <class Arith>
[[gnu::noinline]] std::uint32_t mac_row_segment(const Arith& arith_in, std::int64_t count,
                                                typename Arith::Operand a,
                                                const typename Arith::Operand* __restrict w,
                                                typename Arith::Acc* __restrict acc) {
  const Arith arith = arith_in;
  std::uint32_t ov = 0;
  for (std::int64_t n = 0; n < count; ++n) {
    const auto q = arith.mac_step(acc[n], a, w[n]);
    acc[n] = q.value;
    ov += q.overflow;
  }
  return ov;
}
}  // namespace detail

template <class Arith>
std::vector<typename Arith::Acc> fast_gemm(const Arith& arith,
                                           const OperandMatrices<typename Arith::Operand>& op,
                                           std::uint64_t& overflows, int threads) {
  using Acc = typename Arith::Acc;
  const std::int64_t M = op.m, N = op.n, K = op.k;
  std::vector<Acc> out(static_cast<std::size_t>(M * N), Arith::zero());
  constexpr std::int64_t kRowBlock = 4;    // rows sharing one pass over a W row segment
  constexpr std::int64_t kColBlock = 512;  // columns kept in L1 per pass
  auto rows = [&](std::int64_t m0, std::int64_t m1, std::uint64_t& ov) {
    for (std::int64_t n0 = 0; n0 < N; n0 += kColBlock) {
      const std::int64_t n1 = std::min(N, n0 + kColBlock);
      for (std::int64_t mb = m0; mb < m1; mb += kRowBlock) {
        const std::int64_t me = std::min(m1, mb + kRowBlock);
        for (std::int64_t k = 0; k < K; ++k) {
          const typename Arith::Operand* wrow = op.w.data() + k * N;
          for (std::int64_t m = mb; m < me; ++m) {
            ov += detail::mac_row_segment(arith, n1 - n0, op.a[m * K + k], wrow + n0,
                                          out.data() + m * N + n0);
          }
        }
      }
    }
  };
  const int workers =
      static_cast<int>(std::clamp<std::int64_t>(threads, 1, std::max<std::int64_t>(1, M)));
  std::vector<std::uint64_t> ov(static_cast<std::size_t>(workers), 0);
  std::vector<std::thread> pool;
  const std::int64_t chunk = (M + workers - 1) / workers;
  for (int i = 1; i < workers; ++i) {
    const std::int64_t m0 = std::min(M, i * chunk), m1 = std::min(M, (i + 1) * chunk);
    pool.emplace_back([&, m0, m1, i] { rows(m0, m1, ov[static_cast<std::size_t>(i)]); });
  }
  rows(0, std::min(M, chunk), ov[0]);
  for (auto& t : pool) t.join();
  for (std::uint64_t v : ov) overflows += v;
  return out;
}

}  // namespace tpesim::arch
