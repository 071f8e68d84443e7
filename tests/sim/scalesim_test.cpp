// SPDX-License-Identifier: Apache-2.0
// Tests for the SCALE-Sim v2 compatibility layer: strict .cfg reading with located errors, the
// mapping onto a tpesim architecture, Python-style float formatting, and SCALE-Sim's per-layer
// report metrics on the worked example of the SCALE-Sim notes (64x64x64 GEMM on a 32x32 array).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "sim/run.h"
#include "sim/scalesim/scalesim_config.h"
#include "sim/scalesim/scalesim_reports.h"
#include "tests/support/temp_dir.h"

namespace tpesim::scalesim {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir() { return testing_support::fresh_dir("tpesim_scalesim"); }

std::string write_cfg(const std::string& text) {
  const fs::path path = fresh_dir() / "test.cfg";
  std::ofstream(path, std::ios::binary) << text;
  return path.string();
}

// Loads `text` expecting a ConfigError; returns its diagnostics.
std::vector<Diagnostic> load_errors(const std::string& text) {
  const std::string path = write_cfg(text);
  try {
    load_scalesim_config(path);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ConfigError for:\n" << text;
  return {};
}

// The diagnostic for `path`, or a failure.
const Diagnostic* find_diag(const std::vector<Diagnostic>& ds, const std::string& path) {
  for (const Diagnostic& d : ds) {
    if (d.path == path) return &d;
  }
  std::string all;
  for (const Diagnostic& d : ds) all += render(d) + "\n";
  ADD_FAILURE() << "no diagnostic for " << path << "; got:\n" << all;
  return nullptr;
}

// A complete SCALE-Sim v2 config (the `scale.cfg` shape) in USER mode.
const char* const kFullConfig =
    "[general]\n"
    "run_name = my_run\n"
    "\n"
    "[architecture_presets]\n"
    "ArrayHeight:    16\n"
    "ArrayWidth:     8\n"
    "IfmapSramSzkB:    64\n"
    "FilterSramSzkB:   32\n"
    "OfmapSramSzkB:    16\n"
    "IfmapOffset:    5\n"
    "FilterOffset:   6000\n"
    "OfmapOffset:    7000000\n"
    "Bandwidth : 10, 20,30\n"
    "Dataflow : is\n"
    "MemoryBanks: 2\n"
    "\n"
    "[run_presets]\n"
    "InterfaceBandwidth: USER\n"
    "\n"
    "[network_presets]\n"
    "TopologyCsvLoc: \"topologies/net.csv\"\n";

// The minimal valid CALC config; tests add or replace lines.
std::string calc_config(const std::string& arch_extra = "", const std::string& tail = "") {
  return "[general]\n"
         "run_name = r\n"
         "[architecture_presets]\n"
         "ArrayHeight: 32\n"
         "ArrayWidth: 32\n"
         "IfmapSramSzkB: 256\n"
         "FilterSramSzkB: 256\n"
         "OfmapSramSzkB: 256\n"
         "Dataflow: ws\n" +
         arch_extra +
         "[run_presets]\n"
         "InterfaceBandwidth: CALC\n" +
         tail;
}

// ---------------------------------------------------------------------------------------------
// load_scalesim_config

TEST(ScalesimConfigTest, FullFileMapsEveryField) {
  const ScalesimConfig cfg = load_scalesim_config(write_cfg(kFullConfig));
  EXPECT_EQ(cfg.run_name, "my_run");
  EXPECT_EQ(cfg.array_rows, 16);
  EXPECT_EQ(cfg.array_cols, 8);
  EXPECT_EQ(cfg.ifmap_sram_kb, 64);
  EXPECT_EQ(cfg.filter_sram_kb, 32);
  EXPECT_EQ(cfg.ofmap_sram_kb, 16);
  EXPECT_EQ(cfg.ifmap_offset, 5);
  EXPECT_EQ(cfg.filter_offset, 6000);
  EXPECT_EQ(cfg.ofmap_offset, 7000000);
  EXPECT_EQ(cfg.dataflow, arch::Dataflow::Is);
  EXPECT_TRUE(cfg.user_bandwidth);
  EXPECT_EQ(cfg.bandwidths, (std::vector<std::int64_t>{10, 20, 30}));
  EXPECT_EQ(cfg.memory_banks, 2);
  EXPECT_EQ(cfg.topology_csv, "topologies/net.csv");
  EXPECT_TRUE(cfg.warnings.empty());
}

TEST(ScalesimConfigTest, OptionalOffsetsDefaultLikeScalesim) {
  const ScalesimConfig cfg = load_scalesim_config(write_cfg(calc_config()));
  EXPECT_EQ(cfg.ifmap_offset, 0);
  EXPECT_EQ(cfg.filter_offset, 10000000);
  EXPECT_EQ(cfg.ofmap_offset, 20000000);
  EXPECT_FALSE(cfg.user_bandwidth);
  EXPECT_TRUE(cfg.bandwidths.empty());
  EXPECT_EQ(cfg.dataflow, arch::Dataflow::Ws);
}

TEST(ScalesimConfigTest, EveryShippedConfigLoads) {
  const std::string dir = std::string(TPESIM_SOURCE_DIR) + "/configs/scalesim/";
  const ScalesimConfig google = load_scalesim_config(dir + "google.cfg");
  EXPECT_EQ(google.run_name, "GoogleTPU_v1_ws");
  EXPECT_EQ(google.array_rows, 256);
  EXPECT_EQ(google.ifmap_sram_kb, 6144);
  EXPECT_EQ(google.ofmap_sram_kb, 2048);
  EXPECT_FALSE(google.user_bandwidth);
  const ScalesimConfig user = load_scalesim_config(dir + "scale_32x32_os_user.cfg");
  EXPECT_TRUE(user.user_bandwidth);
  EXPECT_EQ(user.dataflow, arch::Dataflow::Os);
  EXPECT_EQ(user.bandwidths, (std::vector<std::int64_t>{64}));
}

// configparser lower-cases option names but keeps section names as written.
TEST(ScalesimConfigTest, KeysAreCaseInsensitive) {
  const ScalesimConfig cfg = load_scalesim_config(
      write_cfg("[general]\nRUN_NAME = x\n[architecture_presets]\narrayheight: 4\n"
                "ARRAYWIDTH: 8\nifmapsramszkb: 1\nFILTERSRAMSZKB: 2\nOfMaPsRaMsZkB: 3\n"
                "dataflow: os\n[run_presets]\ninterfacebandwidth: CALC\n"));
  EXPECT_EQ(cfg.run_name, "x");
  EXPECT_EQ(cfg.array_rows, 4);
  EXPECT_EQ(cfg.array_cols, 8);
  EXPECT_EQ(cfg.ifmap_sram_kb, 1);
  EXPECT_EQ(cfg.filter_sram_kb, 2);
  EXPECT_EQ(cfg.ofmap_sram_kb, 3);
  EXPECT_EQ(cfg.dataflow, arch::Dataflow::Os);
}

TEST(ScalesimConfigTest, SectionsAreCaseSensitive) {
  std::string text = calc_config();
  text.replace(text.find("[general]"), 9, "[General]");
  const auto ds = load_errors(text);
  ASSERT_FALSE(ds.empty());
  // The misspelt section itself, with a suggestion, at line 1 column 2 (after the '[').
  const Diagnostic* unknown = find_diag(ds, "General");
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(unknown->loc.line, 1);
  EXPECT_EQ(unknown->loc.col, 2);
  EXPECT_EQ(unknown->message, "unknown section (did you mean '[general]'?)");
  // And run_name is then missing from [general].
  const Diagnostic* missing = find_diag(ds, "general.run_name");
  ASSERT_NE(missing, nullptr);
  EXPECT_NE(missing->message.find("missing section [general]"), std::string::npos);
}

TEST(ScalesimConfigTest, MissingRequiredKeyIsLocatedAtItsSection) {
  std::string text = calc_config();
  text.erase(text.find("ArrayWidth: 32\n"), 15);
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.ArrayWidth");
  EXPECT_EQ(ds[0].message, "required key is missing");
  EXPECT_EQ(ds[0].loc.line, 3);  // the [architecture_presets] header
  EXPECT_EQ(ds[0].loc.col, 1);
  EXPECT_NE(ds[0].loc.file().find("test.cfg"), std::string::npos);
}

TEST(ScalesimConfigTest, UnknownKeyIsLocatedWithSuggestion) {
  const auto ds = load_errors(calc_config("ArrayHieght: 7\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.ArrayHieght");
  EXPECT_EQ(ds[0].message, "unknown key (did you mean 'ArrayHeight'?)");
  EXPECT_EQ(ds[0].loc.line, 10);
  EXPECT_EQ(ds[0].loc.col, 1);
  const std::string rendered = render(ds[0]);
  EXPECT_NE(rendered.find("test.cfg:10:1: error: architecture_presets.ArrayHieght: unknown key "
                          "(did you mean 'ArrayHeight'?)"),
            std::string::npos)
      << rendered;
}

TEST(ScalesimConfigTest, InvalidDataflowIsAnErrorAtTheValue) {
  std::string text = calc_config();
  text.replace(text.find("Dataflow: ws"), 12, "Dataflow :  xs");
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.Dataflow");
  EXPECT_EQ(ds[0].loc.line, 9);
  EXPECT_EQ(ds[0].loc.col, 13);  // "Dataflow :  xs": the value starts at column 13
  EXPECT_NE(ds[0].message.find("'xs' is not one of os | ws | is"), std::string::npos)
      << ds[0].message;
}

// Dataflow values are case-sensitive in SCALE-Sim (`WS` would silently run OS there).
TEST(ScalesimConfigTest, DataflowIsCaseSensitive) {
  std::string text = calc_config();
  text.replace(text.find("Dataflow: ws"), 12, "Dataflow: WS");
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.Dataflow");
}

TEST(ScalesimConfigTest, InterfaceBandwidthMustBeUserOrCalc) {
  for (const char* bad : {"user", "Calc", "ESTIMATE"}) {
    std::string text = calc_config();
    text.replace(text.find("CALC"), 4, bad);
    const auto ds = load_errors(text);
    ASSERT_EQ(ds.size(), 1u) << bad;
    EXPECT_EQ(ds[0].path, "run_presets.InterfaceBandwidth");
    EXPECT_EQ(ds[0].message, std::string("'") + bad + "' is not one of USER | CALC");
    EXPECT_EQ(ds[0].loc.line, 11);
    EXPECT_EQ(ds[0].loc.col, 21);
  }
}

TEST(ScalesimConfigTest, UserModeNeedsBandwidth) {
  std::string text = calc_config();
  text.replace(text.find("CALC"), 4, "USER");
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.Bandwidth");
  EXPECT_EQ(ds[0].message, "required key is missing");
}

TEST(ScalesimConfigTest, BadBandwidthListIsLocated) {
  std::string text = calc_config("Bandwidth: 10, x\n");
  text.replace(text.find("CALC"), 4, "USER");
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "architecture_presets.Bandwidth");
  EXPECT_EQ(ds[0].loc.line, 10);
  EXPECT_NE(ds[0].message.find("'x'"), std::string::npos) << ds[0].message;
}

TEST(ScalesimConfigTest, NonIntegerAndOutOfRangeValues) {
  std::string text = calc_config();
  text.replace(text.find("ArrayHeight: 32"), 15, "ArrayHeight: 32.0");
  text.replace(text.find("ArrayWidth: 32"), 14, "ArrayWidth: 0");
  const auto ds = load_errors(text);
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(ds[0].path, "architecture_presets.ArrayHeight");
  EXPECT_EQ(ds[0].message, "expected an integer, got '32.0'");
  EXPECT_EQ(ds[0].loc.line, 4);
  EXPECT_EQ(ds[0].loc.col, 14);
  EXPECT_EQ(ds[1].path, "architecture_presets.ArrayWidth");
  EXPECT_NE(ds[1].message.find("must be in [1, 4096], got 0"), std::string::npos);
  EXPECT_EQ(ds[1].loc.line, 5);
}

// Keys that real SCALE-Sim (v2 branches, v3, the Accelergy scripts) config files carry are read
// without error; settings tpesim does not model but which do not change results are warnings.
TEST(ScalesimConfigTest, RealWorldExtraKeysAreAccepted) {
  const std::string text = calc_config("OnChipMemoryBanks: 1\nOnChipMemoryBankPorts: 1\n",
                                       "UseRamulatorTrace: False\n"
                                       "SRAM_row_size: 2\n"
                                       "SRAM_bank_size: 10\n"
                                       "DRAM_row_size: 2\n"
                                       "DRAM_bank_size: 10\n"
                                       "[layout]\n"
                                       "IfmapCustomLayout: True\n"
                                       "IfmapSRAMBankBandwidth: 10\n"
                                       "IfmapSRAMBankNum: 10\n"
                                       "IfmapSRAMBankPort: 2\n"
                                       "FilterCustomLayout: False\n"
                                       "FilterSRAMBankBandwidth: 10\n"
                                       "FilterSRAMBankNum: 10\n"
                                       "FilterSRAMBankPort: 2\n"
                                       "[sparsity]\n"
                                       "SparsitySupport : false\n"
                                       "SparseRep : ellpack_block\n"
                                       "OptimizedMapping : false\n"
                                       "BlockSize : 8\n"
                                       "RandomNumberGeneratorSeed : 40\n");
  const ScalesimConfig cfg = load_scalesim_config(write_cfg(text));
  EXPECT_EQ(cfg.array_rows, 32);
  ASSERT_EQ(cfg.warnings.size(), 1u);
  EXPECT_NE(cfg.warnings[0].find("test.cfg:20:20: warning: layout.IfmapCustomLayout"),
            std::string::npos)
      << cfg.warnings[0];
  EXPECT_NE(cfg.warnings[0].find("not modelled"), std::string::npos);
}

TEST(ScalesimConfigTest, SparsitySupportTrueIsAnError) {
  const auto ds = load_errors(calc_config("", "[sparsity]\nSparsitySupport : True\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "sparsity.SparsitySupport");
  EXPECT_EQ(ds[0].loc.line, 13);
  EXPECT_EQ(ds[0].loc.col, 19);
  EXPECT_NE(ds[0].message.find("not modelled"), std::string::npos) << ds[0].message;
}

TEST(ScalesimConfigTest, FeatureSwitchMustBeBoolean) {
  const auto ds = load_errors(calc_config("", "[layout]\nIfmapCustomLayout: yes\n"));
  ASSERT_EQ(ds.size(), 1u);
  EXPECT_EQ(ds[0].path, "layout.IfmapCustomLayout");
  EXPECT_EQ(ds[0].message, "expected True or False, got 'yes'");
}

// Every problem of a file is reported in one go, sorted by position.
TEST(ScalesimConfigTest, AllErrorsAreReportedAtOnce) {
  std::string text = calc_config("Colour: red\n", "[sparsity]\nSparsitySupport: true\n");
  text.replace(text.find("ArrayHeight: 32"), 15, "ArrayHeight: many");
  text.replace(text.find("Dataflow: ws"), 12, "Dataflow: xs");
  text.replace(text.find("CALC"), 4, "FAST");
  const std::string path = write_cfg(text);
  try {
    load_scalesim_config(path);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    const auto& ds = e.diagnostics();
    ASSERT_EQ(ds.size(), 5u) << e.what();
    const std::vector<std::string> paths = {
        "architecture_presets.ArrayHeight", "architecture_presets.Dataflow",
        "architecture_presets.Colour", "run_presets.InterfaceBandwidth",
        "sparsity.SparsitySupport"};
    for (std::size_t i = 0; i < ds.size(); ++i) {
      EXPECT_EQ(ds[i].path, paths[i]) << i;
      if (i > 0) {
        EXPECT_LT(ds[i - 1].loc.line, ds[i].loc.line);
      }
    }
    const std::string what = e.what();
    EXPECT_NE(what.find(path + ":4:14: error: architecture_presets.ArrayHeight:"),
              std::string::npos)
        << what;
    EXPECT_NE(what.find(path + ":10:1: error: architecture_presets.Colour: unknown key"),
              std::string::npos)
        << what;
  }
}

TEST(ScalesimConfigTest, MalformedLinesAreLocated) {
  const auto ds = load_errors("run_name = x\n[general\n[general]\njust words\n");
  auto line_of = [&](const std::string& message) {
    for (const Diagnostic& d : ds) {
      if (d.message == message) return d.loc.line;
    }
    ADD_FAILURE() << "no diagnostic '" << message << "'";
    return 0;
  };
  EXPECT_EQ(line_of("key outside of any [section]"), 1);
  EXPECT_EQ(line_of("malformed section header"), 2);
  EXPECT_EQ(line_of("expected `key = value`"), 4);
  // The required sections that never appear are reported too, at the top of the file.
  EXPECT_EQ(line_of("missing section [architecture_presets]"), 1);
  EXPECT_EQ(line_of("missing section [run_presets]"), 1);
}

TEST(ScalesimConfigTest, MissingFileIsAUserError) {
  EXPECT_THROW(load_scalesim_config((fresh_dir() / "absent.cfg").string()), UserError);
}

// ---------------------------------------------------------------------------------------------
// to_arch

TEST(ScalesimToArchTest, CalcModeIsIdealMemory) {
  const arch::ArchSpec a = to_arch(load_scalesim_config(write_cfg(calc_config())));
  EXPECT_EQ(a.name, "r");
  EXPECT_EQ(a.array.rows, 32);
  EXPECT_EQ(a.array.cols, 32);
  EXPECT_EQ(a.array.dataflow, arch::Dataflow::Ws);
  EXPECT_EQ(a.memory.kind, arch::MemoryKind::Ideal);
  EXPECT_EQ(a.run.timing, arch::TimingMode::Scalesim);
  EXPECT_EQ(a.memory.ifmap.capacity_bytes, 256 * 1024);
  const auto& pe = std::get<pe::IntMacSpec>(a.array.pe);
  EXPECT_EQ(pe.a_bits, 8);
  EXPECT_EQ(pe.w_bits, 8);
  EXPECT_EQ(pe.acc_bits, 32);
}

TEST(ScalesimToArchTest, UserModeIsBufferedWithBandwidthZero) {
  const arch::ArchSpec a = to_arch(load_scalesim_config(write_cfg(kFullConfig)));
  EXPECT_EQ(a.name, "my_run");
  EXPECT_EQ(a.array.rows, 16);
  EXPECT_EQ(a.array.cols, 8);
  EXPECT_EQ(a.array.dataflow, arch::Dataflow::Is);
  EXPECT_EQ(a.run.timing, arch::TimingMode::Scalesim);
  EXPECT_EQ(a.memory.kind, arch::MemoryKind::Buffered);
  EXPECT_EQ(a.memory.ifmap.capacity_bytes, 64 * 1024);
  EXPECT_EQ(a.memory.filter.capacity_bytes, 32 * 1024);
  EXPECT_EQ(a.memory.ofmap.capacity_bytes, 16 * 1024);
  EXPECT_EQ(a.memory.dram.bytes_per_cycle, 10);  // Bandwidth[0]; the rest are unused
  for (const arch::BufferSpec* b : {&a.memory.ifmap, &a.memory.filter, &a.memory.ofmap}) {
    EXPECT_TRUE(b->double_buffered);
  }
}

// ---------------------------------------------------------------------------------------------
// python_float: Python's str() of a float

TEST(PythonFloatTest, MatchesPythonStr) {
  EXPECT_EQ(python_float(100.0), "100.0");
  EXPECT_EQ(python_float(0.0), "0.0");
  EXPECT_EQ(python_float(-525.0), "-525.0");
  EXPECT_EQ(python_float(33.0), "33.0");
  EXPECT_EQ(python_float(25600.0 / 631.0), "40.57052297939778");
  EXPECT_EQ(python_float(40.57052297939778), "40.57052297939778");
  EXPECT_EQ(python_float(4096.0 / 525.0), "7.801904761904762");
  EXPECT_EQ(python_float(0.1), "0.1");
  EXPECT_EQ(python_float(0.0001), "0.0001");
  EXPECT_EQ(python_float(1e-5), "1e-05");
  EXPECT_EQ(python_float(1.5e-7), "1.5e-07");
  EXPECT_EQ(python_float(100000.0), "100000.0");
  EXPECT_EQ(python_float(1e15), "1000000000000000.0");
  EXPECT_EQ(python_float(1e16), "1e+16");
  EXPECT_EQ(python_float(1.2345678901234567e17), "1.2345678901234566e+17");
  EXPECT_EQ(python_float(2.5e-300), "2.5e-300");
  EXPECT_EQ(python_float(1e22), "1e+22");
  EXPECT_EQ(python_float(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(python_float(std::numeric_limits<double>::quiet_NaN()), "nan");
}

// ---------------------------------------------------------------------------------------------
// scalesim_metrics

arch::ArchSpec scalesim_arch(int rows, int cols, arch::Dataflow df) {
  arch::ArchSpec a;
  a.name = "scalesim";
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = df;
  a.memory.kind = arch::MemoryKind::Ideal;
  a.run.timing = arch::TimingMode::Scalesim;
  return a;
}

// One COMPUTE_REPORT / DETAILED_ACCESS_REPORT row's worth of expected values, as SCALE-Sim
// prints them.
struct Expected {
  arch::Dataflow dataflow;
  std::int64_t cycles;
  const char* overall_util;
  const char* mapping_efficiency;
  const char* compute_util;
  const char *ifmap_start, *ifmap_stop;
  std::int64_t ifmap_reads;
  const char *filter_start, *filter_stop;
  std::int64_t filter_reads;
  const char *ofmap_start, *ofmap_stop;
  std::int64_t ofmap_writes;
};

// Runs `gemm` at `fidelity` and compares SCALE-Sim's metrics, formatted as SCALE-Sim prints them.
void check_metrics_at(int rows, int cols, const workloads::Gemm& gemm, const Expected& e,
                      arch::Fidelity fidelity) {
  SCOPED_TRACE(testing::Message() << gemm.m << "x" << gemm.n << "x" << gemm.k << " on " << rows
                                  << "x" << cols << " " << tpesim::enum_name(e.dataflow) << " "
                                  << tpesim::enum_name(fidelity));
  arch::ArchSpec a = scalesim_arch(rows, cols, e.dataflow);
  a.run.fidelity = fidelity;
  const RunResult run = run_workload(a, workloads::Workload{"test", {gemm}});
  ASSERT_EQ(run.layers.size(), 1u);
  const LayerResult& layer = run.layers[0];
  EXPECT_EQ(layer.stats.cycles, e.cycles);
  EXPECT_EQ(layer.stats.stall_cycles, 0);
  const ScalesimLayerMetrics m = scalesim_metrics(run.arch, layer);
  EXPECT_EQ(python_float(m.overall_util), e.overall_util);
  EXPECT_EQ(python_float(m.mapping_efficiency), e.mapping_efficiency);
  EXPECT_EQ(python_float(m.compute_util), e.compute_util);
  EXPECT_EQ(python_float(m.ifmap_sram_start), e.ifmap_start);
  EXPECT_EQ(python_float(m.ifmap_sram_stop), e.ifmap_stop);
  EXPECT_EQ(m.ifmap_reads, e.ifmap_reads);
  EXPECT_EQ(python_float(m.filter_sram_start), e.filter_start);
  EXPECT_EQ(python_float(m.filter_sram_stop), e.filter_stop);
  EXPECT_EQ(m.filter_reads, e.filter_reads);
  EXPECT_EQ(python_float(m.ofmap_sram_start), e.ofmap_start);
  EXPECT_EQ(python_float(m.ofmap_sram_stop), e.ofmap_stop);
  EXPECT_EQ(m.ofmap_writes, e.ofmap_writes);
}

// Both fidelities must give the same SCALE-Sim numbers.
void check_metrics(int rows, int cols, const workloads::Gemm& gemm, const Expected& e) {
  check_metrics_at(rows, cols, gemm, e, arch::Fidelity::Fast);
  check_metrics_at(rows, cols, gemm, e, arch::Fidelity::Cycle);
}

// The worked example of the SCALE-Sim notes (section 7): M = N = K = 64 on a 32 x 32 array.
TEST(ScalesimMetricsTest, WorkedExampleWs) {
  check_metrics(32, 32, {"g", 64, 64, 64, 1},
                {arch::Dataflow::Ws, 631, "40.57052297939778", "100.0", "33.86243386243386", "33.0",
                 "601.0", 8192, "1.0", "506.0", 4096, "63.0", "631.0", 8192});
}

// OS writes R + C extra OFMAP words per fold (SCALE-Sim v2's counter quirk): 4096 + 4 * 64.
TEST(ScalesimMetricsTest, WorkedExampleOs) {
  check_metrics(32, 32, {"g", 64, 64, 64, 1},
                {arch::Dataflow::Os, 503, "50.89463220675945", "100.0", "50.79365079365079", "1.0",
                 "473.0", 8192, "1.0", "473.0", 8192, "63.0", "503.0", 4352});
}

TEST(ScalesimMetricsTest, WorkedExampleIs) {
  check_metrics(32, 32, {"g", 64, 64, 64, 1},
                {arch::Dataflow::Is, 631, "40.57052297939778", "100.0", "33.86243386243386", "1.0",
                 "506.0", 4096, "33.0", "601.0", 8192, "63.0", "631.0", 8192});
}

// Partial folds (M=64, N=48, K=40 on 32 x 32): mapping and compute utilization are unweighted
// means over folds, and start/stop cycles follow the used rows/columns of the first and last fold.
// Expected values: a pure-Python re-implementation of SCALE-Sim's demand matrices (notes §4).
TEST(ScalesimMetricsTest, PartialFolds) {
  const workloads::Gemm g{"g", 64, 48, 40, 1};
  check_metrics(32, 32, g,
                {arch::Dataflow::Ws, 631, "19.01743264659271", "46.875", "15.873015873015872",
                 "33.0", "577.0", 5120, "1.0", "506.0", 1920, "63.0", "615.0", 6144});
  check_metrics(32, 32, g,
                {arch::Dataflow::Os, 407, "29.484029484029485", "75.0", "29.411764705882355", "1.0",
                 "377.0", 5120, "1.0", "361.0", 3840, "39.0", "391.0", 3328});
  check_metrics(32, 32, g,
                {arch::Dataflow::Is, 567, "21.164021164021165", "62.5", "17.341040462427742", "1.0",
                 "458.0", 2560, "33.0", "513.0", 3840, "63.0", "567.0", 6144});
}

// A non-square array with every dimension folding unevenly (M=20, N=30, K=40 on 16 x 8).
TEST(ScalesimMetricsTest, NonSquareArray) {
  const workloads::Gemm g{"g", 20, 30, 40, 1};
  check_metrics(16, 8, g,
                {arch::Dataflow::Ws, 695, "26.97841726618705", "78.125", "24.03846153846154",
                 "17.0", "681.0", 3200, "1.0", "654.0", 1200, "31.0", "693.0", 1800});
  check_metrics(16, 8, g,
                {arch::Dataflow::Os, 495, "37.878787878787875", "58.59375", "37.80241935483871",
                 "1.0", "477.0", 3200, "1.0", "479.0", 2400, "39.0", "493.0", 792});
  check_metrics(
      16, 8, g,
      {arch::Dataflow::Is, 611, "30.687397708674304", "69.44444444444444", "27.77777777777778",
       "1.0", "560.0", 800, "17.0", "597.0", 3600, "31.0", "607.0", 1800});
}

// Layers smaller than the array in every dimension (M=5, N=3, K=2 on 8 x 16).
TEST(ScalesimMetricsTest, LayerSmallerThanArray) {
  const workloads::Gemm g{"g", 5, 3, 2, 1};
  check_metrics(8, 16, g,
                {arch::Dataflow::Ws, 34, "0.6893382352941176", "4.6875", "0.46875", "9.0", "14.0",
                 10, "7.0", "8.0", 6, "15.0", "21.0", 15});
  check_metrics(8, 16, g,
                {arch::Dataflow::Os, 23, "1.0190217391304348", "11.71875", "0.9765625", "1.0",
                 "6.0", 10, "1.0", "4.0", 6, "4.0", "10.0", 39});
  check_metrics(8, 16, g,
                {arch::Dataflow::Is, 32, "0.732421875", "7.8125", "0.48828125", "7.0", "8.0", 10,
                 "9.0", "12.0", 6, "15.0", "21.0", 15});
}

}  // namespace
}  // namespace tpesim::scalesim
