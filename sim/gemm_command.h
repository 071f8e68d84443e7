// SPDX-License-Identifier: Apache-2.0
// `tpesim gemm`: one GEMM O = A x W on user-supplied operand matrices (.npy), simulated on the
// configured array with real values, and compared with an exact binary64 reference GEMM.
#pragma once

#include <string>
#include <vector>

namespace tpesim {

struct GemmCommandOptions {
  std::string arch;                    // --arch: architecture YAML
  std::vector<std::string> overrides;  // --set key.path=value, in order
  std::string a;                       // --a: activations, M x K .npy
  std::string w;                       // --w: weights, K x N .npy
  std::string w_scales;                // --w-scales: mixpe/lut_tc codes' scales (groups x N)
  std::string w_zeros;                 // --w-zeros: mixpe/lut_tc codes' zeros (groups x N)
  std::string a_scales;                // --a-scales: int8 activations' token scales (M)
  std::string out;                     // --out: output folder (created only on success)
};

// Runs the command: loads the arch (with overrides, run.values forced on), reads A and W,
// converts them to the PE kind's operand codes, simulates the GEMM and writes output.npy,
// gemm.json and report.md into `out` (all or nothing), then prints a summary line and the folder.
// Returns the exit code (0). Throws ConfigError / UserError for bad input (nothing is written)
// and ModelError if a model invariant breaks.
int run_gemm_command(const GemmCommandOptions& options);

}  // namespace tpesim
