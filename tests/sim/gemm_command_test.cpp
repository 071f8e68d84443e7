// SPDX-License-Identifier: Apache-2.0
// `tpesim gemm` end to end through run_gemm_command: user matrices (.npy written byte by byte)
// in, output.npy / gemm.json / report.md out. Outputs equal the CPU golden GEMM, the reported
// error against the binary64 reference is right for exact and approximate kinds, and every bad
// input is refused with a message that locates it, leaving no output folder behind.
#include "sim/gemm_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"
#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "pe/quantize.h"
#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "sim/npy.h"
#include "workloads/golden_gemm.h"

namespace tpesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kIntArch = kSource + "/configs/arch/systolic_32x32_ws.yaml";  // int_mac int8
const std::string kFp16Arch = kSource + "/configs/arch/fp16_mac_32x32.yaml";    // fp_mac fp16
const std::string kLmulArch = kSource + "/configs/arch/lmul_bf16_32x32.yaml";   // lmul bf16

// ---- .npy files byte by byte -------------------------------------------------------------------

std::string le(std::uint64_t v, int bytes) {
  std::string s;
  for (int i = 0; i < bytes; ++i) s += static_cast<char>((v >> (8 * i)) & 0xff);
  return s;
}

// A version 1.0 .npy file of `payload` with this dtype and shape (e.g. "(3, 4)").
std::string npy_bytes(const std::string& descr, const std::string& shape,
                      const std::string& payload) {
  std::string header =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return std::string("\x93NUMPY\x01\x00", 8) + le(header.size(), 2) + header + payload;
}

std::string shape_text(std::int64_t rows, std::int64_t cols) {
  return "(" + std::to_string(rows) + ", " + std::to_string(cols) + ")";
}

fs::path write_file(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

// An integer matrix; `descr` is "|i1", "<i2", "<i4" or "<i8".
fs::path write_ints(const fs::path& p, const std::string& descr, std::int64_t rows,
                    std::int64_t cols, const std::vector<std::int64_t>& v) {
  const int bytes = descr == "|i1" ? 1 : descr == "<i2" ? 2 : descr == "<i4" ? 4 : 8;
  std::string payload;
  for (std::int64_t x : v) payload += le(static_cast<std::uint64_t>(x), bytes);
  return write_file(p, npy_bytes(descr, shape_text(rows, cols), payload));
}

// A float matrix; `descr` is "<f4" or "<f8".
fs::path write_floats(const fs::path& p, const std::string& descr, std::int64_t rows,
                      std::int64_t cols, const std::vector<double>& v) {
  std::string payload;
  for (double x : v) {
    payload += descr == "<f4" ? le(std::bit_cast<std::uint32_t>(static_cast<float>(x)), 4)
                              : le(std::bit_cast<std::uint64_t>(x), 8);
  }
  return write_file(p, npy_bytes(descr, shape_text(rows, cols), payload));
}

std::vector<std::int64_t> random_ints(std::int64_t count, std::int64_t lo, std::int64_t hi,
                                      unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> dist(lo, hi);
  std::vector<std::int64_t> v(static_cast<std::size_t>(count));
  for (auto& x : v) x = dist(rng);
  return v;
}

std::vector<double> random_normals(std::int64_t count, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> dist(0.0, 1.0);
  std::vector<double> v(static_cast<std::size_t>(count));
  for (auto& x : v) x = dist(rng);
  return v;
}

// The CPU golden GEMM of `arith` on operand codes, as the output codes the hardware writes.
template <class Arith>
std::vector<std::int64_t> golden_outputs(const Arith& arith, std::int64_t m, std::int64_t n,
                                         std::int64_t k, const std::vector<std::int32_t>& a,
                                         const std::vector<std::int32_t>& w,
                                         std::uint64_t* events) {
  arch::GemmOperands codes;
  codes.m = m;
  codes.n = n;
  codes.k = k;
  codes.a = a;
  codes.w = w;
  const auto op = arch::prepare_operands(arith, codes);
  const auto acc = workloads::golden_gemm(arith, m, n, k, op.a, op.w, events);
  std::vector<std::int64_t> out;
  for (const auto& v : acc) out.push_back(arith.output(v));
  return out;
}

std::vector<std::int32_t> narrow(const std::vector<std::int64_t>& v) {
  std::vector<std::int32_t> out;
  for (std::int64_t x : v) out.push_back(static_cast<std::int32_t>(x));
  return out;
}

std::vector<std::int32_t> encoded(const std::vector<double>& v, pe::FloatFormat f) {
  std::vector<std::int32_t> out;
  for (double x : v) out.push_back(static_cast<std::int32_t>(pe::encode(x, f)));
  return out;
}

// ---- the fixture -------------------------------------------------------------------------------

class GemmCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    m_dir = fs::path(testing::TempDir()) /
            ("tpesim_gemm_" +
             std::string(testing::UnitTest::GetInstance()->current_test_info()->name()) + "_" +
             std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(m_dir);
    fs::create_directories(m_dir);
  }
  void TearDown() override {
    std::error_code ec;
    if (!HasFailure()) fs::remove_all(m_dir, ec);
  }

  fs::path path(const std::string& name) const { return m_dir / name; }

  GemmCommandOptions options(const std::string& arch, const fs::path& a, const fs::path& w,
                             std::vector<std::string> overrides = {}) const {
    GemmCommandOptions o;
    o.arch = arch;
    o.overrides = std::move(overrides);
    o.a = a.string();
    o.w = w.string();
    o.out = path("out").string();
    return o;
  }

  // Runs the command; returns gemm.json and leaves output.npy in `output`.
  nlohmann::json run(const GemmCommandOptions& o, NpyArray* output = nullptr) {
    testing::internal::CaptureStdout();
    const int rc = run_gemm_command(o);
    const std::string printed = testing::internal::GetCapturedStdout();
    EXPECT_EQ(rc, 0);
    EXPECT_THAT(printed, HasSubstr("output: " + o.out));
    EXPECT_TRUE(fs::exists(fs::path(o.out) / "report.md"));
    if (output) *output = read_npy(fs::path(o.out) / "output.npy");
    std::ifstream in(fs::path(o.out) / "gemm.json");
    return nlohmann::json::parse(in);
  }

  // The message of the UserError / ConfigError the command raises; checks that neither the
  // output folder nor a staging folder was created.
  std::string error_of(const GemmCommandOptions& o) {
    std::string message;
    testing::internal::CaptureStdout();
    try {
      run_gemm_command(o);
    } catch (const UserError& e) {
      message = e.what();
    } catch (const ConfigError& e) {
      message = e.what();
    }
    testing::internal::GetCapturedStdout();
    EXPECT_FALSE(message.empty()) << "no error raised";
    EXPECT_FALSE(fs::exists(o.out)) << "output folder created on error: " << message;
    for (const auto& e : fs::directory_iterator(m_dir)) {
      EXPECT_THAT(e.path().filename().string(), ::testing::Not(HasSubstr("partial")));
    }
    return message;
  }

  // A 2 x 3 int8-range A and a 3 x 2 W, as int32 files.
  GemmCommandOptions small_int_options(const std::string& arch = kIntArch) {
    return options(arch, write_ints(path("a.npy"), "<i4", 2, 3, {1, 2, 3, 4, 5, 6}),
                   write_ints(path("w.npy"), "<i4", 3, 2, {1, 0, 0, 1, 1, 1}));
  }

 private:
  fs::path m_dir;  // this test's folder: inputs and the output folder
};

