// SPDX-License-Identifier: Apache-2.0
// `tpesim synth` and tech.pe_area: yosys: the parsers of the tools' output on captured text, the
// PE-to-Verilog mapping, an end-to-end synthesis of a small int_mac with Yosys and OpenSTA (and
// its cache), the command's errors, and the cost model's synthesized PE area. The tests that run
// the tools skip only where Yosys, OpenSTA or the OSU 0.18 um liberty is absent (CI installs them
// with scripts/install-deps).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "sim/core/errors.h"
#include "sim/report/cost_report.h"
#include "sim/run.h"
#include "sim/synth/node_scaled.h"
#include "sim/synth/rtl_target.h"
#include "sim/synth/sha256.h"
#include "sim/synth/synth_flow.h"
#include "sim/synth/tool_output.h"
#include "tests/support/temp_dir.h"

namespace tpesim::synth {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kBinary = TPESIM_BINARY;

// Skips the calling test when a tool is missing, saying what and how to install it.
#define SKIP_WITHOUT_TOOLS()                                                      \
  do {                                                                            \
    if (const std::string why = missing_tools(default_synth_env()); !why.empty()) \
      GTEST_SKIP() << "synthesis tools absent: " << why;                          \
  } while (false)

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Result {
  int status = -1;  // exit status
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `tpesim ARGS...` with stdout and stderr captured into `dir`.
Result tpesim(const std::vector<std::string>& args, const fs::path& dir) {
  std::string cmd = quote(kBinary);
  for (const std::string& a : args) cmd.append(" ").append(quote(a));
  cmd.append(" >").append(quote((dir / "stdout").string()));
  cmd.append(" 2>").append(quote((dir / "stderr").string()));
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(dir / "stdout"),
          read_file(dir / "stderr")};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

pe::PeConfig bind(const std::string& yaml) {
  const ConfigDoc doc = ConfigDoc::from_string(yaml, "test");
  Diag diag;
  pe::PeConfig pe = pe::bind_pe(doc.root(), diag);
  diag.throw_if_any();
  return pe;
}

// The small PE of the end-to-end tests: int4 x int4 -> 8 bits, well under a second to synthesize.
const std::vector<std::string> kSmallIntMac = {"--pe",  "int_mac",  "--set", "a_bits=4",
                                               "--set", "w_bits=4", "--set", "acc_bits=8"};

// ---------------------------------------------------------------------------------------------
// Hashes and parsers

// The FIPS 180-4 examples, including a message whose padding needs a second block.
TEST(Sha256Test, MatchesPublishedDigests) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

// Yosys 0.23 `stat -liberty` of pe_int_mac (8 x 8 -> 32), as captured.
const char* const kStat = R"(
7. Printing statistics.

=== pe_int_mac ===

   Number of wires:               1213
   Number of wire bits:           1290
   Number of public wires:           9
   Number of public wire bits:      86
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:               1237
     AND2X1                         48
     AOI21X1                       117
     AOI22X1                         8
     DFFPOSX1                       33
     INVX1                          83
     MUX2X1                          2
     NAND2X1                       182
     NAND3X1                        63
     NOR2X1                         98
     NOR3X1                         29
     OAI21X1                       256
     OAI22X1                         5
     OR2X1                          33
     XNOR2X1                       154
     XOR2X1                        126

   Chip area for module '\pe_int_mac': 43860.000000
)";

// Cells by type, their total and the chip area come out of the statistics.
TEST(ToolOutputTest, YosysStatGivesCellsAndArea) {
  const CellStats s = parse_yosys_stat(kStat, "stat.txt");
  EXPECT_EQ(s.module, "pe_int_mac");
  EXPECT_EQ(s.cell_count, 1237);
  EXPECT_EQ(s.cells.size(), 15u);
  EXPECT_EQ(s.cells.at("DFFPOSX1"), 33);
  EXPECT_EQ(s.cells.at("OAI21X1"), 256);
  EXPECT_DOUBLE_EQ(s.area_um2, 43860.0);
}

// Statistics without a liberty area, or whose counts do not add up, are errors, not zeros.
TEST(ToolOutputTest, YosysStatWithoutAreaOrWithWrongCountsThrows) {
  std::string no_area = kStat;
  no_area.erase(no_area.find("   Chip area"));
  EXPECT_THROW(parse_yosys_stat(no_area, "stat.txt"), std::runtime_error);
  std::string wrong = kStat;
  wrong.replace(wrong.find("1237"), 4, "1238");
  EXPECT_THROW(parse_yosys_stat(wrong, "stat.txt"), std::runtime_error);
  EXPECT_THROW(parse_yosys_stat("", "stat.txt"), std::runtime_error);
}

// OpenSTA 2.0.17 output of tpesim's script (paths shortened), as captured.
const char* const kSta = R"(OpenSTA 2.0.17 GITDIR-NOT Copyright (c) 2019, Parallax Software, Inc.
tpesim-section all
Startpoint: in_clear (input port clocked by clk)
Endpoint: _2440_ (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max

    Delay      Time   Description
-------------------------------------------------------------
   0.0000    0.0000   clock clk (rise edge)
   0.0000    0.0000 ^ in_clear (in)
   1.4459    1.4459 v _1234_/Y (INVX1)
   0.0565    6.7661 ^ _2407_/Y (AOI21X1)
   0.0000    6.7661 ^ _2440_/D (DFFPOSX1)
             6.7661   data arrival time

1000.0000 1000.0000   clock clk (rise edge)
  -0.1834  999.8167   library setup time
           999.8167   data required time
-------------------------------------------------------------
           999.8167   data required time
            -6.7661   data arrival time
-------------------------------------------------------------
           993.0506   slack (MET)


tpesim-section reg_to_reg
Startpoint: _2415_ (rising edge-triggered flip-flop clocked by clk)
Endpoint: _2440_ (rising edge-triggered flip-flop clocked by clk)
Path Group: clk
Path Type: max
             5.1963   data arrival time
           999.8167   data required time
            -5.1963   data arrival time
-------------------------------------------------------------
           994.6204   slack (MET)

tpesim-section power
Group                    Internal    Switching      Leakage        Total
                            Power        Power        Power        Power
------------------------------------------------------------------------
Sequential           1.058266e-05 1.788257e-06 5.303923e-08 1.237097e-05   9.0%
Combinational        9.005219e-05 3.517535e-05 8.797358e-08 1.252284e-04  91.0%
------------------------------------------------------------------------
Total                2.597207e-05 7.392719e-06 9.327749e-08 3.345807e-05 100.0%
                            73.1%        26.9%         0.0%
)";

// The worst path of each section (arrival from the path, not the negated summary line), and the
// power totals.
TEST(ToolOutputTest, StaReportGivesPathsAndPower) {
  const StaReport r = parse_sta_report(kSta, "sta.log");
  ASSERT_TRUE(r.all.has_value());
  EXPECT_EQ(r.all->startpoint, "in_clear");
  EXPECT_EQ(r.all->endpoint, "_2440_");
  EXPECT_DOUBLE_EQ(r.all->arrival_ns, 6.7661);
  EXPECT_DOUBLE_EQ(r.all->slack_ns, 993.0506);
  ASSERT_TRUE(r.reg_to_reg.has_value());
  EXPECT_EQ(r.reg_to_reg->startpoint, "_2415_");
  EXPECT_DOUBLE_EQ(r.reg_to_reg->slack_ns, 994.6204);
  ASSERT_TRUE(r.power.has_value());
  EXPECT_DOUBLE_EQ(r.power->internal_w, 2.597207e-05);
  EXPECT_DOUBLE_EQ(r.power->switching_w, 7.392719e-06);
  EXPECT_DOUBLE_EQ(r.power->leakage_w, 9.327749e-08);
}

// A section without paths gives no path; a slack without its path is malformed.
TEST(ToolOutputTest, StaReportWithoutPathsIsEmptyAndTruncatedPathsThrow) {
  const StaReport r = parse_sta_report("tpesim-section reg_to_reg\nNo paths found.\n", "sta.log");
  EXPECT_FALSE(r.all.has_value());
  EXPECT_FALSE(r.reg_to_reg.has_value());
  EXPECT_THROW(parse_sta_report("tpesim-section all\n   993.0 slack (MET)\n", "sta.log"),
               std::runtime_error);
}

// The liberty attributes the flow reads: library name, voltage, cell areas, flip-flops.
TEST(ToolOutputTest, LibertyGivesAreasAndSequentialCells) {
  const char* const lib = R"(library(osu018_stdcells) {
  nom_voltage : 1.8;
  operating_conditions ( typical ) { voltage : 1.8; }
cell (DFFPOSX1) {
area : 96;
  ff (DS0000,P0002) {
    next_state : "D";
  }
  pin(D) { capacitance : 0.0088; }
}
cell (NAND2X1) {
area : 24;
  pin(A) { capacitance : 0.0125; }
}
})";
  const Liberty l = parse_liberty(lib, "test.lib");
  EXPECT_EQ(l.name, "osu018_stdcells");
  EXPECT_DOUBLE_EQ(l.nom_voltage_v, 1.8);
  ASSERT_EQ(l.cells.size(), 2u);
  EXPECT_DOUBLE_EQ(l.cells.at("DFFPOSX1").area_um2, 96);
  EXPECT_TRUE(l.cells.at("DFFPOSX1").sequential);
  EXPECT_DOUBLE_EQ(l.cells.at("NAND2X1").area_um2, 24);
  EXPECT_FALSE(l.cells.at("NAND2X1").sequential);
  EXPECT_THROW(parse_liberty("library(x) { cell (A) { } }", "bad.lib"), std::runtime_error);
}

