// SPDX-License-Identifier: Apache-2.0
// Industry kernel vs model (label gpu): cuBLASLt INT8 x INT8 -> INT32 equals the int_mac golden
// GEMM (8-bit operands, 32-bit wrapping accumulator) exactly. Skips without a CUDA device.
#include <gtest/gtest.h>

#include <random>

#include "gpu_ref/gpu_ref.h"
#include "pe/int_mac_arith.h"
#include "workloads/golden_gemm.h"
#include "workloads/operands.h"

namespace tpesim {
namespace {

TEST(CublasLtInt8Test, EqualsIntMacGolden) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  std::mt19937_64 rng(std::random_device{}());
  const pe::IntMacArith arith(32, pe::Overflow::Wrap);
  for (int i = 0; i < 6; ++i) {
    const std::int64_t m = 1 + rng() % 200, n = 1 + rng() % 200, k = 4 * (1 + rng() % 128);
    const auto a = workloads::uniform_signed(m * k, 8, rng());
    const auto w = workloads::uniform_signed(k * n, 8, rng());
    std::string error;
    const auto gpu =
        gpu_ref::cublaslt_int8_gemm(m, n, k, std::vector<std::int8_t>(a.begin(), a.end()),
                                    std::vector<std::int8_t>(w.begin(), w.end()), 0, &error);
    ASSERT_TRUE(gpu.has_value()) << error;
    EXPECT_EQ(gpu->out, workloads::golden_gemm(arith, m, n, k, a, w)) << m << "x" << n << "x" << k;
  }
}

}  // namespace
}  // namespace tpesim
