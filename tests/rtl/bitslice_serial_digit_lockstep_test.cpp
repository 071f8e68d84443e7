// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_serial_digit.sv, verilated, against BitsliceArith (variant
// serial_digit, overflow wrap) in lock step: every step completes on the edge that step_cycles()
// (pe/bitslice.h, EN-T digits of pe/digit_encoding.h) predicts, busy and done follow it, and the
// accumulator then equals the model's chain over the step's lanes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "Vpe_bitslice_serial_digit_int8.h"
#include "Vpe_bitslice_serial_digit_lane1.h"
#include "Vpe_bitslice_serial_digit_narrow.h"
#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

BitsliceSpec serial_spec(int a_bits, int w_bits, int acc_bits, int lanes) {
  BitsliceSpec spec;
  spec.variant = BitsliceVariant::SerialDigit;
  spec.a_bits = a_bits;
  spec.w_bits = w_bits;
  spec.acc_bits = acc_bits;
  spec.overflow = Overflow::Wrap;  // the RTL wraps only
  spec.digit_group = lanes;        // one step of the PE is one digit group
  return spec;
}

// One step's operands, lane l = the l-th consecutive k.
struct Lanes {
  std::vector<std::int32_t> a;  // activations, a_bits signed
  std::vector<std::int32_t> w;  // weights, w_bits signed
};

// One verilated pe_bitslice_serial_digit with its clock, reset and lane packing.
template <class Model>
class SerialRtl {
 public:
  SerialRtl(const BitsliceSpec& spec, std::uint64_t seed) : m_spec(spec), m_pe(seed) {}

  // Drives the inputs and takes one rising edge.
  void step(bool valid, bool clear, const Lanes& x) {
    Model& m = m_pe.model();
    m.in_valid = valid;
    m.in_clear = clear;
    m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(pack(x.a, m_spec.a_bits));
    m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(pack(x.w, m_spec.w_bits));
    m_pe.edge();
  }
  bool busy() const { return m_pe.model().busy != 0; }
  bool done() const { return m_pe.model().done != 0; }
  std::int64_t acc() const {
    return wrap_signed(static_cast<std::int64_t>(m_pe.model().acc), m_spec.acc_bits);
  }

 private:
  static std::uint64_t pack(const std::vector<std::int32_t>& v, int bits) {
    std::uint64_t out = 0;
    for (std::size_t l = 0; l < v.size(); ++l) {
      out |= (static_cast<std::uint64_t>(v[l]) & static_cast<std::uint64_t>(uint_max(bits)))
             << (l * static_cast<std::size_t>(bits));
    }
    return out;
  }

  BitsliceSpec m_spec;                       // widths and lanes of the verilated parameter set
  testing_support::VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
};

// What one run compared.
struct Counts {
  std::int64_t cycles = 0;          // clock edges compared
  std::int64_t steps = 0;           // steps completed
  std::int64_t step_cycles = 0;     // their cycles, summed
  std::int64_t min_cycles = 1000;   // the shortest step
  std::int64_t max_cycles = 0;      // the longest step
  std::int64_t longer = 0;          // steps longer than D cycles (some weight had 2+ digits)
  std::int64_t nonzero_digits = 0;  // non-zero EN-T digits of the steps' activations
  std::int64_t digits = 0;          // all their digits (digit sparsity = 1 - nonzero / digits)
  std::int64_t overflows = 0;       // lane MACs that wrapped the model's accumulator
  std::int64_t ignored = 0;         // in_valid edges while busy (must be ignored)
  std::int64_t idle = 0;            // edges with neither a step nor in_valid

  // The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
  void record(const std::string& prefix = "") const {
    auto put = [&](const char* key, std::int64_t v) {
      ::testing::Test::RecordProperty(prefix + key, std::to_string(v));
    };
    put("cycles", cycles);
    put("steps", steps);
    put("step_cycles", step_cycles);
    put("min_cycles", min_cycles);
    put("max_cycles", max_cycles);
    put("longer", longer);
    put("nonzero_digits", nonzero_digits);
    put("digits", digits);
    put("overflows", overflows);
    put("ignored", ignored);
    put("idle", idle);
  }
};

// The RTL and the model side by side. edge() offers a step (taken when the RTL is not busy);
// every edge compares busy and done with the schedule step_cycles() gives, and the accumulator
// whenever no step is in progress. The first mismatch fails the test with the cycle, that edge's
// inputs, the step in progress (its start cycle, lanes and cost) and both sides' outputs.
template <class Model>
class Lockstep {
 public:
  Lockstep(const BitsliceSpec& spec, std::uint64_t seed)
      : m_spec(spec), m_arith(spec), m_rtl(spec, seed) {}

  bool busy() const { return m_end >= 0; }
  Counts& counts() { return m_counts; }

