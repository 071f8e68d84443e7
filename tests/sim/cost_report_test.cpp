// SPDX-License-Identifier: Apache-2.0
// The cost parts of a run's reports: present in summary.json, report.md and layers.csv, the
// same at both fidelities, and the CLI's handling of technology tables and the `tech` section.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/report/cost_report.h"
#include "sim/report/reports.h"
#include "sim/run.h"
#include "tests/support/temp_dir.h"

namespace tpesim {
namespace {

namespace fs = std::filesystem;

const std::string kSource = TPESIM_SOURCE_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Reports {
  nlohmann::json summary;  // summary.json
  std::string layers_csv;  // layers.csv
  std::string report_md;   // report.md
};

Reports run_and_report(const std::string& arch_file, const std::string& fidelity) {
  const arch::ArchSpec arch =
      arch::load_arch(arch_file, {"run.fidelity=" + fidelity, "run.verify=true"});
  workloads::Workload w;
  w.source = "small";
  w.layers = {workloads::Gemm{"a", 12, 70, 40}, workloads::Gemm{"b", 5, 9, 33, 3}};
  const RunResult r = run_workload(arch, w);
  const fs::path dir = testing_support::fresh_dir("tpesim_cost");
  write_layers_csv(r, dir / "layers.csv");
  write_report_md(r, dir / "report.md");
  Reports out{summary_json(r), read_file(dir / "layers.csv"), read_file(dir / "report.md")};
  // The config records when and where it ran; the cost does not depend on it.
  out.summary.erase("config");
  return out;
}

// Every shipped architecture is priced without a model error, identically at both fidelities.
TEST(CostReportTest, EveryShippedArchIsPricedTheSameAtBothFidelities) {
  int archs = 0;
  for (const auto& e : fs::directory_iterator(kSource + "/configs/arch")) {
    SCOPED_TRACE(e.path().string());
    const Reports fast = run_and_report(e.path().string(), "fast");
    const Reports cycle = run_and_report(e.path().string(), "cycle");
    EXPECT_EQ(fast.summary["cost"], cycle.summary["cost"]);
    EXPECT_EQ(fast.layers_csv, cycle.layers_csv);
    EXPECT_EQ(fast.report_md.substr(fast.report_md.find("## Energy")),
              cycle.report_md.substr(cycle.report_md.find("## Energy")));
    const nlohmann::json& c = fast.summary["cost"];
    EXPECT_GT(c["energy_pj"]["total"].get<double>(), 0);
    EXPECT_GT(c["area_mm2"]["pe_array"].get<double>(), 0);
    EXPECT_GT(c["tops_per_w"].get<double>(), 0);
    EXPECT_GT(c["tops_per_mm2"].get<double>(), 0);
    const double parts =
        c["energy_pj"]["pe_array"].get<double>() + c["energy_pj"]["buffers"].get<double>() +
        c["energy_pj"]["dram"].get<double>() + c["energy_pj"]["leakage"].get<double>();
    EXPECT_NEAR(parts, c["energy_pj"]["total"].get<double>(), 1e-6 * parts);
    for (const auto& item : c["area_mm2"]["components"]) EXPECT_EQ(item["source"], "table");
    ++archs;
  }
  EXPECT_GE(archs, 13);
}

// The reports carry every figure the cost model computes.
TEST(CostReportTest, ReportsCarryEnergyAreaAndThroughput) {
  const Reports r = run_and_report(kSource + "/configs/arch/demo_32x32_buffered.yaml", "fast");
  const nlohmann::json& c = r.summary["cost"];
  for (const char* key :
       {"pe_array", "pe_arithmetic", "pe_registers", "buffers", "dram", "leakage", "total"}) {
    EXPECT_TRUE(c["energy_pj"].contains(key)) << key;
  }
  for (const char* key : {"pe_array", "periphery", "buffers", "total", "pe_um2", "pes"}) {
    EXPECT_TRUE(c["area_mm2"].contains(key)) << key;
  }
  EXPECT_EQ(c["tech"]["table"], "horowitz_45nm");
  EXPECT_EQ(c["tech"]["node_nm"], 45);
  EXPECT_EQ(c["events"][0]["event"], "int_add_32");
  const std::string header = r.layers_csv.substr(0, r.layers_csv.find('\n'));
  for (const std::string& col : cost_csv_columns()) {
    EXPECT_NE(header.find("," + col), std::string::npos) << col;
  }
  EXPECT_NE(r.report_md.find("## Energy, area and throughput"), std::string::npos);
  EXPECT_NE(r.report_md.find("TOPS/W"), std::string::npos);
  EXPECT_NE(r.report_md.find("| DRAM |"), std::string::npos);
}

int run_cli(const std::string& args, const fs::path& dir) {
  const std::string cmd =
      "cd '" + dir.string() + "' && '" + TPESIM_BINARY + "' " + args + " >stdout.txt 2>stderr.txt";
  const int raw = std::system(cmd.c_str());
  return WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
}

// `check-config` validates technology tables (errors located, exit 2); `describe tech` lists
// the section; a `tech` section reaches the reports.
TEST(CostReportTest, CommandLine) {
  const fs::path dir = testing_support::fresh_dir("tpesim_cost_cli");
  std::string table = read_file(kSource + "/configs/tech/horowitz_45nm.yaml");
  table.replace(table.find("bits: 16, energy_pj: 0.05"), 25, "bits: 16, energy_pj: 0");
  std::ofstream(dir / "bad.yaml") << table << "extra: 1\n";
  EXPECT_EQ(run_cli("check-config bad.yaml", dir), 2);
  const std::string err = read_file(dir / "stderr.txt");
  EXPECT_NE(err.find("bad.yaml:15:27: error: int_add[1].energy_pj: must be > 0, got 0"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find(": error: extra: unknown key"), std::string::npos) << err;

  EXPECT_EQ(run_cli("describe tech", dir), 0);
  const std::string out = read_file(dir / "stdout.txt");
  for (const char* key : {"table", "node_nm", "clock_ghz", "vdd_v"}) {
    EXPECT_NE(out.find(key), std::string::npos) << key;
  }

  std::ofstream(dir / "w.yaml") << "gemms:\n  - {name: g, m: 8, n: 8, k: 8}\n";
  EXPECT_EQ(run_cli("run --arch " + kSource + "/configs/arch/systolic_32x32_ws.yaml" +
                        " --workload w.yaml --set tech.node_nm=7 --set tech.clock_ghz=2 --out o",
                    dir),
            0);
  const nlohmann::json s = nlohmann::json::parse(read_file(dir / "o" / "summary.json"));
  EXPECT_EQ(s["cost"]["tech"]["node_nm"], 7);
  EXPECT_EQ(s["cost"]["tech"]["clock_ghz"], 2.0);
  EXPECT_EQ(s["config"]["tech"]["node_nm"], 7);
  EXPECT_EQ(run_cli("run --arch " + kSource + "/configs/arch/systolic_32x32_ws.yaml" +
                        " --workload w.yaml --set tech.node_nm=28 --out o2",
                    dir),
            2);
  EXPECT_NE(read_file(dir / "stderr.txt").find("<command line>:1:20: error: tech.node_nm: 28 nm"),
            std::string::npos)
      << read_file(dir / "stderr.txt");
}

}  // namespace
}  // namespace tpesim
