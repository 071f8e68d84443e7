// SPDX-License-Identifier: Apache-2.0
// Twin kernel of the lmul PE (pe/lmul.h): each thread owns one output and walks k in ascending
// order; a step is the L-Mul product (one integer add of the operand patterns with the flush,
// saturate and NaN rules) added to the accumulator in acc_format: a binary32 add
// (__fadd_rn), or for bf16 / fp16 a binary64 add (__dadd_rn) rounded once to acc_format with
// the integer RNE of pe::encode, exactly as pe::LmulArith::mac_step (gpu_ref/twin_arith.h).
// Tiles of A and W patterns go through shared memory without changing any chain's order.
#include <cuda_runtime.h>

#include "gpu_ref/float_gemm.cuh"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/twin_arith.h"

namespace tpesim::gpu_ref {

namespace {

using detail::kTile;

__global__ void lmul_gemm_kernel(FloatFields format, FloatFields acc_format, std::int64_t M,
                                 std::int64_t N, std::int64_t K,
                                 const std::uint32_t* __restrict__ A,
                                 const std::uint32_t* __restrict__ W,
                                 std::int64_t* __restrict__ acc_out, std::int64_t* __restrict__ O,
                                 unsigned long long* __restrict__ overflows) {
  __shared__ std::uint32_t a_tile[kTile][kTile];
  __shared__ std::uint32_t w_tile[kTile][kTile];
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * kTile + threadIdx.y;
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * kTile + threadIdx.x;
  std::uint32_t acc = 0;  // +0.0f, pe::LmulArith::zero()
  unsigned long long local_overflows = 0;
  for (std::int64_t k0 = 0; k0 < K; k0 += kTile) {
    const std::int64_t ka = k0 + threadIdx.x, kw = k0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] = row < M && ka < K ? A[row * K + ka] : 0u;
    w_tile[threadIdx.y][threadIdx.x] = kw < K && col < N ? W[kw * N + col] : 0u;
    __syncthreads();
    const int kn = static_cast<int>(K - k0 < kTile ? K - k0 : kTile);
    for (int kk = 0; kk < kn; ++kk) {  // k ascending: the canonical chain
      const twin::LmulStep step = twin::lmul_step(acc, a_tile[threadIdx.y][kk],
                                                  w_tile[kk][threadIdx.x], format, acc_format);
      acc = step.acc;
      local_overflows += step.overflow ? 1 : 0;
    }
    __syncthreads();
  }
  if (row < M && col < N) {
    acc_out[row * N + col] = static_cast<std::int64_t>(acc);
    O[row * N + col] = static_cast<std::int64_t>(twin::output_pattern(acc, acc_format));
    if (local_overflows) atomicAdd(overflows, local_overflows);
  }
}

}  // namespace

std::optional<FloatGemmResult> lmul_gemm(const LmulGemm& g, const std::vector<std::int32_t>& a,
                                         const std::vector<std::int32_t>& w, std::string* error) {
  if (!detail::valid_format(g.format, "format", error) ||
      !detail::valid_format(g.acc_format, "acc_format", error) ||
      !detail::codes_fit(a, g.format, "A", error) || !detail::codes_fit(w, g.format, "W", error)) {
    return std::nullopt;
  }
  return detail::run_float_gemm(
      g.m, g.n, g.k, a, w,
      [&](dim3 grid, dim3 block, const std::uint32_t* d_a, const std::uint32_t* d_w,
          std::int64_t* d_acc, std::int64_t* d_out, unsigned long long* d_ov) {
        lmul_gemm_kernel<<<grid, block>>>(g.format, g.acc_format, g.m, g.n, g.k, d_a, d_w, d_acc,
                                          d_out, d_ov);
      },
      error);
}

}  // namespace tpesim::gpu_ref
