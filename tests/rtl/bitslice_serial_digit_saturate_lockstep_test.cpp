// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_serial_digit.sv with SATURATE = 1, verilated, against
// BitsliceArith (variant serial_digit, overflow saturate) in lock step: busy and done against
// step_cycles_lanes(), and the accumulator and per-step overflow count against mac_step applied
// lane by lane in k order (as the arrays apply it) after every clock edge.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>

#include "Vpe_bitslice_serial_digit_sat18.h"
#include "Vpe_bitslice_serial_digit_sat_lane1.h"
#include "Vpe_bitslice_serial_digit_sat_narrow.h"
#include "pe/bitslice.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::BitsliceArith;
using pe::BitsliceSpec;
using pe::int_max;
using pe::int_min;

constexpr std::uint64_t kCycles = 200'000;  // random edges per parameter set
constexpr int kMaxLanes = 4;                // lanes of the widest parameter set

// What one run saw, for the coverage expectations and docs/RTL.md.
struct SatCounts {
  std::int64_t cycles = 0;         // clock edges compared
  std::int64_t steps = 0;          // steps accepted
  std::int64_t step_cycles = 0;    // cycles those steps took
  std::int64_t saturations = 0;    // lane MACs the model clamped (its overflow count)
  std::int64_t at_max = 0;         // steps ending at the maximum after a clamp
  std::int64_t at_min = 0;         // ... at the minimum
  std::int64_t order_matters = 0;  // steps where clamp(acc + sum of products) differs
  std::int64_t ignored_valid = 0;  // in_valid offered while busy (must be ignored)
  std::int64_t mismatches = 0;     // edges where any compared output differed
};

BitsliceSpec saturating(int a_bits, int w_bits, int acc_bits, int lanes) {
  BitsliceSpec s;
  s.variant = pe::BitsliceVariant::SerialDigit;
  s.a_bits = a_bits;
  s.w_bits = w_bits;
  s.acc_bits = acc_bits;
  s.overflow = pe::Overflow::Saturate;
  s.digit_group = lanes;
  return s;
}

std::int64_t sign_extend(std::uint64_t v, int bits) {
  return pe::wrap_signed(static_cast<std::int64_t>(v & ((std::uint64_t{1} << bits) - 1)), bits);
}

std::uint64_t mask(std::int64_t v, int bits) {
  return static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << bits) - 1);
}

