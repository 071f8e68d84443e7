// SPDX-License-Identifier: Apache-2.0
// Twin of the bitslice PE: the values are int_mac's (int_mac_gemm computes them); this adds the
// digit statistics the simulator reports (pe/activity.cpp): per operand matrix the radix-4 Booth
// and EN-T digits and how many are non-zero, and laconic's term pairs, sum over k of the Booth
// terms of A's column k times those of W's row k. Counting uses gpu_ref/twin_arith.h, written
// independently of pe/digit_encoding.h (tests/gpu_ref/twin_arith_test.cpp checks them equal).
#include <cuda_runtime.h>

#include "gpu_ref/float_gemm.cuh"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/twin_arith.h"
#include "pe/numeric.h"

namespace tpesim::gpu_ref {

namespace {

constexpr int kThreads = 256;     // threads per block of the counting kernels
constexpr int kMaxBlocks = 1024;  // grid-stride beyond this

// Non-zero Booth and EN-T digits of `count` operands of `bits`; element i lies in reduction
// index (i / k_div) % k_mod, whose Booth-term total it adds to terms_per_k.
__global__ void digit_count_kernel(const std::int32_t* __restrict__ x, std::int64_t count, int bits,
                                   std::int64_t k_div, std::int64_t k_mod,
                                   unsigned long long* __restrict__ terms_per_k,
                                   unsigned long long* __restrict__ booth_total,
                                   unsigned long long* __restrict__ ent_total) {
  unsigned long long booth = 0, ent = 0;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t i = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
       i += stride) {
    const int b = twin::booth_nonzero(x[i], bits);
    booth += static_cast<unsigned long long>(b);
    ent += static_cast<unsigned long long>(twin::ent_nonzero(x[i], bits));
    if (b) atomicAdd(&terms_per_k[(i / k_div) % k_mod], static_cast<unsigned long long>(b));
  }
  if (booth) atomicAdd(booth_total, booth);
  if (ent) atomicAdd(ent_total, ent);
}

__global__ void term_pairs_kernel(const unsigned long long* __restrict__ ta,
                                  const unsigned long long* __restrict__ tw, std::int64_t K,
                                  unsigned long long* __restrict__ pairs) {
  unsigned long long local = 0;
  const std::int64_t stride = static_cast<std::int64_t>(gridDim.x) * blockDim.x;
  for (std::int64_t k = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; k < K;
       k += stride) {
    local += ta[k] * tw[k];
  }
  if (local) atomicAdd(pairs, local);
}

unsigned blocks_for(std::int64_t count) {
  const std::int64_t b = (count + kThreads - 1) / kThreads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > kMaxBlocks ? kMaxBlocks : b));
}

}  // namespace

