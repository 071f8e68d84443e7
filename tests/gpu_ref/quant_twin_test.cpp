// SPDX-License-Identifier: Apache-2.0
// The group-quantized twins' chains (gpu_ref/quant_twin.h), compiled here for the host, equal
// the simulator's definitions bit for bit: mixpe W4A8 / W4A16 against pe::MixpeW4A8Arith /
// MixpeW4A16Arith, lut_tc (fp16 / fp32 / int8 tables, fp32 / fp16 accumulators, int8
// activations) against pe::build_half_table, LutTcArith and LutTcInt8Arith, through the
// simulator's own operand preparation and golden GEMM. The kernels run the same source, so the
// GPU tests and scripts/gpu-golden only have to show the device computes what this host does.
#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>

#include "gpu_ref/golden_operands.h"
#include "gpu_ref/quant_twin_host.h"
#include "gpu_ref/quant_twin_reference.h"

namespace tpesim {
namespace {

std::int64_t odd_extent(std::mt19937_64& rng, std::int64_t hi) {
  return 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
}

// Runs the host twin and the simulator's golden GEMM on the same operands; every accumulator,
// output pattern and the overflow count must be equal.
void expect_equal(const gpu_ref::QuantGemm& g, bool lut, std::uint64_t seed, int edge) {
  const gpu_ref::QuantOperands op = gpu_ref::quant_operands(g, seed, edge);
  std::string error;
  ASSERT_TRUE(gpu_ref::quant_operands_valid(g, op, lut, &error)) << error;
  const gpu_ref::FloatGemmResult twin = gpu_ref::host_quant_gemm(g, op, lut);
  const gpu_ref::FloatGemmResult pe = gpu_ref::pe_quant_gemm(g, op, lut);
  std::size_t bad = 0, first = twin.out.size();
  for (std::size_t i = 0; i < twin.out.size(); ++i) {
    if (twin.out[i] != pe.out[i] || twin.acc[i] != pe.acc[i]) {
      if (first == twin.out.size()) first = i;
      ++bad;
    }
  }
  const std::size_t at = first < twin.out.size() ? first : 0;
  EXPECT_EQ(bad, 0u) << "first at " << first << std::hex << std::showbase << ": twin out "
                     << twin.out[at] << " acc " << twin.acc[at] << ", pe out " << pe.out[at]
                     << " acc " << pe.acc[at];
  EXPECT_EQ(twin.overflows, pe.overflows);
}

// mixpe: both variants, every weight width, group sizes that do and do not divide K, fp32 and
// fp16 outputs, edge operands (zeros, subnormals, max finite, inf, NaN) in activations and scales.
TEST(QuantTwinTest, MixpeChainsMatchPe) {
  std::mt19937_64 rng(51);
  const int edges[] = {0, 4, 30, 200};
  for (int i = 0; i < 160; ++i) {
    gpu_ref::QuantGemm g;
    g.int8_activations = i % 2 == 0;
    g.w_bits = 1 + static_cast<int>(rng() % 8);
    g.group_size = 1 + static_cast<std::int64_t>(rng() % 40);
    g.out_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.m = odd_extent(rng, 9);
    g.n = odd_extent(rng, 9);
    g.k = odd_extent(rng, 130);
    const std::uint64_t seed = rng();
    const int edge = edges[rng() % 4];
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed << " edge " << edge);
    expect_equal(g, false, seed, edge);
  }
}

// lut_tc: every table format x accumulator x Kg x weight width, int8 activations, tail LUT
// groups and partial scale groups, edge activations and scales.
TEST(QuantTwinTest, LutTcChainsMatchPe) {
  std::mt19937_64 rng(52);
  const int edges[] = {0, 4, 30, 200};
  for (int i = 0; i < 240; ++i) {
    gpu_ref::QuantGemm g;
    g.int8_activations = i % 4 == 0;
    g.w_bits = 1 + static_cast<int>(rng() % 4);
    g.lut_group = 2 + static_cast<int>(rng() % 3);
    g.group_size = g.lut_group * (1 + static_cast<std::int64_t>(rng() % 10));
    g.table_format = static_cast<int>(rng() % 3);
    g.acc_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.out_format = rng() % 2 ? gpu_ref::kFieldsFp32 : gpu_ref::kFieldsFp16;
    g.m = odd_extent(rng, 9);
    g.n = odd_extent(rng, 9);
    g.k = odd_extent(rng, 130);
    const std::uint64_t seed = rng();
    const int edge = edges[rng() % 4];
    SCOPED_TRACE(::testing::Message() << "case " << i << " seed " << seed << " edge " << edge);
    expect_equal(g, true, seed, edge);
  }
}

// A bad operand is refused with the reason, never computed.
TEST(QuantTwinTest, OutOfRangeCodesAreRejected) {
  gpu_ref::QuantGemm g;
  g.m = g.n = 2;
  g.k = 8;
  g.group_size = 4;
  gpu_ref::QuantOperands op = gpu_ref::quant_operands(g, 1, 0);
  std::string error;
  EXPECT_TRUE(gpu_ref::quant_operands_valid(g, op, false, &error)) << error;
  op.w[3] = 16;  // w_bits 4
  EXPECT_FALSE(gpu_ref::quant_operands_valid(g, op, false, &error));
  EXPECT_NE(error.find("weight code 16"), std::string::npos) << error;
}

}  // namespace
}  // namespace tpesim
