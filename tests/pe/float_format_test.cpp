// SPDX-License-Identifier: Apache-2.0
// Tests for the PEs' floating-point formats: exhaustive decoding of every pattern up to 16 bits,
// RNE encoding against GCC's _Float16 and binary32 conversions and against a brute-force
// nearest-value search, the e4m3 satfinite rule, specials, and the format names.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "sim/core/errors.h"

namespace tpesim::pe {
namespace {

using Rng = std::mt19937_64;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

constexpr FloatFormat kE3M2{3, 2, true};
constexpr FloatFormat kE2M1{2, 1, true};
constexpr FloatFormat kE6M5{6, 5, true};
constexpr FloatFormat kE8M0{8, 0, true};
constexpr FloatFormat kE4M3Ieee{4, 3, true};

std::uint64_t bits_of(double d) { return std::bit_cast<std::uint64_t>(d); }

// The same double, bit for bit (so +0 and -0 differ); any two NaNs with the same sign match.
::testing::AssertionResult same_double(double got, double want) {
  const bool match = std::isnan(want) ? std::isnan(got) && std::signbit(got) == std::signbit(want)
                                      : bits_of(got) == bits_of(want);
  if (match) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << got << " (bits " << std::hex << bits_of(got)
                                       << "), want " << want << " (bits " << bits_of(want) << ")";
}

// ---- An independent decoder: sign, exponent and fraction fields, values from std::ldexp. ----

enum class Kind { kZero, kSubnormal, kNormal, kInfinity, kNotANumber };

struct Fields {
  std::uint32_t sign;      // 0 or 1
  std::uint32_t exponent;  // biased exponent field
  std::uint32_t fraction;  // fraction field
};

Fields fields_of(std::uint32_t pattern, FloatFormat f) {
  const int e = f.exp_bits;
  const int m = f.man_bits;
  return {(pattern >> (e + m)) & 1u, (pattern >> m) & ((1u << e) - 1u), pattern & ((1u << m) - 1u)};
}

Kind ref_kind(std::uint32_t pattern, FloatFormat f) {
  const Fields x = fields_of(pattern, f);
  const std::uint32_t exp_top = (1u << f.exp_bits) - 1u;
  const std::uint32_t frac_top = (1u << f.man_bits) - 1u;
  if (f.ieee_special && x.exponent == exp_top)
    return x.fraction == 0 ? Kind::kInfinity : Kind::kNotANumber;
  if (!f.ieee_special && x.exponent == exp_top && x.fraction == frac_top) return Kind::kNotANumber;
  if (x.exponent == 0) return x.fraction == 0 ? Kind::kZero : Kind::kSubnormal;
  return Kind::kNormal;
}

double ref_decode(std::uint32_t pattern, FloatFormat f) {
  const Fields x = fields_of(pattern, f);
  const double sign = x.sign != 0 ? -1.0 : 1.0;
  const int bias = (1 << (f.exp_bits - 1)) - 1;
  switch (ref_kind(pattern, f)) {
    case Kind::kNotANumber:
      return std::copysign(kNan, sign);
    case Kind::kInfinity:
      return sign * kInf;
    case Kind::kZero:
      return sign * 0.0;
    case Kind::kSubnormal:
      return sign * std::ldexp(static_cast<double>(x.fraction), 1 - bias - f.man_bits);
    case Kind::kNormal:
      break;
  }
  const double significand = 1.0 + std::ldexp(static_cast<double>(x.fraction), -f.man_bits);
  return sign * std::ldexp(significand, static_cast<int>(x.exponent) - bias);
}

std::uint32_t sign_bit(FloatFormat f) { return 1u << (f.exp_bits + f.man_bits); }

// ---- Brute-force RNE reference for formats of at most 16 bits: nearest by enumeration. ----

struct Grid {
  FloatFormat format;                   // the format enumerated
  std::vector<double> values;           // every non-negative finite value, ascending (0 first)
  std::vector<std::uint32_t> patterns;  // the pattern of each value
  double next_above_max = 0;            // value of the pattern after max with unbounded exponent
  std::uint32_t overflow_pattern = 0;   // what a positive value past max finite encodes to
};

Grid make_grid(FloatFormat f) {
  Grid g;
  g.format = f;
  std::vector<std::pair<double, std::uint32_t>> all;
  for (std::uint32_t p = 0; p < sign_bit(f); ++p) {
    const double v = ref_decode(p, f);
    if (std::isfinite(v)) all.emplace_back(v, p);
  }
  std::sort(all.begin(), all.end());
  for (const auto& [v, p] : all) {
    g.values.push_back(v);
    g.patterns.push_back(p);
  }
  const std::uint32_t max_pattern = g.patterns.back();
  const Fields x = fields_of(max_pattern, f);
  const int bias = (1 << (f.exp_bits - 1)) - 1;
  g.next_above_max = std::ldexp(static_cast<double>((1u << f.man_bits) + x.fraction + 1u),
                                static_cast<int>(x.exponent) - bias - f.man_bits);
  g.overflow_pattern = f.ieee_special ? ((1u << f.exp_bits) - 1u) << f.man_bits : max_pattern;
  return g;
}

// The RNE pattern of a finite `v`: the nearer of the two enumerated neighbours, on a tie the one
// with the even pattern; the hypothetical value after max finite counts as a neighbour and
// choosing it (or anything past it) means overflow.
std::uint32_t nearest_by_enumeration(double v, const Grid& g) {
  const std::uint32_t sign = std::signbit(v) ? sign_bit(g.format) : 0u;
  const double a = std::fabs(v);
  if (a > g.next_above_max) return sign | g.overflow_pattern;
  const auto it = std::lower_bound(g.values.begin(), g.values.end(), a);
  const std::size_t hi_index = static_cast<std::size_t>(it - g.values.begin());
  if (hi_index < g.values.size() && g.values[hi_index] == a) return sign | g.patterns[hi_index];
  // a > 0 here, and values[0] == 0, so a lower neighbour exists.
  const double lo = g.values[hi_index - 1];
  const std::uint32_t lo_pattern = g.patterns[hi_index - 1];
  const bool past_max = hi_index == g.values.size();
  const double hi = past_max ? g.next_above_max : g.values[hi_index];
  const std::uint32_t hi_pattern = past_max ? lo_pattern + 1u : g.patterns[hi_index];
  // Both differences are exact (Sterbenz) except hi - a when a < hi / 2, where lo wins anyway.
  const double d_lo = a - lo;
  const double d_hi = hi - a;
  const bool take_hi = d_hi < d_lo || (d_hi == d_lo && (hi_pattern & 1u) == 0);
  if (!take_hi) return sign | lo_pattern;
  return sign | (past_max ? g.overflow_pattern : hi_pattern);
}

// ---- Random inputs around a grid: exact values, ties, one double ulp off ties, the gaps
// between neighbours, every binade from below the smallest subnormal to past overflow. ----

struct Span {
  double min_subnormal;   // smallest positive value of the format
  double max_finite;      // largest finite value
  double next_above_max;  // the hypothetical value after max_finite
};

double pick_near(double lo, double hi, const Span& s, Rng& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::uniform_int_distribution<int> kind(0, 15);
  const double mid = (lo + hi) / 2;  // exact: at most 25 significant bits
  double v = 0;
  switch (kind(rng)) {
    case 0:
    case 1:
      v = lo;
      break;
    case 2:
    case 3:
    case 4:
      v = mid;
      break;
    case 5:
    case 6:
      v = std::nextafter(mid, kInf);
      break;
    case 7:
    case 8:
      v = std::nextafter(mid, 0.0);
      break;
    case 9:
    case 10:
      v = lo + (hi - lo) * unit(rng);
      break;
    case 11:
    case 12: {
      std::uniform_int_distribution<int> exp(std::ilogb(s.min_subnormal) - 4,
                                             std::ilogb(s.next_above_max) + 4);
      v = std::ldexp(1.0 + unit(rng), exp(rng));
      break;
    }
    case 13:
    case 14:
      v = s.max_finite + (s.next_above_max - s.max_finite) * 4 * unit(rng);
      break;
    default: {
      std::uniform_int_distribution<std::uint64_t> any;
      do {
        v = std::bit_cast<double>(any(rng));
      } while (!std::isfinite(v));
      break;
    }
  }
  std::bernoulli_distribution negative(0.5);
  return negative(rng) ? -std::fabs(v) : std::fabs(v);
}

double sample_near_grid(const Grid& g, Rng& rng) {
  std::uniform_int_distribution<std::size_t> index(0, g.values.size() - 1);
  const std::size_t i = index(rng);
  const double hi = i + 1 < g.values.size() ? g.values[i + 1] : g.next_above_max;
  return pick_near(g.values[i], hi, {g.values[1], g.values.back(), g.next_above_max}, rng);
}

// Encodes `count` random doubles and compares with the enumeration reference.
void expect_encode_matches_enumeration(FloatFormat f, int count, std::uint64_t seed) {
  SCOPED_TRACE(float_format_name(f));
  const Grid g = make_grid(f);
  Rng rng(seed);
  int failures = 0;
  for (int i = 0; i < count && failures < 10; ++i) {
    const double v = sample_near_grid(g, rng);
    const std::uint32_t got = encode(v, f);
    const std::uint32_t want = nearest_by_enumeration(v, g);
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "encode(" << std::hexfloat << v << ") = 0x" << std::hex << got
                    << ", nearest by enumeration 0x" << want;
    }
  }
}

// decode() and the classifiers against the independent decoder for every pattern of `f`.
void expect_all_patterns_match_reference(FloatFormat f) {
  SCOPED_TRACE(float_format_name(f));
  int failures = 0;
  for (std::uint32_t p = 0; p < 2 * sign_bit(f) && failures < 10; ++p) {
    const Kind k = ref_kind(p, f);
    const bool ok = same_double(decode(p, f), ref_decode(p, f)) &&
                    is_nan(p, f) == (k == Kind::kNotANumber) &&
                    is_inf(p, f) == (k == Kind::kInfinity) && is_zero(p, f) == (k == Kind::kZero) &&
                    is_subnormal(p, f) == (k == Kind::kSubnormal);
    if (!ok) {
      ++failures;
      ADD_FAILURE() << "pattern 0x" << std::hex << p << ": decode " << std::hexfloat << decode(p, f)
                    << ", reference " << ref_decode(p, f);
    }
  }
}

// encode(decode(p)) == p for every non-NaN pattern; a NaN comes back as a NaN of the same sign.
void expect_all_patterns_round_trip(FloatFormat f) {
  SCOPED_TRACE(float_format_name(f));
  int failures = 0;
  for (std::uint32_t p = 0; p < 2 * sign_bit(f) && failures < 10; ++p) {
    const std::uint32_t back = encode(decode(p, f), f);
    const bool ok =
        is_nan(p, f) ? is_nan(back, f) && (back & sign_bit(f)) == (p & sign_bit(f)) : back == p;
    if (!ok) {
      ++failures;
      ADD_FAILURE() << "pattern 0x" << std::hex << p << " came back as 0x" << back;
    }
  }
}

std::uint16_t half_bits(double v) { return std::bit_cast<std::uint16_t>(static_cast<_Float16>(v)); }

// ---- fp8 ----

// Every e4m3 and e5m2 pattern survives decode then encode (NaN stays a NaN of the same sign).
TEST(FloatFormatTest, Fp8AllPatternsRoundTrip) {
  expect_all_patterns_round_trip(kFp8E4M3);
  expect_all_patterns_round_trip(kFp8E5M2);
}

// Every e4m3 and e5m2 pattern decodes and classifies like the sign/exponent/fraction reference.
TEST(FloatFormatTest, Fp8AllPatternsMatchIndependentDecoding) {
  expect_all_patterns_match_reference(kFp8E4M3);
  expect_all_patterns_match_reference(kFp8E5M2);
}

// The OCP e4m3 grid: 2 NaNs, no infinity, 126 positive finite values up to 448; e5m2: 57344.
TEST(FloatFormatTest, Fp8RangesAreTheSpecLiterals) {
  int nans = 0;
  int infs = 0;
  for (std::uint32_t p = 0; p < 256; ++p) {
    nans += is_nan(p, kFp8E4M3) ? 1 : 0;
    infs += is_inf(p, kFp8E4M3) ? 1 : 0;
  }
  EXPECT_EQ(nans, 2);
  EXPECT_EQ(infs, 0);
  EXPECT_TRUE(is_nan(0x7F, kFp8E4M3));
  EXPECT_TRUE(is_nan(0xFF, kFp8E4M3));
  EXPECT_EQ(decode(0x7E, kFp8E4M3), 448.0);
  EXPECT_EQ(decode(0x78, kFp8E4M3), 256.0);  // the all-ones exponent holds normals
  EXPECT_EQ(max_finite(kFp8E4M3), 448.0);
  EXPECT_EQ(min_subnormal(kFp8E4M3), 0x1p-9);
  EXPECT_EQ(make_grid(kFp8E4M3).values.size(), 127u);  // 0 and 126 positive values
  EXPECT_EQ(max_finite(kFp8E5M2), 57344.0);
  EXPECT_EQ(min_subnormal(kFp8E5M2), 0x1p-16);
  EXPECT_TRUE(is_inf(0x7C, kFp8E5M2));
  EXPECT_TRUE(is_inf(0xFC, kFp8E5M2));
  EXPECT_TRUE(is_nan(0x7D, kFp8E5M2));
}

// Random doubles near the fp8 grids (ties, overflow region included) encode to the nearest
// pattern found by enumeration.
TEST(FloatFormatTest, Fp8EncodeMatchesNearestByEnumeration) {
  expect_encode_matches_enumeration(kFp8E4M3, 200000, 1);
  expect_encode_matches_enumeration(kFp8E5M2, 200000, 2);
}

// ---- fp16 ----

// Every fp16 pattern decodes exactly as GCC's _Float16 -> double conversion.
TEST(FloatFormatTest, Fp16DecodeMatchesFloat16Conversion) {
  for (std::uint32_t p = 0; p < 0x10000; ++p) {
    const auto h = std::bit_cast<_Float16>(static_cast<std::uint16_t>(p));
    ASSERT_TRUE(same_double(decode(p, kFp16), static_cast<double>(h))) << "pattern " << p;
  }
}

// The oracle's assumption: GCC's double -> _Float16 cast is one RNE rounding (no detour through
// binary32, which would turn the two double-rounding cases below into ties to even).
TEST(FloatFormatTest, Float16CastIsSingleRneRounding) {
  const std::pair<double, std::uint16_t> cases[] = {
      {1.0 + 0x1p-11, 0x3C00},            // tie, even below
      {1.0 + 0x3p-11, 0x3C02},            // tie, even above
      {1.0 + 0x1p-11 + 0x1p-30, 0x3C01},  // via binary32 this would be a tie -> 0x3C00
      {0x1p-25 + 0x1p-60, 0x0001},        // via binary32: a tie -> 0x0000
      {0x1p-25, 0x0000},                  // tie between 0 and the smallest subnormal
      {0x3p-25, 0x0002},                  // tie between subnormals 1 and 2
      {65504.0, 0x7BFF},                  // max finite
      {65520.0, 0x7C00},                  // halfway above max: inf
      {std::nextafter(65520.0, 0.0), 0x7BFF},
  };
  for (const auto& [v, want] : cases) {
    EXPECT_EQ(half_bits(v), want) << std::hexfloat << v;
    EXPECT_EQ(encode(v, kFp16), want) << std::hexfloat << v;
  }
}

// One million random doubles over every binade around fp16's range encode like the _Float16 cast.
TEST(FloatFormatTest, Fp16EncodeMatchesFloat16Cast) {
  const Grid g = make_grid(kFp16);
  Rng rng(16);
  int failures = 0;
  for (int i = 0; i < 1000000 && failures < 10; ++i) {
    const double v = sample_near_grid(g, rng);
    const std::uint32_t got = encode(v, kFp16);
    if (got != half_bits(v)) {
      ++failures;
      ADD_FAILURE() << "encode(" << std::hexfloat << v << ") = 0x" << std::hex << got
                    << ", _Float16 0x" << half_bits(v);
    }
  }
}

// Random doubles encode to fp16's nearest pattern found by enumeration (the reference itself is
// checked against _Float16 here).
TEST(FloatFormatTest, Fp16EncodeMatchesNearestByEnumeration) {
  expect_encode_matches_enumeration(kFp16, 200000, 3);
  const Grid g = make_grid(kFp16);
  Rng rng(4);
  for (int i = 0; i < 100000; ++i) {
    const double v = sample_near_grid(g, rng);
    ASSERT_EQ(nearest_by_enumeration(v, g), half_bits(v)) << std::hexfloat << v;
  }
}

// ---- bf16 ----

// Every bf16 pattern decodes exactly as the binary32 whose high half it is.
TEST(FloatFormatTest, Bf16DecodeMatchesHighHalfOfBinary32) {
  for (std::uint32_t p = 0; p < 0x10000; ++p) {
    const double want = static_cast<double>(std::bit_cast<float>(p << 16));
    ASSERT_TRUE(same_double(decode(p, kBf16), want)) << "pattern " << p;
  }
}

// Random doubles near the bf16 grid encode to the nearest pattern found by enumeration.
TEST(FloatFormatTest, Bf16EncodeMatchesNearestByEnumeration) {
  expect_encode_matches_enumeration(kBf16, 300000, 5);
}

// ---- generic eXmY and exhaustive checks of every format up to 16 bits ----

// Random doubles near small generic grids encode to the nearest pattern found by enumeration.
TEST(FloatFormatTest, GenericEncodeMatchesNearestByEnumeration) {
  expect_encode_matches_enumeration(kE3M2, 100000, 6);
  expect_encode_matches_enumeration(kE2M1, 100000, 7);
  expect_encode_matches_enumeration(kE6M5, 100000, 8);
  expect_encode_matches_enumeration(kE8M0, 100000, 9);
  expect_encode_matches_enumeration(kE4M3Ieee, 100000, 10);
}

// Every pattern of fp16, bf16 and every eXmY of at most 16 bits decodes, classifies and
// round-trips like the independent decoder says.
TEST(FloatFormatTest, AllFormatsUpTo16BitsDecodeAndRoundTrip) {
  expect_all_patterns_match_reference(kFp16);
  expect_all_patterns_match_reference(kBf16);
  expect_all_patterns_round_trip(kFp16);
  expect_all_patterns_round_trip(kBf16);
  for (int e = 2; e <= 8; ++e) {
    for (int m = 0; 1 + e + m <= 16; ++m) {
      expect_all_patterns_match_reference(FloatFormat{e, m, true});
      expect_all_patterns_round_trip(FloatFormat{e, m, true});
    }
  }
}

// Small IEEE-like grids written out: e2m1 is {0, 0.5, 1, 1.5, 2, 3} then inf; e8m0 is
// 2^-126..2^127.
TEST(FloatFormatTest, SmallGenericGridsAreTheLiterals) {
  const double e2m1[] = {0.0, 0.5, 1.0, 1.5, 2.0, 3.0, kInf};
  for (std::uint32_t p = 0; p < 7; ++p) EXPECT_EQ(decode(p, kE2M1), e2m1[p]) << p;
  EXPECT_TRUE(is_nan(7, kE2M1));
  EXPECT_EQ(max_finite(kE2M1), 3.0);
  EXPECT_EQ(min_subnormal(kE2M1), 0.5);
  EXPECT_EQ(encode(2.5, kE2M1), 4u);   // tie between 2 (0b100) and 3 (0b101): even
  EXPECT_EQ(encode(3.5, kE2M1), 6u);   // tie between 3 and the hypothetical 4: inf
  EXPECT_EQ(encode(0.75, kE2M1), 2u);  // tie between 0.5 (0b001) and 1 (0b010): even
  EXPECT_EQ(max_finite(kE8M0), 0x1p127);
  EXPECT_EQ(min_subnormal(kE8M0), 0x1p-126);  // no subnormals: the smallest normal
  // Without fraction bits, ties go to the even pattern, i.e. the even exponent field.
  EXPECT_EQ(encode(0x1.8p127, kE8M0), 0xFEu);  // tie between 2^127 (0xFE) and 2^128 (inf)
  EXPECT_EQ(encode(0x1.8000000000001p127, kE8M0), 0xFFu);
  EXPECT_EQ(encode(0x1.8p1, kE8M0), 0x80u);     // tie between 2 (0x80) and 4 (0x81)
  EXPECT_EQ(encode(0x1.8p-127, kE8M0), 0x01u);  // above half of 2^-126 rounds up
  EXPECT_EQ(encode(0x1p-127, kE8M0), 0x00u);    // tie between 0 and 2^-126: even (0)
  EXPECT_EQ(encode(0x1.8p0, kE8M0), 0x80u);     // tie between 1 (0x7F) and 2 (0x80)
  EXPECT_EQ(max_finite(kE4M3Ieee), 240.0);
}

// ---- fp32 ----

// Random doubles around every binary32 binade encode like static_cast<float> (host RNE).
TEST(FloatFormatTest, Fp32EncodeMatchesFloatCast) {
  Rng rng(32);
  std::uniform_int_distribution<std::uint32_t> any_pattern(0, 0x7F7FFFFF);
  const Span s{0x1p-149, static_cast<double>(std::numeric_limits<float>::max()), 0x1p128};
  int failures = 0;
  for (int i = 0; i < 1000000 && failures < 10; ++i) {
    const std::uint32_t p = any_pattern(rng);
    const double lo = static_cast<double>(std::bit_cast<float>(p));
    const double hi = p == 0x7F7FFFFF ? 0x1p128 : static_cast<double>(std::bit_cast<float>(p + 1));
    const double v = pick_near(lo, hi, s, rng);
    const std::uint32_t want = std::bit_cast<std::uint32_t>(static_cast<float>(v));
    const std::uint32_t got = encode(v, kFp32);
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "encode(" << std::hexfloat << v << ") = 0x" << std::hex << got
                    << ", float cast 0x" << want;
    }
  }
}

