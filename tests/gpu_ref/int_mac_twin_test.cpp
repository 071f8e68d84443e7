// SPDX-License-Identifier: Apache-2.0
// Model vs GPU (label gpu): the int_mac twin kernel equals the CPU golden GEMM bit for bit on
// fresh random shapes and parameters. Skips where no CUDA device is visible (CI).
#include <gtest/gtest.h>

#include <random>

#include "gpu_ref/gpu_ref.h"
#include "pe/int_mac_arith.h"
#include "workloads/golden_gemm.h"
#include "workloads/operands.h"

namespace tpesim {
namespace {

TEST(IntMacTwinTest, MatchesCpuGoldenOnRandomShapes) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  std::mt19937_64 rng(std::random_device{}());
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 20; ++i) {
    const int a_bits = static_cast<int>(pick(2, 16)), w_bits = static_cast<int>(pick(2, 16));
    const int acc_bits = static_cast<int>(pick(a_bits + w_bits, std::min(62, a_bits + w_bits + 6)));
    const bool saturate = pick(0, 1) != 0;
    const std::int64_t m = pick(1, 200), n = pick(1, 200), k = pick(1, 500);
    const auto seed = rng();
    const auto a = workloads::uniform_signed(m * k, a_bits, seed);
    const auto w = workloads::uniform_signed(k * n, w_bits, seed + 1);
    std::string error;
    const auto gpu =
        gpu_ref::int_mac_gemm(gpu_ref::IntMacGemm{acc_bits, saturate, m, n, k}, a, w, &error);
    ASSERT_TRUE(gpu.has_value()) << error;
    const pe::IntMacArith arith(acc_bits, saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap);
    std::uint64_t overflows = 0;
    const auto cpu = workloads::golden_gemm(arith, m, n, k, a, w, &overflows);
    ASSERT_EQ(gpu->out, cpu) << m << "x" << n << "x" << k << " acc_bits " << acc_bits;
    EXPECT_EQ(gpu->overflows, overflows);
  }
}

}  // namespace
}  // namespace tpesim
