// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_serial_digit.sv, verilated, against BitsliceArith (variant
// serial_digit, overflow wrap) in lock step through the cosim library's bench
// (sim/cosim/serial_digit_lockstep.h): every step completes on the edge that step_cycles()
// (pe/bitslice.h, EN-T digits of pe/digit_encoding.h) predicts, busy and done follow it, and the
// accumulator then equals the model's chain over the step's lanes.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "Vpe_bitslice_serial_digit_int8.h"
#include "Vpe_bitslice_serial_digit_lane1.h"
#include "Vpe_bitslice_serial_digit_narrow.h"
#include "pe/bitslice.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/serial_digit_lockstep.h"

namespace tpesim::cosim {
namespace {

// What one run compared: the cycles and the bench's counters by name (steps, step_cycles,
// min_cycles, max_cycles, longer, nonzero_digits, digits, overflows, ignored, idle).
struct Counts {
  std::int64_t cycles = 0;                      // clock edges compared
  std::map<std::string, std::int64_t> counter;  // SerialDigitLockstep::counters(), by name

  std::int64_t operator[](const std::string& name) const { return counter.at(name); }
  // The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
  void record(const std::string& prefix = "") const {
    ::testing::Test::RecordProperty(prefix + "cycles", std::to_string(cycles));
    for (const auto& [name, value] : counter) {
      ::testing::Test::RecordProperty(prefix + name, std::to_string(value));
    }
  }
};

// Runs the bench (SerialDigitStimulus); fails the test at the first divergence with its report.
template <class Model>
Counts run(const pe::BitsliceSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
           SerialDigitSchedule schedule = SerialDigitSchedule::RandomThenWrapDrive) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<SerialDigitLockstep<Model>>(spec, seed, random_cycles, traced,
                                                            SerialDigitCycleModel(spec), schedule);
      },
      LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  Counts out;
  out.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) out.counter[k.name] = k.value;
  return out;
}

// int8 x int8 -> 32, digit groups of 4 lanes (the default digit_group): steps of 4 to 16 cycles.
TEST(BitsliceSerialDigitLockstepTest, Int8GroupOf4MatchesModelEveryCycle) {
  const Counts c = run<Vpe_bitslice_serial_digit_int8>(serial_digit_spec(8, 8, 32, 4), 41, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c["min_cycles"], 4);   // one cycle per bit weight at least
  EXPECT_EQ(c["max_cycles"], 16);  // every lane non-zero at every bit weight
  EXPECT_GT(c["longer"], c["steps"] / 4);
  EXPECT_GE(c["overflows"], 2);  // the wrap drive
  EXPECT_GT(c["ignored"], 1000);
  EXPECT_GT(c["idle"], 1000);
}

// 5 x 6 -> 14, groups of 3 lanes: an odd activation width (3 digits, the top one a single bit)
// and a narrow accumulator that wraps often.
TEST(BitsliceSerialDigitLockstepTest, NarrowGroupOf3WrapsAndMatchesModelEveryCycle) {
  const Counts c =
      run<Vpe_bitslice_serial_digit_narrow>(serial_digit_spec(5, 6, 14, 3), 42, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c["min_cycles"], 3);
  EXPECT_EQ(c["max_cycles"], 9);
  EXPECT_GT(c["overflows"], 500);
}

// One lane per step (a systolic PE): every step takes D = 4 cycles whatever the data; every
// int8 (a, w) pair as a fresh chain gives a * w, plus a random run.
TEST(BitsliceSerialDigitLockstepTest, OneLaneEveryPairTakesFourCyclesAndIsExact) {
  const pe::BitsliceSpec spec = serial_digit_spec(8, 8, 32, 1);
  const Counts c =
      run<Vpe_bitslice_serial_digit_lane1>(spec, 43, 0, SerialDigitSchedule::EveryPair);
  c.record();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c["steps"], 65536);
  EXPECT_EQ(c.cycles, 4 * 65536);
  EXPECT_EQ(c["min_cycles"], 4);
  EXPECT_EQ(c["max_cycles"], 4);
  const Counts r = run<Vpe_bitslice_serial_digit_lane1>(spec, 44, 200000);
  r.record("random_");
  ASSERT_FALSE(HasFailure());
  EXPECT_GE(r["overflows"], 2);
  EXPECT_EQ(r["max_cycles"], 4);
}

}  // namespace
}  // namespace tpesim::cosim
