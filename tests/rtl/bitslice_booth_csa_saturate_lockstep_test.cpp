// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_booth_csa.sv with SATURATE = 1, verilated, against BitsliceArith
// (variant booth_csa, overflow saturate) in lock step: the accumulator, its redundant pair (the
// carry vector must stay 0), the overflow flag and the non-zero Booth digit count after every
// clock edge.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <type_traits>

#include "Vpe_bitslice_booth_csa_sat18.h"
#include "Vpe_bitslice_booth_csa_sat_narrow.h"
#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::BitsliceArith;
using pe::BitsliceSpec;
using pe::int_max;
using pe::int_min;

constexpr std::uint64_t kCycles = 200'000;  // random edges per parameter set

// What one run saw, for the coverage expectations and docs/RTL.md.
struct SatCounts {
  std::int64_t cycles = 0;       // clock edges compared
  std::int64_t macs = 0;         // edges with in_valid
  std::int64_t saturations = 0;  // MACs the model clamped (its overflow count)
  std::int64_t at_max = 0;       // ... of them clamped to the maximum
  std::int64_t at_min = 0;       // ... to the minimum
  std::int64_t left_bound = 0;   // MACs from a clamped accumulator back into the range
  std::int64_t mismatches = 0;   // edges where any compared output differed
};

BitsliceSpec saturating(int a_bits, int w_bits, int acc_bits) {
  BitsliceSpec s;
  s.variant = pe::BitsliceVariant::BoothCsa;
  s.a_bits = a_bits;
  s.w_bits = w_bits;
  s.acc_bits = acc_bits;
  s.overflow = pe::Overflow::Saturate;
  return s;
}

std::int64_t sign_extend(std::uint64_t v, int bits) {
  return pe::wrap_signed(static_cast<std::int64_t>(v & ((std::uint64_t{1} << bits) - 1)), bits);
}

std::uint64_t mask(std::int64_t v, int bits) {
  return static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << bits) - 1);
}

// Random MACs in chains; two chains in three have products of one sign (extreme operands most of
// the time) so that the accumulator runs into its bounds, then stays there or comes back.
template <class Model>
SatCounts run(const BitsliceSpec& spec, std::uint64_t seed) {
  const BitsliceArith arith(spec);
  VerilatedPe<Model> rtl(seed);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> ua(int_min(spec.a_bits), int_max(spec.a_bits));
  std::uniform_int_distribution<std::int64_t> uw(int_min(spec.w_bits), int_max(spec.w_bits));
  const auto one_in = [&rng](int n) { return rng() % static_cast<std::uint64_t>(n) == 0; };
  SatCounts c;
  std::int64_t acc = 0;
  int chain_sign = 0;  // -1, +1: products of that sign; 0: any
  for (std::uint64_t t = 0; t < kCycles; ++t) {
    const bool valid = !one_in(4);
    const bool clear = one_in(256);
    if (clear) chain_sign = static_cast<int>(rng() % 3) - 1;
    std::int64_t a =
        one_in(2) ? ua(rng) : (one_in(2) ? int_min(spec.a_bits) : int_max(spec.a_bits));
    std::int64_t w =
        one_in(2) ? uw(rng) : (one_in(2) ? int_min(spec.w_bits) : int_max(spec.w_bits));
    if (chain_sign != 0 && (a * w) * chain_sign < 0)
      a = a == int_min(spec.a_bits) ? int_max(spec.a_bits) : -a;
    Model& m = rtl.model();
    m.in_valid = valid;
    m.in_clear = clear;
    m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(mask(a, spec.a_bits));
    m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(mask(w, spec.w_bits));
    rtl.edge();
    bool overflow = false;
    if (valid) {
      const std::int64_t base = clear ? 0 : acc;
      const auto step =
          arith.mac_step(base, static_cast<std::int32_t>(a), static_cast<std::int32_t>(w));
      overflow = step.overflow;
      c.left_bound +=
          (base == int_max(spec.acc_bits) || base == int_min(spec.acc_bits)) && step.value != base;
      acc = step.value;
      ++c.macs;
      c.saturations += overflow;
      c.at_max += overflow && acc == int_max(spec.acc_bits);
      c.at_min += overflow && acc == int_min(spec.acc_bits);
    }
    const int digits = valid ? pe::booth_radix4(w, spec.w_bits).nonzero() : 0;
    const bool same = sign_extend(m.acc, spec.acc_bits) == acc &&
                      sign_extend(m.acc_sum, spec.acc_bits) == acc && m.acc_carry == 0 &&
                      static_cast<bool>(m.overflow) == overflow &&
                      static_cast<int>(m.nonzero_digits) == digits;
    if (!same && c.mismatches++ == 0) {
      ADD_FAILURE() << "first divergence at edge " << t << ": a " << a << " w " << w << " valid "
                    << valid << " clear " << clear << "; model acc " << acc << " overflow "
                    << overflow << " digits " << digits << "; RTL acc "
                    << sign_extend(m.acc, spec.acc_bits) << " sum "
                    << sign_extend(m.acc_sum, spec.acc_bits) << " carry " << m.acc_carry
                    << " overflow " << int{m.overflow} << " digits " << int{m.nonzero_digits};
    }
    ++c.cycles;
  }
  return c;
}

void expect_coverage(const SatCounts& c) {
  for (const auto& [name, v] :
       {std::pair{"cycles", c.cycles}, std::pair{"macs", c.macs},
        std::pair{"saturations", c.saturations}, std::pair{"clamped_to_max", c.at_max},
        std::pair{"clamped_to_min", c.at_min}, std::pair{"left_bound", c.left_bound},
        std::pair{"mismatches", c.mismatches}}) {
    ::testing::Test::RecordProperty(name, std::to_string(v));
  }
  EXPECT_EQ(c.mismatches, 0);
  EXPECT_EQ(c.cycles, static_cast<std::int64_t>(kCycles));
  EXPECT_GT(c.at_max, 1000);  // both bounds really clamp, many times
  EXPECT_GT(c.at_min, 1000);
  EXPECT_EQ(c.saturations, c.at_max + c.at_min);
  EXPECT_GT(c.left_bound, 1000);  // and the accumulator comes back from them
}

// int8 x int8 -> 18: every value, the overflow flag and a zero carry vector match the
// saturating model on every edge.
TEST(BitsliceBoothCsaSaturateLockstepTest, Int8Acc18MatchesModelEveryEdge) {
  expect_coverage(run<Vpe_bitslice_booth_csa_sat18>(saturating(8, 8, 18), 71));
}

// 6 x 5 -> 12 (odd weight width, one sign-extended Booth digit): the same.
TEST(BitsliceBoothCsaSaturateLockstepTest, Narrow6x5Acc12MatchesModelEveryEdge) {
  expect_coverage(run<Vpe_bitslice_booth_csa_sat_narrow>(saturating(6, 5, 12), 72));
}

}  // namespace
}  // namespace tpesim::cosim