std::optional<BitsliceGemmResult> bitslice_gemm(const BitsliceGemm& g,
                                                const std::vector<std::int32_t>& a,
                                                const std::vector<std::int32_t>& w,
                                                std::string* error) {
  using detail::check;
  if (g.a_bits < 2 || g.a_bits > 16 || g.w_bits < 2 || g.w_bits > 16 || g.m <= 0 || g.n <= 0 ||
      g.k <= 0) {
    detail::fail("operand widths must be 2..16 and M, N, K positive", error);
    return std::nullopt;
  }
  if (static_cast<std::int64_t>(a.size()) != g.m * g.k ||
      static_cast<std::int64_t>(w.size()) != g.k * g.n) {
    detail::fail("operand sizes do not match M, N, K", error);
    return std::nullopt;
  }
  for (std::int32_t v : a) {
    if (!pe::fits_signed(v, g.a_bits)) {
      detail::fail("A operand " + std::to_string(v) + " exceeds a_bits", error);
      return std::nullopt;
    }
  }
  for (std::int32_t v : w) {
    if (!pe::fits_signed(v, g.w_bits)) {
      detail::fail("W operand " + std::to_string(v) + " exceeds w_bits", error);
      return std::nullopt;
    }
  }
  BitsliceGemmResult result;
  auto values = int_mac_gemm(IntMacGemm{g.acc_bits, g.saturate, g.m, g.n, g.k}, a, w, error);
  if (!values) return std::nullopt;
  result.values = std::move(*values);

  std::int32_t *d_a = nullptr, *d_w = nullptr;
  unsigned long long *d_ta = nullptr, *d_tw = nullptr, *d_counts = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  constexpr int kCounts = 5;  // A Booth, A EN-T, W Booth, W EN-T, term pairs
  const auto k_bytes = static_cast<std::size_t>(g.k) * sizeof(unsigned long long);
  bool ok =
      check(cudaMalloc(&d_a, a.size() * sizeof(std::int32_t)), "cudaMalloc A", error) &&
      check(cudaMalloc(&d_w, w.size() * sizeof(std::int32_t)), "cudaMalloc W", error) &&
      check(cudaMalloc(&d_ta, k_bytes), "cudaMalloc A terms", error) &&
      check(cudaMalloc(&d_tw, k_bytes), "cudaMalloc W terms", error) &&
      check(cudaMalloc(&d_counts, kCounts * sizeof(unsigned long long)), "cudaMalloc counts",
            error) &&
      check(cudaMemcpy(d_a, a.data(), a.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy A", error) &&
      check(cudaMemcpy(d_w, w.data(), w.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy W", error) &&
      // Counters accumulate with atomics, so they start at zero (not poisoned); the tests check
      // every one of them against the CPU's count.
      check(cudaMemset(d_ta, 0, k_bytes), "clear A terms", error) &&
      check(cudaMemset(d_tw, 0, k_bytes), "clear W terms", error) &&
      check(cudaMemset(d_counts, 0, kCounts * sizeof(unsigned long long)), "clear counts", error) &&
      check(cudaEventCreate(&start), "event", error) &&
      check(cudaEventCreate(&stop), "event", error) &&
      check(cudaEventRecord(start), "event record", error);
  if (ok) {
    const std::int64_t a_count = g.m * g.k, w_count = g.k * g.n;
    // A is M x K: element i is k = i % K. W is K x N: element i is k = i / N.
    digit_count_kernel<<<blocks_for(a_count), kThreads>>>(d_a, a_count, g.a_bits, 1, g.k, d_ta,
                                                          d_counts + 0, d_counts + 1);
    digit_count_kernel<<<blocks_for(w_count), kThreads>>>(d_w, w_count, g.w_bits, g.n, g.k, d_tw,
                                                          d_counts + 2, d_counts + 3);
    term_pairs_kernel<<<blocks_for(g.k), kThreads>>>(d_ta, d_tw, g.k, d_counts + 4);
    unsigned long long counts[kCounts] = {};
    float ms = 0;
    ok = check(cudaGetLastError(), "kernel launch", error) &&
         check(cudaEventRecord(stop), "event record", error) &&
         check(cudaEventSynchronize(stop), "kernel", error) &&
         check(cudaEventElapsedTime(&ms, start, stop), "event time", error) &&
         check(cudaMemcpy(counts, d_counts, sizeof counts, cudaMemcpyDeviceToHost), "copy counts",
               error);
    DigitStats& d = result.digits;
    d.a_digits = a_count * twin::radix4_digits(g.a_bits);
    d.w_digits = w_count * twin::radix4_digits(g.w_bits);
    d.a_booth_nonzero = static_cast<std::int64_t>(counts[0]);
    d.a_ent_nonzero = static_cast<std::int64_t>(counts[1]);
    d.w_booth_nonzero = static_cast<std::int64_t>(counts[2]);
    d.w_ent_nonzero = static_cast<std::int64_t>(counts[3]);
    d.booth_term_pairs = static_cast<std::int64_t>(counts[4]);
    result.digits_ms = ms;
  }
  cudaFree(d_a);
  cudaFree(d_w);
  cudaFree(d_ta);
  cudaFree(d_tw);
  cudaFree(d_counts);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace tpesim::gpu_ref
