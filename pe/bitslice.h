// SPDX-License-Identifier: Apache-2.0
// bitslice: bit-weight-dimension MACs. The value is int_mac's (acc <- acc + a*w, exact product,
// acc_bits accumulator that wraps or saturates, overflows counted); what the variants change is
// how a product is formed over radix-4 digits, hence cycles and activity:
//   booth_csa    (OPT1) radix-4 Booth on the weight, partial products and the redundant
//                accumulator in one 6:2 carry-save tree per cycle; 1 MAC per cycle.
//   same_bw_tree (OPT2) activations encoded once and forwarded; per bit weight the lanes'
//                same-weight partial products are summed by the tree; 1 step per cycle.
//   serial_digit (OPT3/OPT4C) EN-T digits of the activation, one non-zero partial product per
//                cycle: a step of L lanes takes sum over bit weights i and groups of
//                `digit_group` lanes of max(1, non-zero digits i in the group) cycles.
//   laconic      Booth terms of both operands; a lane takes max(1, terms_a * terms_w) cycles and
//                lanes stepping together wait for the slowest.
// Semantics: docs/PE_SEMANTICS.md; the timing in the arrays: docs/TIMING.md.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <tuple>

#include "pe/digit_encoding.h"
#include "pe/int_mac_arith.h"
#include "pe/overflow.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

enum class BitsliceVariant { BoothCsa, SameBwTree, SerialDigit, Laconic };
constexpr auto enum_names(BitsliceVariant) {
  return std::array{std::pair{BitsliceVariant::BoothCsa, "booth_csa"},
                    std::pair{BitsliceVariant::SameBwTree, "same_bw_tree"},
                    std::pair{BitsliceVariant::SerialDigit, "serial_digit"},
                    std::pair{BitsliceVariant::Laconic, "laconic"}};
}

struct BitsliceSpec {
  static constexpr const char* kKind = "bitslice";      // the YAML `kind`
  BitsliceVariant variant = BitsliceVariant::BoothCsa;  // how products are sliced
  int a_bits = 8;                                       // activation width (signed)
  int w_bits = 8;                                       // weight width (signed)
  int acc_bits = 32;                                    // accumulator width
  Overflow overflow = Overflow::Wrap;                   // past acc_bits: wrap or saturate
  int digit_group = 4;  // serial_digit: lanes whose digits of one bit weight share a cycle budget

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<BitsliceSpec, BitsliceVariant>{
            "variant", &BitsliceSpec::variant,
            "booth_csa (OPT1), same_bw_tree (OPT2, adder_tree only), serial_digit (EN-T digit "
            "serial, OPT3/OPT4C) or laconic (Booth term pairs)"},
        Field<BitsliceSpec, int>{"a_bits", &BitsliceSpec::a_bits,
                                 "activation operand width (signed)", "bits", in_range(2, 16)},
        Field<BitsliceSpec, int>{"w_bits", &BitsliceSpec::w_bits, "weight operand width (signed)",
                                 "bits", in_range(2, 16)},
        Field<BitsliceSpec, int>{"acc_bits", &BitsliceSpec::acc_bits,
                                 "accumulator width; must hold one product (>= a_bits + w_bits)",
                                 "bits", in_range(4, 62)},
        Field<BitsliceSpec, Overflow>{
            "overflow", &BitsliceSpec::overflow,
            "accumulator overflow behaviour; overflows are counted either way"},
        Field<BitsliceSpec, int>{"digit_group", &BitsliceSpec::digit_group,
                                 "serial_digit: consecutive lanes sharing one digit schedule",
                                 "lanes", in_range(1, 64)},
    };
    return kFields;
  }
};

void validate(const BitsliceSpec& spec, const ConfigNode& node, Diag& diag);

// True when a step's cycles depend on the operand values.
constexpr bool data_dependent(const BitsliceSpec& spec) {
  return spec.variant == BitsliceVariant::SerialDigit || spec.variant == BitsliceVariant::Laconic;
}

// Non-zero radix-4 digits of an operand as the variant encodes it: the per-operand figure of the
// digit sparsity report and of the serial cycle counts.
inline int activation_terms(const BitsliceSpec& spec, std::int64_t a) {
  return spec.variant == BitsliceVariant::SerialDigit ? ent_digits(a, spec.a_bits).nonzero()
                                                      : booth_radix4(a, spec.a_bits).nonzero();
}
inline int weight_terms(const BitsliceSpec& spec, std::int64_t w) {
  return booth_radix4(w, spec.w_bits).nonzero();
}

// Cycles one step of `lanes` lanes takes (a[i], w[i] for lane i, lanes in k order).
inline std::int64_t step_cycles(const BitsliceSpec& spec, const std::int32_t* a,
                                const std::int32_t* w, int lanes) {
  switch (spec.variant) {
    case BitsliceVariant::BoothCsa:
    case BitsliceVariant::SameBwTree:
      return 1;
    case BitsliceVariant::SerialDigit: {
      std::int64_t cycles = 0;
      const int digits = radix4_digits(spec.a_bits);
      for (int g0 = 0; g0 < lanes; g0 += spec.digit_group) {
        const int g1 = std::min(lanes, g0 + spec.digit_group);
        std::array<int, kMaxDigits> nonzero{};
        for (int l = g0; l < g1; ++l) {
          const Digits d = ent_digits(a[l], spec.a_bits);
          for (int i = 0; i < digits; ++i)
            nonzero[static_cast<std::size_t>(i)] += d.d[static_cast<std::size_t>(i)] != 0;
        }
        for (int i = 0; i < digits; ++i)
          cycles += std::max(1, nonzero[static_cast<std::size_t>(i)]);
      }
      return cycles;
    }
    case BitsliceVariant::Laconic: {
      std::int64_t cycles = 1;
      for (int l = 0; l < lanes; ++l) {
        cycles = std::max<std::int64_t>(
            cycles, std::int64_t{activation_terms(spec, a[l])} * weight_terms(spec, w[l]));
      }
      return cycles;
    }
  }
  return 1;
}

// The values: int_mac's arithmetic (pe/int_mac_arith.h), one definition for every variant.
// step_cycles() is the cost of one single-lane step (a systolic PE), which the cycle model
// checks the array's schedule against.
template <class AccStorage>
struct BitsliceArithT : IntMacArithT<AccStorage> {
  BitsliceSpec spec;  // variant and widths, for the step cost

  explicit constexpr BitsliceArithT(const BitsliceSpec& spec_in)
      : IntMacArithT<AccStorage>(spec_in.acc_bits, spec_in.overflow), spec(spec_in) {}
  std::int64_t step_cycles(std::int32_t a, std::int32_t w) const {
    return pe::step_cycles(spec, &a, &w, 1);
  }
  // A step of `lanes` lanes (an adder-tree column unit).
  std::int64_t step_cycles_lanes(const std::int32_t* a, const std::int32_t* w, int lanes) const {
    return pe::step_cycles(spec, a, w, lanes);
  }
};
using BitsliceArith = BitsliceArithT<std::int64_t>;

}  // namespace tpesim::pe
