// SPDX-License-Identifier: Apache-2.0
// Model vs RTL, lut_tc with int8 activations (T-MAC style, exact integer tables):
// rtl/lut_tc_table_int8.sv against the table prepare_lut_operands builds (build_half_table of the
// integer activations), and rtl/pe_lut_tc_int8.sv against LutTcInt8Arith, in lock step after
// every clock edge.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <random>
#include <type_traits>

#include "Vlut_tc_table_int8_kg4.h"
#include "Vpe_lut_tc_int8_kg3_b3_fp16.h"
#include "Vpe_lut_tc_int8_kg4_b2.h"
#include "Vpe_lut_tc_int8_kg4_b8_wide.h"
#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "pe/numeric.h"
#include "tests/support/verilated_pe.h"

namespace tpesim::pe {
namespace {

// The half table of KG int8 activations as the C++ operand preparation builds it (integer
// activations: an exact binary32 table).
LutHalfTable int8_table(int kg, const std::array<float, 4>& a) {
  LutTcSpec spec;
  spec.lut_group = kg;
  spec.table_format = LutTableFormat::Fp32;
  return build_half_table(spec, a);
}

// Writes up to 128 bits (lo, then hi) into a verilated port: an integer or a VlWide.
template <class Port>
void set_port(Port& port, std::uint64_t lo, std::uint64_t hi = 0) {
  if constexpr (std::is_integral_v<Port>) {
    port = static_cast<Port>(lo);
  } else {
    const std::uint64_t v[2] = {lo, hi};
    for (std::size_t i = 0; i < sizeof(port) / 4; ++i)
      port[i] = static_cast<std::uint32_t>(v[i / 2] >> (32 * (i % 2)));
  }
}
// Bits [16 h, 16 h + 16) of a verilated port.
template <class Port>
std::uint32_t port_half_word(const Port& port, int h) {
  if constexpr (std::is_integral_v<Port>) {
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> (16 * h)) & 0xFFFFu);
  } else {
    return (port[static_cast<std::size_t>(h / 2)] >> (16 * (h % 2))) & 0xFFFFu;
  }
}

// Table builder: 10^5 random groups (extremes a quarter of the time, tail groups with zeros),
// every entry compared after every edge; in_valid low 1/8 of the time (the table holds).
TEST(LutTcInt8LockstepTest, TableMatchesBuildHalfTable) {
  testing_support::VerilatedPe<Vlut_tc_table_int8_kg4> rtl(91);
  std::mt19937_64 rng(91);
  std::array<std::int64_t, 8> expected{};
  for (int cycle = 0; cycle < 100000; ++cycle) {
    std::array<float, 4> a{};
    std::uint32_t packed = 0;
    const int n = rng() % 8 == 0 ? 1 + static_cast<int>(rng() % 3) : 4;
    for (int t = 0; t < n; ++t) {
      const std::int64_t v =
          rng() % 4 == 0 ? (rng() % 2 ? -128 : 127) : static_cast<std::int64_t>(rng() % 256) - 128;
      a[static_cast<std::size_t>(t)] = static_cast<float>(v);
      packed |= (static_cast<std::uint32_t>(v) & 0xFFu) << (8 * t);
    }
    const bool valid = rng() % 8 != 0;
    rtl.model().in_valid = valid;
    rtl.model().a = packed;
    rtl.edge();
    if (valid) {
      const LutHalfTable table = int8_table(4, a);
      for (int h = 0; h < 8; ++h)
        expected[static_cast<std::size_t>(h)] = static_cast<std::int64_t>(table.entries[h]);
    }
    for (int h = 0; h < 8; ++h) {
      const auto got = wrap_signed(port_half_word(rtl.model().lut, h), 16);
      ASSERT_EQ(got, expected[static_cast<std::size_t>(h)])
          << "entry " << h << " at cycle " << cycle;
    }
  }
}

// The lookup PE's parameter set, as the C++ spec and the Verilog GROUP_SIZE.
struct PeParams {
  int kg;          // KG
  int w_bits;      // W_BITS
  int group_size;  // GROUP_SIZE: the most k in one scale group
  FloatFormat out_format;
};

// What a lock-step run saw, for the coverage expectations.
struct Counts {
  std::int64_t steps = 0;      // completed steps
  std::int64_t dequants = 0;   // completed steps with group_end
  std::int64_t overflows = 0;  // D left int32
  std::int64_t nan_outs = 0;   // NaN outputs (canonical)
};

