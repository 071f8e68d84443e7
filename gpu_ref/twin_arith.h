// SPDX-License-Identifier: Apache-2.0
// The float PE kinds' arithmetic as the CUDA twin kernels compute it (fp_mac, lmul), written on
// bit patterns so that host and device compile the same source: float formats decoded and
// encoded in integer arithmetic, the only float operations IEEE binary32/binary64 adds and one
// fused multiply-add with round-to-nearest-even, each called through an explicit intrinsic on
// the device (never contracted, whatever -fmad says). Plain C++17 (no CUDA types): the unit test
// compiles it on the host and checks it against pe/float_format, pe/fp_mac.h and pe/lmul.h.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "pe/numeric.h"  // TPESIM_HD

namespace tpesim::gpu_ref {

// A binary float format by its fields, as pe::FloatFormat defines them (this header is included
// by device code compiled as C++17 and cannot include pe/float_format.h): sign, `exp_bits`
// exponent bits (2..8) with bias 2^(E-1) - 1, `man_bits` fraction bits (0..23), subnormals.
// `ieee_special`: the all-ones exponent is inf/NaN; otherwise (OCP e4m3, E < 8 only) there is no
// infinity and only S.1...1 is NaN.
struct FloatFields {
  int exp_bits = 8;          // E
  int man_bits = 23;         // m
  bool ieee_special = true;  // all-ones exponent is inf/NaN
};

inline constexpr FloatFields kFieldsFp32{8, 23, true};
inline constexpr FloatFields kFieldsBf16{8, 7, true};
inline constexpr FloatFields kFieldsFp16{5, 10, true};
inline constexpr FloatFields kFieldsFp8E4M3{4, 3, false};
inline constexpr FloatFields kFieldsFp8E5M2{5, 2, true};

namespace twin {

inline constexpr std::uint32_t kF32QuietNan = 0x7FC00000u;    // +qNaN, payload 0
inline constexpr std::uint32_t kF32DefaultNan = 0xFFC00000u;  // x86's "real indefinite"
inline constexpr std::uint64_t kF64DefaultNan = 0xFFF8000000000000ull;
inline constexpr std::uint32_t kF32Quiet = 0x00400000u;  // binary32 quiet bit
inline constexpr std::uint64_t kF64Quiet = 0x0008000000000000ull;

TPESIM_HD inline float f32(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
TPESIM_HD inline std::uint32_t bits32(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}
TPESIM_HD inline double f64(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}
TPESIM_HD inline std::uint64_t bits64(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

TPESIM_HD constexpr int bit_width64(std::uint64_t x) {
  int w = 0;
  while (x != 0) {
    ++w;
    x >>= 1;
  }
  return w;
}

TPESIM_HD constexpr bool is_nan32(std::uint32_t b) { return (b & 0x7FFFFFFFu) > 0x7F800000u; }
TPESIM_HD constexpr bool is_inf32(std::uint32_t b) { return (b & 0x7FFFFFFFu) == 0x7F800000u; }
TPESIM_HD constexpr bool is_nan64(std::uint64_t b) {
  return (b & 0x7FFFFFFFFFFFFFFFull) > 0x7FF0000000000000ull;
}
TPESIM_HD constexpr bool is_inf64(std::uint64_t b) {
  return (b & 0x7FFFFFFFFFFFFFFFull) == 0x7FF0000000000000ull;
}

// The IEEE operations, round to nearest even, subnormals kept. On the device the intrinsics are
// never contracted or reassociated; on the host -ffp-contract=off (tpesim_warnings, and nvcc's
// host pass) keeps `+` a plain add, and std::fma is the libm/FMA-instruction fused op.
TPESIM_HD inline float fma_rn(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return __fmaf_rn(a, b, c);
#else
  return std::fma(a, b, c);
#endif
}
TPESIM_HD inline float add_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fadd_rn(a, b);
#else
  return a + b;
#endif
}
TPESIM_HD inline double add_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dadd_rn(a, b);
#else
  return a + b;
#endif
}

// Field layout of a format (the Layout of pe/float_format.cpp).
struct Layout {
  int man_bits;            // m
  int bias;                // 2^(E-1) - 1
  bool ieee_special;       // all-ones exponent is inf/NaN
  std::uint32_t sign_bit;  // 1 << (E + m)
  std::uint32_t mag_mask;  // the E + m magnitude bits
  std::uint32_t man_mask;  // 2^m - 1
  std::uint32_t inf_mag;   // all-ones exponent, fraction 0
  std::uint32_t max_mag;   // largest finite magnitude
};
TPESIM_HD constexpr Layout layout(FloatFields f) {
  Layout l{};
  l.man_bits = f.man_bits;
  l.bias = (1 << (f.exp_bits - 1)) - 1;
  l.ieee_special = f.ieee_special;
  l.sign_bit = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  l.mag_mask = l.sign_bit - 1;
  l.man_mask = (std::uint32_t{1} << f.man_bits) - 1;
  l.inf_mag = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
  l.max_mag = f.ieee_special ? l.inf_mag - 1 : l.mag_mask - 1;
  return l;
}

TPESIM_HD constexpr bool pattern_is_nan(std::uint32_t p, const Layout& l) {
  const std::uint32_t mag = p & l.mag_mask;
  return l.ieee_special ? mag > l.inf_mag : mag == l.mag_mask;
}
TPESIM_HD constexpr bool pattern_is_inf(std::uint32_t p, const Layout& l) {
  return l.ieee_special && (p & l.mag_mask) == l.inf_mag;
}

// The binary32 pattern of a pattern's value, exactly (every value of a format with E <= 8 and
// m <= 23 is a binary32 value). A NaN gives 0x7FC00000 with the pattern's sign: what
// static_cast<float>(pe::decode(p, f)) gives (pe::decode returns a signed quiet NaN).
TPESIM_HD constexpr std::uint32_t decode_f32(std::uint32_t p, FloatFields f) {
  const Layout l = layout(f);
  const std::uint32_t sign = (p & l.sign_bit) != 0 ? 0x80000000u : 0u;
  if (pattern_is_nan(p, l)) return sign | kF32QuietNan;
  if (pattern_is_inf(p, l)) return sign | 0x7F800000u;
  const std::uint32_t mag = p & l.mag_mask;
  const int e = static_cast<int>(mag >> l.man_bits);
  const std::uint32_t man = mag & l.man_mask;
  if (e != 0) {
    const auto biased = static_cast<std::uint32_t>(e - l.bias + 127);  // 1..254 for E <= 8
    return sign | (biased << 23) | (man << (23 - l.man_bits));
  }
  if (man == 0) return sign;
  // Subnormal: man * 2^(1 - bias - m); normal in binary32 unless its exponent is below -126.
  const int lead = bit_width64(man) - 1;
  const int exponent = lead + 1 - l.bias - l.man_bits;
  if (exponent >= -126) {
    const std::uint32_t rest = man - (std::uint32_t{1} << lead);
    return sign | (static_cast<std::uint32_t>(exponent + 127) << 23) | (rest << (23 - lead));
  }
  return sign | (man << (150 - l.bias - l.man_bits));  // binary32 subnormal, quantum 2^-149
}

// The binary64 pattern of a pattern's value, exactly; NaN: pe::decode's signed quiet NaN.
TPESIM_HD constexpr std::uint64_t decode_f64(std::uint32_t p, FloatFields f) {
  const Layout l = layout(f);
  const std::uint64_t sign = (p & l.sign_bit) != 0 ? 0x8000000000000000ull : 0ull;
  if (pattern_is_nan(p, l)) return sign | 0x7FF8000000000000ull;
  if (pattern_is_inf(p, l)) return sign | 0x7FF0000000000000ull;
  const std::uint32_t mag = p & l.mag_mask;
  const int e = static_cast<int>(mag >> l.man_bits);
  const std::uint64_t man = mag & l.man_mask;
  if (e != 0) {
    return sign | (static_cast<std::uint64_t>(e - l.bias + 1023) << 52) |
           (man << (52 - l.man_bits));
  }
  if (man == 0) return sign;
  const int lead = bit_width64(man) - 1;
  const std::uint64_t rest = man - (std::uint64_t{1} << lead);
  return sign | (static_cast<std::uint64_t>(lead + 1 - l.bias - l.man_bits + 1023) << 52) |
         (rest << (52 - lead));
}

// binary32 -> binary64 bits, exact; a NaN keeps its sign and payload and is quieted (x86's
// cvtss2sd, which static_cast<double>(float) compiles to).
TPESIM_HD constexpr std::uint64_t f32_to_f64(std::uint32_t b) {
  const std::uint64_t sign = static_cast<std::uint64_t>(b >> 31) << 63;
  const std::uint32_t e = (b >> 23) & 0xFFu;
  const std::uint64_t man = b & 0x7FFFFFu;
  if (e == 0xFFu) {
    return sign | 0x7FF0000000000000ull | (man << 29) | (man != 0 ? kF64Quiet : 0ull);
  }
  if (e != 0) return sign | (std::uint64_t{e + (1023u - 127u)} << 52) | (man << 29);
  if (man == 0) return sign;
  const int lead = bit_width64(man) - 1;  // man * 2^-149
  const std::uint64_t rest = man - (std::uint64_t{1} << lead);
  return sign | (static_cast<std::uint64_t>(lead - 149 + 1023) << 52) | (rest << (52 - lead));
}

// The pattern of format f nearest to the binary64 value `bits`, ties to even, subnormals
// included; past the largest finite value infinity where the format has it, else the largest
// finite value; NaN gives the format's canonical NaN with the input's sign. The algorithm of
// pe::encode, line for line, in integer arithmetic.
TPESIM_HD constexpr std::uint32_t encode(std::uint64_t bits, FloatFields f) {
  const Layout l = layout(f);
  const std::uint32_t sign = (bits >> 63) != 0 ? l.sign_bit : 0u;
  const std::uint64_t d_exp = (bits >> 52) & 0x7FFu;
  const std::uint64_t d_man = bits & ((std::uint64_t{1} << 52) - 1);
  if (d_exp == 0x7FFu) {
    if (d_man != 0) {
      if (!l.ieee_special) return sign | l.mag_mask;
      const std::uint32_t quiet = l.man_bits > 0 ? std::uint32_t{1} << (l.man_bits - 1) : 0u;
      return sign | l.inf_mag | quiet;
    }
    return sign | (l.ieee_special ? l.inf_mag : l.max_mag);
  }
  if (d_exp == 0 && d_man == 0) return sign;
  const std::uint64_t sig = d_exp != 0 ? (d_man | (std::uint64_t{1} << 52)) : d_man;
  const int q = d_exp != 0 ? static_cast<int>(d_exp) - 1023 - 52 : 1 - 1023 - 52;
  const int exponent = q + bit_width64(sig) - 1;
  const int min_normal_exp = 1 - l.bias;
  const int binade = exponent > min_normal_exp ? exponent : min_normal_exp;
  const int quantum = binade - l.man_bits;
  const std::uint64_t base = static_cast<std::uint64_t>(binade + l.bias - 1) << l.man_bits;
  std::uint64_t mag = 0;
  if (q >= quantum) {
    mag = base + (sig << (q - quantum));
  } else if (quantum - q > 63) {
    mag = base;
  } else {
    const int shift = quantum - q;
    const std::uint64_t rest = sig & ((std::uint64_t{1} << shift) - 1);
    const std::uint64_t half = std::uint64_t{1} << (shift - 1);
    mag = base + (sig >> shift);
    if (rest > half || (rest == half && (mag & 1) != 0)) ++mag;
  }
  if (mag > l.max_mag) return sign | (l.ieee_special ? l.inf_mag : l.max_mag);
  return sign | static_cast<std::uint32_t>(mag);
}

// first + second with the NaN rules of the x86-64 SSE/AVX add the CPU models compile to: a NaN
// operand is returned quieted, `first`'s when both are NaN; inf - inf gives the default NaN
// (sign set). Any other case is the IEEE sum, on which every IEEE machine agrees.
TPESIM_HD inline std::uint32_t host_add(std::uint32_t first, std::uint32_t second) {
  if (is_nan32(first)) return first | kF32Quiet;
  if (is_nan32(second)) return second | kF32Quiet;
  if (is_inf32(first) && is_inf32(second) && first != second) return kF32DefaultNan;
  return bits32(add_rn(f32(first), f32(second)));
}
TPESIM_HD inline std::uint64_t host_add(std::uint64_t first, std::uint64_t second) {
  if (is_nan64(first)) return first | kF64Quiet;
  if (is_nan64(second)) return second | kF64Quiet;
  if (is_inf64(first) && is_inf64(second) && first != second) return kF64DefaultNan;
  return bits64(add_rn(f64(first), f64(second)));
}

// ---- fp_mac (pe/fp_mac.h) ----

struct FpMacStep {
  std::uint32_t acc;  // binary32 bits of RNE32(acc + a*w); every NaN is +0x7FC00000
  bool overflow;      // the accumulator is not finite
};
// One MAC: a fused multiply-add of the exact operand values (binary32 holds them; the product is
// exact in binary32's significand), a single rounding, NaN canonicalised as pe::FpMacArith does.
TPESIM_HD inline FpMacStep fp_mac_step(std::uint32_t acc, float a, float w) {
  const std::uint32_t r = bits32(fma_rn(a, w, f32(acc)));
  if (is_nan32(r)) return FpMacStep{kF32QuietNan, true};
  return FpMacStep{r, is_inf32(r)};
}

// ---- lmul (pe/lmul.h) ----

// l(m) and OFFSET = bias * 2^m - 2^(m - l(m)) of L-Mul.
TPESIM_HD constexpr int lmul_l(int man_bits) {
  return man_bits <= 3 ? man_bits : (man_bits == 4 ? 3 : 4);
}
TPESIM_HD constexpr std::int64_t lmul_offset(FloatFields f) {
  const std::int64_t bias = (std::int64_t{1} << (f.exp_bits - 1)) - 1;
  return (bias << f.man_bits) - (std::int64_t{1} << (f.man_bits - lmul_l(f.man_bits)));
}

struct LmulProductBits {
  std::uint32_t pattern = 0;  // the product in the operand format
  bool flushed = false;       // R below the smallest normal encoding: signed zero
  bool saturated = false;     // R above the largest finite encoding: max finite
  bool nan = false;           // a NaN or infinite operand: NaN
};
// pe::lmul_multiply on two patterns of f: one integer add of the magnitude fields.
TPESIM_HD constexpr LmulProductBits lmul_multiply(std::uint32_t x, std::uint32_t y, FloatFields f) {
  const Layout l = layout(f);
  const std::uint32_t sign_bit = (x ^ y) & l.sign_bit;
  LmulProductBits p;
  if (pattern_is_nan(x, l) || pattern_is_nan(y, l) || pattern_is_inf(x, l) ||
      pattern_is_inf(y, l)) {
    p.nan = true;
    // pe::encode(NaN, f): the canonical NaN (+ sign of the product).
    const std::uint32_t quiet = l.man_bits > 0 ? std::uint32_t{1} << (l.man_bits - 1) : 0u;
    p.pattern = (l.ieee_special ? (l.inf_mag | quiet) : l.mag_mask) | sign_bit;
    return p;
  }
  const std::uint32_t X = x & l.mag_mask, Y = y & l.mag_mask;
  if ((X >> l.man_bits) == 0 || (Y >> l.man_bits) == 0) {  // zero or subnormal: flush
    p.pattern = sign_bit;
    return p;
  }
  const std::int64_t R = std::int64_t{X} + std::int64_t{Y} - lmul_offset(f);
  const std::int64_t smallest_normal = std::int64_t{1} << l.man_bits;
  const std::int64_t largest_finite = l.max_mag;
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

struct LmulStep {
  std::uint32_t acc;  // binary32 bits of the accumulator (a value of acc_format)
  bool overflow;      // product flushed, saturated or NaN, or the accumulator not finite
};
// pe::LmulArith::mac_step: the product decoded and added to the accumulator, rounded to
// acc_format. fp32: one binary32 add. bf16 / fp16: the binary64 sum of the accumulator and the
// product, rounded once to acc_format (pe::encode), then widened back to binary32.
// A NaN sum is the canonical quiet NaN +0x7FC00000, as pe::LmulArith::mac_step makes it.
TPESIM_HD inline LmulStep lmul_step(std::uint32_t acc, std::uint32_t a, std::uint32_t w,
                                    FloatFields format, FloatFields acc_format) {
  const LmulProductBits p = lmul_multiply(a, w, format);
  std::uint32_t sum = 0;
  if (acc_format.exp_bits == 8 && acc_format.man_bits == 23 && acc_format.ieee_special) {
    sum = host_add(decode_f32(p.pattern, format), acc);
  } else {
    const std::uint64_t exact = host_add(f32_to_f64(acc), decode_f64(p.pattern, format));
    sum = decode_f32(encode(exact, acc_format), acc_format);
  }
  const bool event = p.flushed || p.saturated || p.nan || is_nan32(sum) || is_inf32(sum);
  return LmulStep{is_nan32(sum) ? kF32QuietNan : sum, event};
}

// The output pattern the hardware writes: pe::encode(static_cast<double>(acc), out).
TPESIM_HD constexpr std::uint32_t output_pattern(std::uint32_t acc, FloatFields out) {
  return encode(f32_to_f64(acc), out);
}

// ---- bitslice digit statistics (pe/digit_encoding.h, pe/activity.cpp) ----

// Radix-4 digits of a `bits`-wide operand.
TPESIM_HD constexpr int radix4_digits(int bits) { return (bits + 1) / 2; }

// Non-zero radix-4 Booth digits of a `bits`-wide signed x. Written independently of
// pe::booth_radix4: digit i = b(2i-1) + b(2i) - 2 b(2i+1) is zero exactly when those three bits
// are equal, i.e. when bits 2i and 2i+1 of x ^ (x << 1) are both clear.
TPESIM_HD constexpr int booth_nonzero(std::int64_t x, int bits) {
  const auto u = static_cast<std::uint64_t>(x);
  const std::uint64_t t = u ^ (u << 1);
  int n = 0;
  for (int i = 0; i < radix4_digits(bits); ++i) n += ((t >> (2 * i)) & 3u) != 0 ? 1 : 0;
  return n;
}

// Non-zero EN-T digits of a `bits`-wide signed x (pe::ent_digits): the magnitude in 2-bit
// slices with a carry; a digit is zero exactly when slice + carry is 0 mod 4, and the sign
// folded into every digit does not change that.
TPESIM_HD constexpr int ent_nonzero(std::int64_t x, int bits) {
  std::uint64_t mag = x < 0 ? 0 - static_cast<std::uint64_t>(x) : static_cast<std::uint64_t>(x);
  int carry = 0, n = 0;
  for (int i = 0; i < radix4_digits(bits); ++i) {
    const int v = static_cast<int>(mag & 3u) + carry;
    mag >>= 2;
    n += (v & 3) != 0 ? 1 : 0;
    carry = v >= 3 ? 1 : 0;
  }
  return n;
}

}  // namespace twin
}  // namespace tpesim::gpu_ref