// ---- functional results ------------------------------------------------------------------------

// int_mac (fast fidelity): output.npy equals the CPU golden GEMM; gemm.json has the shape, the
// counters, the resolved config (values forced on) and zero error.
TEST_F(GemmCommandTest, IntMacOutputEqualsGoldenGemm) {
  const std::int64_t m = 37, k = 53, n = 29;
  const auto a = random_ints(m * k, -128, 127, 1);
  const auto w = random_ints(k * n, -128, 127, 2);
  NpyArray out;
  const nlohmann::json j = run(options(kIntArch, write_ints(path("a.npy"), "|i1", m, k, a),
                                       write_ints(path("w.npy"), "<i2", k, n, w)),
                               &out);
  const arch::ArchSpec spec = arch::load_arch(kIntArch);
  std::uint64_t events = 0;
  const auto golden = golden_outputs(pe::IntMacArith(std::get<pe::IntMacSpec>(spec.array.pe)), m, n,
                                     k, narrow(a), narrow(w), &events);
  EXPECT_EQ(out.dtype, "<i4");
  EXPECT_EQ(out.shape, (std::vector<std::int64_t>{m, n}));
  EXPECT_EQ(as_integers(out), golden);

  EXPECT_EQ(j["shape"], (nlohmann::json{{"m", m}, {"n", n}, {"k", k}}));
  EXPECT_EQ(j["pe"]["kind"], "int_mac");
  EXPECT_EQ(j["pe"]["a"], "int8");
  EXPECT_EQ(j["pe"]["output"], "int32");
  EXPECT_EQ(j["macs"], m * n * k);
  EXPECT_GT(j["cycles"].get<std::int64_t>(), 0);
  EXPECT_EQ(j["stall_cycles"], 0);  // ideal memory
  EXPECT_EQ(j["compute_cycles"], j["cycles"]);
  EXPECT_GT(j["utilization"].get<double>(), 0.0);
  EXPECT_EQ(j["numeric_events"], 0);
  EXPECT_GT(j["access"]["ifmap"]["sram_reads"].get<std::int64_t>(), 0);
  EXPECT_GT(j["access"]["filter"]["sram_reads"].get<std::int64_t>(), 0);
  EXPECT_EQ(j["config"]["array"]["pe"]["kind"], "int_mac");
  EXPECT_EQ(j["config"]["run"]["values"], true);
  EXPECT_EQ(j["numerics"]["rel_frobenius_error"], 0.0);
  EXPECT_EQ(j["numerics"]["max_rel_error"], 0.0);
  EXPECT_EQ(j["numerics"]["mean_rel_error"], 0.0);
  EXPECT_EQ(j["inputs"]["a"]["dtype"], "|i1");
  EXPECT_EQ(j["inputs"]["w"]["shape"], (nlohmann::json{k, n}));
}

// --set run.fidelity=cycle steps every PE; a 16-bit accumulator wraps exactly like the golden
// GEMM, the events are counted, and the wrap shows up as error against the exact reference.
TEST_F(GemmCommandTest, IntMacCycleFidelityWrapsLikeGoldenGemm) {
  const std::int64_t m = 9, k = 64, n = 11;
  const auto a = random_ints(m * k, -128, 127, 3);
  const auto w = random_ints(k * n, -128, 127, 4);
  const std::vector<std::string> sets = {"run.fidelity=cycle", "array.pe.acc_bits=16",
                                         "array.dataflow=os", "array.rows=4", "array.cols=8"};
  NpyArray out;
  const nlohmann::json j = run(options(kIntArch, write_ints(path("a.npy"), "<i4", m, k, a),
                                       write_ints(path("w.npy"), "<i8", k, n, w), sets),
                               &out);
  const arch::ArchSpec spec = arch::load_arch(kIntArch, sets);
  std::uint64_t events = 0;
  const auto golden = golden_outputs(pe::IntMacArith(std::get<pe::IntMacSpec>(spec.array.pe)), m, n,
                                     k, narrow(a), narrow(w), &events);
  EXPECT_EQ(as_integers(out), golden);
  EXPECT_GT(events, 0u);
  EXPECT_EQ(j["numeric_events"].get<std::uint64_t>(), events);
  EXPECT_EQ(j["config"]["run"]["fidelity"], "cycle");
  EXPECT_GT(j["numerics"]["rel_frobenius_error"].get<double>(), 0.0);
}

