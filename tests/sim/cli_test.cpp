// SPDX-License-Identifier: Apache-2.0
// End-to-end tests of the `tpesim` command line: the real binary runs in temp folders, and its
// exit status, stdout, stderr and report files are checked. Exit codes: 0 ok, 2 bad user input.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/temp_dir.h"
namespace tpesim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kBinary = TPESIM_BINARY;

std::string src(const std::string& relative) { return kSource + "/" + relative; }
const std::string kArch32 = src("configs/arch/systolic_32x32_ws.yaml");
const std::string kGemm64 = src("configs/workloads/gemm_64.yaml");

fs::path fresh_dir() { return testing_support::fresh_dir("tpesim_cli"); }

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

fs::path write_file(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Sorted names of the entries of `dir`.
std::set<std::string> entries(const fs::path& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

struct Result {
  int status = -1;   // exit status
  std::string out;   // stdout
  std::string err;   // stderr
  std::string both;  // the command line, stdout and stderr, for failure messages
};

// Runs `tpesim ARGS...` in `cwd` (stdout and stderr captured to files next to it).
Result tpesim(const std::vector<std::string>& args, const fs::path& cwd) {
  static std::atomic<int> counter{0};
  const fs::path capture =
      fs::path(testing::TempDir()) /
      ("tpesim_cli_capture_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
  fs::create_directories(capture);
  std::string line = "tpesim";
  for (const std::string& a : args) line.append(" ").append(quote(a));
  std::string cmd = "cd ";
  cmd.append(quote(cwd.string())).append(" && ").append(quote(kBinary));
  for (const std::string& a : args) cmd.append(" ").append(quote(a));
  cmd.append(" >").append(quote((capture / "stdout").string()));
  cmd.append(" 2>").append(quote((capture / "stderr").string()));
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(capture / "stdout");
  r.err = read_file(capture / "stderr");
  r.both = "$ " + line + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
  fs::remove_all(capture);
  return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

const std::vector<std::string> kRunReports = {"activity.csv", "config.yaml", "layers.csv",
                                              "report.md", "summary.json"};

// ---------------------------------------------------------------------------------------------
// run

TEST(CliRunTest, Gemm64ScalesimTimingWritesEveryReport) {
  const fs::path work = fresh_dir();
  const Result r = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--timing", "scalesim", "--out", "out"},
      work);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out, "631 cycles")) << r.out;
  EXPECT_TRUE(r.err.empty()) << r.err;
  const fs::path out = work / "out";
  for (const std::string& name : kRunReports) EXPECT_TRUE(fs::is_regular_file(out / name)) << name;
  EXPECT_EQ(entries(out), std::set<std::string>(kRunReports.begin(), kRunReports.end()));
  // The staging folder is gone after the commit.
  EXPECT_EQ(entries(work), std::set<std::string>{"out"});

  const std::vector<std::string> csv = lines(read_file(out / "layers.csv"));
  ASSERT_EQ(csv.size(), 2u);
  const std::string& header = csv[0];
  EXPECT_EQ(header.rfind("layer,M,N,K,count,cycles,stall_cycles,compute_cycles,macs,utilization,"
                         "pe_busy_cycles,mapping_efficiency",
                         0),
            0u)
      << header;
  for (const char* op : {"ifmap", "filter", "ofmap"}) {
    for (const char* what : {"sram_reads", "sram_writes", "dram_reads", "dram_writes"}) {
      EXPECT_TRUE(contains(header, std::string(",") + what + "_" + op)) << what << "_" << op;
    }
  }
  EXPECT_LT(header.find("sram_reads_ifmap"), header.find("dram_writes_ofmap"));
  EXPECT_EQ(csv[1].rfind("gemm64,64,64,64,1,631,0,631,262144,", 0), 0u) << csv[1];
  // int_mac: one multiply and one 32-bit accumulator add per MAC.
  EXPECT_EQ(read_file(out / "activity.csv"),
            "layer,event,count,total\ngemm64,int_add_32,262144,262144\n"
            "gemm64,int_mul_8x8,262144,262144\ngemm64,macs,262144,262144\n");

  const nlohmann::json summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["tool"], "tpesim");
  EXPECT_EQ(summary["version"], "0.1.0");
  EXPECT_EQ(summary["totals"]["cycles"].get<std::int64_t>(), 631);
  EXPECT_EQ(summary["totals"]["stall_cycles"].get<std::int64_t>(), 0);
  EXPECT_EQ(summary["totals"]["macs"].get<std::int64_t>(), 64 * 64 * 64);
  EXPECT_EQ(summary["totals"]["layers"].get<int>(), 1);
  EXPECT_EQ(summary["config"]["run"]["timing"], "scalesim");

  EXPECT_TRUE(contains(read_file(out / "report.md"), "**631 cycles**"));
}

