// SPDX-License-Identifier: Apache-2.0
// Golden vectors: GEMM outputs produced by the GPU kernels, committed under tests/golden/ so CI
// (no GPU) checks the simulator against them. Plain text; operands are not stored but
// regenerated from the seed (workloads/operands.h), which is deterministic on every platform.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpesim::gpu_ref {

struct GoldenIntMac {
  int a_bits = 8, w_bits = 8;        // operand widths
  int acc_bits = 32;                 // accumulator width
  bool saturate = false;             // overflow mode
  std::int64_t m = 0, n = 0, k = 0;  // GEMM shape
  std::uint64_t seed = 0;            // A = uniform_signed(M*K, a_bits, seed); W: seed + 1
  std::string device;                // the GPU that computed `out`
  std::uint64_t overflows = 0;       // accumulator overflows the GPU counted
  std::vector<std::int64_t> out;     // M x N, row-major
};

void write_golden(const GoldenIntMac& g, const std::string& path);
// Throws std::runtime_error naming the file and line of any malformed content.
GoldenIntMac read_golden(const std::string& path);

}  // namespace tpesim::gpu_ref
