// SPDX-License-Identifier: Apache-2.0
// CUDA golden kernels behind a plain C++ interface (no CUDA types), so callers build without
// nvcc. Every function reports CUDA errors through its result, never by aborting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu_ref/quant_twin.h"  // QuantGemm, QuantOperands (plain C++)
#include "gpu_ref/twin_arith.h"  // FloatFields (plain C++)

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
//
// Fast path (gpu_ref/int_mac_tc.cu): with acc_bits 32, wrap, every operand in int8 and
// K * 2^14 < 2^31, no partial sum in any order can leave int32, so the exact sum is
// order-independent and no step overflows: int8 tensor cores (WMMA, int32 accumulators) give the
// chain's result bit for bit with an overflow count of 0. Set `tensor_cores` false to force the
// scalar chain kernel.
struct IntMacGemm {
  int acc_bits = 32;      // accumulator width (4..62)
  bool saturate = false;  // overflow: saturate (true) or wrap
  std::int64_t m = 0, n = 0, k = 0;
  bool tensor_cores = true;  // use the tensor-core kernel where it is exact (above)
};
struct IntMacGemmResult {
  std::vector<std::int64_t> out;   // M x N, sign-extended accumulators
  std::uint64_t overflows = 0;     // sums that left acc_bits, over all outputs
  double kernel_ms = 0;            // the kernel alone, from CUDA events
  bool used_tensor_cores = false;  // computed by the tensor-core kernel
};
// Whether `int_mac_gemm` may take the tensor-core path for these operands (see above).
bool int_mac_tensor_core_exact(const IntMacGemm& gemm, const std::vector<std::int32_t>& a,
                               const std::vector<std::int32_t>& w);
// The tensor-core kernel itself (callers check int_mac_tensor_core_exact first).
std::optional<IntMacGemmResult> int_mac_gemm_tensor_cores(const IntMacGemm& gemm,
                                                          const std::vector<std::int32_t>& a,
                                                          const std::vector<std::int32_t>& w,
                                                          std::string* error);
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

// The float twins poison their output buffers with this before each run. Every valid output is a
// bit pattern of at most 32 bits (zero-extended), so an element still equal to it was never
// written.
inline constexpr std::int64_t kPoisonedOutput = -0x5A5A5A5A5A5A5A5BLL;  // bytes 0xA5

// Result of a float twin: per output the binary32 accumulator and the pattern the PE writes.
struct FloatGemmResult {
  std::vector<std::int64_t> acc;  // M x N, the accumulator's binary32 bit pattern
  std::vector<std::int64_t> out;  // M x N, Arith::output(acc): a pattern of the output format
  std::uint64_t overflows = 0;    // steps whose Step::overflow was set, over all outputs
  double kernel_ms = 0;           // the kernel alone, from CUDA events
};

// The fp_mac PE's GEMM, twin of pe/fp_mac.h (gpu_ref/fp_mac_twin.cu): operands are bit patterns
// of a_format / w_format, decoded exactly on the device; every output is one chain of fmaf over
// k ascending from +0 (each NaN replaced by +0x7FC00000), then rounded to out_format (RNE, as
// pe::encode). A is M x K, W is K x N, row-major; each code must fit its format's bits.
struct FpMacGemm {
  FloatFields a_format = kFieldsFp16;    // fp16, bf16, fp8_e4m3 or fp8_e5m2 (any format works)
  FloatFields w_format = kFieldsFp16;    // likewise
  FloatFields out_format = kFieldsFp32;  // fp32 (no rounding), fp16 or bf16
  std::int64_t m = 0, n = 0, k = 0;
};
std::optional<FloatGemmResult> fp_mac_gemm(const FpMacGemm& gemm,
                                           const std::vector<std::int32_t>& a,
                                           const std::vector<std::int32_t>& w, std::string* error);

// The lmul PE's GEMM, twin of pe/lmul.h (gpu_ref/lmul_twin.cu): L-Mul products (one integer add
// of the patterns, the spec's flush / saturate / NaN rules), accumulated k ascending in
// acc_format (binary32 adds, or bf16 / fp16 RNE after every add); `out` is the accumulator's
// acc_format pattern. Codes are patterns of `format`.
struct LmulGemm {
  FloatFields format = kFieldsBf16;      // operand format of A and W
  FloatFields acc_format = kFieldsFp32;  // fp32, bf16 or fp16
  std::int64_t m = 0, n = 0, k = 0;
};
std::optional<FloatGemmResult> lmul_gemm(const LmulGemm& gemm, const std::vector<std::int32_t>& a,
                                         const std::vector<std::int32_t>& w, std::string* error);