// Random binary32 patterns (all classes) decode like bit_cast<float> widened to double.
TEST(FloatFormatTest, Fp32DecodeMatchesBitCast) {
  Rng rng(33);
  std::uniform_int_distribution<std::uint32_t> any_pattern;
  std::vector<std::uint32_t> patterns = {0x00000000, 0x80000000, 0x00000001, 0x007FFFFF,
                                         0x00800000, 0x7F7FFFFF, 0x7F800000, 0xFF800000,
                                         0x7FC00000, 0xFFFFFFFF, 0x7F800001};
  for (int i = 0; i < 1000000; ++i) patterns.push_back(any_pattern(rng));
  for (const std::uint32_t p : patterns) {
    const double want = static_cast<double>(std::bit_cast<float>(p));
    ASSERT_TRUE(same_double(decode(p, kFp32), want)) << "pattern " << p;
    ASSERT_EQ(is_nan(p, kFp32), std::isnan(want)) << p;
    ASSERT_EQ(is_inf(p, kFp32), std::isinf(want)) << p;
    ASSERT_EQ(is_subnormal(p, kFp32), std::fpclassify(std::bit_cast<float>(p)) == FP_SUBNORMAL);
  }
}

// ---- listed edge cases ----

struct EdgeCase {
  FloatFormat format;  // target format
  double value;        // input
  std::uint32_t want;  // expected pattern
};