// bitslice takes integer operands like int_mac and gives int_mac's values; on the OPT4C column
// (an adder tree, serial_digit) the cycles depend on the activations, so all-zero activations
// (one cycle per bit weight and group) run faster than dense ones.
TEST_F(GemmCommandTest, BitsliceOutputEqualsIntMacGolden) {
  const std::string arch =
      std::string(TPESIM_SOURCE_DIR) + "/configs/arch/bitweight_opt4c_column_64x4.yaml";
  const std::int64_t m = 6, k = 16, n = 5;
  const auto a = random_ints(m * k, -128, 127, 5);
  const auto w = random_ints(k * n, -128, 127, 6);
  NpyArray out;
  const nlohmann::json j =
      run(options(arch, write_ints(path("a.npy"), "|i1", m, k, a),
                  write_ints(path("w.npy"), "|i1", k, n, w), {"run.fidelity=cycle"}),
          &out);
  std::uint64_t events = 0;
  const auto golden = golden_outputs(pe::IntMacArith(32, pe::Overflow::Wrap), m, n, k, narrow(a),
                                     narrow(w), &events);
  EXPECT_EQ(as_integers(out), golden);
  EXPECT_EQ(j["pe"]["kind"], "bitslice");
  EXPECT_EQ(j["numerics"]["rel_frobenius_error"], 0.0);
  const std::vector<std::int64_t> zeros(static_cast<std::size_t>(m * k), 0);
  GemmCommandOptions sparse = options(arch, write_ints(path("z.npy"), "|i1", m, k, zeros),
                                      write_ints(path("w2.npy"), "|i1", k, n, w));
  sparse.out = path("out2").string();
  const nlohmann::json js = run(sparse, nullptr);
  EXPECT_LT(js["cycles"].get<std::int64_t>(), j["cycles"].get<std::int64_t>());
}

// Accumulators wider than 32 bits are written as int64.
TEST_F(GemmCommandTest, WideAccumulatorWritesInt64) {
  const std::int64_t m = 5, k = 40, n = 6;
  const auto a = random_ints(m * k, -32768, 32767, 5);
  const auto w = random_ints(k * n, -32768, 32767, 6);
  const std::vector<std::string> sets = {"array.pe.a_bits=16", "array.pe.w_bits=16",
                                         "array.pe.acc_bits=40"};
  NpyArray out;
  const nlohmann::json j = run(options(kIntArch, write_ints(path("a.npy"), "<i8", m, k, a),
                                       write_ints(path("w.npy"), "<i8", k, n, w), sets),
                               &out);
  const arch::ArchSpec spec = arch::load_arch(kIntArch, sets);
  const auto golden = golden_outputs(pe::IntMacArith(std::get<pe::IntMacSpec>(spec.array.pe)), m, n,
                                     k, narrow(a), narrow(w), nullptr);
  EXPECT_EQ(out.dtype, "<i8");
  EXPECT_EQ(as_integers(out), golden);
  EXPECT_EQ(j["output"]["dtype"], "<i8");
  EXPECT_EQ(j["numerics"]["rel_frobenius_error"], 0.0);
}

// fp_mac fp16 (binary32 FMA accumulation): float32 and float64 inputs are rounded to fp16, the
// output equals the golden GEMM, and the error against the binary64 reference is tiny.
TEST_F(GemmCommandTest, FpMacFp16ErrorIsTiny) {
  const std::int64_t m = 24, k = 96, n = 40;
  const auto a = random_normals(m * k, 7);
  const auto w = random_normals(k * n, 8);
  NpyArray out;
  const nlohmann::json j = run(options(kFp16Arch, write_floats(path("a.npy"), "<f4", m, k, a),
                                       write_floats(path("w.npy"), "<f8", k, n, w)),
                               &out);
  const arch::ArchSpec spec = arch::load_arch(kFp16Arch);
  const pe::FpMacArith arith(std::get<pe::FpMacSpec>(spec.array.pe));
  std::vector<double> a32;  // A as the float32 file holds it
  for (double x : a) a32.push_back(static_cast<float>(x));
  const auto golden =
      golden_outputs(arith, m, n, k, encoded(a32, pe::kFp16), encoded(w, pe::kFp16), nullptr);
  EXPECT_EQ(out.dtype, "<f4");
  const std::vector<double> values = as_doubles(out);
  ASSERT_EQ(values.size(), golden.size());
  for (std::size_t i = 0; i < golden.size(); ++i) {
    ASSERT_EQ(values[i], pe::decode(static_cast<std::uint32_t>(golden[i]), pe::kFp32)) << i;
  }
  EXPECT_EQ(j["pe"]["a"], "fp16");
  EXPECT_EQ(j["pe"]["output"], "fp32");
  EXPECT_GT(j["inputs"]["a"]["rounded"].get<std::int64_t>(), 0);
  EXPECT_EQ(j["inputs"]["a"]["beyond_max_finite"], 0);
  const double frobenius = j["numerics"]["rel_frobenius_error"].get<double>();
  EXPECT_LT(frobenius, 1e-6);
  EXPECT_EQ(j["numerics"]["nonfinite_outputs"], 0);
}