TEST(CliRunTest, ResolvedConfigIsReusable) {
  const fs::path work = fresh_dir();
  const Result first = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--timing", "scalesim", "--out", "first"},
      work);
  ASSERT_EQ(first.status, 0) << first.both;
  // The written config carries `timing: scalesim`, so no --timing is needed the second time.
  const Result second = tpesim({"run", "--arch", (work / "first" / "config.yaml").string(),
                                "--workload", kGemm64, "--out", "second"},
                               work);
  ASSERT_EQ(second.status, 0) << second.both;
  EXPECT_TRUE(contains(second.out, "631 cycles")) << second.out;
  EXPECT_EQ(read_file(work / "first" / "layers.csv"), read_file(work / "second" / "layers.csv"));
  EXPECT_EQ(read_file(work / "first" / "config.yaml"), read_file(work / "second" / "config.yaml"));
  const auto s1 = nlohmann::json::parse(read_file(work / "first" / "summary.json"));
  const auto s2 = nlohmann::json::parse(read_file(work / "second" / "summary.json"));
  EXPECT_EQ(s1["totals"], s2["totals"]);
  EXPECT_EQ(s1["config"], s2["config"]);
}

// A failed run: exit 2, every expected message on stderr, and no output folder (nor a leftover
// staging folder) next to the inputs.
void expect_user_error(const Result& r, const fs::path& work,
                       const std::set<std::string>& files_before,
                       const std::vector<std::string>& messages) {
  EXPECT_EQ(r.status, 2) << r.both;
  for (const std::string& m : messages) EXPECT_TRUE(contains(r.err, m)) << m << "\n" << r.both;
  EXPECT_FALSE(fs::exists(work / "out"));
  EXPECT_EQ(entries(work), files_before);
  EXPECT_TRUE(r.out.empty()) << r.out;
}

const char* const kGoodArch =
    "name: t\n"
    "array:\n"
    "  kind: systolic\n"
    "  rows: 32\n"
    "  cols: 32\n"
    "  dataflow: ws\n"
    "  pe: {kind: int_mac, a_bits: 8, w_bits: 8, acc_bits: 32, overflow: wrap}\n"
    "memory:\n"
    "  kind: ideal\n";

struct BadArchCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> edits;  // replace first with second
  std::vector<std::string> messages;                       // with "arch.yaml:" in front
};

TEST(CliRunTest, MalformedArchConfigIsLocatedAndWritesNothing) {
  const std::vector<BadArchCase> cases = {
      {"unknown key",
       {{"  rows: 32", "  rowz: 32"}},
       {"arch.yaml:4:3: error: array.rowz: unknown key (did you mean 'rows'?)"}},
      {"wrong type",
       {{"cols: 32", "cols: abc"}},
       {"arch.yaml:5:9: error: array.cols: expected an integer, got 'abc'"}},
      {"out of range",
       {{"a_bits: 8", "a_bits: 99"}},
       {"arch.yaml:7:31: error: array.pe.a_bits: must be in [2, 16], got 99"}},
      {"three at once",
       {{"  rows: 32", "  rowz: 32"}, {"cols: 32", "cols: abc"}, {"a_bits: 8", "a_bits: 99"}},
       {"arch.yaml:4:3: error: array.rowz: unknown key (did you mean 'rows'?)",
        "arch.yaml:5:9: error: array.cols: expected an integer, got 'abc'",
        "arch.yaml:7:31: error: array.pe.a_bits: must be in [2, 16], got 99"}},
  };
  for (const BadArchCase& c : cases) {
    SCOPED_TRACE(c.name);
    const fs::path work = fresh_dir();
    std::string text = kGoodArch;
    for (const auto& [from, to] : c.edits) text.replace(text.find(from), from.size(), to);
    write_file(work / "arch.yaml", text);
    const auto before = entries(work);
    const Result r =
        tpesim({"run", "--arch", "arch.yaml", "--workload", kGemm64, "--out", "out"}, work);
    expect_user_error(r, work, before, c.messages);
    // Each error comes with its source line and a caret.
    EXPECT_EQ(static_cast<std::size_t>(std::count(r.err.begin(), r.err.end(), '^')),
              c.messages.size())
        << r.err;
  }
}

