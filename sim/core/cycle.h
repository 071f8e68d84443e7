// SPDX-License-Identifier: Apache-2.0
// Strong cycle type: a count of clock edges of the array's clock domain.
#pragma once

#include <compare>
#include <cstdint>

namespace tpesim {

struct Cycle {
  std::uint64_t value = 0;  // clock edges since reset
  constexpr auto operator<=>(const Cycle&) const = default;
  constexpr Cycle& operator++() {
    ++value;
    return *this;
  }
  friend constexpr Cycle operator+(Cycle c, std::uint64_t n) { return Cycle{c.value + n}; }
};

}  // namespace tpesim
