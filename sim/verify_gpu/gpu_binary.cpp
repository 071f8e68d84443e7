// SPDX-License-Identifier: Apache-2.0
#include "sim/verify_gpu/gpu_binary.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace tpesim::verify_gpu {

int exec_gpu_binary(int argc, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) {
    fmt::print(stderr, "tpesim verify-gpu: cannot find this executable's folder: {}\n",
               ec.message());
    return 1;
  }
  const std::filesystem::path gpu = self.parent_path() / kGpuBinaryName;
  if (!std::filesystem::exists(gpu, ec)) {
    fmt::print(stderr,
               "tpesim verify-gpu: this build has no GPU kernels ({} is missing: nvcc was not "
               "found when the build was configured; rebuild where /usr/local/cuda/bin/nvcc "
               "exists)\n",
               gpu.string());
    return 1;
  }
  (void)argc;
  ::execv(gpu.c_str(), argv);
  fmt::print(stderr, "tpesim verify-gpu: cannot run {}: {}\n", gpu.string(), std::strerror(errno));
  return 1;
}

}  // namespace tpesim::verify_gpu
