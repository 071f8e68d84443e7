// SPDX-License-Identifier: Apache-2.0
// CUDA golden kernels behind a plain C++ interface (no CUDA types), so callers build without
// nvcc. Every function reports CUDA errors through its result, never by aborting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpesim::gpu_ref {

struct DeviceStatus {
  bool available = false;  // a CUDA device is visible
  std::string name;        // its name, or why none is usable
  int sm_major = 0;        // compute capability
  int sm_minor = 0;
};
DeviceStatus probe_device();

// The int_mac PE's GEMM on the GPU, twin of pe/int_mac_arith.h: every output is one chain in
// k ascending order with the same wrap/saturate accumulator, so it must equal the CPU models
// bit for bit. A is M x K, W is K x N, row-major; operands must fit their bit widths.
struct IntMacGemm {
  int acc_bits = 32;      // accumulator width (4..62)
  bool saturate = false;  // overflow: saturate (true) or wrap
  std::int64_t m = 0, n = 0, k = 0;
};
struct IntMacGemmResult {
  std::vector<std::int64_t> out;  // M x N, sign-extended accumulators
  std::uint64_t overflows = 0;    // sums that left acc_bits, over all outputs
  double kernel_ms = 0;           // the kernel alone, from CUDA events
};
std::optional<IntMacGemmResult> int_mac_gemm(const IntMacGemm& gemm,
                                             const std::vector<std::int32_t>& a,
                                             const std::vector<std::int32_t>& w,
                                             std::string* error);

// cuBLASLt INT8 x INT8 -> INT32 (exact: K * 2^14 must stay below 2^31), the industry kernel the
// int_mac twin is compared with. `timed_runs` runs after a checked first run give median_ms.
struct CublasInt8Result {
  std::vector<std::int64_t> out;  // M x N
  double median_ms = 0;           // median of the timed runs (CUDA events)
};
std::optional<CublasInt8Result> cublaslt_int8_gemm(std::int64_t m, std::int64_t n, std::int64_t k,
                                                   const std::vector<std::int8_t>& a,
                                                   const std::vector<std::int8_t>& w,
                                                   int timed_runs, std::string* error);

}  // namespace tpesim::gpu_ref
