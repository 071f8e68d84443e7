// SPDX-License-Identifier: Apache-2.0
// The operands and result of one functional GEMM: O[M x N] = A[M x K] * W[K x N], row-major.
#pragma once

#include <cstdint>
#include <vector>

#include "pe/mixpe.h"

namespace tpesim::arch {

// Operands as the buffers hold them: integer kinds store signed values, float kinds store the
// bit patterns of their format (in the low bits).
struct GemmOperands {
  std::int64_t m = 0, n = 0, k = 0;  // dimensions
  std::vector<std::int32_t> a;       // M x K activation codes
  std::vector<std::int32_t> w;       // K x N weight codes
  pe::MixpeQuantParams quant;        // group-quantized kinds only: scales and zero points
};

// Operands in the form a PE kind's arithmetic computes on (Arith::Operand), decoded once.
template <class Operand>
struct OperandMatrices {
  std::int64_t m = 0, n = 0, k = 0;  // dimensions
  std::vector<Operand> a;            // M x K
  std::vector<Operand> w;            // K x N
};

template <class Arith>
OperandMatrices<typename Arith::Operand> prepare_operands(const Arith& arith,
                                                          const GemmOperands& op) {
  if constexpr (std::is_same_v<typename Arith::Operand, pe::LutOperand>) {
    // LUT groups: per-row tables built once and shared by all columns (pe/lut_tc.h).
    return pe::prepare_lut_operands<OperandMatrices<pe::LutOperand>>(arith.spec, op.m, op.n, op.k,
                                                                     op.a, op.w, op.quant);
  } else if constexpr (std::is_same_v<typename Arith::Operand, pe::MixpeOperand>) {
    // Group-quantized operands carry their scales and zero points (pe/mixpe.h).
    return pe::prepare_mixpe_operands<OperandMatrices<pe::MixpeOperand>>(
        arith.spec, op.m, op.n, op.k, op.a, op.w, op.quant);
  } else {
    OperandMatrices<typename Arith::Operand> out{op.m, op.n, op.k, {}, {}};
    out.a.reserve(op.a.size());
    out.w.reserve(op.w.size());
    for (std::int32_t code : op.a)
      out.a.push_back(arith.decode_a(static_cast<std::uint32_t>(code)));
    for (std::int32_t code : op.w)
      out.w.push_back(arith.decode_w(static_cast<std::uint32_t>(code)));
    return out;
  }
}

struct ArrayActivity {
  std::int64_t macs = 0;        // MACs with a real operand pair
  std::uint64_t overflows = 0;  // accumulator sums that left acc_bits (wrapped or clamped)
  bool operator==(const ArrayActivity&) const = default;
};

}  // namespace tpesim::arch
