// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_bitslice_booth_csa.sv, verilated, against BitsliceArith (variant
// booth_csa, overflow wrap) in lock step through the cosim library's bench
// (sim/cosim/booth_csa_lockstep.h): the resolved accumulator, sum + carry, and the per-MAC count
// of non-zero Booth digits against booth_radix4() after every clock edge.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "Vpe_bitslice_booth_csa_int8.h"
#include "Vpe_bitslice_booth_csa_narrow.h"
#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "sim/cosim/booth_csa_lockstep.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::BitsliceSpec;
using pe::booth_radix4;
using pe::int_max;
using pe::int_min;

// What one lock-step run saw, for the coverage expectations.
struct LockstepCounts {
  std::int64_t cycles = 0;            // clock edges compared
  std::int64_t macs = 0;              // edges with in_valid
  std::int64_t overflows = 0;         // MACs whose exact sum left acc_bits (wrapped)
  std::int64_t partial_products = 0;  // sum of nonzero_digits: the activity counter
  std::int64_t redundant = 0;         // cycles with a non-zero carry vector
};

// Runs the bench: `random_cycles` random cycles, then the wrap drive (BoothCsaStimulus); fails
// the test at the first divergence with its report.
template <class Model>
LockstepCounts run_booth(const BitsliceSpec& spec, std::uint64_t seed,
                         std::uint64_t random_cycles) {
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        return std::make_unique<BoothCsaLockstep<Model>>(spec, seed, random_cycles, traced,
                                                         BoothCsaCycleModel(spec));
      },
      LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  LockstepCounts c;
  c.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) {
    if (k.name == "macs") c.macs = k.value;
    if (k.name == "overflows") c.overflows = k.value;
    if (k.name == "partial_products") c.partial_products = k.value;
    if (k.name == "redundant_cycles") c.redundant = k.value;
  }
  return c;
}

// One verilated pe_bitslice_booth_csa for directed checks.
template <class Model>
class BoothRtl {
 public:
  BoothRtl(const BitsliceSpec& spec, std::uint64_t seed) : m_spec(spec), m_pe(seed) {}
  void step(bool valid, bool clear, std::int64_t a, std::int64_t w) {
    drive_booth_csa(m_pe.model(), m_spec, BoothCsaInputs{valid, clear, a, w});
    m_pe.edge();
  }
  std::int64_t acc() const { return booth_csa_acc(m_pe.model(), m_spec); }
  int nonzero_digits() const { return static_cast<int>(m_pe.model().nonzero_digits); }

 private:
  BitsliceSpec m_spec;      // widths of the verilated parameter set
  VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
};

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
      run_booth<Vpe_bitslice_booth_csa_int8>(booth_csa_spec(8, 8, 32), 11, 200000);
  record(c);
  ASSERT_FALSE(HasFailure());
  EXPECT_GE(c.overflows, 2) << "the wrap drive must carry the accumulator past both ends";
  EXPECT_GT(c.redundant, c.macs / 2) << "the carry vector must hold value: no hidden resolve";
  EXPECT_GT(c.partial_products, c.macs) << "digit counts must be exercised";
}

// 6 x 5 -> 14-bit wrapping accumulator: overflows are frequent in the random phase already.
TEST(BitsliceBoothCsaLockstepTest, NarrowWrapsOftenAndMatchesModelEveryCycle) {
  const LockstepCounts c =
      run_booth<Vpe_bitslice_booth_csa_narrow>(booth_csa_spec(6, 5, 14), 12, 200000);
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
  check_every_pair<Vpe_bitslice_booth_csa_int8>(booth_csa_spec(8, 8, 32));
  check_every_pair<Vpe_bitslice_booth_csa_narrow>(booth_csa_spec(6, 5, 14));
}

// in_valid low holds the accumulator, reports no partial products, and reset clears it.
TEST(BitsliceBoothCsaLockstepTest, IdleHoldsAndResetClears) {
  BoothRtl<Vpe_bitslice_booth_csa_narrow> rtl(booth_csa_spec(6, 5, 14), 4);
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
}  // namespace tpesim::cosim