// lmul fp8_e4m3 approximates every product: the reported error is clearly nonzero.
TEST_F(GemmCommandTest, LmulFp8E4M3ErrorIsClearlyNonzero) {
  const std::int64_t m = 16, k = 64, n = 16;
  const nlohmann::json j =
      run(options(kLmulArch, write_floats(path("a.npy"), "<f4", m, k, random_normals(m * k, 9)),
                  write_floats(path("w.npy"), "<f4", k, n, random_normals(k * n, 10)),
                  {"array.pe.format=fp8_e4m3"}));
  EXPECT_EQ(j["pe"]["kind"], "lmul");
  EXPECT_EQ(j["pe"]["w"], "fp8_e4m3");
  const double frobenius = j["numerics"]["rel_frobenius_error"].get<double>();
  EXPECT_GT(frobenius, 1e-3);
  EXPECT_LT(frobenius, 0.5);
  EXPECT_GT(j["numerics"]["mean_rel_error"].get<double>(), 1e-3);
  EXPECT_GE(j["numerics"]["max_rel_error"].get<double>(),
            j["numerics"]["mean_rel_error"].get<double>());
  EXPECT_EQ(j["numerics"]["max_rel_error_index"].size(), 2u);
}

// Float kinds take integer arrays at their exact values; small integers stay exact end to end.
TEST_F(GemmCommandTest, FloatKindTakesIntegerArraysExactly) {
  const std::int64_t m = 6, k = 10, n = 7;
  const nlohmann::json j =
      run(options(kFp16Arch, write_ints(path("a.npy"), "|i1", m, k, random_ints(m * k, -8, 8, 11)),
                  write_ints(path("w.npy"), "<i4", k, n, random_ints(k * n, -8, 8, 12))));
  EXPECT_EQ(j["inputs"]["a"]["rounded"], 0);
  EXPECT_EQ(j["inputs"]["w"]["rounded"], 0);
  EXPECT_EQ(j["numerics"]["rel_frobenius_error"], 0.0);
}

// An int64 beyond 2^53 is rounded once to the operand format: 2^53 + 2^45 + 1 lies just above
// the midpoint of two bf16 values, so it rounds up (rounding to binary64 first would make it a
// tie, and ties-to-even would round it down to 2^53).
TEST_F(GemmCommandTest, LargeIntegerInputsRoundOnceToTheOperandFormat) {
  const std::int64_t x = (std::int64_t{1} << 53) + (std::int64_t{1} << 45) + 1;
  NpyArray out;
  run(options(kFp16Arch, write_ints(path("a.npy"), "<i8", 1, 1, {x}),
              write_ints(path("w.npy"), "<i8", 1, 1, {1}),
              {"array.pe.a_format=bf16", "array.pe.w_format=bf16"}),
      &out);
  EXPECT_EQ(as_doubles(out), (std::vector<double>{std::ldexp(1.0, 53) + std::ldexp(1.0, 46)}));
}

// A successful run replaces the files of an earlier run; a failed one leaves them untouched.
TEST_F(GemmCommandTest, FailedRunLeavesEarlierOutputUntouched) {
  GemmCommandOptions o = small_int_options();
  run(o);
  const std::string before =
      nlohmann::json::parse(std::ifstream(fs::path(o.out) / "gemm.json")).dump();
  o.w_scales = o.w;
  EXPECT_THROW(run_gemm_command(o), UserError);
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(fs::path(o.out) / "gemm.json")).dump(), before);
}

// ---- refused inputs: each names what is wrong and creates no output folder
// -----------------------

TEST_F(GemmCommandTest, OutOfRangeIntegerRejectedWithIndex) {
  std::vector<std::int64_t> a(12, 0);
  a[1 * 4 + 2] = 128;
  const fs::path a_path = write_ints(path("a.npy"), "<i2", 3, 4, a);
  const fs::path w_ok = write_ints(path("w.npy"), "<i4", 4, 2, std::vector<std::int64_t>(8, 0));
  const std::string err = error_of(options(kIntArch, a_path, w_ok));
  EXPECT_THAT(err, HasSubstr(a_path.string() + ": error: value 128 at index (1, 2)"));
  EXPECT_THAT(err, HasSubstr("-128..127"));

  std::vector<std::int64_t> w(8, 0);
  w[0 * 2 + 1] = -129;
  const fs::path w_path = write_ints(path("w2.npy"), "<i8", 4, 2, w);
  const fs::path a_ok = write_ints(path("a2.npy"), "|i1", 3, 4, std::vector<std::int64_t>(12, 0));
  EXPECT_THAT(error_of(options(kIntArch, a_ok, w_path)),
              HasSubstr(w_path.string() + ": error: value -129 at index (0, 1)"));

  // The range follows the configured width.
  std::vector<std::int64_t> a4(12, 7);
  a4[11] = 8;
  EXPECT_THAT(error_of(options(kIntArch, write_ints(path("a4.npy"), "|i1", 3, 4, a4), w_ok,
                               {"array.pe.a_bits=4"})),
              HasSubstr("value 8 at index (2, 3) of A does not fit PE kind 'int_mac''s int4"));
}

TEST_F(GemmCommandTest, NanRejectedWithIndex) {
  std::vector<double> a(6, 1.0);
  a[2 * 2 + 0] = std::numeric_limits<double>::quiet_NaN();
  const fs::path a_nan = write_floats(path("a.npy"), "<f4", 3, 2, a);
  const fs::path w_ok = write_floats(path("w.npy"), "<f8", 2, 2, {1, 2, 3, 4});
  const std::string err = error_of(options(kFp16Arch, a_nan, w_ok));
  EXPECT_THAT(err, HasSubstr(a_nan.string() + ": error: NaN where not allowed"));
  EXPECT_THAT(err, HasSubstr("(2, 0)"));

  const fs::path w_nan = write_floats(path("w2.npy"), "<f8", 2, 2,
                                      {1, 2, std::numeric_limits<double>::quiet_NaN(), 4});
  const fs::path a_ok = write_floats(path("a2.npy"), "<f8", 3, 2, std::vector<double>(6, 0.5));
  EXPECT_THAT(error_of(options(kLmulArch, a_ok, w_nan)), HasSubstr("NaN where not allowed"));
  // Integer kinds refuse NaN the same way (before refusing float data at all).
  EXPECT_THAT(error_of(options(kIntArch, a_ok, w_nan)),
              HasSubstr("NaN where not allowed, in W at index (1, 0)"));
}