  // One edge: a new step (valid; only when !busy()), or in_valid with `x` while busy (must be
  // ignored), or an idle edge.
  bool edge(bool valid, bool clear, const Lanes& x) {
    if (m_failed) return false;
    const std::int64_t cycle = m_counts.cycles;
    const std::int64_t before = m_acc;
    if (valid && !busy()) {
      const std::int64_t step_cost =
          m_arith.step_cycles_lanes(x.a.data(), x.w.data(), m_spec.digit_group);
      m_end = cycle + step_cost - 1;
      m_step = "started at cycle " + std::to_string(cycle) + ", " + std::to_string(step_cost) +
               " cycles, lanes (a, w):" + lane_list(x) + (clear ? ", in_clear" : "");
      std::int64_t acc = clear ? 0 : m_acc;
      for (std::size_t l = 0; l < x.a.size(); ++l) {
        const auto s = m_arith.mac_step(acc, x.a[l], x.w[l]);
        acc = s.value;
        m_counts.overflows += s.overflow;
        const Digits d = ent_digits(x.a[l], m_spec.a_bits);
        m_counts.nonzero_digits += d.nonzero();
        m_counts.digits += d.count;
      }
      m_acc = acc;
      ++m_counts.steps;
      m_counts.step_cycles += step_cost;
      m_counts.min_cycles = std::min(m_counts.min_cycles, step_cost);
      m_counts.max_cycles = std::max(m_counts.max_cycles, step_cost);
      m_counts.longer += step_cost > radix4_digits(m_spec.a_bits);
    } else if (valid) {
      ++m_counts.ignored;
    } else if (!busy()) {
      ++m_counts.idle;
    }
    m_rtl.step(valid, clear, x);
    ++m_counts.cycles;
    const bool want_done = m_end == cycle;
    const std::string step = m_end >= 0 ? m_step : "none";
    if (want_done) m_end = -1;
    const bool want_busy = busy();
    const bool acc_due = !want_busy;
    if (m_rtl.done() != want_done || m_rtl.busy() != want_busy ||
        (acc_due && m_rtl.acc() != m_acc)) {
      m_failed = true;
      ADD_FAILURE() << "first mismatch at cycle " << cycle << ": in_valid=" << valid
                    << " in_clear=" << clear << " lanes (a, w):" << lane_list(x)
                    << "\n  model acc before this edge (after the last accepted step): " << before
                    << "\n  step in progress: " << step << "\n  model: done=" << want_done
                    << " busy=" << want_busy << " acc=" << m_acc << (acc_due ? "" : " (not due)")
                    << "\n  rtl:   done=" << m_rtl.done() << " busy=" << m_rtl.busy()
                    << " acc=" << m_rtl.acc();
      return false;
    }
    return true;
  }

 private:
  static std::string lane_list(const Lanes& x) {
    std::string out;
    for (std::size_t l = 0; l < x.a.size(); ++l) {
      out += " (" + std::to_string(x.a[l]) + ", " + std::to_string(x.w[l]) + ")";
    }
    return out;
  }

  BitsliceSpec m_spec;      // widths and lanes
  BitsliceArith m_arith;    // values and step cycles: the one C++ definition
  SerialRtl<Model> m_rtl;   // the verilated module
  std::int64_t m_acc = 0;   // the model's accumulator after the last accepted step
  std::int64_t m_end = -1;  // the edge on which the step in progress completes (-1: none)
  std::string m_step;       // the step in progress, for a mismatch report
  bool m_failed = false;    // a mismatch was reported
  Counts m_counts;          // what was compared
};

// Random lanes: zero a quarter of the time (a lane that costs nothing), the extremes, small
// magnitudes (few non-zero digits), values of many digits, uniform.
class LaneGen {
 public:
  LaneGen(const BitsliceSpec& spec, std::uint64_t seed) : m_spec(spec), m_rng(seed) {}

  std::int32_t activation() {
    const int bits = m_spec.a_bits;
    switch (m_rng() % 8) {
      case 0:
      case 1:
        return 0;
      case 2:
        return static_cast<std::int32_t>(int_min(bits));
      case 3:
        return static_cast<std::int32_t>(int_max(bits));
      case 4:  // magnitudes below 8: at most two non-zero digits
        return static_cast<std::int32_t>(m_rng() % 15) - 7;
      case 5:  // +-0b0101...: digit 1 at every bit weight that fits
        return static_cast<std::int32_t>(0x5555 & int_max(bits)) * (m_rng() % 2 ? -1 : 1);
      default:
        return uniform(bits);
    }
  }
  std::int32_t weight() {
    const int bits = m_spec.w_bits;
    switch (m_rng() % 8) {
      case 0:
        return static_cast<std::int32_t>(int_min(bits));
      case 1:
        return static_cast<std::int32_t>(int_max(bits));
      default:
        return uniform(bits);
    }
  }
  // A step's lanes; with drift = +-1 every product keeps that sign (w replaced by ~w = -w - 1,
  // in range, where needed) so that chains run into the accumulator's range.
  Lanes lanes(int drift = 0) {
    Lanes x;
    for (int l = 0; l < m_spec.digit_group; ++l) {
      const std::int32_t a = activation();
      std::int32_t w = weight();
      if (drift * a * w < 0) w = ~w;
      x.a.push_back(a);
      x.w.push_back(w);
    }
    return x;
  }
  std::uint64_t next() { return m_rng(); }

