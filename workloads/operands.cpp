// SPDX-License-Identifier: Apache-2.0
#include "workloads/operands.h"

#include <random>

namespace tpesim::workloads {

std::vector<std::int32_t> uniform_signed(std::int64_t count, int bits, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::int64_t lo = -(std::int64_t{1} << (bits - 1));
  const std::uint64_t span = std::uint64_t{1} << bits;
  std::vector<std::int32_t> out(static_cast<std::size_t>(count));
  for (auto& v : out) v = static_cast<std::int32_t>(lo + static_cast<std::int64_t>(rng() % span));
  return out;
}

std::uint64_t fingerprint(const std::vector<std::int64_t>& values) {
  std::uint64_t h = 1469598103934665603ull;
  for (std::int64_t v : values) {
    auto u = static_cast<std::uint64_t>(v);
    for (int i = 0; i < 8; ++i) {
      h ^= (u >> (8 * i)) & 0xff;
      h *= 1099511628211ull;
    }
  }
  return h;
}

}  // namespace tpesim::workloads
