// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_booth_csa.sv, verilated, against BitsliceArith (variant
// booth_csa, overflow wrap) in lock step: the resolved accumulator after every clock edge, and
// the per-MAC count of non-zero Booth digits against booth_radix4().
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <type_traits>

#include "Vpe_bitslice_booth_csa_int8.h"
#include "Vpe_bitslice_booth_csa_narrow.h"
#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

BitsliceSpec booth_spec(int a_bits, int w_bits, int acc_bits) {
  BitsliceSpec spec;
  spec.variant = BitsliceVariant::BoothCsa;
  spec.a_bits = a_bits;
  spec.w_bits = w_bits;
  spec.acc_bits = acc_bits;
  spec.overflow = Overflow::Wrap;  // the RTL wraps only (rtl/pe_bitslice_booth_csa.sv)
  return spec;
}

// One verilated pe_bitslice_booth_csa with its clock, reset and operand packing.
template <class Model>
class BoothRtl {
 public:
  BoothRtl(const BitsliceSpec& spec, std::uint64_t seed) : m_spec(spec), m_pe(seed) {}

  // Drives the inputs and takes one rising edge.
  void step(bool valid, bool clear, std::int64_t a, std::int64_t w) {
    Model& m = m_pe.model();
    m.in_valid = valid;
    m.in_clear = clear;
    m.a = pack<decltype(m.a)>(a, m_spec.a_bits);
    m.w = pack<decltype(m.w)>(w, m_spec.w_bits);
    m_pe.edge();
  }
  // The resolved accumulator (the read port's carry-propagate add), sign-extended.
  std::int64_t acc() const {
    return wrap_signed(static_cast<std::int64_t>(m_pe.model().acc), bits());
  }
  // The redundant accumulator: sum and carry vectors as unsigned acc_bits patterns.
  std::uint64_t acc_sum() const { return m_pe.model().acc_sum; }
  std::uint64_t acc_carry() const { return m_pe.model().acc_carry; }
  int nonzero_digits() const { return static_cast<int>(m_pe.model().nonzero_digits); }

 private:
  int bits() const { return m_spec.acc_bits; }
  template <class Port>
  static std::remove_reference_t<Port> pack(std::int64_t v, int bits) {
    return static_cast<std::remove_reference_t<Port>>(static_cast<std::uint64_t>(v) &
                                                      static_cast<std::uint64_t>(uint_max(bits)));
  }

  BitsliceSpec m_spec;                       // widths of the verilated parameter set
  testing_support::VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
};

// What one lock-step run saw, for the coverage expectations.
struct LockstepCounts {
  std::int64_t cycles = 0;            // clock edges compared
  std::int64_t macs = 0;              // edges with in_valid
  std::int64_t overflows = 0;         // MACs whose exact sum left acc_bits (wrapped)
  std::int64_t partial_products = 0;  // sum of nonzero_digits: the activity counter
  std::int64_t redundant = 0;         // cycles with a non-zero carry vector
};

// Drives the RTL and BitsliceArith with the same stimulus and compares after every edge. Phase
// one: `random_cycles` cycles of random operands (edge values a quarter of the time, in_valid
// 3/4 of the time, a chain restart with in_clear 1/512 of the time), and chains whose products
// keep one sign (w replaced by ~w where needed) a third of the time so narrow accumulators wrap.
// Phase two, "wrap drive": one chain of extreme operands whose products are positive, then
// negative, each long enough to carry the accumulator past its range, so even a 32-bit
// accumulator wraps both ways. Returns what it saw; stops at the first divergence.
template <class Model>
LockstepCounts run_lockstep(const BitsliceSpec& spec, std::uint64_t seed, int random_cycles) {
  BoothRtl<Model> rtl(spec, seed);
  const BitsliceArith arith(spec);
  std::mt19937_64 rng(seed);
  auto operand = [&](int bits) {
    const std::int64_t lo = int_min(bits), hi = int_max(bits);
    switch (rng() % 8) {
      case 0:
        return lo;
      case 1:
        return hi;
      default:
        return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    }
  };
  LockstepCounts counts;
  std::int64_t acc = 0;
  std::int64_t& cycle = counts.cycles;
  auto check = [&](bool valid, bool clear, std::int64_t a, std::int64_t w) {
    rtl.step(valid, clear, a, w);
    int digits = 0;
    if (valid) {
      const auto s = arith.mac_step(clear ? 0 : acc, static_cast<std::int32_t>(a),
                                    static_cast<std::int32_t>(w));
      acc = s.value;
      ++counts.macs;
      counts.overflows += s.overflow;
      digits = booth_radix4(w, spec.w_bits).nonzero();
    }
    const std::uint64_t mask = static_cast<std::uint64_t>(uint_max(spec.acc_bits));
    counts.partial_products += rtl.nonzero_digits();
    counts.redundant += rtl.acc_carry() != 0;
    EXPECT_EQ(rtl.acc(), acc) << "first divergence at cycle " << cycle << " (a=" << a << " w=" << w
                              << " valid=" << valid << " clear=" << clear << ")";
    EXPECT_EQ((rtl.acc_sum() + rtl.acc_carry()) & mask, static_cast<std::uint64_t>(acc) & mask)
        << "sum + carry is not the accumulator at cycle " << cycle;
    EXPECT_EQ(rtl.nonzero_digits(), digits) << "non-zero Booth digits of w=" << w << " at cycle "
                                            << cycle << " (valid=" << valid << ")";
    ++cycle;
    return !::testing::Test::HasFailure();
  };

  int drift = 0;  // the sign the products of this chain keep (0: none)
  for (int i = 0; i < random_cycles; ++i) {
    const bool valid = rng() % 4 != 0;
    const bool clear = rng() % 512 == 0;
    if (clear) drift = static_cast<int>(rng() % 3) - 1;
    const std::int64_t a = operand(spec.a_bits);
    std::int64_t w = operand(spec.w_bits);
    if (drift * a * w < 0) w = ~w;  // -w - 1: in range, of the other sign (or 0)
    if (!check(valid, clear, a, w)) return counts;
  }
  // Wrap drive: products of at least (2^(A-1) - 1)(2^(W-1) - 1) in magnitude; 5/4 of the
  // steps that cross the accumulator's half range, per sign.
  const std::int64_t min_product = int_max(spec.a_bits) * int_max(spec.w_bits);
  const std::int64_t drive = (std::int64_t{1} << (spec.acc_bits - 1)) / min_product * 5 / 4 + 64;
  for (int sign : {1, -1}) {
    for (std::int64_t i = 0; i < drive; ++i) {
      const std::int64_t a = rng() % 2 != 0 ? int_min(spec.a_bits) : int_max(spec.a_bits);
      const bool w_negative = (a < 0) == (sign > 0);  // so that a * w has the phase's sign
      const std::int64_t w = w_negative ? int_min(spec.w_bits) : int_max(spec.w_bits);
      if (!check(true, false, a, w)) return counts;
    }
  }
  return counts;
}