// The bitslice PE (gpu_ref/bitslice_twin.cu): its values are int_mac's (the int_mac twin
// computes them); what it adds is the operands' digit statistics, from which pe::gemm_activity
// reports `digits`, `nonzero_digits` and `partial_products` for every variant.
struct DigitStats {
  std::int64_t a_digits = 0, w_digits = 0;  // radix-4 digits: M*K*ceil(a_bits/2), K*N*ceil(..)
  std::int64_t a_booth_nonzero = 0;         // non-zero radix-4 Booth digits of A
  std::int64_t w_booth_nonzero = 0;         // of W
  std::int64_t a_ent_nonzero = 0;           // non-zero EN-T digits of A
  std::int64_t w_ent_nonzero = 0;           // of W
  // Sum over k of (Booth terms of A's column k) x (Booth terms of W's row k): laconic's term
  // pairs (its partial products).
  std::int64_t booth_term_pairs = 0;
};
struct BitsliceGemm {
  int a_bits = 8, w_bits = 8;  // signed operand widths (2..16); operands must fit them
  int acc_bits = 32;           // accumulator width
  bool saturate = false;       // overflow: saturate (true) or wrap
  std::int64_t m = 0, n = 0, k = 0;
};
struct BitsliceGemmResult {
  IntMacGemmResult values;  // the int_mac twin's outputs and overflow count
  DigitStats digits;        // from the digit kernel
  double digits_ms = 0;     // the digit kernels alone, from CUDA events
};
std::optional<BitsliceGemmResult> bitslice_gemm(const BitsliceGemm& gemm,
                                                const std::vector<std::int32_t>& a,
                                                const std::vector<std::int32_t>& w,
                                                std::string* error);

// The mixpe PE's GEMM (gpu_ref/mixpe_twin.cu), twin of pe/mixpe.h: W4A8 (int8 activations,
// g.int8_activations) or W4A16 (fp16 patterns); one thread per output runs
// twin::mixpe_chain (k ascending, per-group P and S, one dequantization per group). `acc` holds
// the final binary32 accumulator (before W4A8's s_a), `out` the out_format pattern.
std::optional<FloatGemmResult> mixpe_gemm(const QuantGemm& g, const QuantOperands& op,
                                          std::string* error);

// The lut_tc PE's GEMM (gpu_ref/lut_tc_twin.cu), twin of pe/lut_tc.h: a table kernel builds
// every (row, LUT group) half table once (twin::lut_table), then one thread per output runs
// twin::lut_tc_chain over the bit planes. `acc` holds the final binary32 `out` accumulator.
std::optional<FloatGemmResult> lut_tc_gemm(const QuantGemm& g, const QuantOperands& op,
                                           std::string* error);

// cuBLASLt GEMMs on float formats (gpu_ref/cublaslt_float.cu), binary32 accumulation
// (CUBLAS_COMPUTE_32F) and binary32 output: fp16 x fp16, bf16 x bf16, e4m3 x e4m3 and
// e5m2 x e4m3 (cuBLASLt has no e5m2 x e5m2 GEMM: A is e5m2, W e4m3). Codes are bit patterns of
// the operand formats; fp8 operands are zero-padded to multiples of 16 (cuBLASLt's fp8 kernels
// need that). The result is not bit-exact (cuBLASLt's summation order is its own), so callers
// report its error. `refused` (when given) is set when cuBLASLt has no algorithm for the shape
// (its heuristic answers NOT_SUPPORTED or finds none): the kernel does not exist, nothing failed.
enum class CublasFloatKind { Fp16, Bf16, Fp8E4M3, Fp8E5M2xE4M3 };
const char* cublas_float_kind_name(CublasFloatKind kind);
FloatFields cublas_a_format(CublasFloatKind kind);  // A's operand format
FloatFields cublas_w_format(CublasFloatKind kind);  // W's operand format
struct CublasFloatResult {
  std::vector<float> out;  // M x N, row-major
  double median_ms = 0;    // median of the timed runs (CUDA events); 0 without timed runs
};
std::optional<CublasFloatResult> cublaslt_float_gemm(CublasFloatKind kind, std::int64_t m,
                                                     std::int64_t n, std::int64_t k,
                                                     const std::vector<std::int32_t>& a,
                                                     const std::vector<std::int32_t>& w,
                                                     int timed_runs, std::string* error,
                                                     bool* refused = nullptr);

}  // namespace tpesim::gpu_ref
