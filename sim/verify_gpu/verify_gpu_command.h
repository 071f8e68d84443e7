// SPDX-License-Identifier: Apache-2.0
// `tpesim verify-gpu`: every GEMM of a workload on the GPU through the arch's PE twin kernel and
// the matching cuBLASLt kernel, checked against the simulator's functional model on sampled
// output tiles (docs/GPU.md, docs/CLI.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpesim::verify_gpu {

struct VerifyGpuOptions {
  std::string arch;                    // --arch: architecture YAML (its PE kind picks the twin)
  std::vector<std::string> overrides;  // --set key.path=value
  std::string workload;                // --workload: GEMM list YAML or trace / topology CSV
  std::vector<std::string> layers;     // --layers: names to check (default: all)
  std::uint64_t seed = 1;              // --seed: operands and sampled tiles
  int tiles = 4;                       // --tiles: output tiles the simulator computes per layer
  std::string out;                     // --out: folder for verify_gpu.csv and report.md
  bool time = false;                   // --time: time the industry kernels
};

// Returns the exit status: 0 when every bit-exact check held, 1 when one failed or no GPU is
// usable. Throws UserError for bad input (unknown layer names), ConfigError for a bad arch.
int run_verify_gpu_command(const VerifyGpuOptions& options);

}  // namespace tpesim::verify_gpu
