// SPDX-License-Identifier: Apache-2.0
// Industry baselines for the float paths: cuBLASLt GEMMs on fp16, bf16 and fp8 operands with
// binary32 accumulation and output (tensor cores). O (M x N, row-major) = A (M x K) x W (K x N).
// As for int8 (cublaslt_int8.cu), both operands are passed K-contiguous ("TN", what the fp8
// kernels require): in cuBLAS's column-major terms C (N x M) = W^T (N x K) * A^T.
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

cudaDataType_t a_type(CublasFloatKind kind) {
  switch (kind) {
    case CublasFloatKind::Fp16:
      return CUDA_R_16F;
    case CublasFloatKind::Bf16:
      return CUDA_R_16BF;
    case CublasFloatKind::Fp8E4M3:
      return CUDA_R_8F_E4M3;
    case CublasFloatKind::Fp8E5M2xE4M3:
      return CUDA_R_8F_E5M2;
  }
  return CUDA_R_16F;
}

cudaDataType_t w_type(CublasFloatKind kind) {
  return kind == CublasFloatKind::Fp8E5M2xE4M3 ? CUDA_R_8F_E4M3 : a_type(kind);
}

// Operand bytes per element: 2 for fp16 / bf16, 1 for fp8.
std::size_t element_bytes(CublasFloatKind kind) {
  return kind == CublasFloatKind::Fp16 || kind == CublasFloatKind::Bf16 ? 2 : 1;
}

// Codes packed as the device stores them (little-endian 1- or 2-byte patterns).
std::vector<unsigned char> pack(const std::vector<std::int32_t>& codes, std::size_t bytes) {
  std::vector<unsigned char> out(codes.size() * bytes);
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const auto c = static_cast<std::uint32_t>(codes[i]);
    out[i * bytes] = static_cast<unsigned char>(c & 0xFFu);
    if (bytes == 2) out[i * bytes + 1] = static_cast<unsigned char>((c >> 8) & 0xFFu);
  }
  return out;
}

}  // namespace

const char* cublas_float_kind_name(CublasFloatKind kind) {
  switch (kind) {
    case CublasFloatKind::Fp16:
      return "fp16";
    case CublasFloatKind::Bf16:
      return "bf16";
    case CublasFloatKind::Fp8E4M3:
      return "fp8_e4m3";
    case CublasFloatKind::Fp8E5M2xE4M3:
      return "fp8_e5m2xe4m3";
  }
  return "?";
}

FloatFields cublas_a_format(CublasFloatKind kind) {
  switch (kind) {
    case CublasFloatKind::Fp16:
      return kFieldsFp16;
    case CublasFloatKind::Bf16:
      return kFieldsBf16;
    case CublasFloatKind::Fp8E4M3:
      return kFieldsFp8E4M3;
    case CublasFloatKind::Fp8E5M2xE4M3:
      return kFieldsFp8E5M2;
  }
  return kFieldsFp16;
}

FloatFields cublas_w_format(CublasFloatKind kind) {
  return kind == CublasFloatKind::Fp8E5M2xE4M3 ? kFieldsFp8E4M3 : cublas_a_format(kind);
}