TEST(CliRunTest, BadSetOverrideIsLocatedOnTheCommandLine) {
  const fs::path work = fresh_dir();
  const auto before = entries(work);
  Result r = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--set", "array.rowz=3", "--out", "out"},
      work);
  expect_user_error(r, work, before, {"error: array.rowz: unknown key (did you mean 'rows'?)"});
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex(R"(<command line>:1:[0-9]+: error: array\.rowz: unknown key)")))
      << r.err;
  EXPECT_TRUE(contains(r.err, "--set array.rowz=3")) << r.err;

  r = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--set", "array.rows=0", "--out", "out"},
      work);
  expect_user_error(r, work, before,
                    {"<command line>:1:18: error: array.rows: must be in [1, 4096], got 0"});

  r = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--set", "array.rows", "--out", "out"},
      work);
  expect_user_error(r, work, before, {"<command line>:1:7: error: expected key.path=value"});
}

TEST(CliRunTest, MalformedTopologyCsvIsLocated) {
  const fs::path work = fresh_dir();
  write_file(work / "net.csv",
             "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
             "Num Filter, Strides,\n"
             "Conv1, 224, 2x4, 11, 11, 3, 96, 4,\n");
  const auto before = entries(work);
  const Result r =
      tpesim({"run", "--arch", kArch32, "--workload", "net.csv", "--out", "out"}, work);
  expect_user_error(r, work, before,
                    {"net.csv:2:13: error: IFMAP Width: expected a positive integer, got '2x4'"});
}

TEST(CliRunTest, MissingInputFiles) {
  const fs::path work = fresh_dir();
  const auto before = entries(work);
  Result r = tpesim({"run", "--arch", "absent.yaml", "--workload", kGemm64, "--out", "out"}, work);
  expect_user_error(r, work, before, {"absent.yaml", "cannot open file"});
  r = tpesim({"run", "--arch", kArch32, "--workload", "absent.yaml", "--out", "out"}, work);
  expect_user_error(r, work, before, {"absent.yaml", "cannot open file"});
  r = tpesim({"run", "--arch", kArch32, "--workload", "absent.csv", "--out", "out"}, work);
  expect_user_error(r, work, before, {"absent.csv"});
  r = tpesim({"run", "--scalesim-config", "absent.cfg", "--topology",
              src("configs/scalesim/alexnet_conv.csv"), "--out", "out"},
             work);
  expect_user_error(r, work, before, {"absent.cfg", "cannot open file"});
}

// A failing run into an existing folder leaves what is there as it was and adds nothing.
TEST(CliRunTest, FailingRunLeavesExistingOutputFolderUntouched) {
  const fs::path work = fresh_dir();
  fs::create_directories(work / "out");
  write_file(work / "out" / "old.txt", "keep me\n");
  write_file(work / "arch.yaml", std::string(kGoodArch) + "bogus: 1\n");
  const auto before = entries(work);
  const Result r =
      tpesim({"run", "--arch", "arch.yaml", "--workload", kGemm64, "--out", "out"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "arch.yaml:10:1: error: bogus: unknown key")) << r.err;
  EXPECT_EQ(entries(work / "out"), std::set<std::string>{"old.txt"});
  EXPECT_EQ(read_file(work / "out" / "old.txt"), "keep me\n");
  EXPECT_EQ(entries(work), before);

  // A successful run then adds its reports next to the unrelated file.
  const Result ok = tpesim({"run", "--arch", kArch32, "--workload", kGemm64, "--out", "out"}, work);
  ASSERT_EQ(ok.status, 0) << ok.both;
  auto expected = std::set<std::string>(kRunReports.begin(), kRunReports.end());
  expected.insert("old.txt");
  EXPECT_EQ(entries(work / "out"), expected);
  EXPECT_EQ(read_file(work / "out" / "old.txt"), "keep me\n");
}

// --out naming an existing file: exit 2, the file untouched, no staging folder left behind.
TEST(CliRunTest, OutputFolderThatIsAFile) {
  const fs::path work = fresh_dir();
  write_file(work / "out", "a file\n");
  const auto before = entries(work);
  const Result r = tpesim({"run", "--arch", kArch32, "--workload", kGemm64, "--out", "out"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "cannot create output folder")) << r.err;
  EXPECT_EQ(read_file(work / "out"), "a file\n");
  EXPECT_EQ(entries(work), before);
}

