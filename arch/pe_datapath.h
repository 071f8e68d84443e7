// SPDX-License-Identifier: Apache-2.0
// What hardware a PE kind is built from and what one of its activity events uses, both derived
// from the PE's Spec (widths, formats, variant): the cost model prices these parts with the
// technology table, so no PE kind or design has a typed-in cost. Rules: docs/COST_MODEL.md.
#pragma once

#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "pe/pe_config.h"

namespace tpesim::arch {

// A number of one hardware primitive (a UnitCosts primitive name, arch/unit_costs.h).
struct Part {
  std::string primitive;  // e.g. "int_mul_8x8", "register_bit"
  double count = 0;       // instances (bit primitives: bits)
  std::string role;       // what it does, for reports
};

// The parts of one PE (of one multiplier lane of an adder tree).
std::vector<Part> pe_parts(const pe::PeConfig& pe);
// Register bits of one PE: its forwarded operands (stored widths) and its accumulator state.
int pe_register_bits(const pe::PeConfig& pe);
// Parts at the array's edges, not in every PE: operand skew registers, shared digit encoders,
// lut_tc table builders.
std::vector<Part> periphery_parts(const ArraySpec& array);

// What one activity event (pe/activity.h) of this PE kind uses.
struct EventRule {
  std::vector<Part> parts;  // the primitives one event uses; empty for a count whose energy
                            // other events already carry (costed = false)
  bool costed = true;       // false: a count only (e.g. `macs`)
  std::string rule;         // the rule, for reports
};
// Throws ModelError when `event` has no rule for this PE kind: an event is never silently free.
EventRule event_rule(const std::string& event, const pe::PeConfig& pe);

}  // namespace tpesim::arch