std::optional<CublasFloatResult> cublaslt_float_gemm(CublasFloatKind kind, std::int64_t m,
                                                     std::int64_t n, std::int64_t k,
                                                     const std::vector<std::int32_t>& a,
                                                     const std::vector<std::int32_t>& w,
                                                     int timed_runs, std::string* error,
                                                     bool* refused) {
  if (refused) *refused = false;
  if (m <= 0 || n <= 0 || k <= 0 || static_cast<std::int64_t>(a.size()) != m * k ||
      static_cast<std::int64_t>(w.size()) != k * n) {
    if (error) *error = "operand sizes do not match M, N, K";
    return std::nullopt;
  }
  const std::size_t bytes = element_bytes(kind);
  // cuBLASLt's fp8 kernels take only dimensions that are multiples of 16: fp8 operands are
  // zero-padded to them (zero rows and columns add exact zeros), the padding dropped after.
  const std::int64_t mp = bytes == 1 ? (m + 15) / 16 * 16 : m;
  const std::int64_t np = bytes == 1 ? (n + 15) / 16 * 16 : n;
  const std::int64_t kp = bytes == 1 ? (k + 15) / 16 * 16 : k;
  std::vector<std::int32_t> ap(static_cast<std::size_t>(mp * kp), 0);  // A, M x K, K-contiguous
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t p = 0; p < k; ++p) ap[i * kp + p] = a[i * k + p];
  }
  std::vector<std::int32_t> wt(static_cast<std::size_t>(np * kp), 0);  // W^T, N x K row-major
  for (std::int64_t p = 0; p < k; ++p) {
    for (std::int64_t j = 0; j < n; ++j) wt[j * kp + p] = w[p * n + j];
  }
  const std::vector<unsigned char> a_dev = pack(ap, bytes), w_dev = pack(wt, bytes);
  CublasFloatResult result;
  result.out.resize(static_cast<std::size_t>(m * n));
  std::vector<float> padded(static_cast<std::size_t>(mp * np));
  unsigned char *d_a = nullptr, *d_wt = nullptr;
  float* d_c = nullptr;
  void* d_workspace = nullptr;
  const std::size_t workspace_bytes = 32u << 20;
  cublasLtHandle_t handle = nullptr;
  cublasLtMatmulDesc_t op = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  const cublasOperation_t trans = CUBLAS_OP_T;
  const float alpha = 1, beta = 0;
  const std::size_t c_bytes = padded.size() * sizeof(float);
  bool ok = check_cuda(cudaMalloc(&d_a, a_dev.size()), "cudaMalloc A", error) &&
            check_cuda(cudaMalloc(&d_wt, w_dev.size()), "cudaMalloc W", error) &&
            check_cuda(cudaMalloc(&d_c, c_bytes), "cudaMalloc C", error) &&
            check_cuda(cudaMalloc(&d_workspace, workspace_bytes), "cudaMalloc workspace", error) &&
            check_cuda(cudaMemcpy(d_a, a_dev.data(), a_dev.size(), cudaMemcpyHostToDevice),
                       "copy A", error) &&
            check_cuda(cudaMemcpy(d_wt, w_dev.data(), w_dev.size(), cudaMemcpyHostToDevice),
                       "copy W", error) &&
            check_cuda(cudaMemset(d_c, 0xA5, c_bytes), "poison C", error) &&
            check_blas(cublasLtCreate(&handle), "cublasLtCreate", error) &&
            check_blas(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F), "matmul desc",
                       error) &&
            check_blas(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &trans,
                                                      sizeof(trans)),
                       "transa", error) &&
            check_blas(cublasLtMatrixLayoutCreate(&la, w_type(kind), static_cast<std::uint64_t>(k),
                                                  static_cast<std::uint64_t>(n), k),
                       "layout A", error) &&
            check_blas(cublasLtMatrixLayoutCreate(&lb, a_type(kind), static_cast<std::uint64_t>(k),
                                                  static_cast<std::uint64_t>(m), k),
                       "layout B", error) &&
            check_blas(cublasLtMatrixLayoutCreate(&lc, CUDA_R_32F, static_cast<std::uint64_t>(n),
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
    const cublasStatus_t st =
        cublasLtMatmulAlgoGetHeuristic(handle, op, la, lb, lc, lc, pref, 1, &heuristic, &found);
    ok = check_blas(st, "heuristic", error);
    if (refused) *refused = st == CUBLAS_STATUS_NOT_SUPPORTED || (ok && found == 0);
    if (ok && found == 0) {
      if (error) {
        *error = std::string("cuBLASLt found no ") + cublas_float_kind_name(kind) +
                 " algorithm for this shape";
      }
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
    ok = check_cuda(cudaMemcpy(padded.data(), d_c, c_bytes, cudaMemcpyDeviceToHost), "copy C",
                    error);
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t j = 0; j < n; ++j) result.out[i * n + j] = padded[i * np + j];
    }
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