TEST(CliRunTest, RunNeedsOutAndInputs) {
  const fs::path work = fresh_dir();
  Result r = tpesim({"run", "--arch", kArch32, "--workload", kGemm64}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.both, "--out")) << r.both;
  EXPECT_TRUE(entries(work).empty());

  r = tpesim({"run", "--arch", kArch32, "--out", "out"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "--workload")) << r.err;

  r = tpesim(
      {"run", "--arch", kArch32, "--workload", kGemm64, "--fidelity", "slow", "--out", "out"},
      work);
  EXPECT_EQ(r.status, 2) << r.both;

  r = tpesim({"run", "--arch", kArch32, "--workload", kGemm64, "--no-such-flag", "--out", "out"},
             work);
  EXPECT_EQ(r.status, 2) << r.both;

  r = tpesim({"run", "--arch", kArch32, "--scalesim-config", src("configs/scalesim/google.cfg"),
              "--topology", src("configs/scalesim/alexnet_conv.csv"), "--out", "out"},
             work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "exclusive")) << r.err;
  EXPECT_TRUE(entries(work).empty());
}

// ---------------------------------------------------------------------------------------------
// check-config

TEST(CliCheckConfigTest, EveryShippedConfigIsValid) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(src("configs"))) {
    if (e.is_regular_file()) files.push_back(e.path().string());
  }
  ASSERT_GE(files.size(), 9u);
  std::vector<std::string> args = {"check-config"};
  args.insert(args.end(), files.begin(), files.end());
  const Result r = tpesim(args, fresh_dir());
  EXPECT_EQ(r.status, 0) << r.both;
  for (const std::string& f : files) EXPECT_TRUE(contains(r.out, f + ": ok")) << f;
  EXPECT_TRUE(r.err.empty()) << r.err;
}

// Every shipped architecture (the published designs among them) runs a small GEMM at both
// fidelities with --verify: the same layers.csv and activity.csv, outputs equal to the golden GEMM.
TEST(CliRunTest, EveryShippedArchRunsAtBothFidelities) {
  const fs::path work = fresh_dir();
  write_file(work / "small.yaml", "gemms:\n  - {name: g, m: 12, n: 70, k: 40}\n");
  int archs = 0;
  for (const auto& e : fs::directory_iterator(src("configs/arch"))) {
    const std::string arch = e.path().string();
    SCOPED_TRACE(arch);
    std::string csv[2], activity[2];
    for (int i = 0; i < 2; ++i) {
      const std::string out = "out" + std::to_string(archs) + "_" + std::to_string(i);
      const Result r = tpesim({"run", "--arch", arch, "--workload", "small.yaml", "--fidelity",
                               i == 0 ? "fast" : "cycle", "--verify", "--out", out},
                              work);
      ASSERT_EQ(r.status, 0) << r.both;
      csv[i] = read_file(work / out / "layers.csv");
      activity[i] = read_file(work / out / "activity.csv");
    }
    EXPECT_EQ(csv[0], csv[1]);
    EXPECT_EQ(activity[0], activity[1]);
    ++archs;
  }
  EXPECT_GE(archs, 14);
}

TEST(CliCheckConfigTest, BadFilesExitTwoWithLocatedErrors) {
  const fs::path work = fresh_dir();
  write_file(work / "arch.yaml", std::string(kGoodArch) + "memory2: {}\n");
  write_file(work / "net.cfg",
             "[general]\nrun_name = x\n[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\n"
             "IfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: xs\n"
             "[run_presets]\nInterfaceBandwidth: CALC\n");
  write_file(work / "gemm.csv", "Layer, M, N, K,\nfc, 10, -3, 4,\n");
  write_file(work / "wl.yaml", "gemms:\n  - {name: a, m: 4, n: 4}\n");
  const std::string good = src("configs/arch/systolic_32x32_ws.yaml");
  const Result r =
      tpesim({"check-config", "arch.yaml", good, "net.cfg", "gemm.csv", "wl.yaml"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.out, good + ": ok")) << r.out;
  EXPECT_TRUE(contains(r.err, "arch.yaml:10:1: error: memory2: unknown key")) << r.err;
  EXPECT_TRUE(contains(r.err, "net.cfg:9:11: error: architecture_presets.Dataflow:")) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(gemm\.csv:2:[0-9]+: error: N: must be in)")))
      << r.err;
  EXPECT_TRUE(std::regex_search(
      r.err, std::regex(R"(wl\.yaml:2:[0-9]+: error: gemms\[0\]\.k: required key is missing)")))
      << r.err;
  for (const char* f : {"arch.yaml: ok", "net.cfg: ok", "gemm.csv: ok", "wl.yaml: ok"}) {
    EXPECT_FALSE(contains(r.out, f)) << f;
  }

  const Result one = tpesim({"check-config", "arch.yaml"}, work);
  EXPECT_EQ(one.status, 2) << one.both;
  const Result missing = tpesim({"check-config", "absent.yaml"}, work);
  EXPECT_EQ(missing.status, 2) << missing.both;
}

