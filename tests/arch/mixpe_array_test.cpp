// SPDX-License-Identifier: Apache-2.0
// MixPE in the arrays: outputs equal an independent CPU reference written from the spec (one
// loop per output, groups in order), for W4A8 and W4A16, partial tail groups, groups that span
// array folds, every dataflow, both fidelities.
#include <gtest/gtest.h>

#include <random>

#include "arch/simulate.h"
#include "pe/float_format.h"

namespace tpesim::arch {
namespace {

float f32(double v) { return static_cast<float>(v); }

// The spec, directly: D = P - z*S per (m, n, group), acc += float(D)*s, O = acc * s_a (W4A8);
// P, S and the dequantization in binary32 (W4A16).
std::vector<std::int64_t> reference(const pe::MixpeSpec& spec, const GemmOperands& op) {
  const std::int64_t G = op.quant.group_size;
  std::vector<std::int64_t> out;
  for (std::int64_t m = 0; m < op.m; ++m) {
    for (std::int64_t n = 0; n < op.n; ++n) {
      float acc = 0;
      for (std::int64_t g0 = 0; g0 < op.k; g0 += G) {
        const std::int64_t g = g0 / G, g1 = std::min(op.k, g0 + G);
        const auto s =
            f32(pe::decode(static_cast<std::uint32_t>(op.quant.w_scales[g * op.n + n]), pe::kFp16));
        const std::int64_t z = op.quant.w_zeros[g * op.n + n];
        if (spec.variant == pe::MixpeVariant::W4A8) {
          std::int64_t P = 0, S = 0;
          for (std::int64_t k = g0; k < g1; ++k) {
            P += std::int64_t{op.a[m * op.k + k]} * op.w[k * op.n + n];
            S += op.a[m * op.k + k];
          }
          acc = acc + f32(static_cast<double>(P - z * S)) * s;
        } else {
          float P = 0, S = 0;
          for (std::int64_t k = g0; k < g1; ++k) {
            const auto a =
                f32(pe::decode(static_cast<std::uint32_t>(op.a[m * op.k + k]), pe::kFp16));
            P = P + a * static_cast<float>(op.w[k * op.n + n]);
            S = S + a;
          }
          acc = acc + (P - static_cast<float>(z) * S) * s;
        }
      }
      if (spec.variant == pe::MixpeVariant::W4A8) {
        acc = acc * f32(pe::decode(static_cast<std::uint32_t>(op.quant.a_scales[m]), pe::kFp32));
      }
      out.push_back(pe::encode(static_cast<double>(acc), spec.out_format));
    }
  }
  return out;
}

// 60 random cases: both variants, G not dividing K or R, all dataflows, both fidelities.
TEST(MixpeArrayTest, ArraysEqualTheSpecReference) {
  std::mt19937_64 rng(31);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 60; ++i) {
    ArchSpec a;
    a.array.rows = static_cast<int>(pick(2, 12));
    a.array.cols = static_cast<int>(pick(2, 12));
    a.array.dataflow = static_cast<Dataflow>(pick(0, 2));
    pe::MixpeSpec spec;
    spec.variant = pick(0, 1) ? pe::MixpeVariant::W4A8 : pe::MixpeVariant::W4A16;
    spec.w_bits = static_cast<int>(pick(2, 8));
    spec.group_size = static_cast<int>(pick(1, 20));
    spec.out_format = pick(0, 3) ? pe::kFp32 : pe::kFp16;
    a.array.pe = spec;
    a.run.values = true;
    a.run.seed = i;
    const workloads::Gemm g{"g", pick(1, 20), pick(1, 20), pick(1, 60), 1};
    const GemmOperands op = make_operands(a, g, i);
    const auto expected = reference(spec, op);
    for (Fidelity fid : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = fid;
      const LayerRun r = simulate_layer(a, g, i, &op);
      ASSERT_EQ(r.outputs, expected)
          << "case " << i << " " << enum_name(spec.variant) << " G=" << spec.group_size << " "
          << g.m << "x" << g.n << "x" << g.k << " " << enum_name(a.array.dataflow) << " "
          << enum_name(fid);
    }
  }
}

// The generated side data has the shapes the spec gives: ceil(K/G) x N scales and zeros.
TEST(MixpeArrayTest, QuantParamsHaveGroupShapes) {
  ArchSpec a;
  pe::MixpeSpec spec;
  spec.group_size = 16;
  a.array.pe = spec;
  const GemmOperands op = make_operands(a, workloads::Gemm{"g", 3, 5, 40, 1}, 0);
  EXPECT_EQ(op.quant.w_scales.size(), 3u * 5u);
  EXPECT_EQ(op.quant.w_zeros.size(), 3u * 5u);
  EXPECT_EQ(op.quant.a_scales.size(), 3u);
  for (std::int32_t z : op.quant.w_zeros) EXPECT_LT(z, 16);
}

}  // namespace
}  // namespace tpesim::arch
