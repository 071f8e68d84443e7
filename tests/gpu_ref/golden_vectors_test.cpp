// SPDX-License-Identifier: Apache-2.0
// Model vs GPU without a GPU: the simulator, at both fidelities and on several arrays, equals
// the outputs and overflow counts the twin kernels computed on an H100 (tests/golden/<kind>/,
// made by scripts/gpu-golden): int_mac, fp_mac, lmul, mixpe and lut_tc.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <tuple>
#include <vector>

#include "arch/simulate.h"
#include "gpu_ref/golden_file.h"
#include "gpu_ref/golden_operands.h"
#include "gpu_ref/quant_twin_reference.h"
#include "pe/float_format.h"
#include "workloads/operands.h"

namespace tpesim {
namespace {

// tests/golden/<kind>; TPESIM_GOLDEN_DIR=DIR reads DIR/<kind> instead (to check freshly
// generated vectors before committing them).
std::filesystem::path kind_dir(const char* kind) {
  const char* root = std::getenv("TPESIM_GOLDEN_DIR");
  if (root && *root) return std::filesystem::path(root) / kind;
  return std::filesystem::path(TPESIM_SOURCE_DIR) / "tests" / "golden" / kind;
}

// The committed vectors of one kind, sorted; none when the directory does not exist.
std::vector<std::filesystem::path> golden_files(const char* kind = "int_mac") {
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(kind_dir(kind))) return files;
  for (const auto& e : std::filesystem::directory_iterator(kind_dir(kind))) {
    if (e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The arrays every vector runs on: cycle fidelity on ws / os / is with ragged folds, and the
// fast model on one large array.
const std::tuple<int, int, arch::Dataflow, arch::Fidelity> kArrays[] = {
    {16, 8, arch::Dataflow::Ws, arch::Fidelity::Cycle},
    {8, 16, arch::Dataflow::Os, arch::Fidelity::Cycle},
    {12, 12, arch::Dataflow::Is, arch::Fidelity::Cycle},
    {128, 128, arch::Dataflow::Ws, arch::Fidelity::Fast}};

// Runs the simulator on the vector's operands with `pe` on every array of kArrays and requires
// the file's outputs and overflow count.
void check_simulator(const gpu_ref::GoldenVector& g, const pe::PeConfig& pe,
                     const arch::GemmOperands& op) {
  arch::ArchSpec a;
  a.array.pe = pe;
  a.run.values = true;
  const workloads::Gemm gemm{"golden", g.m, g.n, g.k, 1};
  for (auto [rows, cols, df, fid] : kArrays) {
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
    const std::size_t at = std::min(first_bad, g.out.size() - 1);
    // int_mac outputs are signed values, the float kinds' bit patterns.
    const bool hex = g.kind != gpu_ref::GoldenKind::IntMac;
    EXPECT_EQ(first_bad, r.outputs.size())
        << enum_name(df) << " " << enum_name(fid) << ": first mismatch at output " << first_bad
        << (hex ? std::hex : std::dec) << std::showbase << " (simulator " << r.outputs[at]
        << ", file " << g.out[at] << ")";
    EXPECT_EQ(r.stats.overflows, g.overflows) << enum_name(df) << " " << enum_name(fid);
  }
}

pe::FloatFormat format_named(const std::string& name, const std::string& key) {
  const auto f = pe::parse_float_format(name);
  if (!f) ADD_FAILURE() << key << ": unknown float format '" << name << "'";
  return f.value_or(pe::kFp32);
}

gpu_ref::FloatFields fields_of(const pe::FloatFormat& f) {
  return {f.exp_bits, f.man_bits, f.ieee_special};
}

// Checks every committed vector of a float kind; a kind without vectors fails (they are committed
// for every kind), naming the command that makes them.
void check_float_kind(gpu_ref::GoldenKind kind) {
  const char* name = gpu_ref::golden_kind_name(kind);
  const auto files = golden_files(name);
  if (files.empty()) {
    GTEST_FAIL() << "no golden vectors in tests/golden/" << name
                 << "/: generate them on a GPU machine with `scripts/gpu-golden` (writes "
                    "tests/golden/<kind>/ and checks the twins first)";
  }
  for (const auto& file : files) {
    const gpu_ref::GoldenVector g = gpu_ref::read_golden(file.string());
    SCOPED_TRACE(file.filename().string() + " from " + g.device);
    ASSERT_EQ(g.kind, kind) << "a " << gpu_ref::golden_kind_name(g.kind) << " file in " << name;
    arch::GemmOperands op;
    op.m = g.m;
    op.n = g.n;
    op.k = g.k;
    pe::PeConfig pe;
    if (kind == gpu_ref::GoldenKind::FpMac) {
      const pe::FloatFormat af = format_named(g.a_format, "a_format");
      const pe::FloatFormat wf = format_named(g.w_format, "w_format");
      pe = pe::FpMacSpec{af, wf, format_named(g.out_format, "out_format")};
      op.a = gpu_ref::float_operands(fields_of(af), g.m * g.k, g.seed, g.edge_per_mille);
      op.w = gpu_ref::float_operands(fields_of(wf), g.k * g.n, g.seed + 1, g.edge_per_mille);
    } else {
      const pe::FloatFormat f = format_named(g.format, "format");
      pe = pe::LmulSpec{f, format_named(g.acc_format, "acc_format")};
      op.a = gpu_ref::float_operands(fields_of(f), g.m * g.k, g.seed, g.edge_per_mille);
      op.w = gpu_ref::float_operands(fields_of(f), g.k * g.n, g.seed + 1, g.edge_per_mille);
    }
    check_simulator(g, pe, op);
  }
}

// Checks every committed vector of a group-quantized kind (mixpe, lut_tc); a kind without vectors
// fails, naming the command that makes them.
void check_quant_kind(gpu_ref::GoldenKind kind) {
  const char* name = gpu_ref::golden_kind_name(kind);
  const auto files = golden_files(name);
  if (files.empty()) {
    GTEST_FAIL() << "no golden vectors in tests/golden/" << name
                 << "/: generate them on a GPU machine with `scripts/gpu-golden`";
  }
  for (const auto& file : files) {
    const gpu_ref::GoldenVector g = gpu_ref::read_golden(file.string());
    SCOPED_TRACE(file.filename().string() + " from " + g.device);
    ASSERT_EQ(g.kind, kind) << "a " << gpu_ref::golden_kind_name(g.kind) << " file in " << name;
    std::string error;
    const auto q = gpu_ref::golden_quant_gemm(g, &error);
    ASSERT_TRUE(q.has_value()) << error;
    const arch::GemmOperands op =
        gpu_ref::gemm_operands(*q, gpu_ref::quant_operands(*q, g.seed, g.edge_per_mille));
    if (kind == gpu_ref::GoldenKind::Mixpe) {
      check_simulator(g, gpu_ref::mixpe_spec(*q), op);
    } else {
      check_simulator(g, gpu_ref::lut_tc_spec(*q), op);
    }
  }
}

// Every committed int_mac vector: fast and cycle fidelity, ws / os / is, equal bit for bit.
TEST(GoldenVectorsTest, SimulatorMatchesGpuTwinOutputs) {
  const auto files = golden_files();
  ASSERT_GE(files.size(), 6u) << "golden vectors missing";
  for (const auto& file : files) {
    const gpu_ref::GoldenVector g = gpu_ref::read_golden(file.string());
    SCOPED_TRACE(file.filename().string() + " from " + g.device);
    ASSERT_EQ(g.kind, gpu_ref::GoldenKind::IntMac);
    arch::GemmOperands op;
    op.m = g.m;
    op.n = g.n;
    op.k = g.k;
    op.a = workloads::uniform_signed(g.m * g.k, g.a_bits, g.seed);
    op.w = workloads::uniform_signed(g.k * g.n, g.w_bits, g.seed + 1);
    check_simulator(g,
                    pe::IntMacSpec{g.a_bits, g.w_bits, g.acc_bits,
                                   g.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap},
                    op);
  }
}

// Every committed fp_mac vector (fp16, bf16, fp8 operands; fp32, fp16, bf16 outputs), bit for
// bit, NaN and infinity outputs included.
TEST(GoldenVectorsTest, FpMacSimulatorMatchesGpuTwinOutputs) {
  check_float_kind(gpu_ref::GoldenKind::FpMac);
}

// Every committed lmul vector (bf16, fp16, fp8 operands; fp32, bf16, fp16 accumulators).
TEST(GoldenVectorsTest, LmulSimulatorMatchesGpuTwinOutputs) {
  check_float_kind(gpu_ref::GoldenKind::Lmul);
}

// Every committed mixpe vector (W4A8 and W4A16; partial groups; fp32 and fp16 outputs).
TEST(GoldenVectorsTest, MixpeSimulatorMatchesGpuTwinOutputs) {
  check_quant_kind(gpu_ref::GoldenKind::Mixpe);
}

// Every committed lut_tc vector (fp16 / fp32 / int8 tables, fp16 / fp32 accumulators, int8
// activations, tail LUT groups).
TEST(GoldenVectorsTest, LutTcSimulatorMatchesGpuTwinOutputs) {
  check_quant_kind(gpu_ref::GoldenKind::LutTc);
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