// ---------------------------------------------------------------------------------------------
// describe, list-kinds, --version, --help

TEST(CliDescribeTest, IntMacListsEveryParameterWithItsDefault) {
  const Result r = tpesim({"describe", "int_mac"}, fresh_dir());
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+a_bits\s+integer\s+8\s+bits\s)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+w_bits\s+integer\s+8\s+bits\s)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+acc_bits\s+integer\s+32\s+bits\s)")))
      << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+overflow\s+wrap \| saturate\s+wrap\s)")))
      << r.out;
}

TEST(CliDescribeTest, ArrayMemoryAndRun) {
  const fs::path work = fresh_dir();
  Result r = tpesim({"describe", "systolic"}, work);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+rows\s+integer\s+32\s)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+cols\s+integer\s+32\s)"))) << r.out;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+dataflow\s+ws \| os \| is\s+ws\s)")))
      << r.out;

  r = tpesim({"describe", "memory"}, work);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+kind\s+ideal \| buffered\s+ideal\s)")))
      << r.out;
  for (const char* key : {"ifmap.capacity_bytes", "filter.bytes_per_cycle", "ofmap.double_buffered",
                          "dram.bytes_per_cycle", "dram.latency_cycles"}) {
    EXPECT_TRUE(contains(r.out, key)) << key;
  }

  r = tpesim({"describe", "run"}, work);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(std::regex_search(r.out, std::regex(R"(\n\s+fidelity\s+fast \| cycle\s+fast\s)")))
      << r.out;
  EXPECT_TRUE(
      std::regex_search(r.out, std::regex(R"(\n\s+timing\s+overlap \| scalesim\s+overlap\s)")))
      << r.out;
  for (const char* key : {"values", "verify", "seed"}) EXPECT_TRUE(contains(r.out, key)) << key;
}

TEST(CliDescribeTest, UnknownKindExitsTwoWithSuggestion) {
  const fs::path work = fresh_dir();
  Result r = tpesim({"describe", "nonsense"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "unknown kind 'nonsense'")) << r.err;
  EXPECT_TRUE(contains(r.err, "tpesim list-kinds")) << r.err;
  EXPECT_TRUE(r.out.empty()) << r.out;

  r = tpesim({"describe", "int_mak"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "unknown kind 'int_mak' (did you mean 'int_mac'?)")) << r.err;
  r = tpesim({"describe", "systolik"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(contains(r.err, "(did you mean 'systolic'?)")) << r.err;
}

TEST(CliMiscTest, ListKindsVersionHelp) {
  const fs::path work = fresh_dir();
  Result r = tpesim({"list-kinds"}, work);
  ASSERT_EQ(r.status, 0) << r.both;
  for (const char* kind : {"int_mac", "systolic", "ideal", "buffered"}) {
    EXPECT_TRUE(std::regex_search(r.out, std::regex(std::string(R"(\n\s+)") + kind + R"(\s)")))
        << kind << "\n"
        << r.out;
  }

  r = tpesim({"--version"}, work);
  EXPECT_EQ(r.status, 0) << r.both;
  EXPECT_EQ(r.out, "tpesim 0.1.0\n");

  r = tpesim({"--help"}, work);
  EXPECT_EQ(r.status, 0) << r.both;
  for (const char* sub : {"run", "check-config", "list-kinds", "describe"}) {
    EXPECT_TRUE(contains(r.out, sub)) << sub;
  }
  r = tpesim({"run", "--help"}, work);
  EXPECT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out, "--scalesim-config")) << r.out;

  r = tpesim({}, work);  // a subcommand is required
  EXPECT_EQ(r.status, 2) << r.both;
  r = tpesim({"frobnicate"}, work);
  EXPECT_EQ(r.status, 2) << r.both;
  EXPECT_TRUE(entries(work).empty());
}

// ---------------------------------------------------------------------------------------------
// SCALE-Sim compatibility: .cfg + topology CSV in, SCALE-Sim's three report files out

