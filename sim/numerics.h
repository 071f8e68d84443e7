// SPDX-License-Identifier: Apache-2.0
// `tpesim numerics`: error statistics of a PE kind's products and dot products against exact
// arithmetic, exhaustively over 8-bit operand spaces or on sampled operands.
#pragma once

#include <cstdint>
#include <string>
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

struct NumericsReport {
  std::string pe_kind;               // kind name
  std::string mode;                  // "exhaustive" or "sampled (dist)"
  std::vector<ErrorStats> products;  // the PE's products; then each compare format's
  std::vector<ErrorStats> dots;      // dot products of length dot_length
  nlohmann::json to_json() const;
  std::string to_markdown() const;
};

// Throws UserError for an impossible request (e.g. exhaustive with 16-bit operands).
NumericsReport run_numerics(const NumericsOptions& options);

}  // namespace tpesim
