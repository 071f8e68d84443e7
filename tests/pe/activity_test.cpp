// SPDX-License-Identifier: Apache-2.0
// Activity counters against brute force: every data-dependent count is re-derived MAC by MAC.
#include <gtest/gtest.h>

#include <bit>
#include <random>

#include "pe/activity.h"

namespace tpesim::pe {
namespace {

struct Codes {
  std::vector<std::int32_t> a, w;
};

Codes random_codes(std::int64_t m, std::int64_t n, std::int64_t k, int a_lo, int a_hi, int w_lo,
                   int w_hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Codes c;
  for (std::int64_t i = 0; i < m * k; ++i) {
    c.a.push_back(std::uniform_int_distribution<int>(a_lo, a_hi)(rng));
  }
  for (std::int64_t i = 0; i < k * n; ++i) {
    c.w.push_back(std::uniform_int_distribution<int>(w_lo, w_hi)(rng));
  }
  return c;
}

TEST(ActivityTest, BitsliceCountsEqualBruteForce) {
  const std::int64_t M = 5, N = 7, K = 9;
  const Codes c = random_codes(M, N, K, -128, 127, -128, 127, 3);
  for (BitsliceVariant v : {BitsliceVariant::BoothCsa, BitsliceVariant::SameBwTree,
                            BitsliceVariant::SerialDigit, BitsliceVariant::Laconic}) {
    BitsliceSpec s;
    s.variant = v;
    const PeActivity act = gemm_activity(s, GemmShape{M, N, K, 1}, c.a, c.w);
    std::int64_t pp = 0;
    for (std::int64_t m = 0; m < M; ++m) {
      for (std::int64_t n = 0; n < N; ++n) {
        for (std::int64_t k = 0; k < K; ++k) {
          const std::int32_t a = c.a[static_cast<std::size_t>(m * K + k)];
          const std::int32_t w = c.w[static_cast<std::size_t>(k * N + n)];
          switch (v) {
            case BitsliceVariant::BoothCsa:
              pp += booth_radix4(w, 8).nonzero();
              break;
            case BitsliceVariant::SameBwTree:
              pp += booth_radix4(a, 8).nonzero();
              break;
            case BitsliceVariant::SerialDigit:
              pp += ent_digits(a, 8).nonzero();
              break;
            case BitsliceVariant::Laconic:
              pp += booth_radix4(a, 8).nonzero() * booth_radix4(w, 8).nonzero();
              break;
          }
        }
      }
    }
    EXPECT_EQ(act.get("partial_products"), pp) << enum_name(v);
    EXPECT_EQ(act.get("macs"), M * N * K);
    EXPECT_TRUE(act.data_counted);
    EXPECT_GT(act.get("digits"), act.get("nonzero_digits"));
  }
}

TEST(ActivityTest, WithoutOperandsDataDependentEventsAreLeftOut) {
  BitsliceSpec s;
  s.variant = BitsliceVariant::SerialDigit;
  const PeActivity act = gemm_activity(s, GemmShape{4, 4, 8, 1}, {}, {});
  EXPECT_FALSE(act.data_counted);
  EXPECT_EQ(act.get("partial_products"), 0);
  EXPECT_EQ(act.get("shifts"), 4 * 4 * 8 * 4);  // a shift per bit weight per single-lane step
}

TEST(ActivityTest, MixpeShiftAddsArePopcountsOrWidth) {
  const std::int64_t M = 3, N = 4, K = 10;
  const Codes c = random_codes(M, N, K, -128, 127, 0, 15, 9);
  MixpeSpec s;
  s.group_size = 4;  // 3 groups, the last partial
  std::int64_t pop = 0;
  for (std::int64_t m = 0; m < M; ++m) {
    for (std::int32_t q : c.w) pop += std::popcount(static_cast<std::uint32_t>(q));
  }
  PeActivity act = gemm_activity(s, GemmShape{M, N, K, 1}, c.a, c.w);
  EXPECT_EQ(act.get("shifts"), pop);
  EXPECT_EQ(act.get("dequant_ops"), M * N * 3);
  EXPECT_EQ(act.get("group_sums"), M * 3);
  s.skip_zero_bits = false;
  act = gemm_activity(s, GemmShape{M, N, K, 1}, c.a, c.w);
  EXPECT_EQ(act.get("shifts"), M * N * K * 4);
}

TEST(ActivityTest, LutTcCountsTablesOncePerRowAndLookupsPerBitPlane) {
  LutTcSpec s;
  s.w_bits = 3;
  s.lut_group = 4;
  s.group_size = 8;
  const PeActivity act = gemm_activity(s, GemmShape{2, 64, 10, 1}, {}, {});
  const std::int64_t lut_groups = 3;  // ceil(10 / 4)
  EXPECT_EQ(act.get("table_builds"), 2 * lut_groups);
  EXPECT_EQ(act.get("table_entry_adds"), 2 * lut_groups * 8 * 3);  // 2^(Kg-1) entries, Kg-1 adds
  EXPECT_EQ(act.get("table_lookups"), 2 * 64 * lut_groups * 3);
  EXPECT_EQ(act.get("fp_add_fp32"),
            2 * lut_groups * 8 * 3 + 2 * 64 * lut_groups * 3 + 2 * 10 + 2 * 2 * 64 * 2);
  EXPECT_EQ(act.get("dequant_ops"), 2 * 64 * 2);
}

TEST(ActivityTest, BaselinesCountOneMultiplyAndOneAddPerMac) {
  const PeActivity i =
      gemm_activity(IntMacSpec{4, 6, 20, Overflow::Wrap}, GemmShape{2, 3, 5, 1}, {}, {});
  EXPECT_EQ(i.get("int_mul_4x6"), 30);
  EXPECT_EQ(i.get("int_add_20"), 30);
  LmulSpec l;
  l.format = kFp8E4M3;
  const PeActivity la = gemm_activity(l, GemmShape{2, 3, 5, 1}, {}, {});
  EXPECT_EQ(la.get("int_add_7"), 30);  // the L-Mul add on E + m bits
  EXPECT_EQ(la.get("fp_add_fp32"), 30);
}

}  // namespace
}  // namespace tpesim::pe
