// SPDX-License-Identifier: Apache-2.0
// fp_mac: acc <- RNE32(acc + a*w) with an exact product (one rounding), against an independent
// binary64 evaluation; every operand format; special values; output rounding.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

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

// NaN patterns of f, both signs: IEEE-like quiet, signalling and all-ones payloads; e4m3's one.
std::vector<std::uint32_t> nan_patterns(const FloatFormat& f) {
  const std::uint32_t sign = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  const std::uint32_t all = sign - 1;
  std::vector<std::uint32_t> mags = {all};
  if (f.ieee_special) {
    const std::uint32_t inf = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
    mags.push_back(inf | (std::uint32_t{1} << (f.man_bits - 1)));
    mags.push_back(inf | 1);
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : mags) {
    out.push_back(m);
    out.push_back(m | sign);
  }
  return out;
}

// Every NaN result is the one canonical NaN +0x7FC00000, whatever produced it (NaN operands of
// any sign and payload, a NaN accumulator, inf * 0, inf + -inf), for every operand format pair:
// not the host FMA's NaN. It is an event, and fp16 / bf16 outputs are their canonical NaNs.
TEST(FpMacTest, EveryNanIsTheCanonicalNan) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  const std::vector<float> accs = {0.0f, -0.0f, 1.0f, -2.5f, kInf, -kInf};
  const std::vector<float> nan_accs = {
      std::bit_cast<float>(0x7FC00000u), std::bit_cast<float>(0xFFC00000u),
      std::bit_cast<float>(0x7F800001u), std::bit_cast<float>(0xFFFFFFFFu),
      std::bit_cast<float>(0x7FFFFFFFu)};
  for (const FloatFormat& fa : {kFp16, kBf16, kFp8E4M3, kFp8E5M2}) {
    for (const FloatFormat& fw : {kFp16, kBf16, kFp8E4M3, kFp8E5M2}) {
      FpMacSpec spec;
      spec.a_format = fa;
      spec.w_format = fw;
      const FpMacArith arith(spec);
      const std::string name = float_format_name(fa) + " x " + float_format_name(fw);
      int cases = 0;
      auto expect_nan = [&](float acc, float a, float w, const char* what) {
        const FpMacArith::Step r = arith.mac_step(acc, a, w);
        EXPECT_EQ(std::bit_cast<std::uint32_t>(r.value), FpMacArith::kCanonicalNanBits)
            << name << ", " << what << ": acc=" << acc << " a=" << a << " w=" << w;
        EXPECT_TRUE(r.overflow) << name << ", " << what;
        ++cases;
      };
      const std::vector<std::uint32_t> nan_a = nan_patterns(fa), nan_w = nan_patterns(fw);
      const std::vector<float> finite_a = {arith.decode_a(encode(1.5, fa)),
                                           arith.decode_a(encode(-0.75, fa)), 0.0f, -0.0f};
      const std::vector<float> finite_w = {arith.decode_w(encode(-1.25, fw)),
                                           arith.decode_w(encode(3.0, fw)), 0.0f, -0.0f};
      for (float acc : accs) {
        // Both operands NaN: every sign combination and payload.
        for (std::uint32_t pa : nan_a) {
          for (std::uint32_t pw : nan_w) {
            expect_nan(acc, arith.decode_a(pa), arith.decode_w(pw), "NaN x NaN");
          }
        }
        // One operand NaN, the other finite (zero included).
        for (std::uint32_t pa : nan_a) {
          for (float w : finite_w) expect_nan(acc, arith.decode_a(pa), w, "NaN x finite");
        }
        for (std::uint32_t pw : nan_w) {
          for (float a : finite_a) expect_nan(acc, a, arith.decode_w(pw), "finite x NaN");
        }
      }
      // A NaN accumulator of any sign and payload, finite operands.
      for (float acc : nan_accs) {
        for (float a : finite_a) {
          for (float w : finite_w) expect_nan(acc, a, w, "NaN acc");
        }
      }
      // inf * 0 and 0 * inf (every sign), onto finite and infinite accumulators.
      for (float acc : accs) {
        for (float zero : {0.0f, -0.0f}) {
          for (float inf : {kInf, -kInf}) {
            if (fa.ieee_special) expect_nan(acc, inf, zero, "inf x 0");
            if (fw.ieee_special) expect_nan(acc, zero, inf, "0 x inf");
          }
        }
      }
      // An infinite product plus the opposite infinity.
      for (float inf : {kInf, -kInf}) {
        if (fa.ieee_special) {
          expect_nan(-inf, inf, finite_w[1], "inf x 3 + -inf");
          expect_nan(inf, inf, finite_w[0], "inf x -1.25 + inf");
        }
        if (fw.ieee_special) {
          expect_nan(-inf, finite_a[0], inf, "1.5 x inf + -inf");
          expect_nan(inf, finite_a[1], inf, "-0.75 x inf + inf");
        }
      }
      EXPECT_GT(cases, 100) << name;
    }
  }
  // The canonical NaN through each output rounding: that format's canonical NaN, sign 0.
  const float nan = std::bit_cast<float>(FpMacArith::kCanonicalNanBits);
  FpMacSpec spec;
  spec.out_format = kFp32;
  EXPECT_EQ(FpMacArith(spec).output(nan), 0x7FC00000);
  spec.out_format = kFp16;
  EXPECT_EQ(FpMacArith(spec).output(nan), 0x7E00);
  spec.out_format = kBf16;
  EXPECT_EQ(FpMacArith(spec).output(nan), 0x7FC0);
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
