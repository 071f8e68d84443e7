// SPDX-License-Identifier: Apache-2.0
// What an integer accumulator does when a sum leaves its range.
#pragma once

#include <array>
#include <utility>

namespace tpesim::pe {

enum class Overflow { Wrap, Saturate };

constexpr auto enum_names(Overflow) {
  return std::array{std::pair{Overflow::Wrap, "wrap"}, std::pair{Overflow::Saturate, "saturate"}};
}

}  // namespace tpesim::pe
