// SPDX-License-Identifier: Apache-2.0
// `tpesim numerics`: exact kinds show zero error, rounding shows its textbook bound, L-Mul its
// known error band, and the statistics are reproducible.
#include <gtest/gtest.h>

#include "sim/core/errors.h"
#include "sim/numerics.h"

namespace tpesim {
namespace {

NumericsOptions options(pe::PeConfig pe) {
  NumericsOptions o;
  o.pe = std::move(pe);
  o.samples = 50000;
  return o;
}

// int_mac is exact: every int8 x int8 product and every dot product has zero error.
TEST(NumericsTest, IntMacIsExactExhaustively) {
  NumericsOptions o = options(pe::IntMacSpec{});
  o.exhaustive = true;
  const NumericsReport r = run_numerics(o);
  EXPECT_EQ(r.products[0].count + r.products[0].zero_reference, 256 * 256);
  EXPECT_EQ(r.products[0].max_rel, 0.0);
  EXPECT_EQ(r.dots[0].max_rel, 0.0);
}

// fp_mac's products are exact; its binary32 accumulation errs far below fp8's precision.
TEST(NumericsTest, FpMacProductsExactAndDotsTight) {
  pe::FpMacSpec spec;
  spec.a_format = pe::kFp8E4M3;
  spec.w_format = pe::kFp8E4M3;
  NumericsOptions o = options(spec);
  o.exhaustive = true;
  const NumericsReport r = run_numerics(o);
  EXPECT_EQ(r.products[0].max_rel, 0.0);
  EXPECT_GT(r.products[0].count, 60000);
  EXPECT_LT(r.dots[0].rel_frobenius, 1e-6);
}

// Rounding an exact product to bf16 errs by at most half an ulp, 2^-8 relative (bf16 has the
// exponent range to keep these products normal); fp16 meets 2^-11 on average, but its subnormal
// range (below 2^-14) loses relative precision, so its maximum is larger.
TEST(NumericsTest, CompareFormatShowsTheRoundingBound) {
  NumericsOptions o = options(pe::LmulSpec{});
  o.compare_formats = {pe::kBf16, pe::kFp16};
  const NumericsReport r = run_numerics(o);
  ASSERT_EQ(r.products.size(), 3u);
  EXPECT_LE(r.products[1].max_rel, std::ldexp(1.0, -8));
  EXPECT_GT(r.products[1].max_rel, std::ldexp(1.0, -10));
  EXPECT_LE(r.products[2].mean_rel, std::ldexp(1.0, -11));
  EXPECT_GT(r.products[2].max_rel, std::ldexp(1.0, -11));
}

// L-Mul on bf16: every product errs (2^-l replaces x_m * y_m) but by less than 1/8.
TEST(NumericsTest, LmulBf16ErrorBand) {
  const NumericsReport r = run_numerics(options(pe::LmulSpec{}));
  EXPECT_GT(r.products[0].mean_rel, 0.01);
  EXPECT_LT(r.products[0].mean_rel, 0.05);
  EXPECT_LT(r.products[0].max_rel, 0.125);
  EXPECT_GT(r.dots[0].count, 300);
}

// Exhaustive mode refuses operand spaces wider than 8 bits (a located user error, not a hang).
TEST(NumericsTest, ExhaustiveNeedsEightBitOperands) {
  NumericsOptions o = options(pe::LmulSpec{});
  o.exhaustive = true;
  EXPECT_THROW(run_numerics(o), UserError);
}

// The same seed gives the same statistics; another seed, different ones.
TEST(NumericsTest, SampledRunsAreReproducible) {
  pe::LmulSpec spec;
  spec.format = pe::kFp8E5M2;
  NumericsOptions o = options(spec);
  o.dist = OperandDistribution::LlmOutliers;
  const auto a = run_numerics(o).to_json();
  EXPECT_EQ(a, run_numerics(o).to_json());
  o.seed = 2;
  EXPECT_NE(a, run_numerics(o).to_json());
}

}  // namespace
}  // namespace tpesim
