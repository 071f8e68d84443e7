// SPDX-License-Identifier: Apache-2.0
// Golden vectors: GEMM outputs produced by the GPU twin kernels, committed under
// tests/golden/<kind>/ so CI (no GPU) checks the simulator against them. Plain text; operands are
// not stored but regenerated from the seed (workloads/operands.h for int_mac,
// gpu_ref/golden_operands.h for the float kinds), which is deterministic on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpesim::gpu_ref {

enum class GoldenKind { IntMac, FpMac, Lmul, Mixpe, LutTc };
// "int_mac", "fp_mac", "lmul", "mixpe", "lut_tc": the `kind` key and the directory under
// tests/golden/.
const char* golden_kind_name(GoldenKind kind);

struct GoldenVector {
  GoldenKind kind = GoldenKind::IntMac;  // `kind`; files without the key are int_mac
  // int_mac: A = uniform_signed(M*K, a_bits, seed), W = uniform_signed(K*N, w_bits, seed + 1).
  int a_bits = 8, w_bits = 8;  // operand widths
  int acc_bits = 32;           // accumulator width
  bool saturate = false;       // overflow mode
  // Float kinds, formats spelled as pe::parse_float_format reads them. fp_mac: a_format,
  // w_format, out_format; lmul: format (of both operands), acc_format. A =
  // float_operands(A's format, M*K, seed, edge_per_mille), W: (W's format, K*N, seed + 1, ...).
  std::string a_format, w_format, out_format;  // fp_mac
  std::string format, acc_format;              // lmul
  int edge_per_mille = 0;                      // share of edge operands, per 1000
  // Group-quantized kinds (operands: gpu_ref::quant_operands(golden_quant_gemm(..), seed,
  // edge_per_mille)); w_bits and out_format as above. mixpe: variant; lut_tc: activation,
  // lut_group, table_format, acc_format.
  std::string variant;               // mixpe: w4a8 or w4a16
  std::string activation;            // lut_tc: fp16 or int8
  std::string table_format;          // lut_tc: fp16, fp32 or int8
  int lut_group = 0;                 // lut_tc: Kg
  std::int64_t group_size = 0;       // scale / zero-point group along K
  std::int64_t m = 0, n = 0, k = 0;  // GEMM shape
  std::uint64_t seed = 0;            // operand seed (see above)
  std::string device;                // the GPU that computed `out`
  std::uint64_t overflows = 0;       // the arithmetic's overflow events the GPU counted
  // M x N, row-major: int_mac the accumulators (decimal), float kinds the output bit patterns
  // (out_format / acc_format; written in hex).
  std::vector<std::int64_t> out;
};
using GoldenIntMac = GoldenVector;  // the name of the int_mac-only first version

void write_golden(const GoldenVector& g, const std::string& path);
// Throws std::runtime_error naming the file and line of any malformed content.
GoldenVector read_golden(const std::string& path);

}  // namespace tpesim::gpu_ref