// Random steps in chains; most chains have extreme products of one sign (the accumulator runs
// into a bound), the rest mixed signs, so that steps start near a bound with lanes of both signs
// and clamping lane by lane differs from clamping the step's sum.
template <class Model>
SatCounts run(const BitsliceSpec& spec, std::uint64_t seed) {
  const int lanes = spec.digit_group;
  const BitsliceArith arith(spec);
  VerilatedPe<Model> rtl(seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> ua(int_min(spec.a_bits), int_max(spec.a_bits));
  std::uniform_int_distribution<std::int64_t> uw(int_min(spec.w_bits), int_max(spec.w_bits));
  const auto one_in = [&rng](int n) { return rng() % static_cast<std::uint64_t>(n) == 0; };
  const auto extreme = [&](std::int64_t lo, std::int64_t hi, auto& uniform) {
    return one_in(3) ? uniform(rng) : (one_in(2) ? lo : hi);
  };
  SatCounts c;
  std::int64_t acc = 0;         // the model's accumulator after the last completed step
  std::int64_t left = 0;        // cycles of the running step still to come; 0: free
  std::int64_t pending = 0;     // the running step's result
  std::int64_t pending_ov = 0;  // ... and its clamped lanes
  int chain_sign = 1;           // -1, +1: products of that sign; 0: any
  for (std::uint64_t t = 0; t < kCycles; ++t) {
    std::array<std::int32_t, kMaxLanes> a{};
    std::array<std::int32_t, kMaxLanes> w{};
    const bool valid = !one_in(4);
    const bool clear = one_in(64);
    if (clear && left == 0) chain_sign = static_cast<int>(rng() % 3) - 1;
    std::uint64_t a_bus = 0;
    std::uint64_t w_bus = 0;
    for (int l = 0; l < lanes; ++l) {
      std::int64_t al = one_in(4) ? 0 : extreme(int_min(spec.a_bits), int_max(spec.a_bits), ua);
      const std::int64_t wl = extreme(int_min(spec.w_bits), int_max(spec.w_bits), uw);
      if (chain_sign != 0 && al * wl * chain_sign < 0) {
        al = al == int_min(spec.a_bits) ? int_max(spec.a_bits) : -al;
      }
      a[static_cast<std::size_t>(l)] = static_cast<std::int32_t>(al);
      w[static_cast<std::size_t>(l)] = static_cast<std::int32_t>(wl);
      a_bus |= mask(al, spec.a_bits) << (l * spec.a_bits);
      w_bus |= mask(wl, spec.w_bits) << (l * spec.w_bits);
    }
    Model& m = rtl.model();
    m.in_valid = valid;
    m.in_clear = clear;
    m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(a_bus);
    m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(w_bus);
    rtl.edge();
    if (left == 0 && valid) {  // accepted: compute the step's cost and value
      left = arith.step_cycles_lanes(a.data(), w.data(), lanes);
      std::int64_t v = clear ? 0 : acc;
      std::int64_t sum = v;
      std::uint64_t ov = 0;
      for (int l = 0; l < lanes; ++l) {
        v = arith.mac(v, a[static_cast<std::size_t>(l)], w[static_cast<std::size_t>(l)], ov);
        sum += std::int64_t{a[static_cast<std::size_t>(l)]} * w[static_cast<std::size_t>(l)];
      }
      c.order_matters += pe::saturate_signed(sum, spec.acc_bits) != v;
      pending = v;
      pending_ov = static_cast<std::int64_t>(ov);
      ++c.steps;
      c.step_cycles += left;
    } else if (left > 0) {
      c.ignored_valid += valid;
    }
    const bool done = left == 1;
    if (left > 0) --left;
    const bool busy = left > 0;
    if (done) {
      acc = pending;
      c.saturations += pending_ov;
      c.at_max += pending_ov > 0 && acc == int_max(spec.acc_bits);
      c.at_min += pending_ov > 0 && acc == int_min(spec.acc_bits);
    }
    // Between a step's edges acc holds the value before the step.
    const bool same = static_cast<bool>(m.busy) == busy && static_cast<bool>(m.done) == done &&
                      sign_extend(m.acc, spec.acc_bits) == acc &&
                      static_cast<std::int64_t>(m.overflows) == (done ? pending_ov : 0);
    if (!same && c.mismatches++ == 0) {
      ADD_FAILURE() << "first divergence at edge " << t << ": model busy " << busy << " done "
                    << done << " acc " << acc << " overflows " << (done ? pending_ov : 0)
                    << "; RTL busy " << int{m.busy} << " done " << int{m.done} << " acc "
                    << sign_extend(m.acc, spec.acc_bits) << " overflows " << int{m.overflows};
    }
    ++c.cycles;
  }
  return c;
}

void expect_coverage(const SatCounts& c, int lanes) {
  for (const auto& [name, v] :
       {std::pair{"cycles", c.cycles}, std::pair{"steps", c.steps},
        std::pair{"step_cycles", c.step_cycles}, std::pair{"saturations", c.saturations},
        std::pair{"steps_clamped_to_max", c.at_max}, std::pair{"steps_clamped_to_min", c.at_min},
        std::pair{"order_matters", c.order_matters}, std::pair{"ignored_valid", c.ignored_valid},
        std::pair{"mismatches", c.mismatches}}) {
    ::testing::Test::RecordProperty(name, std::to_string(v));
  }
  EXPECT_EQ(c.mismatches, 0);
  EXPECT_EQ(c.cycles, static_cast<std::int64_t>(kCycles));
  EXPECT_GT(c.at_max, 500);  // both bounds really clamp, many times
  EXPECT_GT(c.at_min, 500);
  EXPECT_GT(c.ignored_valid, 1000);
  // With several lanes, lane-by-lane clamping must differ from clamping the sum, often.
  if (lanes > 1) {
    EXPECT_GT(c.order_matters, 100);
  }
}

// int8 x int8 -> 18, 4 lanes: schedule, values and per-step overflow counts on every edge.
TEST(BitsliceSerialDigitSaturateLockstepTest, Int8Acc18FourLanesMatchesModelEveryEdge) {
  expect_coverage(run<Vpe_bitslice_serial_digit_sat18>(saturating(8, 8, 18, 4), 81), 4);
}

// 5 x 6 -> 12, 3 lanes (odd activation width): the same.
TEST(BitsliceSerialDigitSaturateLockstepTest, Narrow5x6Acc12ThreeLanesMatchesModelEveryEdge) {
  expect_coverage(run<Vpe_bitslice_serial_digit_sat_narrow>(saturating(5, 6, 12, 3), 82), 3);
}

// int8 x int8 -> 16, one lane per step (a systolic PE): the same.
TEST(BitsliceSerialDigitSaturateLockstepTest, Int8Acc16OneLaneMatchesModelEveryEdge) {
  expect_coverage(run<Vpe_bitslice_serial_digit_sat_lane1>(saturating(8, 8, 16, 1), 83), 1);
}

}  // namespace
}  // namespace tpesim::cosim
