// SPDX-License-Identifier: Apache-2.0
// Buffer and DRAM traffic per operand, in elements; bytes follow from the operand's bit width.
#pragma once

#include <cstdint>

namespace tpesim::arch {

struct OperandTraffic {
  std::int64_t sram_reads = 0;         // elements read from this operand's buffer
  std::int64_t sram_writes = 0;        // elements written into it
  std::int64_t dram_reads = 0;         // elements read from DRAM for it
  std::int64_t dram_writes = 0;        // elements written to DRAM from it
  int bits = 8;                        // storage width of one element
  std::int64_t dram_first_cycle = -1;  // first cycle a DRAM transfer for it was busy (-1: none)
  std::int64_t dram_last_cycle = -1;   // last such cycle
  static std::int64_t bytes(std::int64_t elements, int bits) { return (elements * bits + 7) / 8; }
  bool operator==(const OperandTraffic&) const = default;
};

struct AccessCounts {
  OperandTraffic ifmap;   // activations (A)
  OperandTraffic filter;  // weights (W)
  OperandTraffic ofmap;   // outputs and partial sums (O)
  bool operator==(const AccessCounts&) const = default;
};

}  // namespace tpesim::arch
