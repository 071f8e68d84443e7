// SPDX-License-Identifier: Apache-2.0
// int_mac: the integer multiply-accumulate baseline PE. acc <- acc + a*w with an exact product
// and an acc_bits-wide accumulator that wraps or saturates; every overflow is counted.
#pragma once

#include <cstdint>
#include <tuple>

#include "pe/int_mac_arith.h"
#include "pe/numeric.h"
#include "pe/overflow.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

struct IntMacSpec {
  static constexpr const char* kKind = "int_mac";  // the YAML `kind`
  int a_bits = 8;                                  // activation width (signed two's complement)
  int w_bits = 8;                                  // weight width (signed two's complement)
  int acc_bits = 32;                               // accumulator width
  Overflow overflow = Overflow::Wrap;              // what the accumulator does past acc_bits

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

}  // namespace tpesim::pe