// ---------------------------------------------------------------------------------------------
// The PE-to-Verilog mapping

// Every Spec field that the Verilog has becomes its parameter; formats split into E, M and the
// special-value convention.
TEST(RtlTargetTest, SpecFieldsBecomeModuleParameters) {
  const RtlTarget fp =
      rtl_target(bind("{kind: fp_mac, a_format: fp8_e4m3, w_format: fp8_e5m2, out_format: bf16}"));
  EXPECT_EQ(fp.module, "pe_fp_mac");
  std::string params;
  for (const RtlParam& p : fp.params) params += p.name + "=" + std::to_string(p.value) + " ";
  EXPECT_EQ(params, "A_E=4 A_M=3 A_IEEE_SPECIAL=0 W_E=5 W_M=2 W_IEEE_SPECIAL=1 OUT_E=8 OUT_M=7 ");

  const RtlTarget sd = rtl_target(bind("{kind: bitslice, variant: serial_digit, digit_group: 3}"));
  EXPECT_EQ(sd.file, "pe_bitslice_serial_digit.sv");
  EXPECT_EQ(sd.params.back().name, "LANES");
  EXPECT_EQ(sd.params.back().value, 3);
  // bitslice saturates in Verilog too (both variants): SATURATE = overflow is saturate.
  for (const char* yaml : {"{kind: bitslice, overflow: saturate}",
                           "{kind: bitslice, variant: serial_digit, overflow: saturate}"}) {
    const RtlTarget bs = rtl_target(bind(yaml));
    ASSERT_GE(bs.params.size(), 4u) << yaml;
    EXPECT_EQ(bs.params[3].name, "SATURATE") << yaml;
    EXPECT_EQ(bs.params[3].value, 1) << yaml;
  }
  EXPECT_EQ(sd.params[3].name, "SATURATE");
  EXPECT_EQ(sd.params[3].value, 0);

  const RtlTarget sat = rtl_target(bind("{kind: int_mac, overflow: saturate}"));
  EXPECT_EQ(sat.params.back().name, "SATURATE");
  EXPECT_EQ(sat.params.back().value, 1);
  // lmul's Verilog is the multiplier: its accumulator stays priced by the table.
  const RtlTarget lm = rtl_target(bind("{kind: lmul, format: fp8_e4m3, acc_format: bf16}"));
  ASSERT_EQ(lm.outside.size(), 3u);
  EXPECT_EQ(lm.outside[1].primitive, "fp_add_bf16");
}