// The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
void record(const LockstepCounts& c) {
  ::testing::Test::RecordProperty("cycles", std::to_string(c.cycles));
  ::testing::Test::RecordProperty("macs", std::to_string(c.macs));
  ::testing::Test::RecordProperty("overflows", std::to_string(c.overflows));
  ::testing::Test::RecordProperty("partial_products", std::to_string(c.partial_products));
  ::testing::Test::RecordProperty("redundant_cycles", std::to_string(c.redundant));
}

// int8 x int8 -> 32-bit wrapping accumulator: 200k random cycles and a wrap drive, every
// cycle's resolved value and digit count equal to the model's; the 32-bit sum wraps both ways.
TEST(BitsliceBoothCsaLockstepTest, Int8MatchesModelEveryCycle) {
  const LockstepCounts c =
      run_lockstep<Vpe_bitslice_booth_csa_int8>(booth_spec(8, 8, 32), 11, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_GE(c.overflows, 2) << "the wrap drive must carry the accumulator past both ends";
  EXPECT_GT(c.redundant, c.macs / 2) << "the carry vector must hold value: no hidden resolve";
  EXPECT_GT(c.partial_products, c.macs) << "digit counts must be exercised";
}

// 6 x 5 -> 14-bit wrapping accumulator: overflows are frequent in the random phase already.
TEST(BitsliceBoothCsaLockstepTest, NarrowWrapsOftenAndMatchesModelEveryCycle) {
  const LockstepCounts c =
      run_lockstep<Vpe_bitslice_booth_csa_narrow>(booth_spec(6, 5, 14), 12, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_GT(c.overflows, 1000) << "the stimulus must exercise wrap often";
  EXPECT_GT(c.redundant, c.macs / 2);
}

// Every (a, w) pair as a fresh chain (in_clear): the resolved value is the exact product and the
// digit count is booth_radix4's, for all 65,536 int8 pairs and all 2,048 6 x 5 pairs.
template <class Model>
void check_every_pair(const BitsliceSpec& spec) {
  BoothRtl<Model> rtl(spec, 3);
  for (std::int64_t a = int_min(spec.a_bits); a <= int_max(spec.a_bits); ++a) {
    for (std::int64_t w = int_min(spec.w_bits); w <= int_max(spec.w_bits); ++w) {
      rtl.step(true, true, a, w);
      ASSERT_EQ(rtl.acc(), a * w) << "a=" << a << " w=" << w;
      ASSERT_EQ(rtl.nonzero_digits(), booth_radix4(w, spec.w_bits).nonzero()) << "w=" << w;
    }
  }
}
TEST(BitsliceBoothCsaLockstepTest, EveryOperandPairGivesTheExactProduct) {
  check_every_pair<Vpe_bitslice_booth_csa_int8>(booth_spec(8, 8, 32));
  check_every_pair<Vpe_bitslice_booth_csa_narrow>(booth_spec(6, 5, 14));
}

// in_valid low holds the accumulator, reports no partial products, and reset clears it.
TEST(BitsliceBoothCsaLockstepTest, IdleHoldsAndResetClears) {
  BoothRtl<Vpe_bitslice_booth_csa_narrow> rtl(booth_spec(6, 5, 14), 4);
  EXPECT_EQ(rtl.acc(), 0);
  EXPECT_EQ(rtl.nonzero_digits(), 0);
  rtl.step(true, true, -32, -16);
  EXPECT_EQ(rtl.acc(), 512);
  EXPECT_EQ(rtl.nonzero_digits(), 1);  // -16 = -1 * 4^2
  rtl.step(false, true, 31, 15);
  EXPECT_EQ(rtl.acc(), 512);
  EXPECT_EQ(rtl.nonzero_digits(), 0);
}

}  // namespace
}  // namespace tpesim::pe
