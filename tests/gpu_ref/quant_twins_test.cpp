// SPDX-License-Identifier: Apache-2.0
// Model vs GPU (label gpu): the mixpe and lut_tc twin kernels equal the simulator's golden GEMM
// (pe/mixpe.h, pe/lut_tc.h) bit for bit, accumulator and output pattern and overflow count, on
// fresh random odd shapes and parameters with edge operands; every output is written. Skips
// where no CUDA device is visible (CI).
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "gpu_ref/golden_operands.h"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/quant_twin_reference.h"

namespace tpesim {
namespace {

std::int64_t odd_extent(std::mt19937_64& rng, std::int64_t hi) {
  const std::int64_t v = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
  return v % 8 == 0 ? v + 1 : v;
}

void check_gpu(const gpu_ref::QuantGemm& g, bool lut, std::uint64_t seed, int edge) {
  const gpu_ref::QuantOperands op = gpu_ref::quant_operands(g, seed, edge);
  std::string error;
  const auto gpu = lut ? gpu_ref::lut_tc_gemm(g, op, &error) : gpu_ref::mixpe_gemm(g, op, &error);
  ASSERT_TRUE(gpu.has_value()) << error;
  const gpu_ref::FloatGemmResult cpu = gpu_ref::pe_quant_gemm(g, op, lut);
  std::size_t bad = 0, unwritten = 0, first = cpu.out.size();
  for (std::size_t i = 0; i < cpu.out.size(); ++i) {
    unwritten += gpu->out[i] == gpu_ref::kPoisonedOutput || gpu->acc[i] == gpu_ref::kPoisonedOutput;
    if (gpu->out[i] != cpu.out[i] || gpu->acc[i] != cpu.acc[i]) {
      if (first == cpu.out.size()) first = i;
      ++bad;
    }
  }
  EXPECT_EQ(bad, 0u) << "first mismatch at " << first;
  EXPECT_EQ(unwritten, 0u);
  EXPECT_EQ(gpu->overflows, cpu.overflows);
}

// mixpe W4A8 and W4A16, random widths, group sizes, outputs and edge shares.
TEST(QuantTwinsGpuTest, MixpeMatchesCpuGolden) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  const std::uint64_t base_seed = std::random_device{}();
  std::mt19937_64 rng(base_seed);
  const int edges[] = {0, 4, 30, 200};
  for (int i = 0; i < 16; ++i) {
    gpu_ref::QuantGemm g;
    g.int8_activations = i % 2 == 0;
    g.w_bits = 1 + static_cast<int>(rng() % 8);
    g.group_size = 1 + static_cast<std::int64_t>(rng() % 160);
    g.out_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.m = odd_extent(rng, 90);
    g.n = odd_extent(rng, 90);
    g.k = odd_extent(rng, 400);
    const std::uint64_t seed = rng();
    const int edge = edges[rng() % 4];
    SCOPED_TRACE(::testing::Message() << "base seed " << base_seed << " case " << i);
    check_gpu(g, false, seed, edge);
  }
}

// lut_tc: all table formats, accumulators, Kg, widths and int8 activations.
TEST(QuantTwinsGpuTest, LutTcMatchesCpuGolden) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  const std::uint64_t base_seed = std::random_device{}();
  std::mt19937_64 rng(base_seed);
  const int edges[] = {0, 4, 30, 200};
  for (int i = 0; i < 24; ++i) {
    gpu_ref::QuantGemm g;
    g.int8_activations = i % 4 == 0;
    g.w_bits = 1 + static_cast<int>(rng() % 4);
    g.lut_group = 2 + static_cast<int>(rng() % 3);
    g.group_size = g.lut_group * (1 + static_cast<std::int64_t>(rng() % 40));
    g.table_format = static_cast<int>(rng() % 3);
    g.acc_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.out_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.m = odd_extent(rng, 90);
    g.n = odd_extent(rng, 90);
    g.k = odd_extent(rng, 400);
    const std::uint64_t seed = rng();
    const int edge = edges[rng() % 4];
    SCOPED_TRACE(::testing::Message() << "base seed " << base_seed << " case " << i);
    check_gpu(g, true, seed, edge);
  }
}

}  // namespace
}  // namespace tpesim
