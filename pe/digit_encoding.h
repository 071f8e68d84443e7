// SPDX-License-Identifier: Apache-2.0
// Digit encodings of bit-slice MACs: radix-4 Booth (booth_csa, laconic) and EN-T (serial_digit).
// Each encodes a signed integer as D = ceil(bits / 2) radix-4 digits with value sum_i d_i 4^i;
// a non-zero digit is one partial product (or one signed power-of-two term). The digit counts
// drive the data-dependent cycles of the serial variants and the reported digit sparsity.
#pragma once

#include <array>
#include <cstdint>

#include "pe/numeric.h"

namespace tpesim::pe {

constexpr int kMaxDigits = 8;  // 16-bit operands: 8 radix-4 digits

// Radix-4 digits of a `bits`-wide operand.
constexpr int radix4_digits(int bits) { return (bits + 1) / 2; }

struct Digits {
  std::array<std::int8_t, kMaxDigits> d{};  // digit i has weight 4^i
  int count = 0;                            // digits in use (radix4_digits(bits))
  constexpr int nonzero() const {
    int n = 0;
    for (int i = 0; i < count; ++i) n += d[static_cast<std::size_t>(i)] != 0;
    return n;
  }
  constexpr std::int64_t value() const {
    std::int64_t v = 0;
    for (int i = count - 1; i >= 0; --i) v = v * 4 + d[static_cast<std::size_t>(i)];
    return v;
  }
};

// Radix-4 Booth: d_i = x_{2i-1} + x_{2i} - 2 x_{2i+1} (x_{-1} = 0) on the two's-complement bits
// of x, sign-extended; digits in {-2, -1, 0, 1, 2}.
constexpr Digits booth_radix4(std::int64_t x, int bits) {
  Digits out;
  out.count = radix4_digits(bits);
  const auto u = static_cast<std::uint64_t>(x);
  auto bit = [&](int i) -> int {
    return i < 0 ? 0 : static_cast<int>((u >> (i < 63 ? i : 63)) & 1);
  };
  for (int i = 0; i < out.count; ++i) {
    out.d[static_cast<std::size_t>(i)] =
        static_cast<std::int8_t>(bit(2 * i - 1) + bit(2 * i) - 2 * bit(2 * i + 1));
  }
  return out;
}

// EN-T (sign-magnitude): the magnitude |x| (at most 2^(bits-1)) is cut into 2-bit slices s_i;
// with carry c_0 = 0, v_i = s_i + c_i, the digit is v_i mod 4 read as 0, 1, 2, -1 for 00, 01, 10,
// 11, and c_{i+1} = (v_i >= 3). The operand's sign is folded into every digit. Digits in
// {-2, -1, 0, 1, 2}; magnitudes 2 appear only as +2 before the sign is applied.
constexpr Digits ent_digits(std::int64_t x, int bits) {
  Digits out;
  out.count = radix4_digits(bits);
  const bool negative = x < 0;
  std::uint64_t mag = negative ? static_cast<std::uint64_t>(-x) : static_cast<std::uint64_t>(x);
  int carry = 0;
  for (int i = 0; i < out.count; ++i) {
    const int v = static_cast<int>(mag & 3) + carry;
    mag >>= 2;
    const int digit = (v & 3) == 3 ? -1 : (v & 3);  // codes 00, 01, 10, 11 read as 0, 1, 2, -1
    carry = v >= 3 ? 1 : 0;
    out.d[static_cast<std::size_t>(i)] = static_cast<std::int8_t>(negative ? -digit : digit);
  }
  return out;
}

}  // namespace tpesim::pe