// Zeros, the smallest subnormal and the tie below it, the largest subnormal rounding into the
// smallest normal, mantissa carries into the next binade, max finite and the tie above it.
TEST(FloatFormatTest, EdgeCasesOfNamedFormats) {
  const EdgeCase cases[] = {
      {kFp32, 0.0, 0x00000000},
      {kFp32, -0.0, 0x80000000},
      {kFp32, 1.0, 0x3F800000},
      {kFp32, 0x1p-149, 0x00000001},
      {kFp32, 0x1p-150, 0x00000000},
      {kFp32, -0x1p-150, 0x80000000},
      {kFp32, 0x1.0000000000001p-150, 0x00000001},
      {kFp32, 0x1.fffffcp-127, 0x007FFFFF},
      {kFp32, 0x1.fffffep-127, 0x00800000},
      {kFp32, 0x1.fffffdp-127, 0x007FFFFF},
      {kFp32, 0x1.ffffffp0, 0x40000000},
      {kFp32, 0x1.fffffep127, 0x7F7FFFFF},
      {kFp32, 0x1.ffffffp127, 0x7F800000},
      {kFp32, 0x1.fffffefffffffp127, 0x7F7FFFFF},
      {kFp32, -0x1.ffffffp127, 0xFF800000},
      {kFp32, 1e300, 0x7F800000},
      {kFp32, 1e-300, 0x00000000},
      {kFp32, 0x1p-1074, 0x00000000},
      {kBf16, -0.0, 0x8000},
      {kBf16, 1.0, 0x3F80},
      {kBf16, 1.0 + 0x1p-8, 0x3F80},
      {kBf16, 1.0 + 0x3p-8, 0x3F82},
      {kBf16, 0x1p-133, 0x0001},
      {kBf16, 0x1p-134, 0x0000},
      {kBf16, 0x1.fcp-127, 0x007F},
      {kBf16, 0x1.fep-127, 0x0080},
      {kBf16, 0x1.ffp0, 0x4000},
      {kBf16, 0x1.fep127, 0x7F7F},
      {kBf16, 0x1.ffp127, 0x7F80},
      {kBf16, 0x1.fefffffffffffp127, 0x7F7F},
      {kFp16, -0.0, 0x8000},
      {kFp16, 1.0, 0x3C00},
      {kFp16, 0x1p-24, 0x0001},
      {kFp16, -0x1p-25, 0x8000},
      {kFp16, 0x1.ff8p-15, 0x03FF},
      {kFp16, 0x1.ffcp-15, 0x0400},
      {kFp16, 0x1.ffbffffffffffp-15, 0x03FF},
      {kFp16, 0x1p-14, 0x0400},
      {kFp16, 0x1.ffep0, 0x4000},
      {kFp16, 65504.0, 0x7BFF},
      {kFp16, 65520.0, 0x7C00},
      {kFp16, -65520.0, 0xFC00},
      {kFp16, 65519.99, 0x7BFF},
      {kFp8E4M3, 0.0, 0x00},
      {kFp8E4M3, -0.0, 0x80},
      {kFp8E4M3, 1.0, 0x38},
      {kFp8E4M3, 0x1p-9, 0x01},
      {kFp8E4M3, 0x1p-10, 0x00},
      {kFp8E4M3, 0x1.0000000000001p-10, 0x01},
      {kFp8E4M3, 0x7p-9, 0x07},
      {kFp8E4M3, 0xfp-10, 0x08},
      {kFp8E4M3, 0x1p-6, 0x08},
      {kFp8E4M3, 0x1.fp0, 0x40},
      {kFp8E4M3, 256.0, 0x78},
      {kFp8E4M3, 448.0, 0x7E},
      {kFp8E4M3, 463.99, 0x7E},
      {kFp8E4M3, 464.0, 0x7E},
      {kFp8E4M3, 480.0, 0x7E},
      {kFp8E4M3, 1e300, 0x7E},
      {kFp8E4M3, -464.0, 0xFE},
      {kFp8E4M3, -1e300, 0xFE},
      {kFp8E5M2, -0.0, 0x80},
      {kFp8E5M2, 1.0, 0x3C},
      {kFp8E5M2, 0x1p-16, 0x01},
      {kFp8E5M2, 0x1p-17, 0x00},
      {kFp8E5M2, 0x3p-16, 0x03},
      {kFp8E5M2, 0x7p-17, 0x04},
      {kFp8E5M2, 0x1p-14, 0x04},
      {kFp8E5M2, 0x1.ep0, 0x40},
      {kFp8E5M2, 57344.0, 0x7B},
      {kFp8E5M2, 61440.0, 0x7C},
      {kFp8E5M2, 61439.99, 0x7B},
      {kFp8E5M2, -61440.0, 0xFC},
      {kE4M3Ieee, 240.0, 0x77},
      {kE4M3Ieee, 248.0, 0x78},
      {kE4M3Ieee, 247.99, 0x77},
  };
  for (const EdgeCase& c : cases) {
    EXPECT_EQ(encode(c.value, c.format), c.want)
        << float_format_name(c.format) << " " << std::hexfloat << c.value;
  }
  EXPECT_EQ(max_finite(kFp32), 0x1.fffffep127);
  EXPECT_EQ(min_subnormal(kFp32), 0x1p-149);
  EXPECT_EQ(max_finite(kBf16), 0x1.fep127);
  EXPECT_EQ(min_subnormal(kBf16), 0x1p-133);
  EXPECT_EQ(max_finite(kFp16), 65504.0);
  EXPECT_EQ(min_subnormal(kFp16), 0x1p-24);
}

