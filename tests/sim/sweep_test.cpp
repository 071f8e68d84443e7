// SPDX-License-Identifier: Apache-2.0
// Tests of `tpesim sweep`: strict sweep files, point enumeration, error rows, identical final
// files for any job count, and resume after a killed run (the real binary, SIGKILL, torn lines).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/core/errors.h"
#include "sim/sweep/sweep_points.h"
#include "sim/sweep/sweep_reports.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/support/temp_dir.h"

extern char** environ;

namespace tpesim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kBinary = TPESIM_BINARY;
const std::string kBase = kSource + "/configs/arch/systolic_32x32_ws.yaml";
const std::string kGemm64 = kSource + "/configs/workloads/gemm_64.yaml";
const std::string kSample = kSource + "/configs/sweeps/pe_zoo_small.yaml";
const std::vector<std::string> kFinalFiles = {"results.csv", "pareto.csv", "report.md"};

fs::path fresh_dir() { return testing_support::fresh_dir("tpesim_sweep"); }

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

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The diagnostics of loading `text` as a sweep file `dir/sweep.yaml` (none when it loads).
std::vector<Diagnostic> errors_for(const fs::path& dir, const std::string& text) {
  const fs::path file = write_file(dir / "sweep.yaml", text);
  try {
    load_sweep(file.string());
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

std::string rendered(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const Diagnostic& d : ds) out += render(d) + "\n";
  return out;
}

// A sweep file over the 32 x 32 int8 base on gemm_64 with the given axes (YAML text).
std::string sweep_text(const std::string& name, const std::string& axes) {
  return "name: " + name + "\nbase: " + kBase + "\nworkload: {file: " + kGemm64 + "}\naxes:\n" +
         axes;
}

SweepSummary run(const fs::path& sweep_file, const fs::path& out, int jobs, bool resume = false) {
  SweepOptions options;
  options.out = out;
  options.jobs = jobs;
  options.resume = resume;
  return run_sweep(load_sweep(sweep_file.string()), options);
}

// results.jsonl rows by id (and a count of every id seen, to catch duplicates).
std::map<std::string, int> row_ids(const fs::path& jsonl) {
  std::map<std::string, int> ids;
  for (const std::string& line : lines(read_file(jsonl))) {
    const json row = json::parse(line);
    ++ids[row.at("id").get<std::string>()];
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// The sweep file

TEST(SweepSpecTest, EveryProblemIsReportedAtItsLineAndColumn) {
  const fs::path dir = fresh_dir();
  const std::string text =
      "name: my sweep\n"  // 1
      "base: " +
      kBase +
      "\n"  // 2
      "workload: {file: " +
      kGemm64 +
      ", batch: 2}\n"                                       // 3
      "axes:\n"                                             // 4
      "  - {key: array.rows, values: [16, 16]}\n"           // 5
      "  - {key: array..cols, values: [8]}\n"               // 6
      "  - zip:\n"                                          // 7
      "      - {key: array.cols, values: [16, 32]}\n"       // 8
      "      - {key: run.seed, values: [1]}\n"              // 9
      "  - variants:\n"                                     // 10
      "      - {name: a, set: {array.pe.kind: int_mac}}\n"  // 11
      "      - {name: a, sett: {array.pe.kind: fp_mac}}\n"  // 12
      "  - {kee: array.rows}\n"                             // 13
      "  - {key: array.rows, values: 16}\n"                 // 14
      "turbo: true\n";                                      // 15
  const std::vector<Diagnostic> d = errors_for(dir, text);
  const std::string batch_col = std::to_string(20 + kGemm64.size());  // after ", " in line 3
  struct Expected {
    int line, col;
    std::string path, message;
  };
  const std::vector<Expected> expected = {
      {1, 7, "name", "'my sweep' is not a sweep name (letters, digits, '_', '-', '.', '+')"},
      {3, std::stoi(batch_col), "workload.batch", "applies to `model:` workloads only"},
      {5, 36, "axes[0].values[1]", "duplicate value 16 (already axes[0].values[0])"},
      {6, 11, "axes[1].key", "'array..cols' has an empty part"},
      {9, 33, "axes[2].zip[1].values",
       "has 1 value but axes[2].zip[0].values has 2 (zipped values advance together, so the "
       "lengths must be equal)"},
      {12, 16, "axes[3].variants[1].name",
       "duplicate variant name 'a' (already "
       "axes[3].variants[0].name)"},
      {12, 19, "axes[3].variants[1].sett", "unknown key (did you mean 'set'?)"},
      {12, 9, "axes[3].variants[1].set", "required key is missing"},
      {13, 5, "axes[4]",
       "an axis is {key: K, values: [...]}, {zip: [...]}, {variants: [...]} or "
       "{area_budget_mm2: [...]}"},
      {13, 6, "axes[4].kee", "unknown key (did you mean 'key'?)"},
      {14, 31, "axes[5].values", "expected a non-empty list of values"},
      {15, 1, "turbo", "unknown key"},
  };
  ASSERT_EQ(d.size(), expected.size()) << rendered(d);
  // Diagnostics come sorted by position; compare as sets of (line, col, path, message).
  std::set<std::tuple<int, int, std::string, std::string>> got, want;
  for (const Diagnostic& x : d) {
    EXPECT_EQ(x.loc.file(), (dir / "sweep.yaml").string());
    got.emplace(x.loc.line, x.loc.col, x.path, x.message);
  }
  for (const Expected& e : expected) want.emplace(e.line, e.col, e.path, e.message);
  EXPECT_EQ(got, want) << rendered(d);
}

TEST(SweepSpecTest, MissingKeysBaseAndModelProblems) {
  const fs::path dir = fresh_dir();
  EXPECT_EQ(rendered(errors_for(dir, "name: x\n")),
            (dir / "sweep.yaml").string() +
                ":1:1: error: base: required key is missing\n  name: x\n  ^\n" +
                (dir / "sweep.yaml").string() +
                ":1:1: error: workload: required key is missing\n  name: x\n  ^\n" +
                (dir / "sweep.yaml").string() +
                ":1:1: error: axes: required key is missing (an empty list runs the base "
                "alone)\n  name: x\n  ^\n");
  // A base that does not exist, a model with a typo, decode without context.
  const std::vector<Diagnostic> d =
      errors_for(dir,
                 "name: x\nbase: nowhere.yaml\n"
                 "workload: {model: llama2-7c, phase: decode, batch: 1, seq: 1}\naxes: []\n");
  ASSERT_EQ(d.size(), 2u) << rendered(d);
  EXPECT_EQ(d[0].loc.line, 2);
  EXPECT_EQ(d[0].loc.col, 7);
  EXPECT_EQ(d[0].message, "cannot open '" + (dir / "nowhere.yaml").string() + "'");
  EXPECT_EQ(d[1].loc.line, 3);
  EXPECT_EQ(d[1].loc.col, 19);
  EXPECT_EQ(d[1].path, "workload.model");
  EXPECT_NE(d[1].message.find("unknown model 'llama2-7c' (did you mean 'llama2-7b'?)"),
            std::string::npos)
      << d[1].message;
  // Errors inside the base architecture point into the base file.
  write_file(dir / "bad_arch.yaml", "array:\n  rowz: 4\n");
  const std::vector<Diagnostic> b = errors_for(
      dir, "name: x\nbase: bad_arch.yaml\nworkload: {file: " + kGemm64 + "}\naxes: []\n");
  ASSERT_EQ(b.size(), 1u) << rendered(b);
  EXPECT_EQ(b[0].loc.file(), (dir / "bad_arch.yaml").string());
  EXPECT_EQ(b[0].loc.line, 2);
  EXPECT_EQ(b[0].loc.col, 3);
  EXPECT_EQ(b[0].path, "array.rowz");
}

TEST(SweepSpecTest, ModelWorkloadBuildsTheTrace) {
  const fs::path dir = fresh_dir();
  write_file(dir / "s.yaml", "name: decode\nbase: " + kBase +
                                 "\nworkload: {model: llama2-7b, phase: decode, batch: 1, seq: 1, "
                                 "context: 128}\naxes: []\n");
  const SweepSpec spec = load_sweep((dir / "s.yaml").string());
  ASSERT_EQ(spec.workload.layers.size(), 10u);
  EXPECT_EQ(spec.workload.layers[0].name, "q_proj");
  EXPECT_EQ(spec.layer_phases, std::vector<std::string>(10, "decode"));
  EXPECT_EQ(spec.workload_ref.describe(), "model `llama2-7b` decode, batch 1, seq 1, context 128");
}

// ---------------------------------------------------------------------------------------------
// Points

TEST(SweepPointsTest, CartesianTimesZipTimesVariantsInFileOrder) {
  const fs::path dir = fresh_dir();
  write_file(dir / "s.yaml", sweep_text("order",
                                        "  - {key: array.rows, values: [16, 32, 64]}\n"
                                        "  - zip:\n"
                                        "      - {key: array.cols, values: [8, 16]}\n"
                                        "      - {key: array.dataflow, values: [ws, os]}\n"
                                        "  - name: pe\n"
                                        "    variants:\n"
                                        "      - {name: int4, set: {array.pe.a_bits: 4, "
                                        "array.pe.w_bits: 4}}\n"
                                        "      - {name: fp16, set: {array.pe: {kind: fp_mac}}}\n"));
  const SweepSpec spec = load_sweep((dir / "s.yaml").string());
  EXPECT_EQ(spec.param_columns(),
            (std::vector<std::string>{"array.rows", "array.cols", "array.dataflow", "pe"}));
  const std::vector<SweepPoint> points = enumerate_points(spec);
  ASSERT_EQ(point_count(spec), 12);
  ASSERT_EQ(points.size(), 12u);
  // The first axis is outermost, the last varies fastest.
  const std::vector<std::vector<std::string>> expected_params = {
      {"16", "8", "ws", "int4"},  {"16", "8", "ws", "fp16"},  {"16", "16", "os", "int4"},
      {"16", "16", "os", "fp16"}, {"32", "8", "ws", "int4"},  {"32", "8", "ws", "fp16"},
      {"32", "16", "os", "int4"}, {"32", "16", "os", "fp16"}, {"64", "8", "ws", "int4"},
      {"64", "8", "ws", "fp16"},  {"64", "16", "os", "int4"}, {"64", "16", "os", "fp16"}};
  std::set<std::string> ids;
  const std::regex id_form("[0-9]{4}-[0-9a-f]{8}");
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].index, static_cast<std::int64_t>(i));
    EXPECT_EQ(points[i].params, expected_params[i]) << i;
    EXPECT_TRUE(std::regex_match(points[i].id, id_form)) << points[i].id;
    EXPECT_EQ(points[i].id, point_id(points[i].index, points[i].overrides));
    ids.insert(points[i].id);
  }
  EXPECT_EQ(ids.size(), points.size());
  std::vector<std::string> assignments;
  for (const Override& o : points[3].overrides) assignments.push_back(o.assignment());
  EXPECT_EQ(assignments,
            (std::vector<std::string>{"array.rows=16", "array.cols=16", "array.dataflow=os",
                                      "array.pe={kind: fp_mac}"}));
  // The ids are stable: the same file gives the same ids.
  const std::vector<SweepPoint> again = enumerate_points(load_sweep((dir / "s.yaml").string()));
  for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(again[i].id, points[i].id);
  EXPECT_EQ(points[0].id.substr(0, 5), "0000-");
}

