// SPDX-License-Identifier: Apache-2.0
#include "pe/bitslice.h"

#include <fmt/format.h>

namespace tpesim::pe {

void validate(const BitsliceSpec& spec, const ConfigNode& node, Diag& diag) {
  if (spec.acc_bits < spec.a_bits + spec.w_bits) {
    diag.error(node.child("acc_bits").loc(), node.key_path("acc_bits"),
               fmt::format("must be >= a_bits + w_bits ({}) to hold one product",
                           spec.a_bits + spec.w_bits));
  }
  if (spec.variant != BitsliceVariant::SerialDigit && node.child("digit_group").present()) {
    diag.error(node.key_loc("digit_group"), node.key_path("digit_group"),
               "applies only to variant: serial_digit");
  }
}

}  // namespace tpesim::pe