TEST_F(GemmCommandTest, FloatInputsForIntegerKindRejected) {
  const fs::path a = write_floats(path("a.npy"), "<f4", 2, 2, {1, 2, 3, 4});
  const fs::path w = write_ints(path("w.npy"), "|i1", 2, 2, {1, 2, 3, 4});
  const std::string err = error_of(options(kIntArch, a, w));
  EXPECT_THAT(err, HasSubstr(a.string() + ": error: A holds float data ('<f4')"));
  EXPECT_THAT(err, HasSubstr("float inputs are quantized only by group-quantized kinds"));
}

TEST_F(GemmCommandTest, InnerDimensionMismatchRejected) {
  const fs::path a = write_ints(path("a.npy"), "|i1", 4, 5, std::vector<std::int64_t>(20, 1));
  const fs::path w = write_ints(path("w.npy"), "|i1", 6, 7, std::vector<std::int64_t>(42, 1));
  const std::string err = error_of(options(kIntArch, a, w));
  EXPECT_THAT(err, HasSubstr("is 4 x 5"));
  EXPECT_THAT(err, HasSubstr("is 6 x 7"));
  EXPECT_THAT(err, HasSubstr("(K) must agree"));
}

TEST_F(GemmCommandTest, NonMatrixInputsRejected) {
  const fs::path w = write_ints(path("w.npy"), "|i1", 2, 2, {1, 2, 3, 4});
  const fs::path a1 = write_file(path("a1.npy"), npy_bytes("|i1", "(2,)", le(1, 1) + le(2, 1)));
  EXPECT_THAT(error_of(options(kIntArch, a1, w)), HasSubstr("A must be a 2-D array (M x K)"));
  const fs::path w3 = write_file(path("w3.npy"), npy_bytes("|i1", "(1, 2, 2)", std::string(4, 1)));
  EXPECT_THAT(error_of(options(kIntArch, write_ints(path("a.npy"), "|i1", 2, 2, {1, 2, 3, 4}), w3)),
              HasSubstr("W must be a 2-D array (K x N), found 3-D shape (1, 2, 2)"));
  const fs::path empty = write_file(path("e.npy"), npy_bytes("|i1", "(0, 2)", ""));
  EXPECT_THAT(error_of(options(kIntArch, empty, w)), HasSubstr("every dimension must be in"));
}

// Scales and zero points belong to group-quantized kinds; the plain kinds refuse them.
TEST_F(GemmCommandTest, ScalesRejectedForEveryCurrentKind) {
  for (const std::string& arch : {kIntArch, kFp16Arch, kLmulArch}) {
    GemmCommandOptions o = small_int_options(arch);
    o.w_scales = o.a;
    EXPECT_THAT(error_of(o), HasSubstr("--w-scales given, but PE kind"));
    o.w_scales.clear();
    o.w_zeros = o.a;
    EXPECT_THAT(error_of(o), HasSubstr("--w-zeros given"));
    o.w_zeros.clear();
    o.a_scales = o.a;
    EXPECT_THAT(error_of(o), HasSubstr("takes no scales"));
  }
}

// mixpe with float inputs: tpesim quantizes (group-wise weights, per-token int8 activations);
// the output matches dequantize-then-GEMM in binary64 to binary32 accuracy, while the 4-bit
// quantization itself costs percent-level error against the float GEMM.
TEST_F(GemmCommandTest, MixpeQuantizesFloatInputs) {
  const std::int64_t m = 12, k = 70, n = 9;
  const auto a = random_normals(m * k, 21);
  const auto w = random_normals(k * n, 22);
  for (const char* variant : {"w4a8", "w4a16"}) {
    const GemmCommandOptions o = options(
        kSource + "/configs/arch/mixpe_w4a8_32x32.yaml",
        write_floats(path("a.npy"), "<f4", m, k, a), write_floats(path("w.npy"), "<f4", k, n, w),
        {"array.pe.group_size=32", std::string("array.pe.variant=") + variant});
    NpyArray out;
    const nlohmann::json j = run(o, &out);
    EXPECT_LT(j["numerics"]["rel_frobenius_error"].get<double>(), 1e-5) << variant;
    double err = 0, ref = 0;
    const std::vector<double> got = as_doubles(out);
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t p = 0; p < n; ++p) {
        double exact = 0;
        for (std::int64_t q = 0; q < k; ++q) exact += a[i * k + q] * w[q * n + p];
        err += (got[i * n + p] - exact) * (got[i * n + p] - exact);
        ref += exact * exact;
      }
    }
    const double end_to_end = std::sqrt(err / ref);
    EXPECT_GT(end_to_end, 0.01) << variant;  // 4-bit weights are not free
    EXPECT_LT(end_to_end, 0.3) << variant;
    fs::remove_all(o.out);
  }
}