TEST(SweepPointsTest, NoAxesIsTheBaseAloneAndQuotedValuesStayStrings) {
  const fs::path dir = fresh_dir();
  write_file(dir / "s.yaml", sweep_text("alone", "  []\n"));
  const SweepSpec alone = load_sweep((dir / "s.yaml").string());
  const std::vector<SweepPoint> points = enumerate_points(alone);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_TRUE(points[0].overrides.empty());
  write_file(dir / "q.yaml", sweep_text("quoted", "  - {key: array.rows, values: ['8', 8]}\n"));
  const std::vector<SweepPoint> q = enumerate_points(load_sweep((dir / "q.yaml").string()));
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q[0].overrides[0].assignment(), "array.rows=\"8\"");
  EXPECT_EQ(q[1].overrides[0].assignment(), "array.rows=8");
}

// ---------------------------------------------------------------------------------------------
// Running

TEST(SweepRunTest, AnInvalidPointIsAnErrorRowAndTheSweepGoesOn) {
  const fs::path dir = fresh_dir();
  const fs::path file =
      write_file(dir / "s.yaml", sweep_text("errors",
                                            "  - {key: array.rows, values: [16, 0, 8]}\n"
                                            "  - {key: array.pe.acc_bits, values: [32, "
                                            "12]}\n"));
  const SweepSummary s = run(file, dir / "out", 2);
  EXPECT_EQ(s.total, 6);
  EXPECT_EQ(s.ran, 6);
  // rows 0 breaks two points; acc_bits 12 (< 8 + 8) breaks three.
  EXPECT_EQ(s.ok, 2);
  EXPECT_EQ(s.errors, 4);
  EXPECT_EQ(s.internal_errors, 0);
  const std::vector<std::string> csv = lines(read_file(dir / "out" / "results.csv"));
  ASSERT_EQ(csv.size(), 7u);
  EXPECT_EQ(csv[0].rfind(
                "id,status,array.rows,array.pe.acc_bits,array_rows,array_cols,cycles,time_s,", 0),
            0u)
      << csv[0];
  EXPECT_NE(csv[1].find(",ok,16,32,"), std::string::npos) << csv[1];
  EXPECT_NE(csv[3].find(",error,0,32,"), std::string::npos) << csv[3];
  EXPECT_NE(csv[3].find("array.rows: must be in [1, 4096], got 0"), std::string::npos) << csv[3];
  // The Pareto set has only ok rows.
  const std::vector<std::string> pareto = lines(read_file(dir / "out" / "pareto.csv"));
  ASSERT_GE(pareto.size(), 2u);
  for (std::size_t i = 1; i < pareto.size(); ++i) {
    const std::size_t rows_at = pareto[i].find(',') + 1;  // the array.rows column
    EXPECT_NE(pareto[i].substr(rows_at, 2), "0,") << pareto[i];
    EXPECT_NE(pareto[i].find(",32,"), std::string::npos) << pareto[i];  // acc_bits 12 failed
  }
  const std::string md = read_file(dir / "out" / "report.md");
  EXPECT_NE(md.find("## Errors"), std::string::npos);
  EXPECT_NE(md.find("6: 2 ok, 4 errors"), std::string::npos) << md;
  // Error rows carry the message and its kind.
  int errors = 0;
  for (const std::string& line : lines(read_file(dir / "out" / "results.jsonl"))) {
    const json row = json::parse(line);
    if (row["status"] == "error") {
      ++errors;
      EXPECT_EQ(row["error_kind"], "config");
      EXPECT_FALSE(row["error"].get<std::string>().empty());
    } else {
      EXPECT_GT(row["cycles"].get<std::int64_t>(), 0);
      EXPECT_GT(row["energy_pj"].get<double>(), 0);
      EXPECT_GT(row["area_mm2"].get<double>(), 0);
    }
  }
  EXPECT_EQ(errors, 4);
}

