// SPDX-License-Identifier: Apache-2.0
// Host side shared by the float twin kernels (fp_mac_twin.cu, lmul_twin.cu): argument checks,
// device buffers, the poisoned outputs and the CUDA-event timing of one launch. Internal to
// gpu_ref's .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu_ref/gpu_ref.h"

namespace tpesim::gpu_ref::detail {

constexpr int kTile = 16;  // outputs per block side; also the k extent of a shared tile

constexpr int kPoisonByte = 0xA5;  // cudaMemset value of the output buffers
static_assert(static_cast<std::uint64_t>(kPoisonedOutput) == 0xA5A5A5A5A5A5A5A5ull,
              "kPoisonedOutput must be the int64 of eight poison bytes");

inline bool check(cudaError_t err, const char* what, std::string* error) {
  if (err == cudaSuccess) return true;
  if (error) *error = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

inline bool fail(const std::string& why, std::string* error) {
  if (error) *error = why;
  return false;
}

// A format the twins decode and encode exactly (pe::FloatFormat's range).
inline bool valid_format(const FloatFields& f, const char* what, std::string* error) {
  if (f.exp_bits < 2 || f.exp_bits > 8 || f.man_bits < 0 || f.man_bits > 23 ||
      (!f.ieee_special && f.exp_bits == 8)) {
    return fail(std::string(what) + ": unsupported float format", error);
  }
  return true;
}

// Every code is a pattern of f (no bits above its 1 + E + m), as pe::decode requires.
inline bool codes_fit(const std::vector<std::int32_t>& codes, const FloatFields& f,
                      const char* what, std::string* error) {
  const int bits = 1 + f.exp_bits + f.man_bits;
  if (bits >= 32) return true;
  for (std::int32_t c : codes) {
    if ((static_cast<std::uint32_t>(c) >> bits) != 0) {
      return fail(std::string(what) + ": code " + std::to_string(c) + " has bits above the " +
                      std::to_string(bits) + "-bit format",
                  error);
    }
  }
  return true;
}

// Copies A and W to the device, poisons both output buffers, runs
// launch(grid, block, d_a, d_w, d_acc, d_out, d_overflows) between two CUDA events, and copies
// the results back. Every CUDA call is checked; buffers are freed on every path.
template <class Launch>
std::optional<FloatGemmResult> run_float_gemm(std::int64_t m, std::int64_t n, std::int64_t k,
                                              const std::vector<std::int32_t>& a,
                                              const std::vector<std::int32_t>& w, Launch launch,
                                              std::string* error) {
  if (m <= 0 || n <= 0 || k <= 0) {
    fail("M, N and K must be positive", error);
    return std::nullopt;
  }
  if (static_cast<std::int64_t>(a.size()) != m * k ||
      static_cast<std::int64_t>(w.size()) != k * n) {
    fail("operand sizes do not match M, N, K", error);
    return std::nullopt;
  }
  std::int32_t *d_a = nullptr, *d_w = nullptr;
  std::int64_t *d_acc = nullptr, *d_out = nullptr;
  unsigned long long* d_ov = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  FloatGemmResult result;
  const auto outputs = static_cast<std::size_t>(m * n);
  result.acc.resize(outputs);
  result.out.resize(outputs);
  const std::size_t out_bytes = outputs * sizeof(std::int64_t);
  bool ok =
      check(cudaMalloc(&d_a, a.size() * sizeof(std::int32_t)), "cudaMalloc A", error) &&
      check(cudaMalloc(&d_w, w.size() * sizeof(std::int32_t)), "cudaMalloc W", error) &&
      check(cudaMalloc(&d_acc, out_bytes), "cudaMalloc acc", error) &&
      check(cudaMalloc(&d_out, out_bytes), "cudaMalloc O", error) &&
      check(cudaMalloc(&d_ov, sizeof(unsigned long long)), "cudaMalloc overflows", error) &&
      check(cudaMemcpy(d_a, a.data(), a.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy A", error) &&
      check(cudaMemcpy(d_w, w.data(), w.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
            "copy W", error) &&
      // Poison the outputs so an unwritten element cannot pass as a result (kPoisonedOutput).
      check(cudaMemset(d_acc, kPoisonByte, out_bytes), "poison acc", error) &&
      check(cudaMemset(d_out, kPoisonByte, out_bytes), "poison O", error) &&
      check(cudaMemset(d_ov, 0, sizeof(unsigned long long)), "clear overflows", error) &&
      check(cudaEventCreate(&start), "event", error) &&
      check(cudaEventCreate(&stop), "event", error);
  if (ok) {
    const dim3 block(kTile, kTile);
    const dim3 grid(static_cast<unsigned>((n + kTile - 1) / kTile),
                    static_cast<unsigned>((m + kTile - 1) / kTile));
    unsigned long long overflows = 0;
    float ms = 0;
    ok = check(cudaEventRecord(start), "event record", error);
    if (ok) {
      launch(grid, block, reinterpret_cast<const std::uint32_t*>(d_a),
             reinterpret_cast<const std::uint32_t*>(d_w), d_acc, d_out, d_ov);
    }
    ok = ok && check(cudaGetLastError(), "kernel launch", error) &&
         check(cudaEventRecord(stop), "event record", error) &&
         check(cudaEventSynchronize(stop), "kernel", error) &&
         check(cudaEventElapsedTime(&ms, start, stop), "event time", error) &&
         check(cudaMemcpy(result.acc.data(), d_acc, out_bytes, cudaMemcpyDeviceToHost), "copy acc",
               error) &&
         check(cudaMemcpy(result.out.data(), d_out, out_bytes, cudaMemcpyDeviceToHost), "copy O",
               error) &&
         check(cudaMemcpy(&overflows, d_ov, sizeof(overflows), cudaMemcpyDeviceToHost),
               "copy overflows", error);
    result.overflows = overflows;
    result.kernel_ms = ms;
  }
  cudaFree(d_a);
  cudaFree(d_w);
  cudaFree(d_acc);
  cudaFree(d_out);
  cudaFree(d_ov);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace tpesim::gpu_ref::detail
