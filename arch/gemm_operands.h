// SPDX-License-Identifier: Apache-2.0
// The operands and result of one functional GEMM: O[M x N] = A[M x K] * W[K x N], row-major.
#pragma once

#include <cstdint>
#include <vector>

namespace tpesim::arch {

struct GemmOperands {
  std::int64_t m = 0, n = 0, k = 0;  // dimensions
  std::vector<std::int32_t> a;       // M x K activations
  std::vector<std::int32_t> w;       // K x N weights
};

struct ArrayActivity {
  std::int64_t macs = 0;        // MACs with a real operand pair
  std::uint64_t overflows = 0;  // accumulator sums that left acc_bits (wrapped or clamped)
  bool operator==(const ArrayActivity&) const = default;
};

}  // namespace tpesim::arch
