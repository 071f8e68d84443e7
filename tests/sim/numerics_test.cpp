// SPDX-License-Identifier: Apache-2.0
// `tpesim numerics`: exact kinds show zero error, rounding shows its textbook bound, L-Mul its
// known error band, the group-quantized kinds (mixpe, lut_tc) their dequantized error and
// activity, and the statistics are reproducible.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <string>

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

// ---- mixpe and lut_tc ------------------------------------------------------------------------

// A K = 256 dot product in two groups of 128 with small codes and power-of-two scales (fp16
// 2^-3 and 2^-5, token scale 2^-6): every step of the kind's arithmetic is exact in binary32,
// so the PE's output equals the binary64 reference exactly.
QuantizedDot exact_case(std::int64_t a_lo, std::int64_t a_hi, bool int8_scale) {
  std::mt19937_64 rng(5);
  QuantizedDot d;
  d.quant.group_size = 128;
  for (int k = 0; k < 256; ++k) {
    d.a.push_back(
        static_cast<std::int32_t>(std::uniform_int_distribution<std::int64_t>(a_lo, a_hi)(rng)));
    d.w.push_back(static_cast<std::int32_t>(rng() % 4));
  }
  d.quant.w_scales = {static_cast<std::int32_t>(pe::encode(0.125, pe::kFp16)),
                      static_cast<std::int32_t>(pe::encode(0.03125, pe::kFp16))};
  d.quant.w_zeros = {1, 2};
  if (int8_scale) d.quant.a_scales = {static_cast<std::int32_t>(pe::encode(1.0 / 64, pe::kFp32))};
  return d;
}

// mixpe W4A8 with exact float math: error exactly 0 (and a nonzero result); the same holds for
// lut_tc with int8 activations, whose tables and sums are exact integers.
TEST(NumericsTest, QuantizedKindsAreExactWhenTheFloatMathIs) {
  const QuantizedDot d = exact_case(-128, 127, true);
  pe::MixpeSpec mix;
  mix.group_size = 128;
  const QuantizedDotResult m = evaluate_quantized_dot(mix, d);
  EXPECT_NE(m.exact, 0.0);
  EXPECT_EQ(m.pe, m.exact);
  EXPECT_EQ(m.events, 0);
  pe::LutTcSpec lut;
  lut.activation = pe::LutActivation::Int8;
  const QuantizedDotResult l = evaluate_quantized_dot(lut, d);
  EXPECT_EQ(l.pe, l.exact);
  EXPECT_EQ(l.exact, m.exact);
}

// W4A8 products through the PE: the integer part is exact and float(D) s is exact for 4-bit
// codes, so the one rounding left (times s_a) bounds every product's error by 2^-24; every
// (a, q, z) triple is measured; dot products stay at binary32 accuracy.
TEST(NumericsTest, MixpeW4A8ExhaustiveProductsErrOnlyByTheTokenScale) {
  NumericsOptions o = options(pe::MixpeSpec{});
  o.exhaustive = true;
  o.samples = 20000;
  const NumericsReport r = run_numerics(o);
  EXPECT_EQ(r.mode, "exhaustive");
  EXPECT_EQ(r.products[0].count + r.products[0].zero_reference, 256 * 16 * 16);
  EXPECT_GT(r.products[0].max_rel, 0.0);
  EXPECT_LE(r.products[0].max_rel, std::ldexp(1.0, -24));
  EXPECT_EQ(r.products[0].mismatched_zero, 0);
  EXPECT_LT(r.dots[0].rel_frobenius, 1e-6);
  EXPECT_EQ(r.dots[0].count + r.dots[0].zero_reference, 20000 / 128);
}

// mixpe activity: shift-adds count the set weight bits with skip_zero_bits, else w_bits per
// weight; one dequantization and one S per scale group.
TEST(NumericsTest, MixpeActivityFollowsTheWeightBits) {
  pe::MixpeSpec spec;
  spec.group_size = 32;
  NumericsOptions o = options(spec);
  o.samples = 10000;
  o.dot_length = 100;  // 4 scale groups, the last one partial
  const NumericsReport r = run_numerics(o);
  std::map<std::string, ActivityStats> n;
  for (const ActivityStats& a : r.activity) n[a.name] = a;
  EXPECT_GT(n["shifts"].mean, 100.0);  // 4-bit codes of N(0,1) weights: about 2 bits set
  EXPECT_LT(n["shifts"].mean, 300.0);
  EXPECT_LT(n["shifts"].min, n["shifts"].max);
  EXPECT_DOUBLE_EQ(n["shifts"].mean, static_cast<double>(n["shifts"].total) / 100);
  EXPECT_EQ(n["int_add_12"].total, n["shifts"].total);  // W4A8 shift-adds: 8 + 4 bits
  EXPECT_EQ(n["dequant_ops"].min, 4);
  EXPECT_EQ(n["group_sums"].max, 4);
  spec.skip_zero_bits = false;
  o.pe = spec;
  std::map<std::string, ActivityStats> all;
  for (const ActivityStats& a : run_numerics(o).activity) all[a.name] = a;
  EXPECT_EQ(all["shifts"].min, 400);
  EXPECT_EQ(all["shifts"].max, 400);
  // Activity is counted per dot product from its own codes.
  const QuantizedDot d = exact_case(-128, 127, true);
  std::int64_t bits = 0;
  for (std::int32_t q : d.w) bits += std::popcount(static_cast<std::uint32_t>(q));
  std::map<std::string, std::int64_t> counts;
  for (const auto& [name, v] : dot_activity(pe::MixpeSpec{}, d.a, d.w)) counts[name] = v;
  EXPECT_EQ(counts["shifts"], bits);
}

