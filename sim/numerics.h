// SPDX-License-Identifier: Apache-2.0
// `tpesim numerics`: error statistics of a PE kind's products and dot products against exact
// arithmetic, exhaustively over 8-bit operand spaces or on sampled operands; for the
// group-quantized kinds (mixpe, lut_tc) also their activity per dot product.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "pe/float_format.h"
#include "pe/pe_config.h"

namespace tpesim {

enum class OperandDistribution { Normal, Uniform, LlmOutliers };
constexpr auto enum_names(OperandDistribution) {
  return std::array{std::pair{OperandDistribution::Normal, "normal"},
                    std::pair{OperandDistribution::Uniform, "uniform"},
                    std::pair{OperandDistribution::LlmOutliers, "llm-outliers"}};
}

struct NumericsOptions {
  pe::PeConfig pe;                                         // the PE kind and its parameters
  bool exhaustive = false;                                 // every operand pair (<= 8-bit operands)
  std::int64_t samples = 100000;                           // sampled operand pairs
  OperandDistribution dist = OperandDistribution::Normal;  // how real operands are drawn
  std::uint64_t seed = 1;                                  // sampling seed
  std::int64_t dot_length = 128;                           // K of the sampled dot products
  std::vector<pe::FloatFormat> compare_formats;            // also: exact products rounded to these
};

struct ErrorStats {
  std::string name;                  // what was measured
  std::int64_t count = 0;            // values compared (exact value nonzero)
  std::int64_t zero_reference = 0;   // exact value zero: not in the relative statistics
  std::int64_t mismatched_zero = 0;  // exact value zero but the result is not
  std::int64_t nan = 0;              // results that are NaN (not in the statistics)
  std::int64_t nonfinite = 0;        // infinite operands or results (not in the statistics)
  double mean_rel = 0;               // mean |result - exact| / |exact|
  double max_rel = 0;                // max |result - exact| / |exact|
  double mean_signed_rel = 0;        // mean (result - exact) / |exact|
  double rel_frobenius = 0;          // ||result - exact|| / ||exact|| over the compared values
};

// One activity counter of the sampled dot products (each of length dot_length).
struct ActivityStats {
  std::string name;        // what is counted, e.g. "shift-adds"
  double mean = 0;         // per dot product
  std::int64_t min = 0;    // fewest in one dot product
  std::int64_t max = 0;    // most in one dot product
  std::int64_t total = 0;  // over all sampled dot products
};

struct NumericsReport {
  double nonzero_digits_per_operand = -1;  // bitslice: mean non-zero radix-4 digits (terms) of an
                                           // encoded operand over the sampled dot products; -1
                                           // for other kinds
  std::string pe_kind;                     // kind name
  std::string mode;                        // "exhaustive" or "sampled (dist)"
  std::vector<ErrorStats> products;        // the PE's products; then each compare format's
  std::vector<ErrorStats> dots;            // dot products of length dot_length
  std::vector<ErrorStats> model_dots;      // the same dot products against the unquantized real
                                           // operands (quantization and arithmetic together)
  std::vector<ActivityStats> activity;     // mixpe, lut_tc: per dot product; empty otherwise
  nlohmann::json to_json() const;
  std::string to_markdown() const;
};

// Throws UserError for an impossible request (e.g. exhaustive with 16-bit operands).
NumericsReport run_numerics(const NumericsOptions& options);

// One dot product of a group-quantized kind (mixpe, lut_tc) as the buffers hold it: a 1 x K
// activation row and a K x 1 weight column of codes, with their scales and zero points.
struct QuantizedDot {
  std::vector<std::int32_t> a;  // K activations: int8 values, or fp16 patterns
  std::vector<std::int32_t> w;  // K unsigned weight codes
  pe::MixpeQuantParams quant;   // group_size, ceil(K / G) fp16 scale patterns and zero points;
                                // int8 activations: one fp32 scale pattern (a_scales)
};

struct QuantizedDotResult {
  double pe = 0;            // the PE's output (its output format, decoded)
  double exact = 0;         // binary64 of the dequantized math: sum_k a_k s_g (q_k - z_g), times
                            // s_a for int8 activations (exact products, compensated sum)
  std::int64_t events = 0;  // mac_steps that flagged a numeric event
};

// The dot product through the kind's Arith (prepare_operands, then mac_step over k ascending,
// then output: what the arrays and the golden GEMM compute), and its binary64 reference.
// `pe` must be mixpe or lut_tc.
QuantizedDotResult evaluate_quantized_dot(const pe::PeConfig& pe, const QuantizedDot& dot);

// The kind's activity for one dot product of the codes `a` and `w` (K each): pe::gemm_activity
// (pe/activity.h) of a 1 x 1 x K GEMM, so per-row work shared by a row's columns (S sums,
// tables) is counted once. Events in name order.
std::vector<std::pair<std::string, std::int64_t>> dot_activity(const pe::PeConfig& pe,
                                                               const std::vector<std::int32_t>& a,
                                                               const std::vector<std::int32_t>& w);

}  // namespace tpesim