const char* const kComputeHeader =
    "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, Compute Util %,";
const char* const kBandwidthHeader =
    "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, Avg IFMAP DRAM BW, "
    "Avg FILTER DRAM BW, Avg OFMAP DRAM BW,";
const char* const kDetailedHeader =
    "LayerID, SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
    "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
    "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
    "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
    "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
    "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,";

// Python's str() of an int and of a float.
const std::string kInt = R"(-?[0-9]+)";
const std::string kFloat = R"(-?(?:[0-9]+\.[0-9]+(?:e[+-][0-9]+)?|[0-9]+e[+-][0-9]+|inf|nan))";

// `<id>, v1, v2, ...,` with comma-space separators and a trailing comma.
std::regex row_regex(const std::vector<std::string>& fields) {
  std::string re = "([0-9]+)";
  for (const std::string& f : fields) re += ", " + f;
  return std::regex(re + ",");
}

// Checks one report: its exact header, `rows` rows of the given field kinds, LayerIDs 0.. in order.
std::vector<std::string> check_report(const fs::path& path, const char* header,
                                      const std::vector<std::string>& fields, std::size_t rows) {
  const std::string text = read_file(path);
  EXPECT_FALSE(text.empty()) << path;
  EXPECT_EQ(text.back(), '\n') << path;
  const std::vector<std::string> ls = lines(text);
  EXPECT_EQ(ls.size(), rows + 1) << text;
  if (ls.empty()) return ls;
  EXPECT_EQ(ls[0], header) << path;
  const std::regex re = row_regex(fields);
  for (std::size_t i = 1; i < ls.size(); ++i) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(ls[i], m, re)) << path << " row " << i << ": " << ls[i];
    if (!m.empty()) {
      EXPECT_EQ(m[1].str(), std::to_string(i - 1)) << ls[i];
    }
  }
  return ls;
}

std::vector<std::string> check_scalesim_reports(const fs::path& out, std::size_t rows) {
  const std::vector<std::string> compute = check_report(out / "COMPUTE_REPORT.csv", kComputeHeader,
                                                        {kInt, kInt, kFloat, kFloat, kFloat}, rows);
  check_report(out / "BANDWIDTH_REPORT.csv", kBandwidthHeader, std::vector<std::string>(6, kFloat),
               rows);
  std::vector<std::string> detailed;
  for (int i = 0; i < 6; ++i) detailed.insert(detailed.end(), {kFloat, kFloat, kInt});
  check_report(out / "DETAILED_ACCESS_REPORT.csv", kDetailedHeader, detailed, rows);
  return compute;
}

TEST(CliScalesimTest, ConvTopologyWritesScalesimReports) {
  const fs::path work = fresh_dir();
  const Result r = tpesim({"run", "--scalesim-config", src("configs/scalesim/google.cfg"),
                           "--topology", src("configs/scalesim/alexnet_conv.csv"), "--out", "out"},
                          work);
  ASSERT_EQ(r.status, 0) << r.both;
  const fs::path out = work / "out";
  for (const char* name :
       {"COMPUTE_REPORT.csv", "BANDWIDTH_REPORT.csv", "DETAILED_ACCESS_REPORT.csv", "layers.csv",
        "summary.json", "report.md", "config.yaml"}) {
    EXPECT_TRUE(fs::is_regular_file(out / name)) << name;
  }
  const std::vector<std::string> compute = check_scalesim_reports(out, 5);
  ASSERT_EQ(compute.size(), 6u);
  // Conv1 on the 256 x 256 WS array, lowered as SCALE-Sim v2 lowers it: ofmap side
  // ceil((224 - 11 + 4) / 4) = 55, so M = 55 * 55 = 3025, N = 96, K = 11 * 11 * 3 = 363, and
  // ceil(K/256) * ceil(N/256) * (2*256 + 256 + M - 2) - 1 = 2 * 3791 - 1 = 7581 cycles.
  EXPECT_EQ(compute[1].rfind("0, 7581, 0, ", 0), 0u) << compute[1];
  // Every layer runs stall-free in CALC mode.
  for (std::size_t i = 1; i < compute.size(); ++i) {
    EXPECT_TRUE(std::regex_search(compute[i], std::regex("^[0-9]+, [0-9]+, 0, "))) << compute[i];
  }
  // The per-layer cycles agree with layers.csv.
  const std::vector<std::string> csv = lines(read_file(out / "layers.csv"));
  ASSERT_EQ(csv.size(), 6u);
  EXPECT_EQ(csv[1].rfind("Conv1,3025,96,363,1,7581,0,", 0), 0u) << csv[1];
  const nlohmann::json summary = nlohmann::json::parse(read_file(out / "summary.json"));
  EXPECT_EQ(summary["arch"], "GoogleTPU_v1_ws");
  EXPECT_EQ(summary["totals"]["layers"].get<int>(), 5);
}

