// SPDX-License-Identifier: Apache-2.0
// Float operand codes for the float twin kernels' tests and golden vectors (fp_mac, lmul): mostly
// moderate values, with a chosen share of edge values. Deterministic on every platform
// (mt19937_64 and integer arithmetic only), so a golden file stores the seed, not the operands.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

}  // namespace tpesim::gpu_ref
