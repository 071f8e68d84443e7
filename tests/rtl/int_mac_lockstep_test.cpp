// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_int_mac.sv, verilated, against IntMacArith in lock step, every cycle.
#include <gtest/gtest.h>

#include <memory>
#include <random>

#include "Vpe_int_mac_sat18.h"
#include "Vpe_int_mac_wrap32.h"
#include "pe/int_mac.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

// Drives one verilated pe_int_mac and the C++ arithmetic with the same seeded stimulus (edge
// operands, valid and clear patterns) and compares acc and overflow after every clock edge.
template <class Model>
void run_lockstep(const IntMacSpec& spec, std::uint64_t seed, int cycles) {
  auto context = std::make_unique<VerilatedContext>();
  context->randReset(2);
  context->randSeed(static_cast<int>(seed));
  auto rtl = std::make_unique<Model>(context.get());
  const IntMacArith arith(spec);
  std::mt19937_64 rng(seed);
  auto operand = [&](int bits) {
    const std::int64_t lo = int_min(bits), hi = int_max(bits);
    switch (rng() % 8) {
      case 0:
        return lo;  // edge values a quarter of the time
      case 1:
        return hi;
      default:
        return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    }
  };
  auto edge = [&] {
    rtl->clk = 0;
    rtl->eval();
    rtl->clk = 1;
    rtl->eval();
    context->timeInc(1);
  };
  rtl->rst = 1;
  edge();
  rtl->rst = 0;
  std::int64_t acc = 0;
  std::int64_t overflows = 0;
  for (int cycle = 0; cycle < cycles; ++cycle) {
    const bool valid = rng() % 4 != 0;
    const bool clear = rng() % 1024 == 0;  // long chains, so accumulators overflow
    const auto a = static_cast<std::int32_t>(operand(spec.a_bits));
    const auto w = static_cast<std::int32_t>(operand(spec.w_bits));
    rtl->in_valid = valid;
    rtl->in_clear = clear;
    rtl->a = static_cast<std::remove_reference_t<decltype(rtl->a)>>(static_cast<std::uint32_t>(a) &
                                                                    ((1u << spec.a_bits) - 1));
    rtl->w = static_cast<std::remove_reference_t<decltype(rtl->w)>>(static_cast<std::uint32_t>(w) &
                                                                    ((1u << spec.w_bits) - 1));
    edge();
    bool overflow = false;
    if (valid) {
      const auto step = arith.mac_step(clear ? 0 : acc, a, w);
      acc = step.value;
      overflow = step.overflow;
      overflows += overflow;
    }
    const std::int64_t rtl_acc =
        wrap_signed(static_cast<std::int64_t>(rtl->acc), spec.acc_bits);  // sign-extend
    ASSERT_EQ(rtl_acc, acc) << "first divergence at cycle " << cycle << " (a=" << a << " w=" << w
                            << " valid=" << valid << " clear=" << clear << ")";
    ASSERT_EQ(rtl->overflow != 0, overflow) << "overflow flag diverges at cycle " << cycle;
  }
  EXPECT_GT(overflows, cycles / 1000) << "the stimulus must exercise the overflow path";
  rtl->final();
}

// 16x16 -> 32-bit wrapping accumulator (wraps often): 200k random cycles, zero mismatches.
TEST(IntMacLockstepTest, Wrap32MatchesModelEveryCycle) {
  run_lockstep<Vpe_int_mac_wrap32>(IntMacSpec{16, 16, 32, Overflow::Wrap}, 1, 200000);
}

// 8x8 -> 18-bit saturating accumulator (overflows often): 200k random cycles.
TEST(IntMacLockstepTest, Saturate18MatchesModelEveryCycle) {
  run_lockstep<Vpe_int_mac_sat18>(IntMacSpec{8, 8, 18, Overflow::Saturate}, 2, 200000);
}

}  // namespace
}  // namespace tpesim::pe