struct Specials {
  FloatFormat format;  // target format
  std::uint32_t nan;   // canonical positive NaN
  std::uint32_t inf;   // what +inf encodes to (max finite for e4m3)
};

// NaN inputs (quiet, signalling, either sign) give the canonical NaN with the input's sign; inf
// gives inf, or satfinite max for e4m3; the special patterns decode back to NaN and inf.
TEST(FloatFormatTest, NanAndInfInputsForEveryNamedFormat) {
  const Specials cases[] = {
      {kFp32, 0x7FC00000, 0x7F800000}, {kBf16, 0x7FC0, 0x7F80}, {kFp16, 0x7E00, 0x7C00},
      {kFp8E4M3, 0x7F, 0x7E},          {kFp8E5M2, 0x7E, 0x7C},
  };
  const double snan = std::bit_cast<double>(std::uint64_t{0x7FF0000000000001});
  const double nan_payload = std::bit_cast<double>(std::uint64_t{0x7FF8DEADBEEF0001});
  for (const Specials& c : cases) {
    SCOPED_TRACE(float_format_name(c.format));
    const std::uint32_t s = sign_bit(c.format);
    EXPECT_EQ(encode(kNan, c.format), c.nan);
    EXPECT_EQ(encode(-kNan, c.format), s | c.nan);
    EXPECT_EQ(encode(std::copysign(kNan, -1.0), c.format), s | c.nan);
    EXPECT_EQ(encode(snan, c.format), c.nan);
    EXPECT_EQ(encode(nan_payload, c.format), c.nan);
    EXPECT_EQ(encode(kInf, c.format), c.inf);
    EXPECT_EQ(encode(-kInf, c.format), s | c.inf);
    EXPECT_TRUE(is_nan(c.nan, c.format));
    EXPECT_TRUE(same_double(decode(c.nan, c.format), kNan));
    EXPECT_TRUE(same_double(decode(s | c.nan, c.format), -kNan));
    EXPECT_TRUE(same_double(decode(c.inf, c.format), c.format.has_inf() ? kInf : 448.0));
    EXPECT_TRUE(same_double(decode(s | c.inf, c.format), c.format.has_inf() ? -kInf : -448.0));
    EXPECT_EQ(is_inf(c.inf, c.format), c.format.has_inf());
  }
}

