// SPDX-License-Identifier: Apache-2.0
// `tpesim verify-rtl --arch ARCH.yaml [--set k=v ...] [--cycles N] [--seed S] [--vcd FILE]`:
// runs the configured PE's verilated model in lock step with the C++ model, then the configured
// array's verilated set (rtl/arrays/) against the C++ cycle model when one has its parameters,
// and prints cycles compared, mismatches and cycles per second; writes a VCD around the first
// divergence.
// `tpesim verify-rtl --golden DIR [--arch ARCH.yaml]`: the verilated PEs on the GPU golden
// vectors instead (verify_golden.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpesim::cosim {

struct VerifyRtlOptions {
  std::string arch;                    // --arch: architecture YAML
  std::vector<std::string> overrides;  // --set key.path=value
  std::uint64_t cycles = 100000;       // --cycles: random cycles per check
  std::uint64_t seed = 1;              // --seed: stimulus and register-initialisation seed
  std::string vcd = "divergence.vcd";  // --vcd: VCD written on a divergence
  std::uint64_t vcd_window = 16;       // --vcd-window: cycles traced each side of it
  std::string golden;                  // --golden: GPU golden vectors to check the RTL on
};

// Prints each check's figures; returns 0 when every cycle matched, 1 at a divergence. Throws
// ConfigError for a bad config and UserError when no verilated model has the configured
// parameters (naming those that exist).
int run_verify_rtl_command(const VerifyRtlOptions& options);

}  // namespace tpesim::cosim
