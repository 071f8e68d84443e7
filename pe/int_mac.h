// SPDX-License-Identifier: Apache-2.0
// int_mac: the integer multiply-accumulate baseline PE. acc <- acc + a*w with an exact product
// and an acc_bits-wide accumulator that wraps or saturates; every overflow is counted.
#pragma once

#include <cstdint>
#include <tuple>

#include "pe/numeric.h"
#include "pe/overflow.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

struct IntMacSpec {
  int a_bits = 8;                      // activation width (signed two's complement)
  int w_bits = 8;                      // weight width (signed two's complement)
  int acc_bits = 32;                   // accumulator width
  Overflow overflow = Overflow::Wrap;  // what the accumulator does past acc_bits

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<IntMacSpec, int>{"a_bits", &IntMacSpec::a_bits, "activation operand width (signed)",
                               "bits", in_range(2, 16)},
        Field<IntMacSpec, int>{"w_bits", &IntMacSpec::w_bits, "weight operand width (signed)",
                               "bits", in_range(2, 16)},
        Field<IntMacSpec, int>{"acc_bits", &IntMacSpec::acc_bits,
                               "accumulator width; must hold one product (>= a_bits + w_bits)",
                               "bits", in_range(4, 62)},
        Field<IntMacSpec, Overflow>{
            "overflow", &IntMacSpec::overflow,
            "accumulator overflow behaviour; overflows are counted either way"},
    };
    return kFields;
  }
};

// Cross-field rules, reported at `node` (the PE's mapping).
void validate(const IntMacSpec& spec, const ConfigNode& node, Diag& diag);

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

  explicit IntMacArithT(const IntMacSpec& spec)
      : acc_bits(spec.acc_bits), overflow(spec.overflow) {}

  static constexpr Acc zero() { return 0; }
  static constexpr std::int64_t product(Operand a, Operand w) {
    return static_cast<std::int64_t>(a) * w;
  }
  struct Step {
    Acc value;      // the new accumulator
    bool overflow;  // the exact sum left acc_bits (then wrapped or clamped)
  };
  // acc + addend in the accumulator's width. Branch-free so the array loops vectorize.
  constexpr Step accumulate(Acc acc, std::int64_t addend) const {
    const std::int64_t exact = static_cast<std::int64_t>(acc) + addend;
    const std::int64_t wrapped = wrap_signed(exact, acc_bits);
    const bool fits = wrapped == exact;
    const std::int64_t clamped = exact < 0 ? int_min(acc_bits) : int_max(acc_bits);
    return Step{static_cast<Acc>(fits ? exact : (overflow == Overflow::Wrap ? wrapped : clamped)),
                !fits};
  }
  constexpr Acc accumulate(Acc acc, std::int64_t addend, std::uint64_t& overflows) const {
    const Step s = accumulate(acc, addend);
    overflows += s.overflow;
    return s.value;
  }
  constexpr Step mac_step(Acc acc, Operand a, Operand w) const {
    return accumulate(acc, product(a, w));
  }
  // One MAC; `overflows` counts sums that left the accumulator's range.
  constexpr Acc mac(Acc acc, Operand a, Operand w, std::uint64_t& overflows) const {
    const Step s = mac_step(acc, a, w);
    overflows += s.overflow;
    return s.value;
  }
};

using IntMacArith = IntMacArithT<std::int64_t>;

}  // namespace tpesim::pe
