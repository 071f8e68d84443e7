// SPDX-License-Identifier: Apache-2.0
// Model vs GPU (label gpu): the bitslice twin's values equal the CPU golden GEMM of
// pe::BitsliceArith, and its digit statistics give exactly the `digits`, `nonzero_digits` and
// `partial_products` that pe::gemm_activity reports for every variant, on fresh random odd
// shapes and operand widths. Skips where no CUDA device is visible (CI).
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "gpu_ref/gpu_ref.h"
#include "pe/activity.h"
#include "pe/bitslice.h"
#include "workloads/golden_gemm.h"
#include "workloads/operands.h"

namespace tpesim {
namespace {

// One trace line from streamable parts (std::string + chains trip GCC 12's -Wrestrict).
template <class... T>
std::string describe(const T&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return s.str();
}

std::int64_t odd_extent(std::mt19937_64& rng, std::int64_t hi) {
  std::int64_t v = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
  return v % 16 == 0 ? v + 1 : v;
}

// What pe/activity.cpp reports for `variant`, rebuilt from the GPU's digit statistics.
struct Expected {
  std::int64_t digits, nonzero_digits, partial_products;
};
Expected from_gpu(pe::BitsliceVariant v, const gpu_ref::DigitStats& d, std::int64_t m,
                  std::int64_t n) {
  switch (v) {
    case pe::BitsliceVariant::BoothCsa:
      return {d.w_digits, d.w_booth_nonzero, m * d.w_booth_nonzero};
    case pe::BitsliceVariant::SameBwTree:
      return {d.a_digits, d.a_booth_nonzero, n * d.a_booth_nonzero};
    case pe::BitsliceVariant::SerialDigit:
      return {d.a_digits, d.a_ent_nonzero, n * d.a_ent_nonzero};
    case pe::BitsliceVariant::Laconic:
      return {d.a_digits + d.w_digits, d.a_booth_nonzero + d.w_booth_nonzero, d.booth_term_pairs};
  }
  return {};
}

TEST(BitsliceTwinTest, ValuesAndDigitStatisticsMatchTheSimulator) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  std::mt19937_64 rng(std::random_device{}());
  for (int i = 0; i < 16; ++i) {
    const int a_bits = 2 + static_cast<int>(rng() % 15), w_bits = 2 + static_cast<int>(rng() % 15);
    const int acc_bits = a_bits + w_bits + static_cast<int>(rng() % 8);
    const bool saturate = (rng() & 1) != 0;
    const std::int64_t m = odd_extent(rng, 150), n = odd_extent(rng, 150), k = odd_extent(rng, 300);
    const std::uint64_t seed = rng();
    SCOPED_TRACE(describe("w", w_bits, "a", a_bits, " acc ", acc_bits, " ", m, "x", n, "x", k,
                          " seed ", seed));
    const auto a = workloads::uniform_signed(m * k, a_bits, seed);
    const auto w = workloads::uniform_signed(k * n, w_bits, seed + 1);
    std::string error;
    const auto gpu = gpu_ref::bitslice_gemm(
        gpu_ref::BitsliceGemm{a_bits, w_bits, acc_bits, saturate, m, n, k}, a, w, &error);
    ASSERT_TRUE(gpu.has_value()) << error;

    pe::BitsliceSpec spec;
    spec.a_bits = a_bits;
    spec.w_bits = w_bits;
    spec.acc_bits = acc_bits;
    spec.overflow = saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap;
    std::uint64_t overflows = 0;
    const auto cpu = workloads::golden_gemm(pe::BitsliceArith(spec), m, n, k, a, w, &overflows);
    ASSERT_EQ(gpu->values.out, cpu);
    EXPECT_EQ(gpu->values.overflows, overflows);
    for (auto variant : {pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SameBwTree,
                         pe::BitsliceVariant::SerialDigit, pe::BitsliceVariant::Laconic}) {
      spec.variant = variant;
      const pe::PeActivity act = pe::gemm_activity(spec, pe::GemmShape{m, n, k, 1}, a, w);
      const Expected e = from_gpu(variant, gpu->digits, m, n);
      SCOPED_TRACE(enum_name(variant));
      EXPECT_EQ(act.get("digits"), e.digits);
      EXPECT_EQ(act.get("nonzero_digits"), e.nonzero_digits);
      EXPECT_EQ(act.get("partial_products"), e.partial_products);
    }
  }
}

// Operands outside their width are refused before any device work (runs without a GPU).
TEST(BitsliceTwinTest, RejectsOperandsOutsideTheirWidth) {
  std::string error;
  const auto r =
      gpu_ref::bitslice_gemm(gpu_ref::BitsliceGemm{4, 4, 16, false, 1, 1, 1}, {8}, {1}, &error);
  EXPECT_FALSE(r.has_value());
  EXPECT_NE(error.find("exceeds a_bits"), std::string::npos) << error;
}

}  // namespace
}  // namespace tpesim
