// SPDX-License-Identifier: Apache-2.0
// Encodings of the PEs' floating-point formats and RNE conversion from binary64, done in integer
// arithmetic on the bit patterns so that no result depends on the host's rounding mode.
#include "pe/float_format.h"

#include <fmt/format.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <limits>

#include "sim/core/errors.h"

namespace tpesim::pe {

namespace {

constexpr int kDoubleManBits = 52;               // binary64 fraction bits
constexpr int kDoubleBias = 1023;                // binary64 exponent bias
constexpr std::uint64_t kDoubleExpMask = 0x7ff;  // binary64 exponent field, shifted down

struct NamedFormat {
  std::string_view name;  // canonical spelling
  FloatFormat format;     // its encoding
};

constexpr std::array<NamedFormat, 5> kNamed{{{"fp32", kFp32},
                                             {"bf16", kBf16},
                                             {"fp16", kFp16},
                                             {"fp8_e4m3", kFp8E4M3},
                                             {"fp8_e5m2", kFp8E5M2}}};

// The encodings' field layout, derived once per call from a checked FloatFormat.
struct Layout {
  int man_bits;                // fraction bits m
  int exp_bits;                // exponent bits E
  int bias;                    // exponent bias 2^(E-1) - 1
  bool ieee_special;           // all-ones exponent is inf/NaN
  std::uint32_t sign_bit;      // 1 << (E + m)
  std::uint32_t mag_mask;      // the E + m magnitude bits
  std::uint32_t exp_all_ones;  // 2^E - 1 (the exponent field, shifted down)
  std::uint32_t man_mask;      // 2^m - 1
  std::uint32_t inf_mag;       // magnitude of infinity (meaningful only when ieee_special)
  std::uint32_t max_mag;       // magnitude of the largest finite value
};

Layout layout(FloatFormat f) {
  TPESIM_CHECK(f.exp_bits >= 2 && f.exp_bits <= 8 && f.man_bits >= 0 && f.man_bits <= 23,
               "unsupported float format: {} exponent bits, {} fraction bits", f.exp_bits,
               f.man_bits);
  Layout l{};
  l.man_bits = f.man_bits;
  l.exp_bits = f.exp_bits;
  l.bias = f.bias();
  l.ieee_special = f.ieee_special;
  l.sign_bit = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  l.mag_mask = l.sign_bit - 1;
  l.exp_all_ones = (std::uint32_t{1} << f.exp_bits) - 1;
  l.man_mask = (std::uint32_t{1} << f.man_bits) - 1;
  l.inf_mag = l.exp_all_ones << f.man_bits;
  // IEEE-like: one below infinity. OCP e4m3 convention: one below the all-ones NaN pattern.
  l.max_mag = f.ieee_special ? l.inf_mag - 1 : l.mag_mask - 1;
  return l;
}

std::uint32_t checked_pattern(std::uint32_t pattern, const Layout& l) {
  TPESIM_CHECK((pattern & ~(l.sign_bit | l.mag_mask)) == 0,
               "pattern {:#x} has bits above the format's {} bits", pattern,
               1 + l.exp_bits + l.man_bits);
  return pattern;
}

std::uint32_t exp_field(std::uint32_t pattern, const Layout& l) {
  return (pattern >> l.man_bits) & l.exp_all_ones;
}

bool nan_pattern(std::uint32_t pattern, const Layout& l) {
  const std::uint32_t mag = pattern & l.mag_mask;
  return l.ieee_special ? mag > l.inf_mag : mag == l.mag_mask;
}

// binary64 with the given sign, unbiased exponent (normal range of binary64) and 52-bit fraction.
double make_double(std::uint32_t sign, int exponent, std::uint64_t fraction) {
  const std::uint64_t bits =
      (std::uint64_t{sign} << 63) |
      (static_cast<std::uint64_t>(exponent + kDoubleBias) << kDoubleManBits) | fraction;
  return std::bit_cast<double>(bits);
}

// Decimal integer without sign or leading zeros (the canonical spelling), else nullopt.
std::optional<int> parse_small_uint(std::string_view s) {
  if (s.empty() || s.size() > 2 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  int v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<FloatFormat> parse_float_format(std::string_view name) {
  for (const NamedFormat& n : kNamed) {
    if (name == n.name) return n.format;
  }
  if (name.size() < 4 || name[0] != 'e') return std::nullopt;
  const std::size_t m_pos = name.find('m');
  if (m_pos == std::string_view::npos) return std::nullopt;
  const std::optional<int> x = parse_small_uint(name.substr(1, m_pos - 1));
  const std::optional<int> y = parse_small_uint(name.substr(m_pos + 1));
  if (!x || !y || *x < 2 || *x > 8 || *y < 0 || *y > 23 || *x + *y > 31) return std::nullopt;
  // An eXmY spelling of a named IEEE-like format is that format (the struct is the same).
  return FloatFormat{*x, *y, true};
}

std::string float_format_name(const FloatFormat& f) {
  for (const NamedFormat& n : kNamed) {
    if (f == n.format) return std::string(n.name);
  }
  // NOTE(model): a non-IEEE-like format other than OCP e4m3 also gets the plain "eXmY" name,
  // which parses back as the IEEE-like variant; no such format is named in the spec.
  return fmt::format("e{}m{}", f.exp_bits, f.man_bits);
}

bool is_nan(std::uint32_t pattern, FloatFormat f) {
  const Layout l = layout(f);
  return nan_pattern(checked_pattern(pattern, l), l);
}

bool is_inf(std::uint32_t pattern, FloatFormat f) {
  const Layout l = layout(f);
  return l.ieee_special && (checked_pattern(pattern, l) & l.mag_mask) == l.inf_mag;
}

bool is_zero(std::uint32_t pattern, FloatFormat f) {
  const Layout l = layout(f);
  return (checked_pattern(pattern, l) & l.mag_mask) == 0;
}

bool is_subnormal(std::uint32_t pattern, FloatFormat f) {
  const Layout l = layout(f);
  checked_pattern(pattern, l);
  return exp_field(pattern, l) == 0 && (pattern & l.man_mask) != 0;
}

double decode(std::uint32_t pattern, FloatFormat f) {
  const Layout l = layout(f);
  checked_pattern(pattern, l);
  const std::uint32_t sign = (pattern & l.sign_bit) != 0 ? 1 : 0;
  const double sign_one = sign != 0 ? -1.0 : 1.0;
  if (nan_pattern(pattern, l)) {
    return std::copysign(std::numeric_limits<double>::quiet_NaN(), sign_one);
  }
  if (l.ieee_special && (pattern & l.mag_mask) == l.inf_mag) {
    return std::copysign(std::numeric_limits<double>::infinity(), sign_one);
  }
  const int e = static_cast<int>(exp_field(pattern, l));
  const std::uint64_t man = pattern & l.man_mask;
  if (e != 0) {
    return make_double(sign, e - l.bias, man << (kDoubleManBits - l.man_bits));
  }
  if (man == 0) return make_double(sign, -kDoubleBias, 0);  // the biased exponent is 0: ±0
  // Subnormal man * 2^(1 - bias - m): normalise on its leading bit (always normal in binary64).
  const int lead = static_cast<int>(std::bit_width(man)) - 1;
  const std::uint64_t rest = man - (std::uint64_t{1} << lead);
  return make_double(sign, lead + 1 - l.bias - l.man_bits, rest << (kDoubleManBits - lead));
}

std::uint32_t encode(double value, FloatFormat f) {
  const Layout l = layout(f);
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(value);
  const std::uint32_t sign = (bits >> 63) != 0 ? l.sign_bit : 0;
  const std::uint64_t d_exp = (bits >> kDoubleManBits) & kDoubleExpMask;
  const std::uint64_t d_man = bits & ((std::uint64_t{1} << kDoubleManBits) - 1);

  if (d_exp == kDoubleExpMask) {
    if (d_man != 0) {
      if (!l.ieee_special) return sign | l.mag_mask;
      // NOTE(model): an IEEE-like format without fraction bits (eXm0) has no NaN encoding; NaN
      // becomes the all-ones exponent, i.e. infinity with the input's sign.
      const std::uint32_t quiet = l.man_bits > 0 ? std::uint32_t{1} << (l.man_bits - 1) : 0;
      return sign | l.inf_mag | quiet;
    }
    return sign | (l.ieee_special ? l.inf_mag : l.max_mag);  // ±inf, or satfinite
  }
  if (d_exp == 0 && d_man == 0) return sign;

  // |value| = sig * 2^q exactly, sig < 2^53.
  const std::uint64_t sig = d_exp != 0 ? (d_man | (std::uint64_t{1} << kDoubleManBits)) : d_man;
  const int q = d_exp != 0 ? static_cast<int>(d_exp) - kDoubleBias - kDoubleManBits
                           : 1 - kDoubleBias - kDoubleManBits;
  // floor(log2 |value|), and the exponent of the binade the result is quantised in (subnormals
  // share the smallest normal binade's quantum).
  const int exponent = q + static_cast<int>(std::bit_width(sig)) - 1;
  const int min_normal_exp = 1 - l.bias;
  const int binade = exponent > min_normal_exp ? exponent : min_normal_exp;
  const int quantum = binade - l.man_bits;  // log2 of one ulp in that binade
  // The magnitude bits are the binade's exponent field above the fraction plus n = |value| /
  // 2^quantum, which holds the hidden bit: so a carry out of the fraction moves into the next
  // binade, and a subnormal rounding up to 2^m lands on the smallest normal. No exponent overflows
  // 64 bits here: binade + bias <= 1023 + 127, n <= 2^(m+1).
  const std::uint64_t base = static_cast<std::uint64_t>(binade + l.bias - 1) << l.man_bits;
  std::uint64_t mag = 0;
  if (q >= quantum) {
    mag = base + (sig << (q - quantum));  // exact
  } else if (quantum - q > 63) {
    mag = base;  // sig < 2^53 is far below half an ulp
  } else {
    // Round to nearest, ties to the even pattern. With m >= 1 that is the even fraction (base is
    // even); without fraction bits it is the even exponent field.
    const int shift = quantum - q;
    const std::uint64_t rest = sig & ((std::uint64_t{1} << shift) - 1);
    const std::uint64_t half = std::uint64_t{1} << (shift - 1);
    mag = base + (sig >> shift);
    if (rest > half || (rest == half && (mag & 1) != 0)) ++mag;
  }
  // Rounded on the unbounded-exponent grid first; anything above max finite overflows.
  if (mag > l.max_mag) return sign | (l.ieee_special ? l.inf_mag : l.max_mag);
  return sign | static_cast<std::uint32_t>(mag);
}

double max_finite(FloatFormat f) { return decode(layout(f).max_mag, f); }

double min_subnormal(FloatFormat f) {
  // NOTE(model): with no fraction bits there are no subnormals; this is then the smallest
  // positive value, the smallest normal.
  return decode(1, f);
}

}  // namespace tpesim::pe