TEST(SweepRunTest, OneAndTwoJobsGiveIdenticalFinalFiles) {
  const fs::path dir = fresh_dir();
  const SweepSummary one = run(kSample, dir / "one", 1);
  const SweepSummary two = run(kSample, dir / "two", 2);
  EXPECT_EQ(one.total, 12);
  EXPECT_EQ(one.ok, 12) << one.first_error;
  EXPECT_EQ(two.ok, 12);
  EXPECT_EQ(one.pareto, two.pareto);
  for (const std::string& f : kFinalFiles) {
    const std::string a = read_file(dir / "one" / f);
    EXPECT_FALSE(a.empty()) << f;
    EXPECT_EQ(a, read_file(dir / "two" / f)) << f;
  }
  EXPECT_EQ(lines(read_file(dir / "one" / "results.jsonl")).size(), 12u);
  EXPECT_EQ(row_ids(dir / "two" / "results.jsonl").size(), 12u);
}

TEST(SweepRunTest, ANonEmptyOutputFolderNeedsResume) {
  const fs::path dir = fresh_dir();
  const fs::path file = write_file(dir / "s.yaml", sweep_text("x", "  []\n"));
  fs::create_directories(dir / "out");
  write_file(dir / "out" / "notes.txt", "mine\n");
  EXPECT_THROW(run(file, dir / "out", 1), UserError);
  EXPECT_EQ(read_file(dir / "out" / "notes.txt"), "mine\n");
  EXPECT_FALSE(fs::exists(dir / "out" / "results.jsonl"));
  // With --resume the folder is used (and its other files left alone).
  EXPECT_EQ(run(file, dir / "out", 1, true).ok, 1);
  EXPECT_EQ(read_file(dir / "out" / "notes.txt"), "mine\n");
}

