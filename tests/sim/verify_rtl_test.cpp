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

#include "tests/support/cli_run.h"
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

using testing_support::read_file;
using Result = testing_support::CliResult;

// Runs `tpesim verify-rtl ARGS...` in a fresh folder, which it returns in `cwd`.
Result verify_rtl(const std::vector<std::string>& args, fs::path& cwd) {
  cwd = testing_support::fresh_dir("verify_rtl");
  std::vector<std::string> all = {"verify-rtl"};
  all.insert(all.end(), args.begin(), args.end());
  return testing_support::run_cli(kBinary, "tpesim", all, cwd);
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

// Counts the occurrences of `needle`.
int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The text after `title`'s line: the figures of that check.
std::string section(const std::string& out, const std::string& title) {
  const auto at = out.find(title);
  return at == std::string::npos ? std::string() : out.substr(at + title.size());
}

// The shipped 16 x 16 WS int8 -> 18 saturating config matches a verilated array set: its PE and
// then the whole array run in lock step (random GEMMs back to back), both with zero mismatches.
TEST(VerifyRtlTest, ShippedArrayConfigChecksPeAndWholeArray) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/systolic_16x16_ws_int8_sat18.yaml"), "--cycles", "20000"}, cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out,
                       "pe int_mac: pe_int_mac A_BITS=8 W_BITS=8 ACC_BITS=18 SATURATE=1 "
                       "(verilated Vpe_int_mac_sat18), seed 1"))
      << r.both;
  const std::string array =
      section(r.out,
              "array systolic_ws_16x16_sat18: systolic 16 x 16 ws, int_mac 8 x 8 -> 18 saturate "
              "(verilated Vsystolic_ws_16x16_sat18), seed 1\n");
  ASSERT_FALSE(array.empty()) << r.both;
  std::smatch cycles;
  ASSERT_TRUE(std::regex_search(array, cycles, std::regex(R"(cycles compared: ([0-9]+)\n)")))
      << r.both;
  EXPECT_GE(std::stol(cycles[1]), 20000) << r.both;  // whole GEMMs: at least --cycles
  EXPECT_TRUE(contains(array, "mismatches: 0\n")) << r.both;
  EXPECT_EQ(count(r.out, "mismatches: 0\n"), 2) << r.both;
  EXPECT_TRUE(std::regex_search(array, std::regex(R"(speed: [1-9][0-9]* cycles/s)"))) << r.both;
  EXPECT_TRUE(std::regex_search(array, std::regex(R"(outputs compared [1-9][0-9]*)"))) << r.both;
  EXPECT_TRUE(std::regex_search(array, std::regex(R"(overflows [1-9][0-9]*)"))) << r.both;
  EXPECT_TRUE(std::regex_search(array, std::regex(R"(idle edges [1-9][0-9]*)"))) << r.both;
  EXPECT_FALSE(fs::exists(cwd / "divergence.vcd")) << "no VCD without a divergence";
}

// --set reaches the OS set and the adder-tree set whose PE (8 x 8 -> 18 wrap) has no verilated PE
// model: that PE is noted, and the array is checked alone.
TEST(VerifyRtlTest, OverridesSelectTheOsAndAdderTreeArrays) {
  fs::path cwd;
  const Result os = verify_rtl(
      {"--arch", src("configs/arch/systolic_32x32_ws.yaml"), "--set", "array.rows=16", "--set",
       "array.cols=16", "--set", "array.dataflow=os", "--set", "array.pe.a_bits=16", "--set",
       "array.pe.w_bits=16", "--cycles", "3000", "--seed", "5"},
      cwd);
  ASSERT_EQ(os.status, 0) << os.both;
  EXPECT_TRUE(contains(os.out,
                       "array systolic_os_16x16_wrap32: systolic 16 x 16 os, int_mac 16 x 16 -> 32 "
                       "wrap (verilated Vsystolic_os_16x16_wrap32), seed 5\n"))
      << os.both;
  EXPECT_EQ(count(os.out, "mismatches: 0\n"), 2) << os.both;
  const Result tree = verify_rtl(
      {"--arch", src("configs/arch/adder_tree_int8_64x16.yaml"), "--set", "array.columns=3",
       "--set", "array.k_lanes=5", "--set", "array.tree_stages_per_level=2", "--set",
       "array.activation=forward", "--set", "array.pe.acc_bits=18", "--cycles", "3000"},
      cwd);
  ASSERT_EQ(tree.status, 0) << tree.both;
  EXPECT_TRUE(contains(
      tree.out, "pe: no verilated PE model of these parameters; checked inside the array below\n"))
      << tree.both;
  EXPECT_TRUE(contains(tree.out,
                       "array adder_tree_3x5_fwd: adder_tree 3 columns x 5 lanes, 2 stage(s) per "
                       "level, forward, int_mac 8 x 8 -> 18 wrap (verilated Vadder_tree_3x5_fwd)"))
      << tree.both;
  EXPECT_EQ(count(tree.out, "mismatches: 0\n"), 1) << tree.both;
}

// An array without a verilated set: one line says so and names the sets; the PE check still
// runs and passes.
TEST(VerifyRtlTest, ArrayWithoutVerilatedSetIsNamedInOneLine) {
  fs::path cwd;
  const Result r =
      verify_rtl({"--arch", src("configs/arch/systolic_32x32_ws.yaml"), "--set",
                  "array.pe.a_bits=16", "--set", "array.pe.w_bits=16", "--cycles", "2000"},
                 cwd);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out, "mismatches: 0\n")) << r.both;
  std::smatch line;
  ASSERT_TRUE(std::regex_search(r.out, line, std::regex("array: [^\n]*\n"))) << r.both;
  EXPECT_TRUE(contains(line.str(),
                       "array: not checked, no verilated array has this configuration (systolic "
                       "32 x 32 ws, int_mac 16 x 16 -> 32 wrap); verilated arrays: "
                       "systolic_ws_4x4_wrap32 (systolic 4 x 4 ws, int_mac 16 x 16 -> 32 wrap), "))
      << r.both;
  for (const char* set : {"systolic_ws_16x16_sat18", "systolic_os_4x4_sat18",
                          "systolic_os_16x16_wrap32", "adder_tree_4x8", "adder_tree_3x5_fwd"}) {
    EXPECT_TRUE(contains(line.str(), set)) << set << "\n" << r.both;
  }
}

// Parameters without a verilated model: exit 2, naming the module and parameters asked for and
// listing the parameter sets that exist.
TEST(VerifyRtlTest, UnverilatedParametersAreAnErrorListingTheModels) {
  fs::path cwd;
  const Result r = verify_rtl(
      {"--arch", src("configs/arch/systolic_32x32_ws.yaml"), "--set", "array.pe.acc_bits=20"}, cwd);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(r.out.empty()) << r.both;
  EXPECT_TRUE(contains(r.err,
                       "error: verify-rtl: no verilated model of pe_int_mac A_BITS=8 "
                       "W_BITS=8 ACC_BITS=20 SATURATE=0 (the configured int_mac PE)"))
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
