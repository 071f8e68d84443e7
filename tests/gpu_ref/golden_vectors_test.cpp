// SPDX-License-Identifier: Apache-2.0
// Model vs GPU without a GPU: the simulator, at both fidelities and on several arrays, equals
// the outputs and overflow counts the int_mac twin kernel computed on an H100
// (tests/golden/int_mac, made by scripts/gpu-golden).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "arch/simulate.h"
#include "gpu_ref/golden_file.h"
#include "workloads/operands.h"

namespace tpesim {
namespace {

std::vector<std::filesystem::path> golden_files() {
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(std::string(TPESIM_SOURCE_DIR) +
                                                           "/tests/golden/int_mac")) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Every committed vector: fast and cycle fidelity, ws / os / is, equal bit for bit.
TEST(GoldenVectorsTest, SimulatorMatchesGpuTwinOutputs) {
  const auto files = golden_files();
  ASSERT_GE(files.size(), 6u) << "golden vectors missing";
  for (const auto& file : files) {
    const gpu_ref::GoldenIntMac g = gpu_ref::read_golden(file.string());
    SCOPED_TRACE(file.filename().string() + " from " + g.device);
    arch::GemmOperands op;
    op.m = g.m;
    op.n = g.n;
    op.k = g.k;
    op.a = workloads::uniform_signed(g.m * g.k, g.a_bits, g.seed);
    op.w = workloads::uniform_signed(g.k * g.n, g.w_bits, g.seed + 1);
    arch::ArchSpec a;
    a.array.pe = pe::IntMacSpec{g.a_bits, g.w_bits, g.acc_bits,
                                g.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap};
    a.run.values = true;
    const workloads::Gemm gemm{"golden", g.m, g.n, g.k, 1};
    for (auto [rows, cols, df, fid] :
         {std::tuple{16, 8, arch::Dataflow::Ws, arch::Fidelity::Cycle},
          std::tuple{8, 16, arch::Dataflow::Os, arch::Fidelity::Cycle},
          std::tuple{12, 12, arch::Dataflow::Is, arch::Fidelity::Cycle},
          std::tuple{128, 128, arch::Dataflow::Ws, arch::Fidelity::Fast}}) {
      a.array.rows = rows;
      a.array.cols = cols;
      a.array.dataflow = df;
      a.run.fidelity = fid;
      const arch::LayerRun r = arch::simulate_layer(a, gemm, 0, &op);
      ASSERT_EQ(r.outputs.size(), g.out.size());
      std::size_t first_bad = r.outputs.size();
      for (std::size_t i = 0; i < g.out.size() && first_bad == r.outputs.size(); ++i) {
        if (r.outputs[i] != g.out[i]) first_bad = i;
      }
      EXPECT_EQ(first_bad, r.outputs.size())
          << enum_name(df) << " " << enum_name(fid) << ": first mismatch at output " << first_bad;
      EXPECT_EQ(r.stats.overflows, g.overflows) << enum_name(df) << " " << enum_name(fid);
    }
  }
}

// A damaged golden file is reported with its line, never read as a shorter vector.
TEST(GoldenVectorsTest, MalformedFileIsRejected) {
  const std::string path = testing::TempDir() + "/bad_golden.txt";
  {
    std::ofstream out(path);
    out << "a_bits 8\nw_bits 8\nacc_bits 32\noverflow wrap\nm 2\nn 2\nk 3\nseed 1\n"
           "device x\noverflows 0\noutputs\n1 2\n3\n";
  }
  EXPECT_THROW(gpu_ref::read_golden(path), std::runtime_error);
}

}  // namespace
}  // namespace tpesim