TEST(SweepRunTest, ResumeDropsATornLineAndRunsOnlyMissingPoints) {
  const fs::path dir = fresh_dir();
  const fs::path file = write_file(
      dir / "s.yaml", sweep_text("torn", "  - {key: array.rows, values: [8, 16, 32, 64]}\n"));
  run(file, dir / "full", 2);
  const std::vector<std::string> full = lines(read_file(dir / "full" / "results.jsonl"));
  ASSERT_EQ(full.size(), 4u);
  // Two whole lines and half of the third, as a killed writer leaves them.
  fs::create_directories(dir / "part");
  write_file(dir / "part" / "results.jsonl",
             full[0] + "\n" + full[1] + "\n" + full[2].substr(0, full[2].size() / 2));
  const SweepSummary s = run(file, dir / "part", 1, true);
  EXPECT_EQ(s.resumed, 2);
  EXPECT_EQ(s.ran, 2);
  const std::map<std::string, int> ids = row_ids(dir / "part" / "results.jsonl");
  EXPECT_EQ(ids.size(), 4u);
  for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << id;
  for (const std::string& f : kFinalFiles) {
    EXPECT_EQ(read_file(dir / "part" / f), read_file(dir / "full" / f)) << f;
  }
  // Resuming a finished sweep runs nothing and rewrites the same files.
  const SweepSummary again = run(file, dir / "part", 2, true);
  EXPECT_EQ(again.ran, 0);
  EXPECT_EQ(lines(read_file(dir / "part" / "results.jsonl")).size(), 4u);
  EXPECT_EQ(read_file(dir / "part" / "results.csv"), read_file(dir / "full" / "results.csv"));
}