// mixpe with integer codes: scales and zero points come from files, and are checked.
TEST_F(GemmCommandTest, MixpeCodesNeedScalesAndZeros) {
  const std::string arch = kSource + "/configs/arch/mixpe_w4a8_32x32.yaml";
  const fs::path a = write_ints(path("a.npy"), "<i4", 2, 3, {1, -2, 3, 4, 5, -6});
  const fs::path w = write_ints(path("w.npy"), "<i4", 3, 2, {1, 0, 15, 7, 3, 2});
  GemmCommandOptions o = options(arch, a, w, {"array.pe.group_size=2"});
  EXPECT_THAT(error_of(o), HasSubstr("integer codes with --w-scales and --w-zeros"));
  o.w_scales = write_floats(path("s.npy"), "<f4", 2, 2, {0.5, 0.25, 1.0, 2.0}).string();
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 2, {8, 7, 0, 15}).string();
  EXPECT_THAT(error_of(o), HasSubstr("need --a-scales"));
  o.a_scales = write_floats(path("sa.npy"), "<f4", 2, 1, {0.1, 0.2}).string();
  NpyArray out;
  const nlohmann::json j = run(o, &out);
  // By hand: dequantized W = s (q - z) per group (k 0..1: group 0, k 2: group 1), A = s_a a.
  const double wq[3][2] = {{0.5 * (1 - 8), 0.25 * (0 - 7)},
                           {0.5 * (15 - 8), 0.25 * (7 - 7)},
                           {1.0 * (3 - 0), 2.0 * (2 - 15)}};
  const double aq[2][3] = {{0.1 * 1, 0.1 * -2, 0.1 * 3}, {0.2 * 4, 0.2 * 5, 0.2 * -6}};
  const std::vector<double> got = as_doubles(out);
  for (int i = 0; i < 2; ++i) {
    for (int p = 0; p < 2; ++p) {
      double exact = 0;
      for (int q = 0; q < 3; ++q) exact += aq[i][q] * wq[q][p];
      EXPECT_NEAR(got[i * 2 + p], exact, 1e-5 * std::fabs(exact) + 1e-6) << i << "," << p;
    }
  }
  fs::remove_all(o.out);
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 2, {8, 7, 0, 16}).string();
  EXPECT_THAT(error_of(o), HasSubstr("zero points must be integers in 0..15"));
}

// ---- lut_tc ----------------------------------------------------------------------------------

const std::string kLutArch = kSource + "/configs/arch/lut_tc_m2n64k4_w2.yaml";  // fp16 tables

// The CPU golden GEMM of a lut_tc spec on codes with their quantization side data, as output
// values (binary32 decoded).
std::vector<double> lut_golden(const pe::LutTcSpec& spec, std::int64_t m, std::int64_t n,
                               std::int64_t k, const std::vector<std::int32_t>& a,
                               const std::vector<std::int32_t>& w,
                               const pe::MixpeQuantParams& quant) {
  arch::GemmOperands codes;
  codes.m = m;
  codes.n = n;
  codes.k = k;
  codes.a = a;
  codes.w = w;
  codes.quant = quant;
  std::vector<double> out;
  auto run = [&](const auto& arith) {
    const auto op = arch::prepare_operands(arith, codes);
    for (const auto& acc : workloads::golden_gemm(arith, op.m, op.n, op.k, op.a, op.w)) {
      out.push_back(pe::decode(static_cast<std::uint32_t>(arith.output(acc)), spec.out_format));
    }
  };
  if (spec.activation == pe::LutActivation::Int8) {
    run(pe::LutTcInt8Arith(spec));
  } else {
    run(pe::LutTcArith(spec));
  }
  return out;
}

// The relative Frobenius distance of `got` from the float64 A x W of the original inputs.
double end_to_end_error(const std::vector<double>& got, const std::vector<double>& a,
                        const std::vector<double>& w, std::int64_t m, std::int64_t k,
                        std::int64_t n) {
  double err = 0, ref = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t p = 0; p < n; ++p) {
      double exact = 0;
      for (std::int64_t q = 0; q < k; ++q) exact += a[i * k + q] * w[q * n + p];
      err += (got[i * n + p] - exact) * (got[i * n + p] - exact);
      ref += exact * exact;
    }
  }
  return std::sqrt(err / ref);
}

