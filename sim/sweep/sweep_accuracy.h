// SPDX-License-Identifier: Apache-2.0
// The numeric error of a design point's PE arithmetic on LLM-like operands: sampled dot products
// of the workload's dominant K through the PE kind's exact arithmetic (sim/numerics.h), against
// binary64 dot products of the same operand codes (the arithmetic's error), and against binary64
// dot products of the real operands before quantization (quantization and arithmetic).
#pragma once

#include <cstdint>

#include "pe/pe_config.h"
#include "workloads/gemm.h"

namespace tpesim::sweep {

// Dot products sampled per point, and their seed: fixed, so every run gives the same numbers.
inline constexpr std::int64_t kAccuracyDots = 8;
inline constexpr std::uint64_t kAccuracySeed = 1;

struct PointAccuracy {
  std::int64_t k = 0;              // dot-product length: K of the layer with the most MACs
  double rel_frobenius = 0;        // ||pe - exact|| / ||exact|| over the sampled dot products
  double model_rel_frobenius = 0;  // the same against the unquantized real operands
};

// The K of the workload's layer with the most MACs (m n k x count; the first on a tie).
std::int64_t dominant_k(const workloads::Workload& workload);

// kAccuracyDots dot products of length dominant_k(workload), operands drawn from the
// llm-outliers distribution (seed kAccuracySeed) and encoded as the PE kind encodes them.
PointAccuracy measure_accuracy(const pe::PeConfig& pe, const workloads::Workload& workload);

}  // namespace tpesim::sweep
