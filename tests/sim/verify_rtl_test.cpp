// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `tpesim verify-rtl`: the real binary runs in a temp folder; its exit
// status, report lines and error messages are checked. Exit codes: 0 every cycle matched, 2 bad
// input (config, or no verilated model with the configured parameters).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace tpesim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kBinary = TPESIM_BINARY;

std::string src(const std::string& relative) {
  std::string path = kSource;
  return path.append("/").append(relative);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out.append(c == '\'' ? std::string("'\\''") : std::string(1, c));
  return out.append("'");
}

struct Result {
  int status = -1;   // exit status
  std::string out;   // stdout
  std::string err;   // stderr
  std::string both;  // the command line, stdout and stderr, for failure messages
};

// Runs `tpesim verify-rtl ARGS...` in a fresh folder, which it returns in `cwd`.
Result verify_rtl(const std::vector<std::string>& args, fs::path& cwd) {
  cwd = testing_support::fresh_dir("verify_rtl");
  std::string cmd = "cd ";
  cmd.append(quote(cwd.string())).append(" && ").append(quote(kBinary)).append(" verify-rtl");
  std::string line = "tpesim verify-rtl";
  for (const std::string& a : args) {
    cmd.append(" ").append(quote(a));
    line.append(" ").append(a);
  }
  cmd.append(" >stdout.txt 2>stderr.txt");
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(cwd / "stdout.txt");
  r.err = read_file(cwd / "stderr.txt");
  fs::remove(cwd / "stdout.txt");
  fs::remove(cwd / "stderr.txt");
  r.both = "$ ";
  r.both.append(line).append("\n--- stdout\n").append(r.out).append("--- stderr\n").append(r.err);
  return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A shipped config whose PE (bitslice booth_csa, int8 -> 32, wrap) has a verilated model: exit 0,
// the random cycles plus the bench's wrap drive compared, zero mismatches, a speed, no VCD.
TEST(VerifyRtlTest, ShippedBoothConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/bitweight_opt1_systolic_32x32.yaml"), "--cycles", "20000"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(
      contains(r.out,
               "pe bitslice: pe_bitslice_booth_csa A_BITS=8 W_BITS=8 ACC_BITS=32 SATURATE=0 "
               "(verilated Vpe_bitslice_booth_csa_int8), seed 1"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "cycles compared: 352988\n")) << r.both;  // 20,000 + 2 x 166,494
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(speed: [1-9][0-9]* cycles/s)"))) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: macs ")) << r.both;
  EXPECT_FALSE(fs::exists(cwd / "divergence.vcd")) << "no VCD without a divergence";
}

// --set reaches the verilated int_mac 16x16 -> 32 wrap model; --cycles and --seed are honoured.
TEST(VerifyRtlTest, OverridesSelectTheInt16Model) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/systolic_32x32_ws.yaml"), "--set", "array.pe.a_bits=16", "--set",
       "array.pe.w_bits=16", "--cycles", "5000", "--seed", "9"},
      cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out,
                       "pe_int_mac A_BITS=16 W_BITS=16 ACC_BITS=32 SATURATE=0 "
                       "(verilated Vpe_int_mac_wrap32), seed 9"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "cycles compared: 5000\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
}

// The shipped lmul bf16 config (fp32 accumulation; the Verilog is the multiplier): 3,000 random
// products, then the edge-pattern and R-limit pairs, zero mismatches.
TEST(VerifyRtlTest, ShippedLmulConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/lmul_bf16_32x32.yaml"), "--cycles", "3000", "--seed", "4"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out, "pe lmul: pe_lmul E=8 M=7 IEEE_SPECIAL=1 (verilated Vpe_lmul_bf16)"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: products ")) << r.both;
}

// The shipped fp16 MAC config (fp16 x fp16 -> binary32, no output rounding): 3,000 random
// cycles, then every pair of fp16 edge patterns on every accumulator state (24^3 x 2 cycles).
TEST(VerifyRtlTest, ShippedFpMacConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/fp16_mac_32x32.yaml"), "--cycles", "3000", "--seed", "2"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(
      contains(r.out,
               "pe fp_mac: pe_fp_mac A_E=5 A_M=10 A_IEEE_SPECIAL=1 W_E=5 W_M=10 "
               "W_IEEE_SPECIAL=1 OUT_E=8 OUT_M=23 (verilated Vpe_fp_mac_fp16_fp32), seed 2"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "cycles compared: 30648\n")) << r.both;  // 3,000 + 27,648
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: macs ")) << r.both;
}