// Drives one verilated pe_lut_tc_int8 and LutTcInt8Arith with the same stimulus and compares
// after every edge: busy, done, overflow, acc, s_a and out always; acc_g and s_g while busy is
// 0 (between a step's edges the RTL shows per-plane partial sums, which the C++ step does not
// have). Random phase: `cycles` edges, in_valid 3/4 of the time (also while busy: ignored), a new
// chain 1/32, scale groups ending at random (at most group_size k), int8 activations with
// extremes a quarter of the time, tail groups 1/8, table from build_half_table, entries at
// +-128 KG 1/16; scales near 1, any pattern 1/16 (NaN, infinity). With `overflow_drive`, a
// second phase: one chain of one scale group of extreme activations and all-ones codes, long
// enough that D leaves int32 (then the group ends).
template <class Model>
Counts run_lockstep(const PeParams& p, std::uint64_t seed, int cycles, bool overflow_drive) {
  testing_support::VerilatedPe<Model> rtl(seed);
  LutTcSpec spec;
  spec.activation = LutActivation::Int8;
  spec.lut_group = p.kg;
  spec.w_bits = p.w_bits;
  spec.out_format = p.out_format;
  const LutTcInt8Arith arith(spec);
  std::mt19937_64 rng(seed);
  const int half = 1 << (p.kg - 1);
  const int pw =
      8 + p.w_bits + static_cast<int>(std::bit_width(static_cast<unsigned>(p.group_size - 1)));
  const int sw = pw - p.w_bits;

  LutTcInt8Arith::Acc shown = LutTcInt8Arith::zero();   // what the outputs show now
  LutTcInt8Arith::Acc result = LutTcInt8Arith::zero();  // the running step's result
  bool result_overflow = false;
  int left = 0;        // edges left in the running step
  int k_in_group = 0;  // k accepted in the open scale group
  Counts counts;

  auto fp16_near_one = [&] {
    if (rng() % 16 == 0) return static_cast<std::uint32_t>(rng() & 0xFFFFu);
    const auto biased = static_cast<std::uint32_t>(11 + rng() % 9);
    return static_cast<std::uint32_t>((rng() & 1u) << 15) | (biased << 10) |
           static_cast<std::uint32_t>(rng() & 0x3FFu);
  };
  auto fp32_near_one = [&] {
    if (rng() % 16 == 0) return static_cast<std::uint32_t>(rng());
    const auto biased = static_cast<std::uint32_t>(123 + rng() % 9);
    return static_cast<std::uint32_t>((rng() & 1u) << 31) | (biased << 23) |
           static_cast<std::uint32_t>(rng() & 0x7FFFFFu);
  };

  // One edge with the given step inputs; then the comparison.
  auto step = [&](std::int64_t cycle, bool valid, bool clear, bool extreme) {
    std::array<float, 4> a{};
    std::uint64_t a_packed = 0;
    const int n = !extreme && rng() % 8 == 0 ? 1 + static_cast<int>(rng() % (p.kg - 1)) : p.kg;
    for (int t = 0; t < n; ++t) {
      std::int64_t v =
          rng() % 4 == 0 ? (rng() % 2 ? -128 : 127) : static_cast<std::int64_t>(rng() % 256) - 128;
      if (extreme) v = t == 0 ? -128 : 127;
      a[static_cast<std::size_t>(t)] = static_cast<float>(v);
      a_packed |= (static_cast<std::uint64_t>(v) & 0xFFu) << (8 * t);
    }
    LutHalfTable table = int8_table(p.kg, a);
    if (!extreme && rng() % 16 == 0) {
      for (int h = 0; h < half; ++h)
        table.entries[h] = static_cast<float>(rng() % 2 ? 128 * p.kg : -128 * p.kg);
    }
    std::uint64_t lut[2] = {0, 0};  // entries 0..3, 4..7
    for (int h = 0; h < half; ++h)
      lut[h / 4] |=
          (static_cast<std::uint64_t>(static_cast<std::int64_t>(table.entries[h])) & 0xFFFFu)
          << (16 * (h % 4));
    std::array<std::uint8_t, 4> q{};
    std::uint32_t q_packed = 0;
    for (int t = 0; t < p.kg; ++t) {
      q[static_cast<std::size_t>(t)] =
          static_cast<std::uint8_t>(extreme ? (1u << p.w_bits) - 1 : rng() % (1u << p.w_bits));
      q_packed |= std::uint32_t{q[static_cast<std::size_t>(t)]} << (t * p.w_bits);
    }
    const std::uint32_t a_scale = extreme ? 0x3F800000u : fp32_near_one();
    const std::uint32_t w_scale = extreme ? 0x3C00u : fp16_near_one();
    const auto z = static_cast<std::uint32_t>(extreme ? 0 : rng() % (1u << p.w_bits));
    const bool accepted = valid && left == 0;
    const int k_after = (clear ? 0 : k_in_group) + n;
    bool group_end = extreme ? false : rng() % 8 == 0;
    if (k_after + p.kg > p.group_size) group_end = true;  // the next group would not fit

    auto& m = rtl.model();
    m.in_valid = valid;
    m.in_clear = clear;
    set_port(m.lut, lut[0], lut[1]);
    set_port(m.a, a_packed);
    m.a_scale = a_scale;
    m.count = static_cast<std::uint8_t>(n);
    set_port(m.q, q_packed);
    m.w_scale = static_cast<std::uint16_t>(w_scale);
    m.z = static_cast<std::uint8_t>(z);
    m.group_end = group_end;
    rtl.edge();

    bool completed = false;
    if (left > 0) {
      completed = --left == 0;
    } else if (accepted) {
      LutOperand av, wv;
      for (int h = 0; h < half; ++h) av.table[h] = table.entries[h];
      av.a = a;
      av.count = static_cast<std::uint8_t>(n);
      av.s_a = static_cast<float>(decode(a_scale, kFp32));
      wv.q = q;
      wv.half_scale = static_cast<float>(decode(w_scale, kFp16)) * 0.5f;
      wv.z_prime = 2 * static_cast<std::int32_t>(z) - ((1 << p.w_bits) - 1);
      wv.group_end = group_end;
      if (clear) {
        shown.acc_g = 0;
        shown.s = 0;
        shown.out = 0;
        k_in_group = 0;
      }
      const auto s = arith.mac_step(shown, av, wv);
      result = s.value;
      result_overflow = s.overflow;
      k_in_group = group_end ? 0 : k_in_group + n;
      left = p.w_bits - 1;
      completed = left == 0;
    }
    if (completed) {
      shown = result;
      ++counts.steps;
    }
    const bool busy = left > 0;
    const bool overflow = completed && result_overflow;
    ASSERT_EQ(m.busy != 0, busy) << "busy at cycle " << cycle;
    ASSERT_EQ(m.done != 0, completed) << "done at cycle " << cycle;
    ASSERT_EQ(m.overflow != 0, overflow) << "overflow at cycle " << cycle;
    ASSERT_EQ(static_cast<std::uint32_t>(m.acc), std::bit_cast<std::uint32_t>(shown.out))
        << "acc at cycle " << cycle;
    ASSERT_EQ(static_cast<std::uint32_t>(m.s_a), std::bit_cast<std::uint32_t>(shown.s_a))
        << "s_a at cycle " << cycle;
    ASSERT_EQ(static_cast<std::int64_t>(m.out), arith.output(shown)) << "out at cycle " << cycle;
    if (!busy) {
      ASSERT_EQ(wrap_signed(static_cast<std::int64_t>(m.acc_g), pw), shown.acc_g)
          << "acc_g at cycle " << cycle;
      ASSERT_EQ(wrap_signed(static_cast<std::int64_t>(m.s_g), sw), shown.s)
          << "s_g at cycle " << cycle;
    }
    if (completed) {
      counts.dequants += shown.acc_g == 0 && shown.s == 0;
      counts.overflows += overflow;
    }
    counts.nan_outs += arith.output(shown) == encode(std::nan(""), p.out_format);
  };

  std::int64_t cycle = 0;
  for (; cycle < cycles; ++cycle) {
    step(cycle, rng() % 4 != 0, rng() % 32 == 0, false);
    if (testing::Test::HasFatalFailure()) return counts;
  }
  if (overflow_drive) {
    // Every step adds 253 (2^W - 1) to acc_g (T[all ones] = -128 + 3 x 127) and S grows by 253
    // with z' = -(2^W - 1), so D grows by 2 x 253 (2^W - 1) per step.
    const std::int64_t steps =
        (std::int64_t{1} << 31) / (std::int64_t{2} * 253 * ((1 << p.w_bits) - 1)) + 64;
    for (std::int64_t s = 0; s < steps * p.w_bits; ++s, ++cycle) {
      step(cycle, true, s < p.w_bits, true);  // the first accepted step clears
      if (testing::Test::HasFatalFailure()) return counts;
    }
    for (int s = 0; s < 2 * p.w_bits; ++s, ++cycle) {
      k_in_group = p.group_size;  // force the group end (z = 0, as in the whole group)
      step(cycle, true, false, true);
      if (testing::Test::HasFatalFailure()) return counts;
    }
  }
  return counts;
}

