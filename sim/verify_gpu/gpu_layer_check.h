// SPDX-License-Identifier: Apache-2.0
// One GEMM layer checked on the GPU (`tpesim verify-gpu`): operands generated for the arch's PE
// kind, the CUDA twin of that kind on the whole GEMM, the simulator's functional model on a
// sample of output tiles (bit-exact comparison), and the matching cuBLASLt kernel (exact
// comparison for int8, error figures for the float and quantized kinds).
#pragma once

#include <cstdint>
#include <string>

#include "arch/arch_spec.h"
#include "workloads/gemm.h"

namespace tpesim::verify_gpu {

struct SampleSpec {
  std::int64_t tile = 32;  // output tile side for the simulator's sample, outputs
  int tiles = 4;           // tiles simulated per layer (all of them when the GEMM has fewer)
  std::uint64_t seed = 1;  // operand and sampling seed
  bool time = false;       // time the industry kernel (CUDA events, one warm-up, median of 5)
};

struct LayerCheck {
  std::string layer;                     // the workload's layer name
  std::int64_t m = 0, n = 0, k = 0;      // GEMM shape
  std::string twin;                      // the twin kernel that ran
  double twin_ms = 0;                    // its kernel time (one run, CUDA events), ms
  bool twin_tensor_cores = false;        // int_mac: the tensor-core path ran
  std::int64_t sampled = 0;              // outputs the simulator computed
  std::int64_t sim_mismatches = 0;       // of those, differing from the twin (bit patterns)
  std::int64_t sim_first_mismatch = -1;  // row-major index of the first, or -1
  std::string industry;                  // the cuBLASLt kernel, or "" when none matches
  std::string industry_note;             // why none ran, or what limited the comparison
  double industry_ms = 0;                // its median time (with SampleSpec::time), ms
  bool industry_exact = false;           // the industry kernel is compared for equality
  std::int64_t industry_mismatches = 0;  // int8: outputs differing from the twin's (all of them)
  std::int64_t industry_first_mismatch = -1;
  // Approximate kinds, on the sampled outputs: max over outputs of |x - ref| / sum_k |a w|.
  double twin_vs_f64 = 0;       // twin vs the binary64 GEMM of the decoded operands
  double industry_vs_f64 = 0;   // cuBLASLt vs binary64
  double twin_vs_industry = 0;  // twin vs cuBLASLt
  bool approximate = false;     // the kind's values are approximate (errors are reported)
  std::int64_t non_finite = 0;  // sampled outputs left out of the error figures (inf / NaN)
  // Every bit-exact check held (simulator vs twin; int8 cuBLASLt vs twin where compared).
  bool ok() const { return sim_mismatches == 0 && industry_mismatches == 0; }
};

// Runs the checks above for one layer (operands from `sample.seed` and the layer index).
// Throws std::runtime_error with the CUDA error for a device failure.
LayerCheck check_layer_on_gpu(const arch::ArchSpec& arch, const workloads::Gemm& gemm,
                              std::int64_t layer_index, const SampleSpec& sample);

}  // namespace tpesim::verify_gpu
