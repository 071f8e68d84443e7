// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_points.h"

#include <fmt/format.h>

namespace tpesim::sweep {

std::int64_t point_count(const SweepSpec& spec) {
  std::int64_t n = 1;
  for (const Axis& a : spec.axes) n *= static_cast<std::int64_t>(a.choices.size());
  return n;
}

std::string point_id(std::int64_t index, const std::vector<Override>& overrides) {
  std::uint32_t hash = 2166136261u;  // FNV-1a offset basis
  auto mix = [&hash](char c) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;  // FNV-1a prime
  };
  for (const Override& o : overrides) {
    for (char c : o.assignment()) mix(c);
    mix('\n');
  }
  return fmt::format("{:04}-{:08x}", index, hash);
}

std::vector<SweepPoint> enumerate_points(const SweepSpec& spec) {
  const std::int64_t total = point_count(spec);
  std::vector<SweepPoint> points;
  points.reserve(static_cast<std::size_t>(total));
  std::vector<std::size_t> digit(spec.axes.size(), 0);  // the choice of each axis
  for (std::int64_t index = 0; index < total; ++index) {
    SweepPoint p;
    p.index = index;
    for (std::size_t a = 0; a < spec.axes.size(); ++a) {
      const AxisChoice& c = spec.axes[a].choices[digit[a]];
      p.overrides.insert(p.overrides.end(), c.overrides.begin(), c.overrides.end());
      p.params.insert(p.params.end(), c.labels.begin(), c.labels.end());
    }
    p.id = point_id(index, p.overrides);
    points.push_back(std::move(p));
    // Advance the mixed-radix counter, last axis fastest.
    for (std::size_t a = spec.axes.size(); a-- > 0;) {
      if (++digit[a] < spec.axes[a].choices.size()) break;
      digit[a] = 0;
    }
  }
  return points;
}

}  // namespace tpesim::sweep
