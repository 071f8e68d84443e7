// SPDX-License-Identifier: Apache-2.0
// The C++ type `verilator --sc` (5.006) gives a port of W bits, and FlatBits, a flat Verilog
// vector of W bits (field i of width w at bits [i*w, i*w + w), as the ports of rtl/arrays/*.sv
// are declared) that converts to and from that type. A C++ model's sc_module declares its ports
// with these types so that it binds to the same signals as the Verilated module.
#pragma once

#include <array>
#include <cstdint>
#include <systemc>
#include <type_traits>

namespace tpesim::sc {

// 1 bit: bool; up to 32: uint32_t; up to 64: uint64_t; wider: sc_bv<W>.
template <int W>
using VerilatorScType = std::conditional_t<
    W == 1, bool,
    std::conditional_t<W <= 32, std::uint32_t,
                       std::conditional_t<W <= 64, std::uint64_t, sc_dt::sc_bv<W>>>>;

template <int W>
class FlatBits {
 public:
  using Port = VerilatorScType<W>;

  void clear() { m_words.fill(0); }
  // Sets bits [lsb, lsb + width) to the low `width` bits of `value` (width <= 64).
  void set(int lsb, int width, std::uint64_t value) {
    for (int i = 0; i < width; ++i) {
      const int bit = lsb + i;
      const std::uint64_t mask = std::uint64_t{1} << (bit % 64);
      std::uint64_t& word = m_words[static_cast<std::size_t>(bit / 64)];
      word = ((value >> i) & 1u) != 0 ? (word | mask) : (word & ~mask);
    }
  }
  // Bits [lsb, lsb + width), zero-extended (width <= 64).
  std::uint64_t get(int lsb, int width) const {
    std::uint64_t v = 0;
    for (int i = 0; i < width; ++i) {
      const int bit = lsb + i;
      v |= ((m_words[static_cast<std::size_t>(bit / 64)] >> (bit % 64)) & 1u) << i;
    }
    return v;
  }
  // Bits [lsb, lsb + width) as a two's complement value.
  std::int64_t get_signed(int lsb, int width) const {
    const std::uint64_t v = get(lsb, width);
    const std::uint64_t sign = std::uint64_t{1} << (width - 1);
    return static_cast<std::int64_t>((v ^ sign) - sign);
  }
  // The vector as the Verilated port's type.
  Port port() const {
    if constexpr (W == 1) {
      return (m_words[0] & 1u) != 0;
    } else if constexpr (W <= 64) {
      return static_cast<Port>(m_words[0]);
    } else {
      Port v;
      for (int i = 0; i < kDigits; ++i) {
        v.set_word(i, static_cast<sc_dt::sc_digit>(m_words[static_cast<std::size_t>(i / 2)] >>
                                                   (32 * (i % 2))));
      }
      return v;
    }
  }
  // The vector from a value of the Verilated port's type.
  void load(const Port& v) {
    if constexpr (W <= 64) {
      m_words[0] = static_cast<std::uint64_t>(v);
    } else {
      clear();
      for (int i = 0; i < kDigits; ++i) {
        m_words[static_cast<std::size_t>(i / 2)] |= static_cast<std::uint64_t>(v.get_word(i))
                                                    << (32 * (i % 2));
      }
    }
  }

 private:
  static constexpr int kDigits = (W + 31) / 32;        // 32-bit words of an sc_bv<W>
  std::array<std::uint64_t, (W + 63) / 64> m_words{};  // little-endian 64-bit words
};

}  // namespace tpesim::sc