// mixpe (W4A8) and lut_tc (fp16 activations with float tables, or int8 activations) map onto
// their modules, every parameter from the Spec.
TEST(RtlTargetTest, MixpeAndLutTcMapToTheirModules) {
  auto values = [](const RtlTarget& t) {
    std::vector<std::pair<std::string, int>> v;
    for (const RtlParam& p : t.params) v.emplace_back(p.name, p.value);
    return v;
  };
  using Params = std::vector<std::pair<std::string, int>>;
  const RtlTarget mx =
      rtl_target(bind("{kind: mixpe, w_bits: 2, group_size: 64, out_format: fp16}"));
  EXPECT_EQ(mx.module, "pe_mixpe_w4a8");
  EXPECT_EQ(values(mx), (Params{{"W_BITS", 2}, {"GROUP_SIZE", 64}, {"OUT_E", 5}, {"OUT_M", 10}}));
  const RtlTarget lt = rtl_target(
      bind("{kind: lut_tc, lut_group: 2, w_bits: 3, table_format: fp32, acc_format: fp16}"));
  EXPECT_EQ(lt.module, "pe_lut_tc");
  EXPECT_EQ(values(lt), (Params{{"KG", 2},
                                {"W_BITS", 3},
                                {"TABLE_E", 8},
                                {"TABLE_M", 23},
                                {"ACC_E", 5},
                                {"ACC_M", 10},
                                {"OUT_E", 8},
                                {"OUT_M", 23}}));
  const RtlTarget li = rtl_target(bind("{kind: lut_tc, activation: int8, w_bits: 4}"));
  EXPECT_EQ(li.module, "pe_lut_tc_int8");
  EXPECT_EQ(values(li),
            (Params{{"KG", 4}, {"W_BITS", 4}, {"GROUP_SIZE", 128}, {"OUT_E", 8}, {"OUT_M", 23}}));
}

