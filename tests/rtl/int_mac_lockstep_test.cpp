// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_int_mac.sv, verilated, against IntMacArith in lock step, every cycle,
// through the cosim library's bench (sim/cosim/int_mac_lockstep.h).
#include <gtest/gtest.h>

#include <memory>

#include "Vpe_int_mac_int8.h"
#include "Vpe_int_mac_sat18.h"
#include "Vpe_int_mac_wrap32.h"
#include "sim/cosim/int_mac_lockstep.h"
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

// Drives one verilated pe_int_mac and IntMacCycleModel with the bench's seeded stimulus (edge
// operands, valid and clear patterns) and compares acc and overflow after every clock edge.
// `overflows`: the stimulus must overflow the accumulator (narrow or 16-bit operands).
template <class Model>
void run_int_mac(const pe::IntMacSpec& spec, std::uint64_t seed, std::uint64_t cycles,
                 bool overflows = true) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<IntMacLockstep<Model>>(spec, seed, cycles, traced,
                                                       IntMacCycleModel(spec));
      },
      LockstepOptions{});
  ASSERT_FALSE(r.divergence) << describe(*r.divergence);
  EXPECT_EQ(r.cycles, cycles);
  if (overflows) {
    EXPECT_GT(counter(r, "overflows"), static_cast<std::int64_t>(cycles / 1000))
        << "the stimulus must exercise the overflow path";
  }
}

// 16x16 -> 32-bit wrapping accumulator (wraps often): 200k random cycles, zero mismatches.
TEST(IntMacLockstepTest, Wrap32MatchesModelEveryCycle) {
  run_int_mac<Vpe_int_mac_wrap32>(pe::IntMacSpec{16, 16, 32, pe::Overflow::Wrap}, 1, 200000);
}

// 8x8 -> 18-bit saturating accumulator (overflows often): 200k random cycles.
TEST(IntMacLockstepTest, Saturate18MatchesModelEveryCycle) {
  run_int_mac<Vpe_int_mac_sat18>(pe::IntMacSpec{8, 8, 18, pe::Overflow::Saturate}, 2, 200000);
}

// int_mac's defaults, 8x8 -> 32-bit wrapping (the rtl_int_mac set with no parameters): chains
// of a few hundred products never reach 2^31, so no overflow is asked for.
TEST(IntMacLockstepTest, Int8Acc32MatchesModelEveryCycle) {
  run_int_mac<Vpe_int_mac_int8>(pe::IntMacSpec{8, 8, 32, pe::Overflow::Wrap}, 3, 100000, false);
}

}  // namespace
}  // namespace tpesim::cosim