// lut_tc with float inputs (fp16 activations): tpesim rounds A to fp16 and quantizes W group-wise;
// output.npy equals the CPU golden GEMM of the same codes bit for bit for fp16, fp32 and int8
// (T-MAC) tables, at fast and cycle fidelity; the error against the dequantized binary64
// reference grows from fp32 to fp16 to int8 tables, while 4-bit weights cost percent-level
// error against the float GEMM. K = 70: a partial scale group and a partial LUT group.
TEST_F(GemmCommandTest, LutTcQuantizesFloatInputs) {
  const std::int64_t m = 6, k = 70, n = 9;
  const auto a = random_normals(m * k, 31);
  const auto w = random_normals(k * n, 32);
  std::vector<double> a32, w32;  // as the float32 files hold them
  for (double x : a) a32.push_back(static_cast<float>(x));
  for (double x : w) w32.push_back(static_cast<float>(x));
  pe::WeightQuantSpec wq;
  wq.bits = 4;
  wq.group_size = 32;
  const pe::QuantizedWeights qw = pe::quantize_weights(w32, k, n, wq);
  pe::MixpeQuantParams quant;
  quant.group_size = 32;
  quant.w_scales.assign(qw.scales.begin(), qw.scales.end());
  quant.w_zeros = qw.zeros;
  std::map<std::string, double> frobenius;
  for (const char* table : {"fp16", "fp32", "int8"}) {
    for (const char* fidelity : {"fast", "cycle"}) {
      const std::vector<std::string> sets = {
          "array.pe.w_bits=4", "array.pe.group_size=32", "array.pe.acc_format=fp32",
          std::string("array.pe.table_format=") + table, std::string("run.fidelity=") + fidelity};
      const GemmCommandOptions o = options(kLutArch, write_floats(path("a.npy"), "<f4", m, k, a),
                                           write_floats(path("w.npy"), "<f4", k, n, w), sets);
      NpyArray out;
      const nlohmann::json j = run(o, &out);
      const arch::ArchSpec spec = arch::load_arch(kLutArch, sets);
      const auto golden = lut_golden(std::get<pe::LutTcSpec>(spec.array.pe), m, n, k,
                                     encoded(a32, pe::kFp16), qw.q, quant);
      EXPECT_EQ(out.dtype, "<f4");
      EXPECT_EQ(as_doubles(out), golden) << table << " " << fidelity;
      EXPECT_EQ(j["pe"]["kind"], "lut_tc");
      EXPECT_EQ(j["pe"]["a"], "fp16");
      EXPECT_EQ(j["pe"]["w"], "uint4");
      EXPECT_EQ(j["macs"], m * n * k);
      EXPECT_GT(j["inputs"]["a"]["rounded"].get<std::int64_t>(), 0);
      EXPECT_EQ(j["quantization"]["group_size"], 32);
      EXPECT_THAT(j["quantization"]["weights"].get<std::string>(), HasSubstr("quantized by"));
      EXPECT_EQ(j["quantization"]["activations"], "rounded (RNE) to fp16");
      EXPECT_EQ(j["numerics"]["nonfinite_outputs"], 0);
      EXPECT_EQ(j["config"]["array"]["pe"]["table_format"], table);
      frobenius[table] = j["numerics"]["rel_frobenius_error"].get<double>();
      const double e2e = end_to_end_error(as_doubles(out), a, w, m, k, n);
      EXPECT_GT(e2e, 0.01) << table;  // 4-bit weights are not free
      EXPECT_LT(e2e, 0.3) << table;
      fs::remove_all(o.out);
    }
  }
  EXPECT_LT(frobenius["fp32"], 1e-6);
  EXPECT_GT(frobenius["fp16"], frobenius["fp32"]);
  EXPECT_LT(frobenius["fp16"], std::ldexp(1.0, -10));
  EXPECT_GT(frobenius["int8"], frobenius["fp16"]);
  EXPECT_LT(frobenius["int8"], 0.05);
}

// lut_tc with int8 activations: codes with --a-scales and weight codes with --w-scales and
// --w-zeros give the dequantized product (checked by hand); float activations are quantized per
// token by tpesim instead.
TEST_F(GemmCommandTest, LutTcInt8ActivationsTakeCodesOrFloats) {
  const fs::path a = write_ints(path("a.npy"), "|i1", 2, 5, {1, -2, 3, 4, 5, -6, 7, -128, 127, 0});
  const fs::path w = write_ints(path("w.npy"), "<i4", 5, 2, {1, 0, 3, 2, 3, 2, 0, 1, 2, 3});
  GemmCommandOptions o = options(kLutArch, a, w,
                                 {"array.pe.activation=int8", "array.pe.table_format=fp16",
                                  "array.pe.group_size=4", "array.pe.lut_group=2"});
  // table_format does not apply to int8 activations: the config is refused.
  EXPECT_THAT(error_of(o), HasSubstr("does not apply with activation: int8"));
  // The paper config sets table_format and acc_format: drop them with a fresh arch.
  const fs::path arch = write_file(
      path("lut_int8.yaml"),
      "name: lut_int8\narray:\n  rows: 2\n  cols: 4\n  pe:\n    kind: lut_tc\n    activation: "
      "int8\n    w_bits: 2\n    lut_group: 2\n    group_size: 4\n");
  o = options(arch.string(), a, w);
  o.w_scales = write_floats(path("s.npy"), "<f4", 2, 2, {0.5, 0.25, 1.0, 2.0}).string();
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 2, {1, 2, 0, 3}).string();
  EXPECT_THAT(error_of(o), HasSubstr("int8 activations need --a-scales (one per row)"));
  o.a_scales = write_floats(path("sa.npy"), "<f4", 2, 1, {0.125, 0.5}).string();
  NpyArray out;
  const nlohmann::json j = run(o, &out);
  // By hand: W = s (q - z) per group (k 0..3: group 0, k 4: group 1), A = s_a a. Every step is
  // exact here (small integers, power-of-two scales), so the output equals the reference.
  const double s[2][2] = {{0.5, 0.25}, {1.0, 2.0}};
  const int z[2][2] = {{1, 2}, {0, 3}};
  const int q[5][2] = {{1, 0}, {3, 2}, {3, 2}, {0, 1}, {2, 3}};
  const int av[2][5] = {{1, -2, 3, 4, 5}, {-6, 7, -128, 127, 0}};
  const double sa[2] = {0.125, 0.5};
  const std::vector<double> got = as_doubles(out);
  for (int i = 0; i < 2; ++i) {
    for (int p = 0; p < 2; ++p) {
      double exact = 0;
      for (int r = 0; r < 5; ++r) exact += sa[i] * av[i][r] * s[r / 4][p] * (q[r][p] - z[r / 4][p]);
      EXPECT_EQ(got[i * 2 + p], exact) << i << "," << p;
    }
  }
  EXPECT_EQ(j["pe"]["a"], "int8");
  EXPECT_EQ(j["pe"]["w"], "uint2");
  EXPECT_EQ(j["numerics"]["rel_frobenius_error"], 0.0);
  EXPECT_EQ(j["quantization"]["weights"], "codes with --w-scales and --w-zeros");
  EXPECT_EQ(j["quantization"]["activations"], "int8 codes with --a-scales");
  fs::remove_all(o.out);

  // Float activations with int8 lut_tc: quantized per token; the scales option is then an error.
  const fs::path af = write_floats(path("af.npy"), "<f4", 2, 5, random_normals(10, 33));
  GemmCommandOptions f = o;
  f.a = af.string();
  EXPECT_THAT(error_of(f), HasSubstr("float activations are quantized per token by tpesim"));
  f.a_scales.clear();
  const nlohmann::json jf = run(f);
  EXPECT_EQ(jf["quantization"]["activations"],
            "quantized by tpesim (per token, symmetric int8, fp32 scales)");
  EXPECT_LT(jf["numerics"]["rel_frobenius_error"].get<double>(), 1e-6);
}

