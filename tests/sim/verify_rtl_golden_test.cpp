// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of `tpesim verify-rtl --golden`: the verilated PEs on the committed GPU golden
// vectors (tests/golden/<kind>/), every output compared bit for bit. Exit codes: 0 every output
// matched, 1 a mismatch, 2 bad input (a kind's folder without a checkable file).
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

std::string golden_dir(const std::string& kind) { return kSource + "/tests/golden/" + kind; }

using testing_support::read_file;
using Result = testing_support::CliResult;

// Runs `tpesim verify-rtl ARGS...` in a fresh folder.
Result verify_rtl(const std::vector<std::string>& args) {
  std::vector<std::string> all = {"verify-rtl"};
  all.insert(all.end(), args.begin(), args.end());
  return testing_support::run_cli(kBinary, "tpesim", all,
                                  testing_support::fresh_dir("verify_rtl_golden"));
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

int count(const std::string& haystack, const std::string& needle) {
  int n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The expected figures of one kind's folder: the verilated models that must have run, the checks
// and the files without a verilated model.
struct KindExpectation {
  std::vector<std::string> models;  // "verilated Vpe_..." must appear
  int checks = 0;                   // (file, model) pairs run
  int unmatched = 0;                // "not checked: no verilated model" lines
};

// Every check of the folder ran and matched: exit 0, every check's figures, "mismatches: 0" each
// time, a cycles/s figure, and the files without a verilated model each named on one line.
void expect_all_match(const std::string& kind, const KindExpectation& want) {
  const Result r = verify_rtl({"--golden", golden_dir(kind)});
  ASSERT_EQ(r.status, 0) << r.both;
  for (const std::string& model : want.models) {
    EXPECT_TRUE(contains(r.out, "(verilated " + model)) << model << "\n" << r.both;
  }
  EXPECT_EQ(count(r.out, "  mismatches: 0\n"), want.checks) << r.both;
  EXPECT_EQ(count(r.out, "  outputs compared: "), want.checks) << r.both;
  EXPECT_FALSE(std::regex_search(r.out, std::regex(R"(outputs compared: 0\n)"))) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(speed: [1-9][0-9]* cycles/s)"))) << r.both;
  EXPECT_EQ(count(r.out, ": not checked: no verilated model of "), want.unmatched) << r.both;
  EXPECT_TRUE(contains(r.out, std::to_string(want.checks) + " checks, ")) << r.both;
  EXPECT_TRUE(contains(r.out, " 0 mismatches, ")) << r.both;
}

// int_mac files check pe_int_mac and the bitslice PEs of the same values (booth_csa, and
// serial_digit in groups of 4 lanes and of one).
TEST(VerifyRtlGoldenTest, IntMacFilesMatchIntMacAndBitsliceRtl) {
  expect_all_match("int_mac",
                   {{"Vpe_int_mac_wrap32", "Vpe_int_mac_int8", "Vpe_bitslice_booth_csa_int8",
                     "Vpe_bitslice_serial_digit_int8", "Vpe_bitslice_serial_digit_lane1"},
                    9,
                    3});
}

TEST(VerifyRtlGoldenTest, FpMacFilesMatchRtl) {
  expect_all_match(
      "fp_mac",
      {{"Vpe_fp_mac_fp16", "Vpe_fp_mac_bf16", "Vpe_fp_mac_e4m3", "Vpe_fp_mac_fp16_fp32"}, 5, 4});
}

// The L-Mul Verilog is the multiplier: every product from the RTL, the adds in C++.
TEST(VerifyRtlGoldenTest, LmulFilesMatchRtlProducts) {
  expect_all_match("lmul",
                   {{"Vpe_lmul_e4m3", "Vpe_lmul_e5m2", "Vpe_lmul_bf16", "Vpe_lmul_fp16"}, 8, 0});
}

TEST(VerifyRtlGoldenTest, MixpeW4A8FileMatchesRtl) {
  expect_all_match("mixpe", {{"Vpe_mixpe_w4a8_g128"}, 1, 5});
}

// lut_tc (fp16 activations): the half tables from the verilated table builder as well.
TEST(VerifyRtlGoldenTest, LutTcFilesMatchRtlWithRtlTables) {
  expect_all_match("lut_tc", {{"Vpe_lut_tc_kg4_b2"}, 2, 6});
  const Result r = verify_rtl({"--golden", golden_dir("lut_tc")});
  EXPECT_TRUE(contains(r.out, "half tables from the verilated Vlut_tc_table_kg4_fp16")) << r.both;
}

// A copy of a golden file with one output changed: the RTL disagrees there, the run says where,
// with both values, and exits 1.
TEST(VerifyRtlGoldenTest, CorruptedOutputIsReportedAsMismatch) {
  const std::string name = "w16a16_acc32_wrap_20x30x50.txt";
  std::string text = read_file(golden_dir("int_mac") + "/" + name);
  // The eighth value of the first output row (output 7: row 0, column 7).
  std::size_t at = text.find("\noutputs\n");
  ASSERT_NE(at, std::string::npos);
  at += 9;
  for (int skip = 0; skip < 7; ++skip) at = text.find(' ', at) + 1;
  const std::size_t end = text.find_first_of(" \n", at);
  const long long gpu = std::stoll(text.substr(at, end - at));
  text.replace(at, end - at, std::to_string(gpu + 1));
  const fs::path dir = testing_support::fresh_dir("corrupt_golden");
  std::ofstream(dir / name) << text;

  const Result r = verify_rtl({"--golden", dir.string()});
  EXPECT_EQ(r.status, 1) << r.both;
  EXPECT_TRUE(contains(r.out, "  mismatches: 1\n")) << r.both;
  EXPECT_TRUE(contains(r.out, "first mismatch: output 7 (row 0, column 7): RTL " +
                                  std::to_string(gpu) + ", GPU " + std::to_string(gpu + 1)))
      << r.both;
}

// A folder whose files no verilated model can check is an error (exit 2) naming the verilated
// sets of that kind; the file is named on its own line.
TEST(VerifyRtlGoldenTest, FolderWithoutCheckableFileIsAnError) {
  const std::string name = "w4a4_acc8_wrap_17x31x70.txt";
  const fs::path dir = testing_support::fresh_dir("unmatched_golden");
  fs::copy_file(golden_dir("int_mac") + "/" + name, dir / name);
  const Result r = verify_rtl({"--golden", dir.string()});
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.out, name + ": not checked: no verilated model of pe_int_mac A_BITS=4 "
                                     "W_BITS=4 ACC_BITS=8 SATURATE=0"))
      << r.both;
  EXPECT_TRUE(contains(r.err, "no golden file in")) << r.both;
  EXPECT_TRUE(contains(r.err, "(Vpe_int_mac_wrap32)")) << r.both;
  EXPECT_TRUE(contains(r.err, "(Vpe_bitslice_booth_csa_int8)")) << r.both;
}

// --arch keeps the files of the arch's PE (lmul bf16 with binary32 accumulation) across every
// kind's folder; the others are named as not the arch's.
TEST(VerifyRtlGoldenTest, ArchSelectsItsPeFiles) {
  const Result r = verify_rtl({"--golden", kSource + "/tests/golden", "--arch",
                               kSource + "/configs/arch/lmul_bf16_32x32.yaml"});
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_EQ(count(r.out, "  outputs compared: "), 1) << r.both;
  EXPECT_TRUE(contains(r.out, "bf16_acc_fp32_29x31x127.txt: 29 x 31 x 127")) << r.both;
  EXPECT_TRUE(contains(r.out, "bf16_acc_bf16_17x29x120.txt: not checked: not the --arch PE"))
      << r.both;
}

// Neither --arch nor --golden: a usage error.
TEST(VerifyRtlGoldenTest, NeedsArchOrGolden) {
  const Result r = verify_rtl({});
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "--golden")) << r.both;
}

}  // namespace
}  // namespace tpesim
