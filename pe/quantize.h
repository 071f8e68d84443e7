// SPDX-License-Identifier: Apache-2.0
// The quantizers that feed the quantized PEs (mixpe, lut_tc): weights to uintB codes with an fp16
// scale and a uintB zero point per (group along K, column), and activations to int8 with an fp32
// scale per token. The single definition of the codes, scales and zero points; the golden
// references and the CUDA twins dequantize with exactly these numbers: w = s * (q - z).
#pragma once

#include <cstdint>
#include <vector>

namespace tpesim::pe {

// How many weights share one scale and zero point.
//   PerTensor:  one (s, z) for the whole K x N matrix.
//   PerChannel: one (s, z) per column n, over all K rows (the same as Group with G = K).
//   Group:      one (s, z) per column n and group of `group_size` consecutive rows k; there are
//               ceil(K / G) groups and the last one holds K - G * (groups - 1) rows when G does
//               not divide K.
enum class QuantGranularity { PerTensor, PerChannel, Group };

// Asymmetric: the zero point follows the data. Symmetric: fixed zero point z = 2^(B-1).
enum class QuantSymmetry { Symmetric, Asymmetric };

struct WeightQuantSpec {
  int bits = 4;                                            // B, 1..8 (Symmetric: 2..8)
  QuantGranularity granularity = QuantGranularity::Group;  // which weights share (s, z)
  int group_size = 128;  // G, rows per group along K, >= 1 (read only for Group)
  QuantSymmetry symmetry = QuantSymmetry::Asymmetric;  // how z is chosen
};

// Weights quantized to unsigned B-bit codes. Scales and zero points are stored per (group, column)
// for every granularity (per-tensor and per-channel have one group; per-tensor repeats its one
// (s, z) in every column), so a consumer indexes them the same way whatever the granularity:
// group g = k / group_size, entry g * n + column.
struct QuantizedWeights {
  int bits = 0;                       // B: codes are 0..2^B - 1
  int group_size = 0;                 // rows per group along K (K for per-channel / per-tensor)
  std::int64_t k = 0;                 // rows K
  std::int64_t n = 0;                 // columns N
  std::vector<std::int32_t> q;        // K x N row-major codes, 0..2^B - 1
  std::vector<std::uint16_t> scales;  // groups x N row-major fp16 bit patterns, positive, finite
  std::vector<std::int32_t> zeros;    // groups x N row-major zero points, 0..2^B - 1

  std::int64_t groups() const { return (k + group_size - 1) / group_size; }
  // The scale of (group g, column col) as a value (fp16 decoded exactly).
  double scale(std::int64_t g, std::int64_t col) const;
  // The dequantized weight s * (q - z) of row `row`, column `col`; exact in binary64.
  double dequant(std::int64_t row, std::int64_t col) const;
};

// Quantizes the K x N row-major matrix `w` (k, n >= 1; w.size() == k * n; every value finite).
// For each set of weights sharing (s, z) (see QuantGranularity), with all arithmetic in binary64
// and RNE = round to nearest, ties to even:
//   Asymmetric: lo = min(min w, 0), hi = max(max w, 0)
//               s  = fp16_RNE((hi - lo) / (2^B - 1))
//               z  = clamp(RNE(-lo / s), 0, 2^B - 1)            (with the fp16-rounded s)
//   Symmetric:  s  = fp16_RNE(max |w| / (2^(B-1) - 1)),   z = 2^(B-1)
//   both:       s  = 1 when the fp16 rounding gives 0 (an all-zero group, or one so small that
//                  its scale underflows fp16: all its weights then dequantize to 0)
//               q  = clamp(RNE(w / s) + z, 0, 2^B - 1)
// Symmetric codes lie in 1..2^B - 1 (code 0, -2^(B-1) after the zero point, is unused). The clamp
// acts only where the fp16 rounding of s shrank the range: a weight whose unclamped code is in
// range is within s/2 of its dequantized value, and every weight is within
// s * (1/2 + (2^B - 1) * 2^-11) of it when s is a normal fp16 number (up to binary64 rounding).
// Throws std::invalid_argument for bits outside 1..8 (2..8 for Symmetric), group_size < 1 with
// Group granularity, k or n < 1, a size mismatch, a non-finite weight, or a scale past the fp16
// range (65504).
QuantizedWeights quantize_weights(const std::vector<double>& w, std::int64_t k, std::int64_t n,
                                  const WeightQuantSpec& spec);

// Activations quantized per token (row) to symmetric int8.
struct QuantizedActivations {
  std::int64_t m = 0;           // rows (tokens) M
  std::int64_t k = 0;           // columns K
  std::vector<std::int32_t> q;  // M x K row-major int8 values, -127..127
  std::vector<float> scales;    // per row, fp32, positive, finite

  // s[row] * q[row, col]; exact in binary64.
  double dequant(std::int64_t row, std::int64_t col) const;
};

// Quantizes the M x K row-major matrix `a` (m, k >= 1; every value finite), per row:
//   s = fp32_RNE(max |a[row, :]| / 127), or 1 when that is 0 (an all-zero row or an underflow)
//   q = clamp(RNE(a / s), -127, 127)                      (binary64 division by the fp32 s)
// Symmetric, -128 unused (as in LLM.int8()); each row's largest magnitude maps to +-127.
// Throws std::invalid_argument for m or k < 1, a size mismatch or a non-finite value.
QuantizedActivations quantize_activations_per_token(const std::vector<double>& a, std::int64_t m,
                                                    std::int64_t k);

// Round to nearest, ties to even, independent of the host's rounding mode (finite x).
double round_half_even(double x);

// The code of one weight given its scale and zero point: clamp(RNE(w / s) + z, 0, 2^B - 1).
std::int32_t quantize_code(double w, double s, std::int32_t z, int bits);

}  // namespace tpesim::pe
