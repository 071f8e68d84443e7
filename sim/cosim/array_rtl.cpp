// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/array_rtl.h"

#include <algorithm>

namespace tpesim::cosim {

namespace {
// Bits to index `count` things, as the Verilog's `count > 1 ? $clog2(count) : 1`.
int index_bits(int count) {
  int bits = 0;
  while ((1 << bits) < count) ++bits;
  return bits == 0 ? 1 : bits;
}
}  // namespace

void PackedBits::set(int lsb, int width, std::uint64_t value) {
  std::uint64_t v = width >= 64 ? value : value & ((std::uint64_t{1} << width) - 1);
  for (int bit = lsb, left = width; left > 0;) {
    const int off = bit % 32;
    const int n = std::min(32 - off, left);
    const std::uint32_t mask = (n == 32 ? ~0u : (1u << n) - 1u) << off;
    std::uint32_t& word = m_words[static_cast<std::size_t>(bit / 32)];
    word = (word & ~mask) | ((static_cast<std::uint32_t>(v) << off) & mask);
    v >>= n;
    bit += n;
    left -= n;
  }
}

std::uint64_t PackedBits::get(int lsb, int width) const {
  std::uint64_t v = 0;
  for (int bit = lsb, done = 0; done < width;) {
    const int off = bit % 32;
    const int n = std::min(32 - off, width - done);
    const std::uint32_t word = m_words[static_cast<std::size_t>(bit / 32)] >> off;
    const std::uint64_t part = n == 32 ? word : word & ((1u << n) - 1u);
    v |= part << done;
    bit += n;
    done += n;
  }
  return v;
}

std::int64_t PackedBits::get_signed(int lsb, int width) const {
  const std::uint64_t v = get(lsb, width);
  const std::uint64_t sign = std::uint64_t{1} << (width - 1);
  return static_cast<std::int64_t>((v ^ sign) - sign);
}

int SystolicShape::row_bits() const { return index_bits(rows); }

int AdderTreeShape::lane_bits() const { return index_bits(k_lanes); }

SystolicPorts::SystolicPorts(const SystolicShape& s)
    : x_in(s.rows * s.a_bits),
      x_valid(s.rows),
      x_mark(s.rows),
      psum_in(s.cols * s.acc_bits),
      psum_in_valid(s.cols),
      ld_row(s.row_bits()),
      ld_w(s.cols * s.w_bits),
      ld_valid(s.cols),
      w_in(s.cols * s.w_bits),
      w_valid(s.cols),
      out(s.cols * s.acc_bits),
      out_valid(s.cols) {}

AdderTreePorts::AdderTreePorts(const AdderTreeShape& s)
    : x_in(s.k_lanes * s.a_bits),
      x_cols(s.columns),
      ld_lane(s.lane_bits()),
      ld_w(s.columns * s.w_bits),
      psum_in(s.columns * s.acc_bits),
      acc_rd(s.columns),
      out(s.columns * s.acc_bits),
      out_valid(s.columns) {}

}  // namespace tpesim::cosim
