// SPDX-License-Identifier: Apache-2.0
// fp_mac: acc <- RNE32(acc + a*w) with an exact product (one rounding), against an independent
// binary64 evaluation; every operand format; special values; output rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "pe/fp_mac.h"

namespace tpesim::pe {
namespace {

// binary64 holds a*w exactly for these formats and rounding the binary64 sum to binary32 equals
// one rounding of the exact sum (53 >= 2 * 24 + 2), so this is an independent reference.
float reference_mac(float acc, float a, float w) {
  const double product = static_cast<double>(a) * static_cast<double>(w);
  return static_cast<float>(static_cast<double>(acc) + product);
}

// Random chains in every operand format pair: each step equals the binary64 reference.
TEST(FpMacTest, EveryStepIsOneRoundingOfTheExactSum) {
  std::mt19937_64 rng(3);
  std::normal_distribution<double> normal(0, 1);
  for (const FloatFormat& fa : {kFp16, kBf16, kFp8E4M3, kFp8E5M2}) {
    for (const FloatFormat& fw : {kFp16, kBf16, kFp8E4M3, kFp8E5M2}) {
      FpMacSpec spec;
      spec.a_format = fa;
      spec.w_format = fw;
      const FpMacArith arith(spec);
      float acc = 0;
      for (int i = 0; i < 20000; ++i) {
        const float a = arith.decode_a(encode(normal(rng) * 4, fa));
        const float w = arith.decode_w(encode(normal(rng) * 4, fw));
        const float expected = reference_mac(acc, a, w);
        acc = arith.mac_step(acc, a, w).value;
        ASSERT_EQ(acc, expected) << float_format_name(fa) << " x " << float_format_name(fw);
      }
    }
  }
}

// Operands decode exactly: every fp8 pattern, and the edges of fp16 / bf16.
TEST(FpMacTest, OperandsDecodeExactly) {
  FpMacSpec spec;
  spec.a_format = kFp8E4M3;
  spec.w_format = kFp8E5M2;
  const FpMacArith arith(spec);
  for (std::uint32_t p = 0; p < 256; ++p) {
    const double a = decode(p, kFp8E4M3), w = decode(p, kFp8E5M2);
    if (!std::isnan(a)) {
      EXPECT_EQ(static_cast<double>(arith.decode_a(p)), a);
    }
    if (!std::isnan(w)) {
      EXPECT_EQ(static_cast<double>(arith.decode_w(p)), w);
    }
  }
}

// Overflow to infinity and NaN are the numeric events fp_mac counts.
TEST(FpMacTest, NonFiniteAccumulatorIsAnEvent) {
  const FpMacArith arith(FpMacSpec{});
  EXPECT_FALSE(arith.mac_step(1.0f, 2.0f, 3.0f).overflow);
  EXPECT_TRUE(arith.mac_step(3.0e38f, 1.0e38f, 10.0f).overflow);  // bf16-range operands
  EXPECT_TRUE(arith.mac_step(0.0f, std::nanf(""), 1.0f).overflow);
}

// The output is the accumulator rounded once to out_format.
TEST(FpMacTest, OutputRoundsToOutFormat) {
  FpMacSpec spec;
  spec.out_format = kBf16;
  const FpMacArith arith(spec);
  EXPECT_EQ(arith.output(1.00390625f), encode(1.00390625, kBf16));  // a tie: rounds to even
  spec.out_format = kFp32;
  EXPECT_EQ(FpMacArith(spec).output(0.1f), encode(static_cast<double>(0.1f), kFp32));
}

}  // namespace
}  // namespace tpesim::pe