// Kinds, variants and parameter values without Verilog are user errors naming what exists.
TEST(RtlTargetTest, NoVerilogIsAUserErrorListingWhatExists) {
  for (const char* yaml :
       {"{kind: mixpe, variant: w4a16}", "{kind: lut_tc, table_format: int8}",
        "{kind: bitslice, variant: same_bw_tree}", "{kind: bitslice, variant: laconic}"}) {
    try {
      rtl_target(bind(yaml));
      ADD_FAILURE() << yaml << " did not throw";
    } catch (const UserError& e) {
      EXPECT_TRUE(contains(e.what(), "synth maps no Verilog module")) << e.what();
      EXPECT_TRUE(contains(e.what(), "rtl/pe_int_mac.sv")) << e.what();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The tools, end to end

// A small int_mac synthesizes to a nonzero area and a finite critical path; the second call is
// a cache hit with the same numbers.
TEST(SynthFlowTest, SmallIntMacSynthesizesThenHitsTheCache) {
  SKIP_WITHOUT_TOOLS();
  const fs::path cache = testing_support::fresh_dir("synth_cache");
  const SynthEnv env = default_synth_env(cache.string());
  const RtlTarget t = rtl_target(bind("{kind: int_mac, a_bits: 4, w_bits: 4, acc_bits: 8}"));
  const SynthResult first = synthesize(t, env);
  EXPECT_FALSE(first.cache_hit);
  EXPECT_GT(first.area_um2, 0);
  EXPECT_GT(first.cell_count, 0);
  EXPECT_GT(first.flip_flops, 0);
  EXPECT_DOUBLE_EQ(first.nand2_eq, first.area_um2 / first.nand2_um2);
  EXPECT_GT(first.critical_path_ns, 0);
  EXPECT_TRUE(std::isfinite(first.critical_path_ns));
  EXPECT_NEAR(first.fmax_mhz, 1000 / first.critical_path_ns, 1e-9);
  EXPECT_EQ(first.library_node_nm, 180);
  EXPECT_TRUE(fs::exists(first.entry / "netlist.v"));
  ASSERT_EQ(first.verilog.size(), 1u);
  EXPECT_EQ(first.verilog[0].sha256, sha256_file(kSource + "/rtl/pe_int_mac.sv"));

  const SynthResult second = synthesize(t, env);
  EXPECT_TRUE(second.cache_hit);
  EXPECT_EQ(second.entry, first.entry);
  EXPECT_DOUBLE_EQ(second.area_um2, first.area_um2);
  EXPECT_DOUBLE_EQ(second.critical_path_ns, first.critical_path_ns);
  EXPECT_EQ(second.cells, first.cells);
}

// The command writes synth.json (180 nm and scaled numbers, hashes, commands) and reports the
// cache hit on the second call.
TEST(SynthCommandTest, WritesSynthJsonAndReportsTheCacheHit) {
  SKIP_WITHOUT_TOOLS();
  const fs::path work = testing_support::fresh_dir("synth_cli");
  std::vector<std::string> args = {"synth"};
  args.insert(args.end(), kSmallIntMac.begin(), kSmallIntMac.end());
  args.insert(args.end(), {"--cache-dir", (work / "cache").string(), "--out",
                           (work / "out").string(), "--node", "7"});
  const Result first = tpesim(args, work);
  ASSERT_EQ(first.status, 0) << first.out << first.err;
  EXPECT_TRUE(contains(first.out, "cache: miss")) << first.out;
  EXPECT_TRUE(contains(first.out, "| fmax, MHz |")) << first.out;
  const nlohmann::json j = nlohmann::json::parse(read_file(work / "out" / "synth.json"));
  EXPECT_GT(j["area_um2"].get<double>(), 0);
  EXPECT_GT(j["nand2_eq"].get<double>(), 0);
  EXPECT_GT(j["timing"]["critical_path_ns"].get<double>(), 0);
  EXPECT_EQ(j["scaled"]["node_nm"], 7);
  EXPECT_EQ(j["scaled"]["source"], "yosys (osu018, scaled 180 -> 7 nm, Stillmaker-Baas)");
  EXPECT_LT(j["scaled"]["area_um2"].get<double>(), j["area_um2"].get<double>());
  EXPECT_EQ(j["pe"]["a_bits"], 4);
  EXPECT_EQ(j["verilog"][0]["sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(j["commands"].size(), 2u);
  EXPECT_TRUE(fs::exists(work / "out" / "netlist.v"));

  const Result second = tpesim(args, work);
  ASSERT_EQ(second.status, 0) << second.out << second.err;
  EXPECT_TRUE(contains(second.out, "cache: hit")) << second.out;
}

// An unknown kind and a kind without Verilog exit with 2 and say why.
TEST(SynthCommandTest, UnknownOrNoVerilogKindExitsWith2) {
  const fs::path work = testing_support::fresh_dir("synth_cli");
  const Result unknown = tpesim({"synth", "--pe", "int_mak"}, work);
  EXPECT_EQ(unknown.status, 2);
  EXPECT_TRUE(contains(unknown.err, "unknown PE kind 'int_mak'")) << unknown.err;
  const Result none = tpesim({"synth", "--pe", "bitslice", "--set", "variant=laconic"}, work);
  EXPECT_EQ(none.status, 2);
  EXPECT_TRUE(contains(none.err, "synth maps no Verilog module to bitslice variant 'laconic'"))
      << none.err;
  EXPECT_TRUE(contains(none.err, "rtl/pe_bitslice_booth_csa.sv")) << none.err;
}

// ---------------------------------------------------------------------------------------------
// tech.pe_area: yosys in the cost model

// The PE's area is the synthesized module, scaled, plus the table-priced parts it lacks; the
// report names the source; both fidelities report the same cost.
TEST(SynthPeAreaTest, CostModelTakesTheSynthesizedAreaInBothFidelities) {
  SKIP_WITHOUT_TOOLS();
  const fs::path cache = testing_support::fresh_dir("synth_cache");
  ::setenv("TPESIM_CACHE_DIR", cache.c_str(), 1);
  const std::vector<std::string> small = {"array.rows=4", "array.cols=4", "array.pe.a_bits=4",
                                          "array.pe.w_bits=4", "array.pe.acc_bits=8"};
  std::vector<std::string> yosys = small;
  yosys.push_back("tech.pe_area=yosys");
  const std::string arch_file = kSource + "/configs/arch/systolic_32x32_ws.yaml";
  const workloads::Workload w{"test", {workloads::Gemm{"g", 8, 8, 16, 1}}};

  const arch::ArchSpec table_arch = arch::load_arch(arch_file, small);
  const RunResult table_run = run_workload(table_arch, w);
  arch::ArchSpec fast = arch::load_arch(arch_file, yosys);
  arch::ArchSpec cycle = fast;
  cycle.run.fidelity = arch::Fidelity::Cycle;
  const RunResult fast_run = run_workload(fast, w);
  const RunResult cycle_run = run_workload(cycle, w);
  ::unsetenv("TPESIM_CACHE_DIR");

  const arch::AreaBreakdown& a = fast_run.cost.area;
  ASSERT_FALSE(a.items.empty());
  EXPECT_EQ(a.items[0].component, "pe_int_mac");
  EXPECT_EQ(a.items[0].source, "yosys (osu018, scaled 180 -> 45 nm, Stillmaker-Baas)");
  const RtlTarget t = rtl_target(fast.array.pe);
  const SynthResult r = synthesize(t, default_synth_env(cache.string()));
  EXPECT_TRUE(r.cache_hit);
  const arch::TechTable table = arch::load_tech_for(fast.tech);
  const double scaled = scale_to_node(r, table, 45, 0).area_um2;
  EXPECT_NEAR(a.items[0].um2, scaled, 1e-9 * scaled);
  const double outside = table_estimate(fast.array.pe, t, table, 45, 0).outside_um2;
  EXPECT_NEAR(a.pe_um2, scaled + outside, 1e-9 * a.pe_um2);
  EXPECT_NE(a.pe_um2, table_run.cost.area.pe_um2);
  EXPECT_EQ(a.items[1].source, "table");
  EXPECT_EQ(cost_json(fast_run.cost).dump(), cost_json(cycle_run.cost).dump());
  // Energy events are still the table's: only area (and leakage, from area) changes.
  EXPECT_DOUBLE_EQ(fast_run.cost.energy.pe_arithmetic_pj, table_run.cost.energy.pe_arithmetic_pj);
}

// A PE without Verilog cannot take its area from synthesis.
TEST(SynthPeAreaTest, PeWithoutVerilogIsAUserError) {
  const arch::ArchSpec arch =
      arch::load_arch(kSource + "/configs/arch/mixpe_w4a16_32x32.yaml", {"tech.pe_area=yosys"});
  const workloads::Workload w{"test", {workloads::Gemm{"g", 8, 8, 128, 1}}};
  EXPECT_THROW(run_workload(arch, w), UserError);
}

}  // namespace
}  // namespace tpesim::synth
