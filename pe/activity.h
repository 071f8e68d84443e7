// SPDX-License-Identifier: Apache-2.0
// Activity counters: the hardware events a PE kind spends on one GEMM, counted from its
// definition (docs/PE_SEMANTICS.md) and, for data-dependent events, from the operands. One
// definition for both fidelities; energy is computed from these counts, never typed in.
//
// Event names (counts of events):
//   macs                    MAC-equivalents of the GEMM (M N K)
//   int_mul_AxW             integer multiplies of A x W-bit operands
//   fp_mul_F, fp_mul_FxG    float multiplies in format F (fp_mac: of operand formats F, G)
//   int_add_B               integer additions B bits wide (accumulators, L-Mul's add, shift-adds)
//   fp_add_F                float additions rounded to format F
//   shifts                  operand shifts by a bit weight (bitslice shift-and-add, mixpe)
//   partial_products        non-zero digit partial products (bitslice)
//   csa_steps               carry-save tree passes (bitslice booth_csa, serial_digit)
//   table_builds            LUT tables built (lut_tc, one per row and LUT group)
//   table_entry_adds        additions building them
//   table_entry_quantizations  entries rounded to int8 (lut_tc table_format int8)
//   table_lookups           LUT reads (one per bit plane)
//   group_sums              per-row, per-group activation sums S (mixpe, lut_tc)
//   dequant_ops             per-group dequantizations (mixpe, lut_tc)
//   digits, nonzero_digits  radix-4 digits of the encoded operands and how many are non-zero
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "pe/pe_config.h"

namespace tpesim::pe {

struct PeActivity {
  std::map<std::string, std::int64_t> events;  // name -> count
  bool data_counted = false;  // data-dependent events were counted (operands were available)

  void add(const std::string& name, std::int64_t count) { events[name] += count; }
  std::int64_t get(const std::string& name) const {
    const auto it = events.find(name);
    return it == events.end() ? 0 : it->second;
  }
  bool operator==(const PeActivity&) const = default;
};

struct GemmShape {
  std::int64_t m = 0, n = 0, k = 0;  // O[M x N] = A[M x K] W[K x N]
  int lanes_per_step = 1;            // k values one PE step covers (adder_tree: k_lanes)
};

// `a`, `w`: the operand codes (row-major, as arch::GemmOperands holds them), or empty when the
// run has none; data-dependent events are then left out (data_counted = false).
PeActivity gemm_activity(const PeConfig& pe, const GemmShape& shape,
                         const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& w);

}  // namespace tpesim::pe