 private:
  std::int32_t uniform(int bits) {
    const std::int64_t lo = int_min(bits), hi = int_max(bits);
    return static_cast<std::int32_t>(
        lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1)));
  }

  BitsliceSpec m_spec;    // widths and lanes
  std::mt19937_64 m_rng;  // the seeded source
};

// `random_cycles` edges: a step offered 3/4 of the time when the PE is free (a new chain 1/64 of
// the steps; two chains in three keep their products' sign), in_valid with other operands half
// of the busy edges (ignored), idle edges; then a
// "wrap drive": back-to-back steps of extreme same-sign products, enough to carry the
// accumulator past its half range both ways.
template <class Model>
Counts run(const BitsliceSpec& spec, std::uint64_t seed, int random_cycles) {
  Lockstep<Model> ls(spec, seed);
  LaneGen gen(spec, seed + 1);
  int drift = 0;  // the sign the products of this chain keep (0: none)
  for (int i = 0; i < random_cycles; ++i) {
    const bool offer = ls.busy() ? gen.next() % 2 == 0 : gen.next() % 4 != 0;
    const bool clear = gen.next() % 64 == 0;
    if (clear && offer && !ls.busy()) drift = static_cast<int>(gen.next() % 3) - 1;
    if (!ls.edge(offer, clear, gen.lanes(drift))) return ls.counts();
  }
  const auto lanes = static_cast<std::size_t>(spec.digit_group);
  const std::int64_t per_step = int_min(spec.a_bits) * int_min(spec.w_bits) * spec.digit_group;
  const std::int64_t drive = (std::int64_t{1} << (spec.acc_bits - 1)) / per_step * 5 / 4 + 8;
  for (int sign : {1, -1}) {
    const Lanes x{
        std::vector<std::int32_t>(lanes, static_cast<std::int32_t>(int_min(spec.a_bits))),
        std::vector<std::int32_t>(
            lanes, static_cast<std::int32_t>(sign * int_min(spec.w_bits)) - (sign < 0 ? 1 : 0))};
    for (std::int64_t s = 0; s < drive;) {
      const bool start = !ls.busy();
      if (!ls.edge(start, false, x)) return ls.counts();
      s += start;
    }
  }
  while (ls.busy()) {
    if (!ls.edge(false, false, gen.lanes())) return ls.counts();
  }
  return ls.counts();
}

// int8 x int8 -> 32, digit groups of 4 lanes (the default digit_group): steps of 4 to 16 cycles.
TEST(BitsliceSerialDigitLockstepTest, Int8GroupOf4MatchesModelEveryCycle) {
  const Counts c = run<Vpe_bitslice_serial_digit_int8>(serial_spec(8, 8, 32, 4), 41, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c.min_cycles, 4);   // one cycle per bit weight at least
  EXPECT_EQ(c.max_cycles, 16);  // every lane non-zero at every bit weight
  EXPECT_GT(c.longer, c.steps / 4);
  EXPECT_GE(c.overflows, 2);  // the wrap drive
  EXPECT_GT(c.ignored, 1000);
  EXPECT_GT(c.idle, 1000);
}

// 5 x 6 -> 14, groups of 3 lanes: an odd activation width (3 digits, the top one a single bit)
// and a narrow accumulator that wraps often.
TEST(BitsliceSerialDigitLockstepTest, NarrowGroupOf3WrapsAndMatchesModelEveryCycle) {
  const Counts c = run<Vpe_bitslice_serial_digit_narrow>(serial_spec(5, 6, 14, 3), 42, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  EXPECT_EQ(c.min_cycles, 3);
  EXPECT_EQ(c.max_cycles, 9);
  EXPECT_GT(c.overflows, 500);
}

// One lane per step (a systolic PE): every step takes D = 4 cycles whatever the data; every
// int8 (a, w) pair as a fresh chain gives a * w, plus a random run.
TEST(BitsliceSerialDigitLockstepTest, OneLaneEveryPairTakesFourCyclesAndIsExact) {
  const BitsliceSpec spec = serial_spec(8, 8, 32, 1);
  Lockstep<Vpe_bitslice_serial_digit_lane1> ls(spec, 43);
  for (std::int32_t a = -128; a <= 127; ++a) {
    for (std::int32_t w = -128; w <= 127; ++w) {
      const Lanes x{{a}, {w}};
      ASSERT_TRUE(ls.edge(true, true, x));
      while (ls.busy()) ASSERT_TRUE(ls.edge(false, false, x));
    }
  }
  const Counts& c = ls.counts();
  c.record();
  EXPECT_EQ(c.steps, 65536);
  EXPECT_EQ(c.cycles, 4 * 65536);
  EXPECT_EQ(c.min_cycles, 4);
  EXPECT_EQ(c.max_cycles, 4);
  const Counts r = run<Vpe_bitslice_serial_digit_lane1>(spec, 44, 200000);
  r.record("random_");
  ASSERT_FALSE(HasFailure());
  EXPECT_GE(r.overflows, 2);
  EXPECT_EQ(r.max_cycles, 4);
}

}  // namespace
}  // namespace tpesim::pe