TEST(CliScalesimTest, GemmTopologyWritesScalesimReports) {
  const fs::path work = fresh_dir();
  const Result r =
      tpesim({"run", "--scalesim-config", src("configs/scalesim/google.cfg"), "--topology",
              src("configs/scalesim/gpt2_gemm.csv"), "--gemm", "--out", "out"},
             work);
  ASSERT_EQ(r.status, 0) << r.both;
  const std::vector<std::string> compute = check_scalesim_reports(work / "out", 6);
  ASSERT_EQ(compute.size(), 7u);
  // QKT: M = N = 1024, K = 64 on 256 x 256 WS: 1 * 4 * (512 + 256 + 1024 - 2) - 1 = 7159 cycles.
  EXPECT_EQ(compute[1].rfind("0, 7159, 0, ", 0), 0u) << compute[1];
  const std::vector<std::string> csv = lines(read_file(work / "out" / "layers.csv"));
  ASSERT_EQ(csv.size(), 7u);
  EXPECT_EQ(csv[1].rfind("QKT,1024,1024,64,1,7159,", 0), 0u) << csv[1];
}

// The worked example of the SCALE-Sim notes through the CLI: 64^3 GEMM on a 32 x 32 CALC array.
// The compute report and the SRAM columns are SCALE-Sim's digits exactly.
TEST(CliScalesimTest, WorkedExampleReportsMatchScalesimDigits) {
  const fs::path work = fresh_dir();
  write_file(work / "scale.cfg",
             "[general]\nrun_name = worked\n[architecture_presets]\nArrayHeight: 32\n"
             "ArrayWidth: 32\nIfmapSramSzkB: 256\nFilterSramSzkB: 256\nOfmapSramSzkB: 256\n"
             "IfmapOffset: 0\nFilterOffset: 10000000\nOfmapOffset: 20000000\nDataflow: ws\n"
             "[run_presets]\nInterfaceBandwidth: CALC\n");
  write_file(work / "gemm.csv", "Layer, M, N, K,\ngemm64, 64, 64, 64,\n");
  struct Case {
    const char* dataflow;
    const char* compute;
    const char* bandwidth_sram;
    const char* detailed_sram;
  };
  const Case cases[] = {
      {"ws", "0, 631, 0, 40.57052297939778, 100.0, 33.86243386243386,",
       "0, 12.98256735340729, 6.491283676703645, 12.98256735340729, ",
       "0, 33.0, 601.0, 8192, 1.0, 506.0, 4096, 63.0, 631.0, 8192, "},
      {"os", "0, 503, 0, 50.89463220675945, 100.0, 50.79365079365079,",
       "0, 16.28628230616302, 16.28628230616302, 8.652087475149106, ",
       "0, 1.0, 473.0, 8192, 1.0, 473.0, 8192, 63.0, 503.0, 4352, "},
      {"is", "0, 631, 0, 40.57052297939778, 100.0, 33.86243386243386,",
       "0, 6.491283676703645, 12.98256735340729, 12.98256735340729, ",
       "0, 1.0, 506.0, 4096, 33.0, 601.0, 8192, 63.0, 631.0, 8192, "},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.dataflow);
    const std::string out = std::string("out_") + c.dataflow;
    const Result r =
        tpesim({"run", "--scalesim-config", "scale.cfg", "--topology", "gemm.csv", "--gemm",
                "--set", std::string("array.dataflow=") + c.dataflow, "--out", out},
               work);
    ASSERT_EQ(r.status, 0) << r.both;
    const auto compute = check_scalesim_reports(work / out, 1);
    ASSERT_EQ(compute.size(), 2u);
    EXPECT_EQ(compute[1], c.compute);
    const auto bandwidth = lines(read_file(work / out / "BANDWIDTH_REPORT.csv"));
    ASSERT_EQ(bandwidth.size(), 2u);
    EXPECT_EQ(bandwidth[1].rfind(c.bandwidth_sram, 0), 0u) << bandwidth[1];
    const auto detailed = lines(read_file(work / out / "DETAILED_ACCESS_REPORT.csv"));
    ASSERT_EQ(detailed.size(), 2u);
    EXPECT_EQ(detailed[1].rfind(c.detailed_sram, 0), 0u) << detailed[1];
  }
}