TEST(SweepRunTest, ResumeRefusesRowsOfAnotherSweep) {
  const fs::path dir = fresh_dir();
  const fs::path a = write_file(dir / "a.yaml", sweep_text("a",
                                                           "  - {key: array.rows, values: "
                                                           "[8, 16]}\n"));
  const fs::path b = write_file(dir / "b.yaml", sweep_text("b",
                                                           "  - {key: array.rows, values: "
                                                           "[8, 24]}\n"));
  run(a, dir / "out", 1);
  const std::string before = read_file(dir / "out" / "results.jsonl");
  try {
    run(b, dir / "out", 1, true);
    FAIL() << "resumed a folder of another sweep";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("results.jsonl:2: error: point 0001-"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read_file(dir / "out" / "results.jsonl"), before);
}

TEST(SweepReportsTest, ParetoFrontMinimizesAreaEnergyAndLatency) {
  std::vector<SweepPoint> points(5);
  for (std::size_t i = 0; i < points.size(); ++i) points[i].id = std::to_string(i);
  auto row = [](double area, double energy, double time) {
    return json{{"status", "ok"}, {"area_mm2", area}, {"energy_pj", energy}, {"time_s", time}};
  };
  const std::vector<SweepRow> rows = {
      {&points[0], row(1, 5, 5)},
      {&points[1], row(2, 5, 5)},  // dominated by 0
      {&points[2], row(5, 1, 5)},
      {&points[3], row(1, 5, 5)},  // equal to 0: both stay
      {&points[4], json{{"status", "error"}, {"error", "x"}}},
  };
  EXPECT_EQ(pareto_front(rows), (std::vector<bool>{true, false, true, true, false}));
  EXPECT_EQ(format_number(json(1234567.0)), "1.23457e+06");
  EXPECT_EQ(format_number(json(std::int64_t{631})), "631");
  EXPECT_EQ(format_number(json(nullptr)), "");
}

// ---------------------------------------------------------------------------------------------
// Killed and resumed (the real binary)

// Starts `tpesim ARGS...` with stdout and stderr into files under `capture`; returns its pid.
pid_t spawn_tpesim(const std::vector<std::string>& args, const fs::path& capture) {
  std::vector<std::string> argv_storage = {kBinary};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string out = (capture / "stdout").string(), err = (capture / "stderr").string();
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, kBinary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  EXPECT_EQ(rc, 0) << "cannot start " << kBinary;
  return pid;
}

int wait_status(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return status;
}

std::size_t newlines(const fs::path& file) {
  const std::string text = read_file(file);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(SweepKillTest, KilledSweepsResumeToTheUninterruptedFiles) {
  const fs::path dir = fresh_dir();
  // 24 points of about 10 ms each (cycle fidelity on a 160 x 128 x 96 GEMM; 6 are error rows).
  write_file(dir / "gemm.yaml", "gemms:\n  - {name: g, m: 160, n: 128, k: 96}\n");
  const fs::path file = write_file(
      dir / "kill.yaml",
      "name: kill\nbase: " + kBase +
          "\nworkload: {file: gemm.yaml}\naxes:\n"
          "  - {key: run.fidelity, values: [cycle]}\n"
          "  - {key: array.rows, values: [8, 12, 16, 24, 32, 48]}\n"
          "  - variants:\n"
          "      - {name: int8, set: {array.pe: {kind: int_mac}}}\n"
          "      - {name: int4, set: {array.pe: {kind: int_mac, a_bits: 4, w_bits: 4}}}\n"
          "      - {name: fp16, set: {array.pe: {kind: fp_mac}}}\n"
          "      - {name: bad, set: {array.pe: {kind: int_mac, acc_bits: 8}}}\n");
  const std::size_t total = 24;
  fs::create_directories(dir / "capture");
  const pid_t ref = spawn_tpesim(
      {"sweep", file.string(), "--out", (dir / "ref").string(), "--jobs", "2"}, dir / "capture");
  const int ref_status = wait_status(ref);
  ASSERT_TRUE(WIFEXITED(ref_status) && WEXITSTATUS(ref_status) == 0)
      << read_file(dir / "capture" / "stderr");
  ASSERT_EQ(newlines(dir / "ref" / "results.jsonl"), total);

  std::mt19937 rng(20240607);  // fixed seed: the same "random" kill points every run
  int killed_mid_run = 0;
  for (int trial = 0; trial < 4; ++trial) {
    SCOPED_TRACE("trial " + std::to_string(trial));
    const fs::path out = dir / ("trial" + std::to_string(trial));
    const std::string jobs = trial % 2 == 0 ? "1" : "2";
    // Up to two kills per trial (the second one during the resumed run), then a full resume.
    for (int kill = 0; kill < 1 + trial % 2; ++kill) {
      const std::size_t have =
          fs::exists(out / "results.jsonl") ? newlines(out / "results.jsonl") : 0;
      const std::size_t wait_for =
          std::min(total - 4, have + std::uniform_int_distribution<std::size_t>(1, 8)(rng));
      std::vector<std::string> args = {"sweep",      file.string(), "--out",
                                       out.string(), "--jobs",      jobs};
      if (kill > 0) args.emplace_back("--resume");
      const pid_t pid = spawn_tpesim(args, dir / "capture");
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (std::chrono::steady_clock::now() < deadline &&
             !(fs::exists(out / "results.jsonl") && newlines(out / "results.jsonl") >= wait_for)) {
        std::this_thread::sleep_for(std::chrono::microseconds(500));
      }
      ::kill(pid, SIGKILL);
      const int status = wait_status(pid);
      if (WIFSIGNALED(status) && newlines(out / "results.jsonl") < total) ++killed_mid_run;
      // A torn write: cut the file at a random byte (every trial but the first).
      if (trial > 0) {
        const std::uintmax_t size = fs::file_size(out / "results.jsonl");
        const std::uintmax_t cut = std::uniform_int_distribution<std::uintmax_t>(0, size)(rng);
        fs::resize_file(out / "results.jsonl", cut);
      }
    }
    const pid_t pid =
        spawn_tpesim({"sweep", file.string(), "--out", out.string(), "--jobs", jobs, "--resume"},
                     dir / "capture");
    const int status = wait_status(pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << read_file(dir / "capture" / "stderr");
    for (const std::string& f : kFinalFiles) {
      EXPECT_EQ(read_file(out / f), read_file(dir / "ref" / f)) << f;
    }
    const std::map<std::string, int> ids = row_ids(out / "results.jsonl");
    EXPECT_EQ(ids.size(), total);
    for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << id;
    EXPECT_EQ(ids, row_ids(dir / "ref" / "results.jsonl"));
  }
  // Six kills, each waiting for a few rows; on a very busy machine one may land late.
  EXPECT_GE(killed_mid_run, 4);
}

}  // namespace
}  // namespace tpesim::sweep