// lut_tc with fp16 tables (W2, the default): the tables' fp16 rounding shows as a nonzero
// dot-product error below one fp16 rounding (2^-11) in Frobenius norm; fp32 tables err less,
// int8 (T-MAC) tables more; a one-element product is exact with fp16 or fp32 tables.
TEST(NumericsTest, LutTcFp16TablesErrButBoundedly) {
  pe::LutTcSpec spec;
  const NumericsReport fp16 = run_numerics(options(spec));
  EXPECT_EQ(fp16.products[0].max_rel, 0.0);
  EXPECT_GT(fp16.dots[0].rel_frobenius, 1e-5);
  EXPECT_LT(fp16.dots[0].rel_frobenius, std::ldexp(1.0, -11));
  EXPECT_GT(fp16.dots[0].mean_rel, 1e-4);
  EXPECT_EQ(fp16.dots[0].nan + fp16.dots[0].nonfinite, 0);
  spec.table_format = pe::LutTableFormat::Fp32;
  const NumericsReport fp32 = run_numerics(options(spec));
  spec.table_format = pe::LutTableFormat::Int8;
  const NumericsReport int8 = run_numerics(options(spec));
  EXPECT_LT(fp32.dots[0].rel_frobenius, fp16.dots[0].rel_frobenius / 100);
  EXPECT_GT(int8.dots[0].rel_frobenius, fp16.dots[0].rel_frobenius * 4);
  EXPECT_LT(int8.dots[0].rel_frobenius, 0.05);
  EXPECT_GT(int8.products[0].max_rel, 0.0);  // RNE32(|a| / 127) times 127 is not |a|
  EXPECT_LE(int8.products[0].max_rel, std::ldexp(1.0, -22));
}

// lut_tc activity: per dot product of K = 130 with Kg = 4 and B = 3 (33 LUT groups, the last
// partial): table builds, 8 stored entries of 3 adds each, 3 lookups per group; int8 tables
// add the entry quantizations and replace the per-plane float adds by integer adds and one
// scale multiply and float add per group.
TEST(NumericsTest, LutTcActivityCountsTablesAndLookups) {
  pe::LutTcSpec spec;
  spec.w_bits = 3;
  spec.group_size = 64;
  NumericsOptions o = options(spec);
  o.samples = 1300;
  o.dot_length = 130;
  const NumericsReport r = run_numerics(o);
  std::map<std::string, std::int64_t> n;
  for (const ActivityStats& a : r.activity) {
    EXPECT_EQ(a.min, a.max) << a.name;  // shape-determined
    EXPECT_EQ(a.total, 10 * a.max) << a.name;
    n[a.name] = a.max;
  }
  EXPECT_EQ(n["table_builds"], 33);
  EXPECT_EQ(n["table_entry_adds"], 33 * 8 * 3);
  EXPECT_EQ(n["table_lookups"], 99);
  EXPECT_EQ(n["dequant_ops"], 3);
  EXPECT_EQ(n["group_sums"], 3);
  // fp32 adds: the table entries, one accumulator add per lookup, K for S, 2 per scale group.
  EXPECT_EQ(n["fp_add_fp32"], 33 * 8 * 3 + 99 + 130 + 2 * 3);
  spec.table_format = pe::LutTableFormat::Int8;
  o.pe = spec;
  std::map<std::string, std::int64_t> t;
  for (const ActivityStats& a : run_numerics(o).activity) t[a.name] = a.max;
  EXPECT_EQ(t["table_entry_quantizations"], 33 * 8);
  EXPECT_EQ(t["int_add_16"], 66);           // integer bit-plane adds
  EXPECT_EQ(t["fp_mul_fp32"], 33 + 2 * 3);  // one table scale per LUT group, 2 per scale group
}

