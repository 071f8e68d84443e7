// SPDX-License-Identifier: Apache-2.0
// The design points of a sweep: the product of its axes, in a fixed order, each with a stable id.
//
// Order: axes in file order, the first axis outermost and the last one varying fastest (nested
// loops written in file order). Within an axis, choices in file order. A zip axis is one axis
// whose choices are its members' i-th values together; a variants axis has one choice per variant.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sweep/sweep_spec.h"

namespace tpesim::sweep {

struct SweepPoint {
  std::int64_t index = 0;           // position in the enumeration order, from 0
  std::string id;                   // "<index, 4+ digits>-<8 hex digits of the overrides' hash>"
  std::vector<Override> overrides;  // every axis's choice, in axis order (applied in this order)
  std::vector<std::string> params;  // one label per SweepSpec::param_columns() entry
};

// The number of points (the product of the axes' lengths; 1 for no axes).
std::int64_t point_count(const SweepSpec& spec);

// Every point in enumeration order.
std::vector<SweepPoint> enumerate_points(const SweepSpec& spec);

// The id of a point: its index and a hash (FNV-1a, 32 bits) of its `key=value` assignments, so
// a row of results.jsonl cannot be taken for a point of a changed sweep.
std::string point_id(std::int64_t index, const std::vector<Override>& overrides);

}  // namespace tpesim::sweep
