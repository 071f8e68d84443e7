// SPDX-License-Identifier: Apache-2.0
// Twin kernel of the fp_mac PE (pe/fp_mac.h): each thread owns one output and walks k in
// ascending order with one fused multiply-add per step (__fmaf_rn through
// gpu_ref/twin_arith.h, the only fused operation), the operands decoded exactly from their bit
// patterns; NaN is canonicalised to +0x7FC00000 after every step and the final value rounded to
// out_format with the integer RNE of pe::encode. Tiles of decoded A and W go through shared
// memory; the order of each output's chain is untouched by the tiling.
#include <cuda_runtime.h>

#include "gpu_ref/float_gemm.cuh"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/twin_arith.h"

namespace tpesim::gpu_ref {

namespace {

using detail::kTile;

__global__ void fp_mac_gemm_kernel(FloatFields a_format, FloatFields w_format,
                                   FloatFields out_format, std::int64_t M, std::int64_t N,
                                   std::int64_t K, const std::uint32_t* __restrict__ A,
                                   const std::uint32_t* __restrict__ W,
                                   std::int64_t* __restrict__ acc_out, std::int64_t* __restrict__ O,
                                   unsigned long long* __restrict__ overflows) {
  __shared__ float a_tile[kTile][kTile];
  __shared__ float w_tile[kTile][kTile];
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * kTile + threadIdx.y;
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * kTile + threadIdx.x;
  std::uint32_t acc = 0;  // +0.0f, pe::FpMacArith::zero()
  unsigned long long local_overflows = 0;
  for (std::int64_t k0 = 0; k0 < K; k0 += kTile) {
    const std::int64_t ka = k0 + threadIdx.x, kw = k0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] =
        row < M && ka < K ? twin::f32(twin::decode_f32(A[row * K + ka], a_format)) : 0.0f;
    w_tile[threadIdx.y][threadIdx.x] =
        kw < K && col < N ? twin::f32(twin::decode_f32(W[kw * N + col], w_format)) : 0.0f;
    __syncthreads();
    const int kn = static_cast<int>(K - k0 < kTile ? K - k0 : kTile);
    for (int kk = 0; kk < kn; ++kk) {  // k ascending: the canonical chain
      const twin::FpMacStep step =
          twin::fp_mac_step(acc, a_tile[threadIdx.y][kk], w_tile[kk][threadIdx.x]);
      acc = step.acc;
      local_overflows += step.overflow ? 1 : 0;
    }
    __syncthreads();
  }
  if (row < M && col < N) {
    acc_out[row * N + col] = static_cast<std::int64_t>(acc);
    O[row * N + col] = static_cast<std::int64_t>(twin::output_pattern(acc, out_format));
    if (local_overflows) atomicAdd(overflows, local_overflows);
  }
}

}  // namespace

std::optional<FloatGemmResult> fp_mac_gemm(const FpMacGemm& g, const std::vector<std::int32_t>& a,
                                           const std::vector<std::int32_t>& w, std::string* error) {
  if (!detail::valid_format(g.a_format, "a_format", error) ||
      !detail::valid_format(g.w_format, "w_format", error) ||
      !detail::valid_format(g.out_format, "out_format", error) ||
      !detail::codes_fit(a, g.a_format, "A", error) ||
      !detail::codes_fit(w, g.w_format, "W", error)) {
    return std::nullopt;
  }
  return detail::run_float_gemm(
      g.m, g.n, g.k, a, w,
      [&](dim3 grid, dim3 block, const std::uint32_t* d_a, const std::uint32_t* d_w,
          std::int64_t* d_acc, std::int64_t* d_out, unsigned long long* d_ov) {
        fp_mac_gemm_kernel<<<grid, block>>>(g.a_format, g.w_format, g.out_format, g.m, g.n, g.k,
                                            d_a, d_w, d_acc, d_out, d_ov);
      },
      error);
}

}  // namespace tpesim::gpu_ref
