// SPDX-License-Identifier: Apache-2.0
// Seeded operand generators for functional runs.
#pragma once

#include <cstdint>
#include <vector>

namespace tpesim::workloads {

// Uniform signed integers over the full range of `bits`, reproducible from `seed`.
std::vector<std::int32_t> uniform_signed(std::int64_t count, int bits, std::uint64_t seed);

// FNV-1a over the values: a compact fingerprint for reports and fidelity comparisons.
std::uint64_t fingerprint(const std::vector<std::int64_t>& values);

}  // namespace tpesim::workloads
