// SPDX-License-Identifier: Apache-2.0
// Tensor-core path of the int_mac twin: an int8 x int8 -> int32 GEMM on WMMA 16x16x16 fragments,
// for the case where it equals the PE's chain bit for bit (int_mac_tensor_core_exact: int8
// operands, a 32-bit wrapping accumulator, K * 2^14 < 2^31 so no partial sum of any order leaves
// int32). Blocks of 256 threads compute 128 x 128 outputs; A (128 x 64) and W^T (128 x 64)
// tiles are staged through shared memory with 16-byte loads, the next tile prefetched into
// registers while the current one is multiplied. Operands are zero-padded and W transposed on
// the host (zeros add nothing; cuBLASLt's int8 path takes W^T too); a second kernel writes the
// in-range int32 results as int64.
#include <cuda_runtime.h>
#include <mma.h>

#include <cstring>
#include <string>
#include <vector>

#include "gpu_ref/gpu_ref.h"

namespace tpesim::gpu_ref {

namespace {

using namespace nvcuda;

constexpr int kBm = 128, kBn = 128, kBk = 64;  // block tile: outputs x outputs x k
constexpr int kSlices = kBk / 16;              // 16-byte k slices per tile
constexpr int kThreads = 256;                  // 8 warps: 2 (rows) x 4 (columns) of 64 x 32

bool check(cudaError_t err, const char* what, std::string* error) {
  if (err == cudaSuccess) return true;
  if (error) *error = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

// C (Mp x Np, int32, row-major) = A (Mp x Kp int8, row-major) x Wt^T, Wt (Np x Kp int8,
// row-major: W transposed, K-contiguous); Mp, Np multiples of 128, Kp of 64. Shared tiles are
// stored slice by slice ([k slice][row][16 bytes]) so every fragment pointer is 32-byte aligned
// and eight rows of one slice are 128 contiguous bytes (conflict-free fragment loads).
__global__ void __launch_bounds__(kThreads)
    imma_kernel(const std::int8_t* __restrict__ A, const std::int8_t* __restrict__ Wt,
                std::int32_t* __restrict__ C, int Np, int Kp) {
  __shared__ __align__(32) signed char a_s[kSlices * kBm * 16];
  __shared__ __align__(32) signed char w_s[kSlices * kBn * 16];
  const int warp = threadIdx.x / 32;
  const int wr = warp / 4, wc = warp % 4;  // the warp's 64 x 32 sub-tile
  const std::int64_t row0 = static_cast<std::int64_t>(blockIdx.y) * kBm;
  const std::int64_t col0 = static_cast<std::int64_t>(blockIdx.x) * kBn;
  wmma::fragment<wmma::accumulator, 16, 16, 16, int> acc[4][2];
  for (auto& r : acc) {
    for (auto& f : r) wmma::fill_fragment(f, 0);
  }
  // Each thread moves two 16-byte pieces of A and two of Wt per k tile: piece idx is row
  // idx / kSlices, slice idx % kSlices.
  int4 a_reg[2], w_reg[2];
  auto load = [&](int k0) {
    for (int p = 0; p < 2; ++p) {
      const int idx = threadIdx.x + p * kThreads;  // 0..511
      const int r = idx / kSlices, sl = idx % kSlices;
      a_reg[p] = *reinterpret_cast<const int4*>(A + (row0 + r) * Kp + k0 + sl * 16);
      w_reg[p] = *reinterpret_cast<const int4*>(Wt + (col0 + r) * Kp + k0 + sl * 16);
    }
  };
  auto store = [&]() {
    for (int p = 0; p < 2; ++p) {
      const int idx = threadIdx.x + p * kThreads;
      const int r = idx / kSlices, sl = idx % kSlices;
      *reinterpret_cast<int4*>(a_s + (sl * kBm + r) * 16) = a_reg[p];
      *reinterpret_cast<int4*>(w_s + (sl * kBn + r) * 16) = w_reg[p];
    }
  };
  load(0);
  for (int k0 = 0; k0 < Kp; k0 += kBk) {
    store();
    __syncthreads();
    if (k0 + kBk < Kp) load(k0 + kBk);  // prefetch the next tile during the multiplies
    for (int sl = 0; sl < kSlices; ++sl) {
      wmma::fragment<wmma::matrix_a, 16, 16, 16, signed char, wmma::row_major> fa[4];
      wmma::fragment<wmma::matrix_b, 16, 16, 16, signed char, wmma::col_major> fb[2];
      for (int i = 0; i < 4; ++i) {
        wmma::load_matrix_sync(fa[i], a_s + (sl * kBm + wr * 64 + i * 16) * 16, 16);
      }
      for (int j = 0; j < 2; ++j) {
        wmma::load_matrix_sync(fb[j], w_s + (sl * kBn + wc * 32 + j * 16) * 16, 16);
      }
      for (int i = 0; i < 4; ++i) {
        for (int j = 0; j < 2; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
      }
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 2; ++j) {
      wmma::store_matrix_sync(C + (row0 + wr * 64 + i * 16) * Np + col0 + wc * 32 + j * 16,
                              acc[i][j], Np, wmma::mem_row_major);
    }
  }
}

// O (M x N, int64) = the in-range part of C (Mp x Np).
__global__ void widen_kernel(const std::int32_t* __restrict__ C, std::int64_t* __restrict__ O,
                             std::int64_t M, std::int64_t N, int Np) {
  const std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= M * N) return;
  O[t] = C[(t / N) * Np + t % N];
}

std::int64_t round_up(std::int64_t v, std::int64_t q) { return (v + q - 1) / q * q; }

}  // namespace

bool int_mac_tensor_core_exact(const IntMacGemm& g, const std::vector<std::int32_t>& a,
                               const std::vector<std::int32_t>& w) {
  if (g.acc_bits != 32 || g.saturate || g.k <= 0 || g.k >= (std::int64_t{1} << 17)) return false;
  if (g.m > (1 << 30) || g.n > (1 << 30)) return false;
  for (const auto* v : {&a, &w}) {
    for (std::int32_t x : *v) {
      if (x < -128 || x > 127) return false;
    }
  }
  return true;
}

std::optional<IntMacGemmResult> int_mac_gemm_tensor_cores(const IntMacGemm& g,
                                                          const std::vector<std::int32_t>& a,
                                                          const std::vector<std::int32_t>& w,
                                                          std::string* error) {
  if (!int_mac_tensor_core_exact(g, a, w) || static_cast<std::int64_t>(a.size()) != g.m * g.k ||
      static_cast<std::int64_t>(w.size()) != g.k * g.n) {
    if (error) *error = "operands not eligible for the tensor-core int_mac kernel";
    return std::nullopt;
  }
  const std::int64_t mp = round_up(g.m, kBm), np = round_up(g.n, kBn), kp = round_up(g.k, kBk);
  std::vector<std::int8_t> ap(static_cast<std::size_t>(mp * kp), 0);
  std::vector<std::int8_t> wp(static_cast<std::size_t>(np * kp), 0);  // W^T, K-contiguous
  for (std::int64_t i = 0; i < g.m; ++i) {
    for (std::int64_t p = 0; p < g.k; ++p) {
      ap[static_cast<std::size_t>(i * kp + p)] = static_cast<std::int8_t>(a[i * g.k + p]);
    }
  }
  for (std::int64_t p = 0; p < g.k; ++p) {
    for (std::int64_t j = 0; j < g.n; ++j) {
      wp[static_cast<std::size_t>(j * kp + p)] = static_cast<std::int8_t>(w[p * g.n + j]);
    }
  }
  std::int8_t *d_a = nullptr, *d_w = nullptr;
  std::int32_t* d_c = nullptr;
  std::int64_t* d_o = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  IntMacGemmResult result;
  result.used_tensor_cores = true;
  result.out.resize(static_cast<std::size_t>(g.m * g.n));
  const std::size_t out_bytes = result.out.size() * sizeof(std::int64_t);
  const std::size_t c_bytes = static_cast<std::size_t>(mp * np) * sizeof(std::int32_t);
  bool ok = check(cudaMalloc(&d_a, ap.size()), "cudaMalloc A", error) &&
            check(cudaMalloc(&d_w, wp.size()), "cudaMalloc W", error) &&
            check(cudaMalloc(&d_c, c_bytes), "cudaMalloc C", error) &&
            check(cudaMalloc(&d_o, out_bytes), "cudaMalloc O", error) &&
            check(cudaMemcpy(d_a, ap.data(), ap.size(), cudaMemcpyHostToDevice), "copy A", error) &&
            check(cudaMemcpy(d_w, wp.data(), wp.size(), cudaMemcpyHostToDevice), "copy W", error) &&
            // Poison both so an unwritten element cannot pass as a result.
            check(cudaMemset(d_c, 0xA5, c_bytes), "poison C", error) &&
            check(cudaMemset(d_o, 0xA5, out_bytes), "poison O", error) &&
            check(cudaEventCreate(&start), "event", error) &&
            check(cudaEventCreate(&stop), "event", error);
  if (ok) {
    const dim3 grid(static_cast<unsigned>(np / kBn), static_cast<unsigned>(mp / kBm));
    float ms = 0;
    ok = check(cudaEventRecord(start), "event record", error);
    if (ok) {
      imma_kernel<<<grid, kThreads>>>(d_a, d_w, d_c, static_cast<int>(np), static_cast<int>(kp));
      ok = check(cudaGetLastError(), "imma kernel launch", error);
    }
    if (ok) {
      const std::int64_t outputs = g.m * g.n;
      widen_kernel<<<static_cast<unsigned>((outputs + 255) / 256), 256>>>(d_c, d_o, g.m, g.n,
                                                                          static_cast<int>(np));
    }
    ok = ok && check(cudaGetLastError(), "widen kernel launch", error) &&
         check(cudaEventRecord(stop), "event record", error) &&
         check(cudaEventSynchronize(stop), "kernel", error) &&
         check(cudaEventElapsedTime(&ms, start, stop), "event time", error) &&
         check(cudaMemcpy(result.out.data(), d_o, out_bytes, cudaMemcpyDeviceToHost), "copy O",
               error);
    result.kernel_ms = ms;
  }
  cudaFree(d_a);
  cudaFree(d_w);
  cudaFree(d_c);
  cudaFree(d_o);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace tpesim::gpu_ref
