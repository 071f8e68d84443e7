// SPDX-License-Identifier: Apache-2.0
// Float operand codes for the float twin kernels' tests and golden vectors (fp_mac, lmul): mostly
// moderate values, with a chosen share of edge values. Deterministic on every platform
// (mt19937_64 and integer arithmetic only), so a golden file stores the seed, not the operands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gpu_ref/golden_file.h"
#include "gpu_ref/quant_twin.h"
#include "gpu_ref/twin_arith.h"

namespace tpesim::gpu_ref {

// "fp32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2" or "eXmY" (IEEE-like; X in 2..8, Y in 0..23,
// X + Y <= 31): the spellings of pe::parse_float_format. nullopt for anything else.
std::optional<FloatFields> parse_float_fields(const std::string& name);
// The canonical name (one of the five named formats, else "eXmY").
std::string float_fields_name(const FloatFields& f);

// The edge patterns of f, positive: 0, the smallest and largest subnormal, the smallest normal,
// one, the largest finite value and, where the format has them, infinity and NaNs (IEEE-like: a
// quiet one and one with only the lowest fraction bit set; e4m3: S.1111.111).
std::vector<std::uint32_t> edge_patterns(const FloatFields& f);

// `count` codes of f (as arch::GemmOperands holds them). Each is, with probability
// edge_per_mille / 1000, an edge pattern with a random sign, else a random sign, an unbiased
// exponent uniform in [-4, 4] (clipped to the normal range) and a uniform fraction.
std::vector<std::int32_t> float_operands(const FloatFields& f, std::int64_t count,
                                         std::uint64_t seed, int edge_per_mille);

// Operands of a group-quantized GEMM (mixpe, lut_tc) for g's shape, w_bits and group_size: int8
// activations uniform in [-128, 127] with fp32 per-row scales float_operands(fp32, M, seed + 3,
// edge_per_mille), or fp16 activations float_operands(fp16, M*K, seed, edge_per_mille); weight
// codes and zero points uniform in [0, 2^w_bits); fp16 scales float_operands(fp16,
// ceil(K / G) * N, seed + 2, edge_per_mille). Integers from one mt19937_64(seed), drawn in the
// order: activations (int8 only), weight codes, zero points.
QuantOperands quant_operands(const QuantGemm& g, std::uint64_t seed, int edge_per_mille);

// The GEMM a mixpe or lut_tc golden file describes; nullopt (the reason in *error) for a value
// the twins do not take (an unknown variant, activation or format name).
std::optional<QuantGemm> golden_quant_gemm(const GoldenVector& g, std::string* error);
// The golden-file fields of a group-quantized GEMM (kind Mixpe or LutTc; no outputs, no seed).
GoldenVector golden_of(const QuantGemm& q, bool lut);

}  // namespace tpesim::gpu_ref