// An IEEE-like format without fraction bits has no NaN pattern: NaN encodes as infinity.
TEST(FloatFormatTest, NanWithoutFractionBitsBecomesInfinity) {
  EXPECT_EQ(encode(kNan, kE8M0), 0xFFu);
  EXPECT_EQ(encode(-kNan, kE8M0), 0x1FFu);
  EXPECT_TRUE(is_inf(0xFF, kE8M0));
  for (std::uint32_t p = 0; p < 0x200; ++p) EXPECT_FALSE(is_nan(p, kE8M0)) << p;
}

// Unsupported formats and patterns with bits above the format are model errors, not garbage.
TEST(FloatFormatTest, InvalidFormatOrPatternIsModelError) {
  EXPECT_THROW(encode(1.0, FloatFormat{9, 2, true}), ModelError);
  EXPECT_THROW(encode(1.0, FloatFormat{1, 2, true}), ModelError);
  EXPECT_THROW(decode(0, FloatFormat{5, 24, true}), ModelError);
  EXPECT_THROW(decode(0x100, kFp8E4M3), ModelError);
  EXPECT_THROW(is_nan(0x10000, kFp16), ModelError);
  EXPECT_NO_THROW(decode(0xFFFFFFFF, kFp32));
}

// ---- names ----

// The five names parse to their constants and are their canonical names.
TEST(FloatFormatTest, NamedFormatsParseAndName) {
  const std::pair<const char*, FloatFormat> named[] = {{"fp32", kFp32},
                                                       {"bf16", kBf16},
                                                       {"fp16", kFp16},
                                                       {"fp8_e4m3", kFp8E4M3},
                                                       {"fp8_e5m2", kFp8E5M2}};
  for (const auto& [name, format] : named) {
    EXPECT_EQ(parse_float_format(name), format) << name;
    EXPECT_EQ(float_format_name(format), name);
  }
}