// bitslice: the values are exact (int_mac's), and the report gives the digits per operand.
TEST(NumericsTest, BitsliceIsExactAndCountsDigits) {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::SerialDigit;
  NumericsOptions o = options(spec);
  o.dist = OperandDistribution::Uniform;
  const NumericsReport r = run_numerics(o);
  EXPECT_EQ(r.dots[0].max_rel, 0.0);
  // Uniform int8: about 3 of EN-T's 4 digits are non-zero.
  EXPECT_GT(r.nonzero_digits_per_operand, 2.0);
  EXPECT_LT(r.nonzero_digits_per_operand, 3.5);
  spec.variant = pe::BitsliceVariant::Laconic;
  o.pe = spec;
  const NumericsReport lac = run_numerics(o);
  std::map<std::string, double> n;
  for (const ActivityStats& a : lac.activity) n[a.name] = a.mean;
  EXPECT_GT(n["partial_products"], n["macs"]);  // term pairs: several per MAC
  EXPECT_EQ(run_numerics(options(pe::IntMacSpec{})).nonzero_digits_per_operand, -1);
}

// lut_tc with int8 activations is exhaustive over every (a, q, z) triple (2-bit codes: 4096);
// mixpe w4a16 and lut_tc with fp16 activations have 16-bit activations and refuse.
TEST(NumericsTest, QuantizedExhaustiveNeedsInt8Activations) {
  pe::LutTcSpec lut;
  lut.activation = pe::LutActivation::Int8;
  NumericsOptions o = options(lut);
  o.exhaustive = true;
  o.samples = 1000;
  const NumericsReport r = run_numerics(o);
  EXPECT_EQ(r.products[0].count + r.products[0].zero_reference, 256 * 4 * 4);
  EXPECT_LE(r.products[0].max_rel, std::ldexp(1.0, -24));
  pe::MixpeSpec w4a16;
  w4a16.variant = pe::MixpeVariant::W4A16;
  for (const pe::PeConfig& pe : {pe::PeConfig{w4a16}, pe::PeConfig{pe::LutTcSpec{}}}) {
    o.pe = pe;
    try {
      run_numerics(o);
      FAIL() << "expected a UserError";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("has fp16 (16-bit) activations: sample instead"),
                std::string::npos)
          << e.what();
    }
  }
  // The quantized-dot entry points take only mixpe and lut_tc.
  EXPECT_THROW(evaluate_quantized_dot(pe::IntMacSpec{}, exact_case(-8, 8, false)),
               std::invalid_argument);
  EXPECT_THROW(evaluate_quantized_dot(pe::LmulSpec{}, exact_case(-8, 8, false)),
               std::invalid_argument);
}

// The same seed gives the same report for both quantized kinds; another seed, a different one.
// The report keeps the other kinds' layout, plus the activity table; --compare-format rows work.
TEST(NumericsTest, QuantizedRunsAreReproducibleAndReported) {
  for (const pe::PeConfig& pe : {pe::PeConfig{pe::MixpeSpec{}}, pe::PeConfig{pe::LutTcSpec{}}}) {
    NumericsOptions o = options(pe);
    o.samples = 5000;
    o.dist = OperandDistribution::LlmOutliers;
    o.compare_formats = {pe::kBf16};
    const NumericsReport r = run_numerics(o);
    const nlohmann::json j = r.to_json();
    EXPECT_EQ(j, run_numerics(o).to_json());
    ASSERT_EQ(r.products.size(), 2u);
    EXPECT_LE(r.products[1].max_rel, std::ldexp(1.0, -8));
    ASSERT_FALSE(j["activity"].empty());
    EXPECT_TRUE(j["activity"][0].contains("mean_per_dot"));
    EXPECT_TRUE(j["activity"][0].contains("max_per_dot"));
    const std::string md = r.to_markdown();
    EXPECT_NE(md.find("| activity per dot product ("), std::string::npos);
    EXPECT_NE(md.find("product (one-element dot product) |"), std::string::npos);
    o.seed = 2;
    EXPECT_NE(j, run_numerics(o).to_json());
  }
  // The plain kinds report their activity too: int_mac one multiply and one add per MAC.
  const nlohmann::json plain = run_numerics(options(pe::IntMacSpec{})).to_json();
  ASSERT_EQ(plain["activity"].size(), 3u);
  EXPECT_EQ(plain["activity"][0]["name"], "int_add_32");
  EXPECT_EQ(plain["activity"][1]["name"], "int_mul_8x8");
  EXPECT_EQ(plain["activity"][2]["name"], "macs");
  EXPECT_EQ(plain["activity"][2]["max_per_dot"], 128);
}

}  // namespace
}  // namespace tpesim
