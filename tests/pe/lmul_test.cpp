// SPDX-License-Identifier: Apache-2.0
// lmul: the integer-add product against an independent real-valued statement of L-Mul, on
// every pair of fp8 patterns and on random bf16 / fp16 / fp32 pairs; special values; offsets.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>
#include <utility>

#include "pe/lmul.h"
#include "sim/core/config_node.h"

namespace tpesim::pe {
namespace {

// The offsets the spec lists.
TEST(LmulTest, OffsetsMatchTheSpec) {
  EXPECT_EQ(lmul_offset(kFp8E4M3), 55);
  EXPECT_EQ(lmul_offset(kFp8E5M2), 59);
  EXPECT_EQ(lmul_offset(kBf16), 0x3F78);
  EXPECT_EQ(lmul_offset(kFp32), 0x3F780000);
  EXPECT_EQ(lmul_l(3), 3);
  EXPECT_EQ(lmul_l(4), 3);
  EXPECT_EQ(lmul_l(7), 4);
}

// L-Mul stated on values, not encodings: s = x_m + y_m + 2^-l, and the integer part of s
// carries into the exponent: (1 + frac(s)) 2^(e_x + e_y + floor(s)). For s in [1, 2) that is
// the spec's 2^(e_x + e_y + 1) s; s reaches 2 when 2^-l is not small enough (bf16, fp16, fp32:
// 2 (1 - 2^-m) + 2^-4 > 2), a case the spec's formula leaves out and the integer add settles.
// Zero and subnormal inputs give 0; results below the smallest normal give 0; above the largest
// finite value, the largest finite value; NaN or inf inputs give NaN.
struct Expected {
  double value;
  bool nan;
};
Expected reference_lmul(std::uint32_t x, std::uint32_t y, const FloatFormat& f) {
  const double vx = decode(x, f), vy = decode(y, f);
  if (std::isnan(vx) || std::isnan(vy) || std::isinf(vx) || std::isinf(vy)) return {0, true};
  const double sign = (std::signbit(vx) != std::signbit(vy)) ? -1.0 : 1.0;
  const double min_normal = std::ldexp(1.0, 1 - f.bias());
  if (std::fabs(vx) < min_normal || std::fabs(vy) < min_normal) return {sign * 0.0, false};
  int ex = 0, ey = 0;
  const double fx = std::frexp(std::fabs(vx), &ex) * 2 - 1;  // fraction in [0, 1)
  const double fy = std::frexp(std::fabs(vy), &ey) * 2 - 1;
  ex -= 1;
  ey -= 1;
  const double s = fx + fy + std::ldexp(1.0, -lmul_l(f.man_bits));
  const double carry = std::floor(s);
  const double v = (1 + (s - carry)) * std::ldexp(1.0, ex + ey + static_cast<int>(carry));
  if (v < min_normal) return {sign * 0.0, false};
  if (v > max_finite(f)) return {sign * max_finite(f), false};
  return {sign * v, false};
}

void check_pair(std::uint32_t x, std::uint32_t y, const FloatFormat& f) {
  const Expected e = reference_lmul(x, y, f);
  const LmulProduct p = lmul_multiply(x, y, f);
  if (e.nan) {
    ASSERT_TRUE(is_nan(p.pattern, f)) << std::hex << x << " * " << y;
    ASSERT_TRUE(p.nan);
    return;
  }
  const double got = decode(p.pattern, f);
  ASSERT_EQ(got, e.value) << float_format_name(f) << " " << std::hex << x << " * " << y;
  ASSERT_EQ(std::signbit(got), std::signbit(e.value)) << std::hex << x << " * " << y;
}

// Every pair of fp8 e4m3 patterns and of e5m2 patterns (2 x 65,536 products).
TEST(LmulTest, EveryFp8PairMatchesTheValueDefinition) {
  for (const FloatFormat& f : {kFp8E4M3, kFp8E5M2}) {
    for (std::uint32_t x = 0; x < 256; ++x) {
      for (std::uint32_t y = 0; y < 256; ++y) check_pair(x, y, f);
    }
  }
}

// Random bf16, fp16, fp32 and eXmY pairs, edge patterns included.
TEST(LmulTest, RandomWiderPairsMatchTheValueDefinition) {
  std::mt19937_64 rng(5);
  for (const FloatFormat& f :
       {kBf16, kFp16, kFp32, FloatFormat{3, 4, true}, FloatFormat{6, 9, true}}) {
    const std::uint32_t mask = f.bits() == 32 ? 0xFFFFFFFFu : ((1u << f.bits()) - 1);
    for (int i = 0; i < 200000; ++i) {
      check_pair(static_cast<std::uint32_t>(rng()) & mask, static_cast<std::uint32_t>(rng()) & mask,
                 f);
    }
  }
}

// The carry case the spec calls out: x_m + y_m + 2^-l >= 1 moves into the next binade.
TEST(LmulTest, MantissaCarryPropagatesIntoTheExponent) {
  // e4m3: 1.875 (0x3F) * 1.875: fractions 0.875 + 0.875 + 2^-3 = 1.875 >= 1 -> 2 * 1.875 = 3.75.
  EXPECT_EQ(decode(lmul_multiply(0x3F, 0x3F, kFp8E4M3).pattern, kFp8E4M3), 3.75);
  // e4m3: 1.0 * 1.0 = 1 + 2^-3 = 1.125 (the +2^-l bias of L-Mul).
  EXPECT_EQ(decode(lmul_multiply(0x38, 0x38, kFp8E4M3).pattern, kFp8E4M3), 1.125);
  // bf16: 1.9921875 (0x3FFF) squared: s = 2 * 127/128 + 1/16 = 262/128 >= 2 carries twice:
  // (1 + 6/128) * 2^2 = 4.1875.
  EXPECT_EQ(decode(lmul_multiply(0x3FFF, 0x3FFF, kBf16).pattern, kBf16), 4.1875);
}

// Flush, underflow, saturation and NaN are flagged (they are the PE's numeric events).
TEST(LmulTest, EventsAreFlagged) {
  EXPECT_FALSE(lmul_multiply(0x00, 0x38, kFp8E4M3).flushed);   // a zero input is no event
  EXPECT_TRUE(lmul_multiply(0x08, 0x08, kFp8E4M3).flushed);    // 2^-6 * 2^-6 underflows
  EXPECT_TRUE(lmul_multiply(0x7E, 0x7E, kFp8E4M3).saturated);  // 448 * 448
  EXPECT_EQ(decode(lmul_multiply(0x7E, 0x7E, kFp8E4M3).pattern, kFp8E4M3), 448.0);
  EXPECT_TRUE(lmul_multiply(0x7F, 0x38, kFp8E4M3).nan);
  EXPECT_TRUE(lmul_multiply(0x7C, 0x3C, kFp8E5M2).nan);  // inf input
  EXPECT_EQ(std::signbit(decode(lmul_multiply(0x80, 0x38, kFp8E4M3).pattern, kFp8E4M3)), true);
}

// Every NaN accumulator is the canonical +0x7FC00000, whichever operand's NaN (of either sign)
// made it, so the output is the accumulation format's NaN with sign 0.
TEST(LmulTest, EveryNanAccumulatorIsTheCanonicalNan) {
  struct Case {
    FloatFormat format;
    std::int32_t nan_neg, nan_pos, one;  // -NaN (or -inf), +NaN (or +inf), 1.0
  };
  const Case cases[] = {{kFp8E4M3, 0xFF, 0x7F, 0x38},
                        {kFp8E5M2, 0xFC, 0x7E, 0x3C},
                        {kBf16, 0xFFC1, 0x7F80, 0x3F80},
                        {kFp16, 0xFE01, 0x7C00, 0x3C00}};
  for (const Case& c : cases) {
    for (FloatFormat acc_format : {kFp32, kBf16, kFp16}) {
      LmulSpec spec;
      spec.format = c.format;
      spec.acc_format = acc_format;
      const LmulArith arith(spec);
      for (const auto& [a, w] :
           {std::pair{c.nan_neg, c.one}, std::pair{c.one, c.nan_neg},
            std::pair{c.nan_pos, c.nan_neg}, std::pair{c.nan_neg, c.nan_pos}}) {
        for (float acc : {0.0f, -1.5f, std::bit_cast<float>(0xFFC00000u)}) {
          const auto step = arith.mac_step(acc, a, w);
          EXPECT_EQ(std::bit_cast<std::uint32_t>(step.value), 0x7FC00000u)
              << float_format_name(c.format) << " a=" << a << " w=" << w;
          EXPECT_TRUE(step.overflow);
          EXPECT_FALSE(std::signbit(
              decode(static_cast<std::uint32_t>(arith.output(step.value)), acc_format)));
        }
      }
    }
  }
}

// Accumulation: binary32 adds, or one RNE rounding to bf16 / fp16 per add.
TEST(LmulTest, AccumulatorRoundsOncePerAdd) {
  LmulSpec spec;
  spec.format = kBf16;
  spec.acc_format = kBf16;
  const LmulArith arith(spec);
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(0, 1);
  float acc = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto a = static_cast<std::int32_t>(encode(normal(rng), kBf16));
    const auto w = static_cast<std::int32_t>(encode(normal(rng), kBf16));
    const float product = static_cast<float>(decode(
        lmul_multiply(static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(w), kBf16).pattern,
        kBf16));
    // Independent: the exact sum of two bf16 values fits in binary64; round it once to bf16.
    const double exact = static_cast<double>(acc) + static_cast<double>(product);
    const float expected = static_cast<float>(decode(encode(exact, kBf16), kBf16));
    acc = arith.mac_step(acc, a, w).value;
    ASSERT_EQ(acc, expected) << i;
  }
}

// Config: formats bind by name; an unknown format is a located error with a suggestion.
TEST(LmulTest, SpecBindsFormatsStrictly) {
  const ConfigDoc doc = ConfigDoc::from_string("format: fp8_e4m3\nacc_format: bf16\n", "l.yaml");
  LmulSpec spec;
  Diag diag;
  bind_fields(doc.root(), LmulSpec::fields(), spec, diag);
  EXPECT_TRUE(diag.empty());
  EXPECT_EQ(spec.format, kFp8E4M3);
  EXPECT_EQ(spec.acc_format, kBf16);
  const ConfigDoc bad =
      ConfigDoc::from_string("format: fp8_e4m2\nacc_format: fp8_e4m3\n", "l.yaml");
  Diag errors;
  bind_fields(bad.root(), LmulSpec::fields(), spec, errors);
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors.items()[0].message.find("did you mean 'fp8_e4m3'"), std::string::npos);
  EXPECT_EQ(errors.items()[1].loc.line, 2);
}

}  // namespace
}  // namespace tpesim::pe
