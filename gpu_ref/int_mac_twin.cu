// SPDX-License-Identifier: Apache-2.0
// Twin kernel of the int_mac PE: each thread owns one output and walks k in ascending order with
// pe/int_mac_arith.h's mac_step, the same code the CPU models run. Tiles of A and W go through
// shared memory; the order of each output's accumulation chain is untouched by the tiling.
#include <cuda_runtime.h>

#include <string>

#include "gpu_ref/gpu_ref.h"
#include "pe/int_mac_arith.h"

namespace tpesim::gpu_ref {

namespace {

constexpr int kTile = 16;  // outputs per block side; also the k extent of a shared tile

template <class Acc>
__global__ void int_mac_gemm_kernel(pe::IntMacArithT<Acc> arith, std::int64_t M, std::int64_t N,
                                    std::int64_t K, const std::int32_t* __restrict__ A,
                                    const std::int32_t* __restrict__ W,
                                    std::int64_t* __restrict__ O,
                                    unsigned long long* __restrict__ overflows) {
  __shared__ std::int32_t a_tile[kTile][kTile];
  __shared__ std::int32_t w_tile[kTile][kTile];
  const std::int64_t row = static_cast<std::int64_t>(blockIdx.y) * kTile + threadIdx.y;
  const std::int64_t col = static_cast<std::int64_t>(blockIdx.x) * kTile + threadIdx.x;
  Acc acc = arith.zero();
  unsigned long long local_overflows = 0;
  for (std::int64_t k0 = 0; k0 < K; k0 += kTile) {
    const std::int64_t ka = k0 + threadIdx.x, kw = k0 + threadIdx.y;
    a_tile[threadIdx.y][threadIdx.x] = row < M && ka < K ? A[row * K + ka] : 0;
    w_tile[threadIdx.y][threadIdx.x] = kw < K && col < N ? W[kw * N + col] : 0;
    __syncthreads();
    const int kn = static_cast<int>(K - k0 < kTile ? K - k0 : kTile);
    for (int kk = 0; kk < kn; ++kk) {  // k ascending: the canonical chain
      const auto step = arith.mac_step(acc, a_tile[threadIdx.y][kk], w_tile[kk][threadIdx.x]);
      acc = step.value;
      local_overflows += step.overflow;
    }
    __syncthreads();
  }
  if (row < M && col < N) {
    O[row * N + col] = static_cast<std::int64_t>(acc);
    if (local_overflows) atomicAdd(overflows, local_overflows);
  }
}

bool check(cudaError_t err, const char* what, std::string* error) {
  if (err == cudaSuccess) return true;
  if (error) *error = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

}  // namespace

std::optional<IntMacGemmResult> int_mac_gemm(const IntMacGemm& g,
                                             const std::vector<std::int32_t>& a,
                                             const std::vector<std::int32_t>& w,
                                             std::string* error) {
  if (static_cast<std::int64_t>(a.size()) != g.m * g.k ||
      static_cast<std::int64_t>(w.size()) != g.k * g.n) {
    if (error) *error = "operand sizes do not match M, N, K";
    return std::nullopt;
  }
  if (g.tensor_cores && int_mac_tensor_core_exact(g, a, w)) {
    return int_mac_gemm_tensor_cores(g, a, w, error);
  }
  std::int32_t *d_a = nullptr, *d_w = nullptr;
  std::int64_t* d_o = nullptr;
  unsigned long long* d_ov = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  IntMacGemmResult result;
  result.out.resize(static_cast<std::size_t>(g.m * g.n));
  const std::size_t out_bytes = result.out.size() * sizeof(std::int64_t);
  bool ok =
      check(cudaMalloc(&d_a, a.size() * sizeof(std::int32_t)), "cudaMalloc A", error) &&
      check(cudaMalloc(&d_w, w.size() * sizeof(std::int32_t)), "cudaMalloc W", error) &&
      check(cudaMalloc(&d_o, out_bytes), "cudaMalloc O", error) &&
      check(cudaMalloc(&d_ov, sizeof(unsigned long long)), "cudaMalloc overflows", error) &&
      check(cudaMemcpy(d_a, a.data(), a.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy A", error) &&
      check(cudaMemcpy(d_w, w.data(), w.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy W", error) &&
      // Poison the output so an unwritten element cannot pass as a result.
      check(cudaMemset(d_o, 0xA5, out_bytes), "poison O", error) &&
      check(cudaMemset(d_ov, 0, sizeof(unsigned long long)), "clear overflows", error) &&
      check(cudaEventCreate(&start), "event", error) &&
      check(cudaEventCreate(&stop), "event", error);
  if (ok) {
    const dim3 block(kTile, kTile);
    const dim3 grid(static_cast<unsigned>((g.n + kTile - 1) / kTile),
                    static_cast<unsigned>((g.m + kTile - 1) / kTile));
    const pe::Overflow mode = g.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap;
    cudaEventRecord(start);
    if (g.acc_bits <= 32) {
      int_mac_gemm_kernel<std::int32_t><<<grid, block>>>(
          pe::IntMacArithT<std::int32_t>(g.acc_bits, mode), g.m, g.n, g.k, d_a, d_w, d_o, d_ov);
    } else {
      int_mac_gemm_kernel<std::int64_t><<<grid, block>>>(
          pe::IntMacArithT<std::int64_t>(g.acc_bits, mode), g.m, g.n, g.k, d_a, d_w, d_o, d_ov);
    }
    cudaEventRecord(stop);
    unsigned long long overflows = 0;
    float ms = 0;
    ok = check(cudaGetLastError(), "kernel launch", error) &&
         check(cudaEventSynchronize(stop), "kernel", error) &&
         check(cudaEventElapsedTime(&ms, start, stop), "event time", error) &&
         check(cudaMemcpy(result.out.data(), d_o, out_bytes, cudaMemcpyDeviceToHost), "copy O",
               error) &&
         check(cudaMemcpy(&overflows, d_ov, sizeof(overflows), cudaMemcpyDeviceToHost),
               "copy overflows", error);
    result.overflows = overflows;
    result.kernel_ms = ms;
  }
  cudaFree(d_a);
  cudaFree(d_w);
  cudaFree(d_o);
  cudaFree(d_ov);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace tpesim::gpu_ref
