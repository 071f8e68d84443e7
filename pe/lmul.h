// SPDX-License-Identifier: Apache-2.0
// lmul: L-Mul, an approximate floating-point multiply done with one integer add of the operands'
// exponent-and-mantissa fields, followed by accumulation in binary32, bf16 or fp16 (RNE, k
// ascending). Semantics: ../shared/specs/pe-arithmetic.md and docs/PE_SEMANTICS.md.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "pe/float_format.h"
#include "pe/float_format_field.h"
#include "pe/fp_mac.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

struct LmulSpec {
  static constexpr const char* kKind = "lmul";  // the YAML `kind`
  FloatFormat format = kBf16;                   // operand format of a and w (and of the product)
  FloatFormat acc_format = kFp32;               // accumulator: fp32, bf16 or fp16

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<LmulSpec, FloatFormat>{"format", &LmulSpec::format,
                                     "operand (and product) format: fp8_e4m3, fp8_e5m2, bf16, "
                                     "fp16, fp32 or eXmY"},
        Field<LmulSpec, FloatFormat>{"acc_format", &LmulSpec::acc_format,
                                     "accumulator format, RNE after every add", "",
                                     one_of_formats({kFp32, kBf16, kFp16})},
    };
    return kFields;
  }
};

inline void validate(const LmulSpec&, const ConfigNode&, Diag&) {}

// The mantissa correction exponent l(m) of L-Mul: 2^-l(m) is added to x_m + y_m.
constexpr int lmul_l(int man_bits) { return man_bits <= 3 ? man_bits : (man_bits == 4 ? 3 : 4); }
// OFFSET = bias * 2^m - 2^(m - l(m)): e4m3 55, e5m2 59, bf16 0x3F78, fp32 0x3F780000.
constexpr std::int64_t lmul_offset(const FloatFormat& f) {
  return (std::int64_t{f.bias()} << f.man_bits) -
         (std::int64_t{1} << (f.man_bits - lmul_l(f.man_bits)));
}

struct LmulProduct {
  std::uint32_t pattern = 0;  // the product, in the operand format
  bool flushed = false;       // R underflowed below the smallest normal: the product became 0
  bool saturated = false;     // R passed the largest finite encoding: clamped to max finite
  bool nan = false;           // a NaN or infinity operand: the product is NaN
};

// L-Mul of two patterns of format f (low f.bits() bits).
inline LmulProduct lmul_multiply(std::uint32_t x, std::uint32_t y, const FloatFormat& f) {
  const int magnitude_bits = f.exp_bits + f.man_bits;
  const std::uint32_t magnitude_mask = (std::uint32_t{1} << magnitude_bits) - 1;
  const std::uint32_t sign = ((x ^ y) >> magnitude_bits) & 1u;
  const std::uint32_t sign_bit = sign << magnitude_bits;
  LmulProduct p;
  if (is_nan(x, f) || is_nan(y, f) || is_inf(x, f) || is_inf(y, f)) {
    p.nan = true;
    p.pattern = encode(std::nan(""), f) | sign_bit;
    return p;
  }
  if (is_zero(x, f) || is_zero(y, f) || is_subnormal(x, f) || is_subnormal(y, f)) {
    p.pattern = sign_bit;  // flush: zero and subnormal inputs give a signed zero
    return p;
  }
  const std::int64_t X = x & magnitude_mask, Y = y & magnitude_mask;
  const std::int64_t R = X + Y - lmul_offset(f);
  const std::int64_t smallest_normal = std::int64_t{1} << f.man_bits;
  // The largest finite encoding: all-ones exponent minus one (IEEE-like), or S.1111.110 (e4m3).
  const std::int64_t largest_finite =
      f.ieee_special ? ((((std::int64_t{1} << f.exp_bits) - 1) << f.man_bits) - 1)
                     : (std::int64_t{magnitude_mask} - 1);
  if (R < smallest_normal) {
    p.flushed = true;
    p.pattern = sign_bit;
  } else if (R > largest_finite) {
    p.saturated = true;
    p.pattern = static_cast<std::uint32_t>(largest_finite) | sign_bit;
  } else {
    p.pattern = static_cast<std::uint32_t>(R) | sign_bit;
  }
  return p;
}

struct LmulArith {
  using Operand = std::int32_t;  // a pattern of `format`
  using Acc = float;             // the accumulator's value (exactly representable in acc_format)

  FloatFormat format = kBf16;      // operand format
  FloatFormat acc_format = kFp32;  // accumulator format

  explicit LmulArith(const LmulSpec& s) : format(s.format), acc_format(s.acc_format) {}

  struct Step {
    Acc value;      // round_acc(acc + lmul(a, w))
    bool overflow;  // a numeric event: product flushed, saturated or NaN, or acc not finite
  };
  static constexpr Acc zero() { return 0.0f; }
  Step mac_step(Acc acc, Operand a, Operand w) const {
    return add_product(
        acc, lmul_multiply(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(w), format));
  }
  // The accumulation half of mac_step: acc + p rounded to acc_format, with p's events (the
  // Verilog multiplier, rtl/pe_lmul.sv, forms p; this add stays in C++).
  Step add_product(Acc acc, const LmulProduct& p) const {
    const double product = decode(p.pattern, format);
    float sum = 0;
    if (acc_format == kFp32) {
      sum = acc + static_cast<float>(product);  // binary32 RNE add
    } else {
      // acc + product formed in binary64 then rounded once to acc_format: binary64 carries more
      // than 2p+2 bits of a bf16/fp16 significand, so this equals a single RNE rounding.
      sum = static_cast<float>(
          decode(encode(static_cast<double>(acc) + product, acc_format), acc_format));
    }
    const bool event = p.flushed || p.saturated || p.nan || !std::isfinite(sum);
    // A NaN sum is the canonical quiet NaN (pe/fp_mac.h): the host's add picks a NaN operand's
    // sign, which no other model (GPU twin, RTL) could follow portably.
    if (std::isnan(sum)) sum = std::bit_cast<float>(FpMacArith::kCanonicalNanBits);
    return Step{sum, event};
  }
  Operand decode_a(std::uint32_t pattern) const { return static_cast<Operand>(pattern); }
  Operand decode_w(std::uint32_t pattern) const { return static_cast<Operand>(pattern); }
  std::int64_t output(Acc acc) const { return encode(static_cast<double>(acc), acc_format); }
};

}  // namespace tpesim::pe