// lut_tc's bad inputs: each is exit 2 (UserError / ConfigError) with a message that names it,
// and no output folder.
TEST_F(GemmCommandTest, LutTcBadInputsRejected) {
  const std::int64_t m = 2, k = 8, n = 3;
  const fs::path af = write_floats(path("a.npy"), "<f4", m, k, random_normals(m * k, 34));
  const fs::path wf = write_floats(path("w.npy"), "<f4", k, n, random_normals(k * n, 35));
  const std::vector<std::string> g4 = {"array.pe.group_size=4"};
  // Float weights with codes' side data, or codes without it.
  GemmCommandOptions o = options(kLutArch, af, wf, g4);
  o.w_scales = write_floats(path("s.npy"), "<f4", 2, 3, std::vector<double>(6, 0.5)).string();
  EXPECT_THAT(error_of(o), HasSubstr("lut_tc takes either float weights (quantized by tpesim) or "
                                     "integer codes with --w-scales and --w-zeros"));
  std::vector<std::int64_t> codes(k * n, 1);
  const fs::path wc = write_ints(path("wc.npy"), "|i1", k, n, codes);
  EXPECT_THAT(error_of(options(kLutArch, af, wc, g4)), HasSubstr("lut_tc takes either"));
  // Codes outside 0..2^w_bits - 1 (w_bits = 2 in this config).
  codes[1 * n + 2] = 4;
  o = options(kLutArch, af, write_ints(path("wbad.npy"), "|i1", k, n, codes), g4);
  o.w_scales = write_floats(path("s.npy"), "<f4", 2, 3, std::vector<double>(6, 0.5)).string();
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 3, {0, 1, 2, 3, 3, 3}).string();
  EXPECT_THAT(error_of(o), HasSubstr("weight code 4 at index (1, 2) is outside 0..3"));
  // Zero points, scales and their counts.
  o.w = wc.string();
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 3, {0, 1, 2, 3, 4, 3}).string();
  EXPECT_THAT(error_of(o), HasSubstr("zero points must be integers in 0..3, found 4"));
  o.w_zeros = write_ints(path("z.npy"), "<i4", 2, 3, {0, 1, 2, 3, 3, 3}).string();
  o.w_scales = write_floats(path("s.npy"), "<f4", 1, 3, {0.5, 0.5, 0.5}).string();
  EXPECT_THAT(error_of(o), HasSubstr("--w-scales (groups x N) must hold 6 values, holds 3"));
  o.w_scales = write_floats(path("s.npy"), "<f4", 2, 3, {0.5, 0.5, -1, 0.5, 0.5, 0.5}).string();
  EXPECT_THAT(error_of(o), HasSubstr("scales must be positive and finite, found -1"));
  // fp16 activations take no --a-scales.
  o = options(kLutArch, af, wf, g4);
  o.a_scales = write_floats(path("sa.npy"), "<f4", 2, 1, {0.5, 0.5}).string();
  EXPECT_THAT(error_of(o), HasSubstr("--a-scales is for lut_tc with activation: int8; with "
                                     "activation: fp16 they are fp16 values"));
  // int8 activations: codes must fit int8.
  const fs::path arch = write_file(
      path("lut_int8.yaml"), "array:\n  pe: {kind: lut_tc, activation: int8, group_size: 4}\n");
  std::vector<std::int64_t> a8(m * k, 3);
  a8[1 * k + 5] = 200;
  o = options(arch.string(), write_ints(path("a8.npy"), "<i2", m, k, a8), wf);
  o.a_scales = write_floats(path("sa.npy"), "<f4", 2, 1, {0.5, 0.5}).string();
  EXPECT_THAT(error_of(o), HasSubstr("value 200 at index (1, 5) of A does not fit PE kind "
                                     "'lut_tc''s int8 operands"));
  // A weight quantizer failure (an infinite weight) and a bad config are exit-2 errors too.
  std::vector<double> winf(k * n, 0.5);
  winf[3] = std::numeric_limits<double>::infinity();
  EXPECT_THAT(
      error_of(options(kLutArch, af, write_floats(path("winf.npy"), "<f8", k, n, winf), g4)),
      HasSubstr("error: cannot quantize W"));
  EXPECT_THAT(error_of(options(kLutArch, af, wf, {"array.pe.group_size=6"})),
              HasSubstr("must be a multiple of lut_group (4), got 6"));
}

TEST_F(GemmCommandTest, UnreadableInputsRejected) {
  GemmCommandOptions o = small_int_options();
  o.a = path("missing.npy").string();
  EXPECT_THAT(error_of(o), HasSubstr(o.a + ": error: no such file"));
  o = small_int_options();
  const std::string whole = npy_bytes("<i4", "(3, 2)", std::string(24, '\0'));
  o.w = write_file(path("short.npy"), whole.substr(0, whole.size() - 3)).string();
  EXPECT_THAT(error_of(o), HasSubstr("truncated: expected 24 bytes of data, found 21"));
}

TEST_F(GemmCommandTest, BadConfigAndMissingOptionsRejected) {
  GemmCommandOptions o = small_int_options();
  o.overrides = {"array.pe.acc_bits=3"};
  EXPECT_THAT(error_of(o), HasSubstr("acc_bits"));
  o = small_int_options();
  o.w.clear();
  EXPECT_THAT(error_of(o), HasSubstr("needs --arch, --a, --w and --out"));
}

}  // namespace
}  // namespace tpesim
