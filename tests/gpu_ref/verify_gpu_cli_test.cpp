// SPDX-License-Identifier: Apache-2.0
// `tpesim verify-gpu` end to end: without a CUDA device it fails with a clear message, exit 1,
// and writes nothing; with one, every PE kind's config passes on odd GEMM shapes and the report
// has one row per layer. Each test skips where its condition (device present or absent) fails.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "gpu_ref/gpu_ref.h"

namespace tpesim {
namespace {

namespace fs = std::filesystem;

struct Result {
  int status = -1;  // exit status
  std::string out;  // stdout and stderr together
};

Result run_tpesim(const std::string& args) {
  const fs::path log =
      fs::path(testing::TempDir()) / ("verify_gpu_cli_" + std::to_string(::getpid()) + ".log");
  const std::string cmd = std::string(TPESIM_BINARY) + " " + args + " >" + log.string() + " 2>&1";
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(log);
  std::ostringstream s;
  s << in.rdbuf();
  r.out = s.str();
  fs::remove(log);
  return r;
}

const std::string kSource = TPESIM_SOURCE_DIR;

// No device: a clear message, exit 1, no output folder.
TEST(VerifyGpuCliTest, FailsClearlyWithoutDevice) {
  if (gpu_ref::probe_device().available) GTEST_SKIP() << "a CUDA device is present";
  const fs::path out = fs::path(testing::TempDir()) / "verify_gpu_nodev";
  fs::remove_all(out);
  const Result r = run_tpesim("verify-gpu --arch " + kSource +
                              "/configs/arch/systolic_32x32_ws.yaml --workload " + kSource +
                              "/gpu_ref/workloads/odd_shapes.yaml --out " + out.string());
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("no usable CUDA device"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(out));
}

// Bad input is exit 2 whether or not a device is present: an unknown layer name.
TEST(VerifyGpuCliTest, UnknownLayerIsBadInput) {
  const Result r = run_tpesim("verify-gpu --arch " + kSource +
                              "/configs/arch/systolic_32x32_ws.yaml --workload " + kSource +
                              "/gpu_ref/workloads/odd_shapes.yaml --layers nope --out " +
                              testing::TempDir() + "/verify_gpu_bad");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_NE(r.out.find("no layer 'nope'"), std::string::npos) << r.out;
}

// With a device: every PE kind's arch passes on the odd shapes, one CSV row per layer.
TEST(VerifyGpuCliTest, EveryKindPassesOnOddShapes) {
  if (!gpu_ref::probe_device().available) GTEST_SKIP() << "no usable CUDA device";
  for (const char* arch :
       {"systolic_32x32_ws", "fp16_mac_32x32", "lmul_bf16_32x32", "mixpe_w4a8_32x32",
        "mixpe_w4a16_32x32", "lut_tc_m2n64k4_w2", "laconic_systolic_16x16"}) {
    SCOPED_TRACE(arch);
    const fs::path out = fs::path(testing::TempDir()) / (std::string("verify_gpu_") + arch);
    const Result r =
        run_tpesim("verify-gpu --arch " + kSource + "/configs/arch/" + arch + ".yaml --workload " +
                   kSource + "/gpu_ref/workloads/odd_shapes.yaml --tiles 3 --out " + out.string());
    EXPECT_EQ(r.status, 0) << r.out;
    std::ifstream csv(out / "verify_gpu.csv");
    int rows = 0;
    for (std::string line; std::getline(csv, line);) ++rows;
    EXPECT_EQ(rows, 1 + 5);
  }
}

}  // namespace
}  // namespace tpesim
