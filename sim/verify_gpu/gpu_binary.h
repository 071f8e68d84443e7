// SPDX-License-Identifier: Apache-2.0
// `tpesim verify-gpu` runs in a second executable, `tpesim-gpu`, built next to `tpesim` when nvcc
// is found. Only it links the CUDA runtime and cuBLASLt (a 540 MB library whose loading would
// otherwise add about a second to every `tpesim` start); `tpesim` hands the command line over.
#pragma once

namespace tpesim::verify_gpu {

// The file name of the GPU executable, in the folder of the running `tpesim`.
inline constexpr const char* kGpuBinaryName = "tpesim-gpu";

// Replaces this process with `tpesim-gpu` and the same arguments. Returns only when that is
// impossible: 1, after a message saying why (no CUDA in this build, or exec failed).
int exec_gpu_binary(int argc, char** argv);

}  // namespace tpesim::verify_gpu