// The defaults: KG = 4, 2-bit weights, groups of up to 128 k, binary32 output (D stays far
// inside int32 here: no overflow drive).
TEST(LutTcInt8LockstepTest, Kg4B2MatchesModelEveryCycle) {
  const Counts c = run_lockstep<Vpe_lut_tc_int8_kg4_b2>({4, 2, 128, kFp32}, 92, 120000, false);
  EXPECT_GT(c.steps, 20000);
  EXPECT_GT(c.dequants, 2000);
  EXPECT_GT(c.nan_outs, 100);
}

// KG = 3, 3-bit weights, groups of up to 12 k, fp16 output (tail groups, scales that overflow
// fp16).
TEST(LutTcInt8LockstepTest, Kg3B3Fp16MatchesModelEveryCycle) {
  const Counts c = run_lockstep<Vpe_lut_tc_int8_kg3_b3_fp16>({3, 3, 12, kFp16}, 93, 120000, false);
  EXPECT_GT(c.steps, 15000);
  EXPECT_GT(c.dequants, 5000);
  EXPECT_GT(c.nan_outs, 100);
}

// KG = 4, 8-bit weights, groups of up to 2^20 k (D is 37 bits): the random phase, then a group
// of extreme products driven past int32, so the overflow event and the wide D are checked.
TEST(LutTcInt8LockstepTest, WideGroupOverflowsInt32) {
  const Counts c =
      run_lockstep<Vpe_lut_tc_int8_kg4_b8_wide>({4, 8, 1 << 20, kFp32}, 94, 100000, true);
  EXPECT_GT(c.steps, 10000);
  EXPECT_GE(c.overflows, 1);
}

}  // namespace
}  // namespace tpesim::pe
