// SPDX-License-Identifier: Apache-2.0
// The value semantics of the int_mac PE: acc <- acc + a*w with an exact product and an
// acc_bits-wide accumulator that wraps or saturates. Dependency-free and host/device callable:
// the C++ models, the CPU golden GEMM and the CUDA twin kernel (gpu_ref/) all compile this one
// definition.
#pragma once

#include <cstdint>

#include "pe/numeric.h"
#include "pe/overflow.h"

namespace tpesim::pe {

// The value semantics of int_mac, used by the cycle model, the fast model and the golden GEMM.
// AccStorage is how the accumulator is stored: int64_t always works; int32_t holds every value
// of an accumulator of at most 32 bits, and lets the array loops use twice the SIMD lanes. The
// arithmetic is the same for both (the sum is formed exactly in 64 bits).
template <class AccStorage>
struct IntMacArithT {
  using Operand = std::int32_t;  // an a_bits / w_bits signed integer
  using Acc = AccStorage;        // an acc_bits signed integer, sign-extended

  int acc_bits = 32;                   // accumulator width
  Overflow overflow = Overflow::Wrap;  // wrap or saturate past acc_bits

  TPESIM_HD constexpr IntMacArithT(int acc_bits_in, Overflow overflow_in)
      : acc_bits(acc_bits_in), overflow(overflow_in) {}
  // From an IntMacSpec (pe/int_mac.h), or anything with acc_bits and overflow.
  template <class Spec>
  explicit constexpr IntMacArithT(const Spec& spec)
      : acc_bits(spec.acc_bits), overflow(spec.overflow) {}

  TPESIM_HD static constexpr Acc zero() { return 0; }
  TPESIM_HD static constexpr std::int64_t product(Operand a, Operand w) {
    return static_cast<std::int64_t>(a) * w;
  }
  struct Step {
    Acc value;      // the new accumulator
    bool overflow;  // the exact sum left acc_bits (then wrapped or clamped)
  };
  // acc + addend in the accumulator's width. Branch-free so the array loops vectorize.
  TPESIM_HD constexpr Step accumulate(Acc acc, std::int64_t addend) const {
    const std::int64_t exact = static_cast<std::int64_t>(acc) + addend;
    const std::int64_t wrapped = wrap_signed(exact, acc_bits);
    const bool fits = wrapped == exact;
    const std::int64_t clamped = exact < 0 ? int_min(acc_bits) : int_max(acc_bits);
    return Step{static_cast<Acc>(fits ? exact : (overflow == Overflow::Wrap ? wrapped : clamped)),
                !fits};
  }
  TPESIM_HD constexpr Acc accumulate(Acc acc, std::int64_t addend, std::uint64_t& overflows) const {
    const Step s = accumulate(acc, addend);
    overflows += s.overflow;
    return s.value;
  }
  TPESIM_HD constexpr Step mac_step(Acc acc, Operand a, Operand w) const {
    return accumulate(acc, product(a, w));
  }
  // One MAC; `overflows` counts sums that left the accumulator's range.
  // Operands are stored as their signed values; outputs are the accumulator's value.
  TPESIM_HD constexpr Operand decode_a(std::int32_t code) const { return code; }
  TPESIM_HD constexpr Operand decode_w(std::int32_t code) const { return code; }
  TPESIM_HD constexpr std::int64_t output(Acc acc) const { return acc; }
  TPESIM_HD constexpr Acc mac(Acc acc, Operand a, Operand w, std::uint64_t& overflows) const {
    const Step s = mac_step(acc, a, w);
    overflows += s.overflow;
    return s.value;
  }
};

using IntMacArith = IntMacArithT<std::int64_t>;

}  // namespace tpesim::pe
