// SPDX-License-Identifier: Apache-2.0
#include "pe/int_mac.h"

#include <fmt/format.h>

namespace tpesim::pe {

void validate(const IntMacSpec& spec, const ConfigNode& node, Diag& diag) {
  if (spec.acc_bits < spec.a_bits + spec.w_bits) {
    diag.error(node.child("acc_bits").loc(), node.key_path("acc_bits"),
               fmt::format("must be >= a_bits + w_bits ({}) to hold one product",
                           spec.a_bits + spec.w_bits));
  }
}

}  // namespace tpesim::pe
