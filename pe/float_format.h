// SPDX-License-Identifier: Apache-2.0
// Floating-point number formats of the PEs (fp32, bf16, fp16, fp8 e4m3 / e5m2, generic eXmY):
// the single definition of their encodings and of round-to-nearest-even conversion, used by the
// C++ models and the golden references. NOTE(model): host only for now; the CUDA twins of the
// float PE kinds (issue 5) will need these definitions moved into the header as TPESIM_HD.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "pe/numeric.h"

namespace tpesim::pe {

// A binary floating-point format: sign, `exp_bits` exponent bits with bias 2^(E-1) - 1,
// `man_bits` fraction bits, subnormals. `ieee_special`: the all-ones exponent encodes infinity
// (fraction 0) and NaN (fraction != 0), as IEEE 754 and fp8 e5m2 do. Otherwise (OCP fp8 e4m3)
// there is no infinity, the all-ones exponent holds normal numbers, and only S.1111.111 is NaN.
struct FloatFormat {
  int exp_bits = 8;          // E, 2..8
  int man_bits = 23;         // m, 0..23 (at most 1 + E + m = 32 bits)
  bool ieee_special = true;  // all-ones exponent is inf/NaN (false: OCP e4m3 convention)

  TPESIM_HD constexpr int bits() const { return 1 + exp_bits + man_bits; }
  TPESIM_HD constexpr int bias() const { return (1 << (exp_bits - 1)) - 1; }
  TPESIM_HD constexpr bool has_inf() const { return ieee_special; }
  friend constexpr bool operator==(const FloatFormat&, const FloatFormat&) = default;
};

inline constexpr FloatFormat kFp32{8, 23, true};
inline constexpr FloatFormat kBf16{8, 7, true};
inline constexpr FloatFormat kFp16{5, 10, true};
inline constexpr FloatFormat kFp8E4M3{4, 3, false};  // OCP: no inf, NaN = S.1111.111, max 448
inline constexpr FloatFormat kFp8E5M2{5, 2, true};   // IEEE-like: inf and NaN

// "fp32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2" or "eXmY" (IEEE-like, X in 2..8, Y in 0..23,
// X + Y <= 31). nullopt for anything else.
std::optional<FloatFormat> parse_float_format(std::string_view name);
// The canonical name: one of the five named formats, else "eXmY".
std::string float_format_name(const FloatFormat& f);

// Bit pattern classification (pattern in the low bits()).
bool is_nan(std::uint32_t pattern, FloatFormat f);
bool is_inf(std::uint32_t pattern, FloatFormat f);
bool is_zero(std::uint32_t pattern, FloatFormat f);
bool is_subnormal(std::uint32_t pattern, FloatFormat f);  // nonzero, exponent field 0

// The exact value of a pattern (every supported format's values are exact in binary64).
// NaN patterns give a quiet NaN; the sign of zero is kept.
double decode(std::uint32_t pattern, FloatFormat f);

// The pattern nearest to `value`, ties to even (RNE), subnormals included. Past the largest
// finite value: infinity where the format has it, else the largest finite value (OCP
// "satfinite"). NaN gives the format's canonical NaN (IEEE: exponent all ones, top fraction bit
// set; e4m3: S.1111.111). The sign of zero is kept.
std::uint32_t encode(double value, FloatFormat f);

// The one binary32 NaN that the state and outputs of the float PE kinds hold: +0x7FC00000 (sign
// 0, quiet bit, payload 0). A host float operation's NaN sign and payload depend on the operand
// order the compiler picks (x86 returns its first NaN source, or the default NaN 0xFFC00000 for
// inf - inf and 0 * inf), so every NaN result is replaced by this one and the C++ model, CUDA
// twins and Verilog agree bit for bit. encode() keeps a NaN's sign: this NaN gives the sign-0
// canonical NaN of every IEEE-like format (fp16 0x7E00, bf16 0x7FC0).
inline constexpr std::uint32_t kCanonicalNan32 = 0x7FC00000u;
// x, or the canonical NaN when x is a NaN.
inline float canonical_nan(float x) {
  return std::isnan(x) ? std::bit_cast<float>(kCanonicalNan32) : x;
}

// Largest finite value and the smallest positive subnormal, exactly.
double max_finite(FloatFormat f);
double min_subnormal(FloatFormat f);

}  // namespace tpesim::pe