TEST(CliScalesimTest, BadScalesimConfigWritesNothing) {
  const fs::path work = fresh_dir();
  write_file(work / "bad.cfg",
             "[general]\nrun_name = x\n[architecture_presets]\nArrayHeigth: 8\nArrayWidth: 8\n"
             "IfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n"
             "[run_presets]\nInterfaceBandwidth: CALC\n");
  const auto before = entries(work);
  const Result r = tpesim({"run", "--scalesim-config", "bad.cfg", "--topology",
                           src("configs/scalesim/alexnet_conv.csv"), "--out", "out"},
                          work);
  expect_user_error(
      r, work, before,
      {"bad.cfg:4:1: error: architecture_presets.ArrayHeigth: unknown key (did you mean "
       "'ArrayHeight'?)",
       "bad.cfg:3:1: error: architecture_presets.ArrayHeight: required key is missing"});
}

// ---------------------------------------------------------------------------------------------
// fidelity agreement through the CLI

TEST(CliFidelityTest, CycleAndFastWriteIdenticalLayersCsv) {
  const fs::path work = fresh_dir();
  write_file(work / "small.yaml",
             "gemms:\n"
             "  - {name: a, m: 40, n: 24, k: 50}\n"
             "  - {name: b, m: 7, n: 70, k: 33, count: 3}\n"
             "  - {name: c, m: 1, n: 5, k: 130}\n");
  int runs = 0;
  for (const char* arch : {"systolic_32x32_ws", "demo_32x32_buffered"}) {
    for (const char* dataflow : {"ws", "os", "is"}) {
      for (const char* timing : {"overlap", "scalesim"}) {
        SCOPED_TRACE(testing::Message() << arch << " " << dataflow << " " << timing);
        std::string csv[2];
        int i = 0;
        for (const char* fidelity : {"fast", "cycle"}) {
          const std::string out = "out" + std::to_string(runs++);
          const Result r =
              tpesim({"run", "--arch", src("configs/arch/" + std::string(arch) + ".yaml"),
                      "--workload", "small.yaml", "--set", "array.rows=8", "--set", "array.cols=16",
                      "--set", std::string("array.dataflow=") + dataflow, "--timing", timing,
                      "--fidelity", fidelity, "--verify", "--out", out},
                     work);
          ASSERT_EQ(r.status, 0) << r.both;
          csv[i++] = read_file(work / out / "layers.csv");
        }
        EXPECT_EQ(csv[0], csv[1]);
        // With --verify the outputs were computed: every row has a fingerprint.
        const auto ls = lines(csv[0]);
        ASSERT_EQ(ls.size(), 4u);
        for (std::size_t row = 1; row < ls.size(); ++row) {
          EXPECT_TRUE(std::regex_search(ls[row], std::regex(",[0-9]+,[0-9a-f]{16},"))) << ls[row];
        }
      }
    }
  }
}

// `trace` writes an LLM trace CSV that `run --workload` accepts; nothing but the CSV is left.
TEST(CliTraceTest, DecodeTraceRunsOnTheArray) {
  const fs::path work = fresh_dir();
  const Result t = tpesim({"trace", "--model", "llama2-7b", "--phase", "decode", "--batch", "1",
                           "--seq", "1", "--context", "128", "--out", "X.csv"},
                          work);
  ASSERT_EQ(t.status, 0) << t.both;
  EXPECT_EQ(entries(work), std::set<std::string>{"X.csv"});
  const std::vector<std::string> csv = lines(read_file(work / "X.csv"));
  ASSERT_EQ(csv.size(), 11u);
  EXPECT_EQ(csv[0], "name,m,n,k,count,phase,w_format,a_format,group_size");
  EXPECT_EQ(csv[4], "attn_score,1,128,128,1024,decode,fp16,fp16,0");
  const Result r = tpesim({"run", "--arch", kArch32, "--workload", "X.csv", "--out", "D"}, work);
  ASSERT_EQ(r.status, 0) << r.both;
  EXPECT_TRUE(contains(r.out, "10 layers")) << r.out;
  EXPECT_EQ(lines(read_file(work / "D" / "layers.csv")).size(), 11u);
}

}  // namespace
}  // namespace tpesim
