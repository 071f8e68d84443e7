// SPDX-License-Identifier: Apache-2.0
// The industry baseline for the integer path: cuBLASLt INT8 x INT8 -> INT32 GEMM (IMMA tensor
// cores, exact int32 accumulation). O (M x N, row-major) = A (M x K, row-major) x W (K x N).
// cuBLASLt's int8 kernels want both operands K-contiguous ("TN"): in its column-major terms
// C (N x M) = W^T (N x K) * A^T, with A as stored and W transposed on the host.
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <string>
#include <vector>

#include "gpu_ref/gpu_ref.h"

namespace tpesim::gpu_ref {

namespace {

bool check_cuda(cudaError_t err, const char* what, std::string* error) {
  if (err == cudaSuccess) return true;
  if (error) *error = std::string(what) + ": " + cudaGetErrorString(err);
  return false;
}

bool check_blas(cublasStatus_t st, const char* what, std::string* error) {
  if (st == CUBLAS_STATUS_SUCCESS) return true;
  if (error) *error = std::string(what) + ": cuBLAS status " + std::to_string(static_cast<int>(st));
  return false;
}

}  // namespace

std::optional<CublasInt8Result> cublaslt_int8_gemm(std::int64_t m, std::int64_t n, std::int64_t k,
                                                   const std::vector<std::int8_t>& a,
                                                   const std::vector<std::int8_t>& w,
                                                   int timed_runs, std::string* error) {
  if (static_cast<std::int64_t>(a.size()) != m * k ||
      static_cast<std::int64_t>(w.size()) != k * n) {
    if (error) *error = "operand sizes do not match M, N, K";
    return std::nullopt;
  }
  std::vector<std::int8_t> wt(w.size());  // W^T, N x K row-major: K-contiguous
  for (std::int64_t p = 0; p < k; ++p) {
    for (std::int64_t j = 0; j < n; ++j) wt[j * k + p] = w[p * n + j];
  }
  CublasInt8Result result;
  result.out.resize(static_cast<std::size_t>(m * n));
  std::int8_t *d_a = nullptr, *d_wt = nullptr;
  std::int32_t* d_c = nullptr;
  void* d_workspace = nullptr;
  const std::size_t workspace_bytes = 32u << 20;
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  const cublasOperation_t trans = CUBLAS_OP_T;
  const std::int32_t alpha = 1, beta = 0;
  bool ok =
      check_cuda(cudaMalloc(&d_a, a.size()), "cudaMalloc A", error) &&
      check_cuda(cudaMalloc(&d_wt, wt.size()), "cudaMalloc W", error) &&
      check_cuda(cudaMalloc(&d_c, result.out.size() * sizeof(std::int32_t)), "cudaMalloc C",
                 error) &&
      check_cuda(cudaMalloc(&d_workspace, workspace_bytes), "cudaMalloc workspace", error) &&
      check_cuda(cudaMemcpy(d_a, a.data(), a.size(), cudaMemcpyHostToDevice), "copy A", error) &&
      check_cuda(cudaMemcpy(d_wt, wt.data(), wt.size(), cudaMemcpyHostToDevice), "copy W", error) &&
      check_cuda(cudaMemset(d_c, 0xA5, result.out.size() * sizeof(std::int32_t)), "poison C",
                 error) &&
      check_blas(cublasLtCreate(&handle), "cublasLtCreate", error) &&
      check_blas(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32I, CUDA_R_32I), "matmul desc",
                 error) &&
      check_blas(
          cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &trans, sizeof(trans)),
          "transa", error) &&
      // cuBLAS's A is W^T stored K x N (column-major, ld K); its B is A stored K x M.
      check_blas(cublasLtMatrixLayoutCreate(&la, CUDA_R_8I, static_cast<std::uint64_t>(k),
                                            static_cast<std::uint64_t>(n), k),
                 "layout A", error) &&
      check_blas(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8I, static_cast<std::uint64_t>(k),
                                            static_cast<std::uint64_t>(m), k),
                 "layout B", error) &&
      check_blas(cublasLtMatrixLayoutCreate(&lc, CUDA_R_32I, static_cast<std::uint64_t>(n),
                                            static_cast<std::uint64_t>(m), n),
                 "layout C", error) &&
      check_blas(cublasLtMatmulPreferenceCreate(&pref), "preference", error) &&
      check_blas(
          cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES,
                                               &workspace_bytes, sizeof(workspace_bytes)),
          "workspace preference", error) &&
      check_cuda(cudaEventCreate(&start), "event", error) &&
      check_cuda(cudaEventCreate(&stop), "event", error);
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  if (ok) {
    ok = check_blas(
        cublasLtMatmulAlgoGetHeuristic(handle, op, la, lb, lc, lc, pref, 1, &heuristic, &found),
        "heuristic", error);
    if (ok && found == 0) {
      if (error) *error = "cuBLASLt found no int8 algorithm for this shape";
      ok = false;
    }
  }
  auto run = [&]() {
    return check_blas(cublasLtMatmul(handle, op, &alpha, d_wt, la, d_a, lb, &beta, d_c, lc, d_c, lc,
                                     &heuristic.algo, d_workspace, workspace_bytes, nullptr),
                      "cublasLtMatmul", error);
  };
  if (ok) ok = run() && check_cuda(cudaDeviceSynchronize(), "first run", error);
  if (ok) {
    // The result of the first (checked) run, then timed runs: median of `timed_runs`.
    std::vector<std::int32_t> out32(result.out.size());
    ok = check_cuda(
        cudaMemcpy(out32.data(), d_c, out32.size() * sizeof(std::int32_t), cudaMemcpyDeviceToHost),
        "copy C", error);
    std::copy(out32.begin(), out32.end(), result.out.begin());
    std::vector<float> times;
    for (int i = 0; ok && i < timed_runs; ++i) {
      float ms = 0;
      ok = check_cuda(cudaEventRecord(start), "event", error) && run() &&
           check_cuda(cudaEventRecord(stop), "event", error) &&
           check_cuda(cudaEventSynchronize(stop), "timed run", error) &&
           check_cuda(cudaEventElapsedTime(&ms, start, stop), "event time", error);
      times.push_back(ms);
    }
    if (ok && !times.empty()) {
      std::sort(times.begin(), times.end());
      result.median_ms = times[times.size() / 2];
    }
  }
  if (pref) cublasLtMatmulPreferenceDestroy(pref);
  if (la) cublasLtMatrixLayoutDestroy(la);
  if (lb) cublasLtMatrixLayoutDestroy(lb);
  if (lc) cublasLtMatrixLayoutDestroy(lc);
  if (op) cublasLtMatmulDescDestroy(op);
  if (handle) cublasLtDestroy(handle);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  cudaFree(d_a);
  cudaFree(d_wt);
  cudaFree(d_c);
  cudaFree(d_workspace);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace tpesim::gpu_ref