// The shipped OPT4C column config (bitslice serial_digit, int8 -> 32 in groups of 4 lanes):
// 2,000 random edges, then the wrap drive, zero mismatches.
TEST(VerifyRtlTest, ShippedSerialDigitConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/bitweight_opt4c_column_64x4.yaml"), "--cycles", "2000"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out,
                       "pe bitslice: pe_bitslice_serial_digit A_BITS=8 W_BITS=8 ACC_BITS=32 "
                       "SATURATE=0 LANES=4 (verilated Vpe_bitslice_serial_digit_int8), seed 1"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: steps ")) << r.both;
}

// The shipped MixPE W4A8 config (4-bit codes in groups of 128, binary32 output): 3,000 random
// cycles, then the edge-scale pairs and inf - inf (16,080 cycles), zero mismatches.
TEST(VerifyRtlTest, ShippedMixpeConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/mixpe_w4a8_32x32.yaml"), "--cycles", "3000", "--seed", "3"},
      cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out,
                       "pe mixpe: pe_mixpe_w4a8 W_BITS=4 GROUP_SIZE=128 OUT_E=8 OUT_M=23 "
                       "(verilated Vpe_mixpe_w4a8_g128), seed 3"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "cycles compared: 19080\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: steps ")) << r.both;
}

// The shipped LUT Tensor Core tile (Kg 4, 2-bit weights, fp16 table and accumulator, binary32
// output): 3,000 random cycles, then every pair of fp16 edge scales (1,600 cycles).
TEST(VerifyRtlTest, ShippedLutTcConfigPassesWithZeroMismatches) {
  fs::path cwd;
  const Result r =
      verify_rtl({"--arch", src("configs/arch/lut_tc_m2n64k4_w2.yaml"), "--cycles", "3000"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out,
                       "pe lut_tc: pe_lut_tc KG=4 W_BITS=2 TABLE_E=5 TABLE_M=10 ACC_E=5 ACC_M=10 "
                       "OUT_E=8 OUT_M=23 (verilated Vpe_lut_tc_kg4_b2_acc16), seed 1"))
      << r.both;
  EXPECT_TRUE(contains(r.out, "cycles compared: 4600\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "coverage: value_cycles ")) << r.both;
}

// Parameters without a verilated model: exit 2, naming the module and parameters asked for and
// listing the parameter sets that exist.
TEST(VerifyRtlTest, UnverilatedParametersAreAnErrorListingTheModels) {
  fs::path cwd;
  const Result r = verify_rtl({"--arch", src("configs/arch/systolic_32x32_ws.yaml")}, cwd);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(r.out.empty()) << r.both;
  EXPECT_TRUE(contains(r.err,
                       "error: verify-rtl: no verilated model of pe_int_mac A_BITS=8 "
                       "W_BITS=8 ACC_BITS=32 SATURATE=0 (the configured int_mac PE)"))
      << r.both;
  EXPECT_TRUE(contains(r.err,
                       "pe_int_mac A_BITS=16 W_BITS=16 ACC_BITS=32 SATURATE=0 "
                       "(Vpe_int_mac_wrap32)"))
      << r.both;
  EXPECT_TRUE(contains(r.err,
                       "pe_int_mac A_BITS=8 W_BITS=8 ACC_BITS=18 SATURATE=1 "
                       "(Vpe_int_mac_sat18)"))
      << r.both;
  EXPECT_TRUE(contains(r.err, "Vpe_bitslice_booth_csa_narrow")) << r.both;
}

// A PE variant with no Verilog at all (bitslice same_bw_tree): exit 2 with the list.
TEST(VerifyRtlTest, PeWithoutVerilogIsAnError) {
  fs::path cwd;
  const Result r = verify_rtl({"--arch", src("configs/arch/bitweight_opt2_tree_64x16.yaml")}, cwd);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err,
                       "error: verify-rtl: the PE kind 'bitslice' with these parameters "
                       "has no Verilog"))
      << r.both;
  EXPECT_TRUE(contains(r.err, "Vpe_int_mac_wrap32")) << r.both;
}

// A config error is reported at its location with exit 2; a missing --arch is a usage error.
TEST(VerifyRtlTest, BadInputExitsTwo) {
  fs::path cwd;
  const Result bad = verify_rtl(
      {"--arch", src("configs/arch/systolic_32x32_ws.yaml"), "--set", "array.pe.acc_bit=18"}, cwd);
  EXPECT_EQ(bad.status, 2) << bad.both;
  EXPECT_TRUE(contains(bad.err, "array.pe.acc_bit")) << bad.both;
  EXPECT_TRUE(contains(bad.err, "unknown key")) << bad.both;
  const Result missing = verify_rtl({"--cycles", "10"}, cwd);
  EXPECT_EQ(missing.status, 2) << missing.both;
  EXPECT_TRUE(contains(missing.err, "--arch")) << missing.both;
}

}  // namespace
}  // namespace tpesim