// Every eXmY parses as IEEE-like; names of named formats win, and "e4m3" is not OCP e4m3.
TEST(FloatFormatTest, GenericNamesRoundTrip) {
  int parsed = 0;
  for (int e = 2; e <= 8; ++e) {
    for (int m = 0; m <= 23; ++m) {
      const std::string name = fmt::format("e{}m{}", e, m);
      const std::optional<FloatFormat> f = parse_float_format(name);
      ASSERT_TRUE(f.has_value()) << name;
      EXPECT_EQ(*f, (FloatFormat{e, m, true})) << name;
      EXPECT_EQ(parse_float_format(float_format_name(*f)), f) << name;
      ++parsed;
    }
  }
  EXPECT_EQ(parsed, 7 * 24);
  EXPECT_EQ(float_format_name(*parse_float_format("e8m23")), "fp32");
  EXPECT_EQ(float_format_name(*parse_float_format("e8m7")), "bf16");
  EXPECT_EQ(float_format_name(*parse_float_format("e5m10")), "fp16");
  EXPECT_EQ(float_format_name(*parse_float_format("e5m2")), "fp8_e5m2");
  EXPECT_EQ(parse_float_format("e5m10"), kFp16);
  EXPECT_EQ(parse_float_format("e4m3"), kE4M3Ieee);
  EXPECT_NE(parse_float_format("e4m3"), kFp8E4M3);
  EXPECT_EQ(float_format_name(kE4M3Ieee), "e4m3");
  EXPECT_EQ(float_format_name(kE2M1), "e2m1");
}

// Unknown names, out-of-range widths, wrong case and non-canonical digits are rejected.
TEST(FloatFormatTest, RejectsBadNames) {
  const char* bad[] = {"e1m2",  "e9m2",  "fp8",    "e4m28",    "",        "E4M3",  "e4m24",
                       "e0m3",  "e10m2", "e4m",    "em3",      "e4",      "m3",    "e04m3",
                       "e4m03", "e4m-1", "e+4m3",  " e4m3",    "e4m3 ",   "e4m3x", "fp8_e4m3x",
                       "FP16",  "e4M3",  "e4m3m1", "fp8_e4m2", "bfloat16"};
  for (const char* name : bad) EXPECT_FALSE(parse_float_format(name).has_value()) << name;
}

}  // namespace
}  // namespace tpesim::pe
