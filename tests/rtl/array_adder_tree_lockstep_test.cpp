// SPDX-License-Identifier: Apache-2.0
// Array vs model: rtl/arrays/adder_tree_array.sv, verilated (4 units x 8 lanes broadcast; 3 units
// x 5 lanes, two stages per level, forwarded), against run_adder_tree_array in lock step: the same
// edge inputs every cycle, the accumulators' partial-sum reads and every output (valid bit and
// value) compared after every edge.
#include <gtest/gtest.h>

#include <string>

#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/array_lockstep.h"
#include "sim/cosim/lockstep.h"

namespace tpesim::cosim {
namespace {

std::int64_t counter(const LockstepResult& r, const std::string& name) {
  for (const Counter& c : r.counters) {
    if (c.name == name) return c.value;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

void expect_lockstep(const std::string& name, std::int64_t cycles, std::uint64_t seed) {
  const AdderTreeRtlSet& set = adder_tree_rtl_set(name);
  ArrayStimulus stimulus;
  stimulus.seed = seed;
  stimulus.cycles = cycles;
  stimulus.max_m = 40;
  stimulus.max_n = 3 * set.shape.columns;
  stimulus.max_k = 4 * set.shape.k_lanes;
  const LockstepResult r = run_lockstep(adder_tree_lockstep(set.make, stimulus), LockstepOptions{});
  ASSERT_FALSE(r.divergence.has_value()) << name << ": " << describe(*r.divergence);
  EXPECT_GE(static_cast<std::int64_t>(r.cycles), cycles);
  EXPECT_GT(counter(r, "outputs compared"), cycles / 20) << name;
  EXPECT_GT(counter(r, "overflows"), 0) << name << ": the accumulators must wrap";
  EXPECT_GT(counter(r, "idle edges"), 0) << name << ": folds must wait for memory";
  EXPECT_GT(counter(r, "folds"), 2 * counter(r, "gemms")) << name;
  ::testing::Test::RecordProperty("cycles", static_cast<int>(r.cycles));
  ::testing::Test::RecordProperty("outputs", static_cast<int>(counter(r, "outputs compared")));
}

// 4 units x 8 lanes, one register stage per tree level, broadcast, 16 x 16 -> 32 wrapping.
TEST(ArrayAdderTreeLockstepTest, FourBy8BroadcastMatchesModelEveryCycle) {
  expect_lockstep("adder_tree_4x8", 60000, 11);
}

// 3 units x 5 lanes (a padded tree), two stages per level, forwarded activations, 8 x 8 -> 18.
TEST(ArrayAdderTreeLockstepTest, ThreeBy5ForwardTwoStagesMatchesModelEveryCycle) {
  expect_lockstep("adder_tree_3x5_fwd", 60000, 12);
}

}  // namespace
}  // namespace tpesim::cosim
