// SPDX-License-Identifier: Apache-2.0
// Bit-slice digit encodings and step costs, checked exhaustively against independent formulas.
#include <gtest/gtest.h>

#include <cstdlib>

#include "pe/bitslice.h"

namespace tpesim::pe {
namespace {

// Independent radix-4 Booth: recode from the value by the textbook recurrence on x mod 4 with a
// carry (d = (x + carry) mod 4 read as 0, 1, 2, -1 ... written here the classic way: the Booth
// digit of pair i is -2 x_{2i+1} + x_{2i} + x_{2i-1}, computed from arithmetic shifts).
int booth_digit_reference(std::int64_t x, int i) {
  const std::int64_t hi = (x >> (2 * i + 1)) & 1;
  const std::int64_t mid = (x >> (2 * i)) & 1;
  const std::int64_t lo = i == 0 ? 0 : (x >> (2 * i - 1)) & 1;
  return static_cast<int>(-2 * hi + mid + lo);
}

TEST(DigitEncodingTest, BoothReconstructsEveryValueOfEveryWidth) {
  for (int bits = 2; bits <= 16; ++bits) {
    for (std::int64_t x = int_min(bits); x <= int_max(bits); ++x) {
      const Digits d = booth_radix4(x, bits);
      ASSERT_EQ(d.count, (bits + 1) / 2);
      ASSERT_EQ(d.value(), x) << bits << " bits, x = " << x;
      for (int i = 0; i < d.count; ++i) {
        ASSERT_EQ(d.d[static_cast<std::size_t>(i)], booth_digit_reference(x, i));
      }
    }
  }
}

TEST(DigitEncodingTest, EntReconstructsEveryValueWithDigitsOfTheSpec) {
  for (int bits = 2; bits <= 16; ++bits) {
    for (std::int64_t x = int_min(bits); x <= int_max(bits); ++x) {
      const Digits d = ent_digits(x, bits);
      ASSERT_EQ(d.value(), x) << bits << " bits, x = " << x;
      for (int i = 0; i < d.count; ++i) {
        const int digit = d.d[static_cast<std::size_t>(i)];
        // Sign-magnitude: every digit carries the operand's sign; magnitudes in {0, 1, 2} and
        // -1 before the sign is folded in, so |digit| <= 2.
        ASSERT_LE(std::abs(digit), 2);
        if (x > 0) {
          ASSERT_GE(digit, -1);
        }
        if (x < 0) {
          ASSERT_LE(digit, 1);
        }
      }
    }
  }
}

TEST(DigitEncodingTest, EntExamplesFromTheSpec) {
  // 127 = 0b01_11_11_11: v0 = 3 -> -1 carry; v1 = 4 -> 0 carry; v2 = 4 -> 0 carry; v3 = 2.
  const Digits d127 = ent_digits(127, 8);
  EXPECT_EQ((std::array<int, 4>{d127.d[0], d127.d[1], d127.d[2], d127.d[3]}),
            (std::array<int, 4>{-1, 0, 0, 2}));
  EXPECT_EQ(d127.nonzero(), 2);
  const Digits dm128 = ent_digits(-128, 8);  // magnitude 128 = 2 * 4^3
  EXPECT_EQ((std::array<int, 4>{dm128.d[0], dm128.d[1], dm128.d[2], dm128.d[3]}),
            (std::array<int, 4>{0, 0, 0, -2}));
  EXPECT_EQ(ent_digits(0, 8).nonzero(), 0);
  // 3 = 0b11: -1 + 4.
  EXPECT_EQ(ent_digits(3, 8).nonzero(), 2);
  EXPECT_EQ(booth_radix4(3, 8).nonzero(), 2);   // 3 = 4 - 1
  EXPECT_EQ(booth_radix4(-1, 8).nonzero(), 1);  // -1 = -1
  EXPECT_EQ(booth_radix4(-128, 8).nonzero(), 1);
}

TEST(BitsliceStepTest, SerialDigitCountsNonZeroDigitsPerBitWeightAndGroup) {
  BitsliceSpec spec;
  spec.variant = BitsliceVariant::SerialDigit;
  spec.digit_group = 4;
  // 4 lanes, EN-T digits: 127 -> (-1, 0, 0, 2); 1 -> (1, 0, 0, 0); 0; -128 -> (0, 0, 0, -2).
  const std::int32_t a[4] = {127, 1, 0, -128};
  const std::int32_t w[4] = {5, 5, 5, 5};
  // Bit weight 0: 2 non-zero; 1: 0 -> 1 cycle; 2: 0 -> 1; 3: 2 non-zero. Total 6.
  EXPECT_EQ(step_cycles(spec, a, w, 4), 6);
  // Two groups of two: {127, 1}: 2 + 1 + 1 + 1 = 5; {0, -128}: 1 + 1 + 1 + 1 = 4.
  spec.digit_group = 2;
  EXPECT_EQ(step_cycles(spec, a, w, 4), 9);
  // One lane: one cycle per bit weight at least, whatever the value.
  EXPECT_EQ(step_cycles(spec, a, w, 1), 4);
}

TEST(BitsliceStepTest, LaconicIsTermProductOfTheSlowestLane) {
  BitsliceSpec spec;
  spec.variant = BitsliceVariant::Laconic;
  const std::int32_t a[2] = {3, 0};    // Booth terms 2, 0
  const std::int32_t w[2] = {-86, 7};  // -86 = 0b10101010: terms 4; 7 = 8 - 1: terms 2
  EXPECT_EQ(booth_radix4(-86, 8).nonzero(), 4);
  EXPECT_EQ(step_cycles(spec, a, w, 2), 8);
  EXPECT_EQ(step_cycles(spec, a + 1, w + 1, 1), 1);  // a zero operand still takes a cycle
}

TEST(BitsliceStepTest, CsaVariantsTakeOneCycle) {
  for (BitsliceVariant v : {BitsliceVariant::BoothCsa, BitsliceVariant::SameBwTree}) {
    BitsliceSpec spec;
    spec.variant = v;
    const std::int32_t a[3] = {-128, 127, 55}, w[3] = {-128, -128, 3};
    EXPECT_EQ(step_cycles(spec, a, w, 3), 1);
  }
}

TEST(BitsliceArithTest, ValuesAreIntMacValuesForEveryInt4Pair) {
  BitsliceSpec spec;
  spec.variant = BitsliceVariant::Laconic;
  spec.a_bits = spec.w_bits = 4;
  spec.acc_bits = 9;
  for (Overflow ov : {Overflow::Wrap, Overflow::Saturate}) {
    spec.overflow = ov;
    const BitsliceArith slice(spec);
    const IntMacArith mac(spec.acc_bits, ov);
    for (std::int32_t acc = -256; acc <= 255; acc += 17) {
      for (std::int32_t a = -8; a <= 7; ++a) {
        for (std::int32_t w = -8; w <= 7; ++w) {
          const auto s = slice.mac_step(acc, a, w);
          const auto m = mac.mac_step(acc, a, w);
          ASSERT_EQ(s.value, m.value);
          ASSERT_EQ(s.overflow, m.overflow);
          ASSERT_EQ(slice.step_cycles(a, w),
                    std::max(1, booth_radix4(a, 4).nonzero() * booth_radix4(w, 4).nonzero()));
        }
      }
    }
  }
}

}  // namespace
}  // namespace tpesim::pe
