// SPDX-License-Identifier: Apache-2.0
// The rtl_<kind> PE kinds (arch/rtl_values.h, sim/cosim/rtl_value_engine.h): a config that names
// rtl_<kind> runs with <kind>'s timing and the verilated RTL's output values. Every kind with a
// verilated set, in PE form and (int_mac on a verilated array's parameters) in array form, gives
// the plain kind's cycles, traffic, overflows and outputs; parameters without a verilated set
// are a config error at array.pe.kind; an RTL that differs from the C++ model is a ModelError.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "arch/arch_spec.h"
#include "arch/rtl_values.h"
#include "arch/simulate.h"
#include "sim/core/config_node.h"
#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/array_rtl_gemm.h"
#include "sim/cosim/rtl_value_engine.h"
#include "tests/support/cli_run.h"

namespace tpesim {
namespace {

class RtlKindsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cosim::install_verilated_values(); }
};

arch::ArchSpec arch_of(const std::string& yaml) {
  return arch::bind_arch(ConfigDoc::from_string(yaml, "rtl.yaml"));
}

// `array` is a YAML flow mapping; KIND in it becomes `kind` ("" or "rtl_").
std::string config(std::string array, const std::string& kind, const std::string& rest) {
  array.replace(array.find("KIND"), 4, kind);
  return "array: " + array + "\n" + rest;
}

struct KindCase {
  std::string name;   // the test's label
  std::string array;  // `array:` with KIND for the PE kind
  std::string run;    // the other sections
  std::string model;  // the verilated class that must compute the values
  workloads::Gemm gemm;
};

void expect_rtl_equals_model(const KindCase& c) {
  SCOPED_TRACE(c.name);
  arch::ArchSpec plain = arch_of(config(c.array, "", c.run));
  plain.run.values = true;  // rtl_ kinds compute values in fast fidelity too
  const arch::ArchSpec rtl = arch_of(config(c.array, "rtl_", c.run));
  ASSERT_TRUE(rtl.array.rtl_values);
  ASSERT_FALSE(plain.array.rtl_values);
  const arch::LayerRun p = arch::simulate_layer(plain, c.gemm, 0);
  const arch::LayerRun r = arch::simulate_layer(rtl, c.gemm, 0);
  EXPECT_TRUE(p.stats.value_source.empty());
  EXPECT_NE(r.stats.value_source.find(c.model), std::string::npos) << r.stats.value_source;
  EXPECT_GT(r.stats.rtl_cycles, 0u);
  ASSERT_TRUE(r.stats.has_values);
  EXPECT_EQ(r.outputs, p.outputs);
  EXPECT_EQ(r.stats.output_fingerprint, p.stats.output_fingerprint);
  EXPECT_EQ(r.stats.cycles, p.stats.cycles);
  EXPECT_EQ(r.stats.stall_cycles, p.stats.stall_cycles);
  EXPECT_EQ(r.stats.overflows, p.stats.overflows);
  EXPECT_EQ(r.stats.pe_busy_cycles, p.stats.pe_busy_cycles);
  EXPECT_EQ(r.stats.access.ifmap.sram_reads, p.stats.access.ifmap.sram_reads);
  EXPECT_EQ(r.stats.access.ofmap.dram_writes, p.stats.access.ofmap.dram_writes);
  EXPECT_EQ(r.stats.activity.events, p.stats.activity.events);
}

const workloads::Gemm kOdd{"odd", 23, 19, 41, 1};

// Array form: int_mac on the parameters of each verilated array set; chained K folds, partial
// folds, buffered memory.
TEST_F(RtlKindsTest, IntMacOnVerilatedArraysEqualsPlainKind) {
  const std::string buffered =
      "memory: {kind: buffered, dram: {latency_cycles: 40, bytes_per_cycle: 4}}\n";
  const workloads::Gemm big{"big", 37, 29, 70, 1};
  for (const KindCase& c : {
           KindCase{"ws 16x16 sat18",
                    "{kind: systolic, rows: 16, cols: 16, dataflow: ws, pe: {kind: KINDint_mac, "
                    "acc_bits: 18, overflow: saturate}}",
                    buffered + "run: {fidelity: cycle}\n", "Vsystolic_ws_16x16_sat18", big},
           KindCase{"ws 4x4 wrap32",
                    "{kind: systolic, rows: 4, cols: 4, dataflow: ws, pe: {kind: KINDint_mac, "
                    "a_bits: 16, w_bits: 16}}",
                    "run: {fidelity: cycle}\n", "Vsystolic_ws_4x4_wrap32", big},
           KindCase{"os 4x4 sat18",
                    "{kind: systolic, rows: 4, cols: 4, dataflow: os, pe: {kind: KINDint_mac, "
                    "acc_bits: 18, overflow: saturate}}",
                    "run: {fidelity: fast}\n", "Vsystolic_os_4x4_sat18", big},
           KindCase{"os 16x16 wrap32",
                    "{kind: systolic, rows: 16, cols: 16, dataflow: os, pe: {kind: KINDint_mac, "
                    "a_bits: 16, w_bits: 16}}",
                    buffered + "run: {fidelity: cycle}\n", "Vsystolic_os_16x16_wrap32", big},
           KindCase{"tree 4x8",
                    "{kind: adder_tree, columns: 4, k_lanes: 8, pe: {kind: KINDint_mac, a_bits: "
                    "16, w_bits: 16}}",
                    buffered + "run: {fidelity: cycle}\n", "Vadder_tree_4x8", big},
           KindCase{"tree 3x5 forward",
                    "{kind: adder_tree, columns: 3, k_lanes: 5, tree_stages_per_level: 2, "
                    "activation: forward, pe: {kind: KINDint_mac, acc_bits: 18}}",
                    "run: {fidelity: fast}\n", "Vadder_tree_3x5_fwd", big},
       }) {
    expect_rtl_equals_model(c);
  }
}

// PE form: every kind at its defaults (and bitslice's two verilated variants) on an array that
// no verilated array matches.
TEST_F(RtlKindsTest, EveryVerilatedKindEqualsPlainKind) {
  const std::string run = "run: {fidelity: fast}\n";
  const std::string cycle = "run: {fidelity: cycle}\n";
  for (const KindCase& c : {
           KindCase{"int_mac", "{rows: 8, cols: 8, pe: {kind: KINDint_mac}}", cycle,
                    "Vpe_int_mac_int8", kOdd},
           KindCase{"fp_mac", "{rows: 8, cols: 8, pe: {kind: KINDfp_mac}}", run,
                    "Vpe_fp_mac_fp16_fp32", kOdd},
           KindCase{"lmul", "{rows: 8, cols: 8, pe: {kind: KINDlmul}}", cycle, "Vpe_lmul_bf16",
                    kOdd},
           KindCase{"mixpe", "{rows: 8, cols: 8, pe: {kind: KINDmixpe}}", run,
                    "Vpe_mixpe_w4a8_g128", kOdd},
           KindCase{"lut_tc", "{rows: 8, cols: 8, pe: {kind: KINDlut_tc}}", run,
                    "Vpe_lut_tc_kg4_b2", kOdd},
           KindCase{"booth_csa", "{rows: 8, cols: 8, pe: {kind: KINDbitslice, variant: booth_csa}}",
                    run, "Vpe_bitslice_booth_csa_int8", kOdd},
           KindCase{"serial_digit",
                    "{rows: 8, cols: 8, sync: row, pe: {kind: KINDbitslice, variant: "
                    "serial_digit}}",
                    cycle, "Vpe_bitslice_serial_digit_int8", kOdd},
       }) {
    expect_rtl_equals_model(c);
  }
}

TEST_F(RtlKindsTest, VerifyChecksTheRtlValuesAgainstTheGoldenGemm) {
  const arch::LayerRun r = arch::simulate_layer(
      arch_of("array: {rows: 8, cols: 8, pe: {kind: rtl_lmul}}\nrun: {verify: true}\n"), kOdd, 0);
  EXPECT_TRUE(r.stats.verified);
  EXPECT_FALSE(r.stats.value_source.empty());
}

std::string config_error(const std::string& yaml) {
  try {
    arch_of(yaml);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST_F(RtlKindsTest, ParametersWithoutAVerilatedSetAreAConfigError) {
  const std::string e =
      config_error("array:\n  rows: 8\n  pe: {kind: rtl_int_mac, acc_bits: 20}\n");
  EXPECT_NE(e.find("rtl.yaml:3:"), std::string::npos) << e;
  EXPECT_NE(e.find("error: array.pe.kind: no verilated model of pe_int_mac A_BITS=8 W_BITS=8 "
                   "ACC_BITS=20 SATURATE=0; verilated sets of int_mac: "),
            std::string::npos)
      << e;
  const std::string laconic = config_error("array: {pe: {kind: rtl_bitslice, variant: laconic}}\n");
  EXPECT_NE(laconic.find("array.pe.kind: bitslice with these parameters has no Verilog"),
            std::string::npos)
      << laconic;
  const std::string unknown = config_error("array: {pe: {kind: rtl_int_ma}}\n");
  EXPECT_NE(unknown.find("unknown PE kind 'rtl_int_ma' (did you mean 'rtl_int_mac'?)"),
            std::string::npos)
      << unknown;
}

TEST_F(RtlKindsTest, WithoutTheVerilatedModelsRtlKindsAreAConfigError) {
  arch::set_rtl_value_engine(nullptr);
  const std::string e = config_error("array: {pe: {kind: rtl_lmul}}\n");
  cosim::install_verilated_values();
  EXPECT_NE(e.find("array.pe.kind: rtl_ PE kinds need the verilated models"), std::string::npos)
      << e;
}

// An engine whose output 7 is one off: the run stops with a ModelError naming the output.
class OffByOneEngine final : public arch::RtlValueEngine {
 public:
  std::string unsupported(const arch::ArraySpec& a) const override { return m_real.unsupported(a); }
  arch::RtlValues compute(const arch::ArchSpec& a, const arch::GemmOperands& c) const override {
    arch::RtlValues v = m_real.compute(a, c);
    v.outputs.at(7) += 1;
    return v;
  }

 private:
  cosim::VerilatedValueEngine m_real;
};

TEST_F(RtlKindsTest, RtlValuesThatDifferFromTheModelAreAModelError) {
  const arch::ArchSpec rtl = arch_of("array: {rows: 8, cols: 8, pe: {kind: rtl_int_mac}}\n");
  const OffByOneEngine faulty;
  arch::set_rtl_value_engine(&faulty);
  std::string what = "(no error)";
  try {
    arch::simulate_layer(rtl, kOdd, 0);
  } catch (const ModelError& e) {
    what = e.what();
  }
  cosim::install_verilated_values();
  EXPECT_NE(what.find("RTL output 7 (row 0, column 7) is "), std::string::npos) << what;
}

// A verilated array whose output port flips bit 0 of the fifth valid output.
class FlippingSystolic final : public cosim::SystolicRtl {
 public:
  explicit FlippingSystolic(std::unique_ptr<cosim::SystolicRtl> inner)
      : m_inner(std::move(inner)) {}
  const cosim::SystolicShape& shape() const override { return m_inner->shape(); }
  void step(cosim::SystolicPorts& ports) override {
    m_inner->step(ports);
    for (int c = 0; c < shape().cols; ++c) {
      if (ports.out_valid.get(c, 1) != 0 && ++m_valid == 5) {
        ports.out.set(c * shape().acc_bits, 1, ports.out.get(c * shape().acc_bits, 1) ^ 1u);
      }
    }
  }
  void start_vcd(const std::string& path) override { m_inner->start_vcd(path); }
  void stop_vcd() override { m_inner->stop_vcd(); }

 private:
  std::unique_ptr<cosim::SystolicRtl> m_inner;
  int m_valid = 0;  // valid outputs seen
};

TEST_F(RtlKindsTest, ArrayFormStopsAtTheCycleTheRtlDiverges) {
  const arch::ArchSpec rtl = arch_of(
      "array: {rows: 4, cols: 4, dataflow: os, pe: {kind: rtl_int_mac, acc_bits: 18, overflow: "
      "saturate}}\n");
  const cosim::SystolicRtlSet& real = cosim::systolic_rtl_set("systolic_os_4x4_sat18");
  cosim::SystolicRtlSet faulty = real;
  faulty.make = [&real](std::uint64_t seed, bool traced) -> std::unique_ptr<cosim::SystolicRtl> {
    return std::make_unique<FlippingSystolic>(real.make(seed, traced));
  };
  cosim::VerilatedArraySet set;
  set.systolic = &faulty;
  const arch::GemmOperands codes = arch::make_operands(rtl, kOdd, 0);
  std::string what = "(no error)";
  try {
    cosim::rtl_array_gemm(set, rtl, codes);
  } catch (const ModelError& e) {
    what = e.what();
  }
  EXPECT_NE(what.find("the verilated array and the C++ cycle model differ at cycle "),
            std::string::npos)
      << what;
  EXPECT_NE(what.find(" in the model, "), std::string::npos) << what;
  EXPECT_NE(what.find("inputs: GEMM 0: 23 x 19 x 41"), std::string::npos) << what;
}

// The command line: the report says where the values came from; a config error writes nothing.
TEST_F(RtlKindsTest, RunReportsNameTheRtl) {
  namespace fs = std::filesystem;
  using testing_support::run_cli;
  const fs::path dir = fs::temp_directory_path() / "tpesim_rtl_kinds_test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string src = TPESIM_SOURCE_DIR;
  {
    std::ofstream(dir / "ws.yaml")
        << "name: ws16\narray: {rows: 16, cols: 16, pe: {kind: rtl_int_mac, acc_bits: 18, "
           "overflow: saturate}}\nrun: {fidelity: cycle}\n";
    std::ofstream(dir / "bad.yaml") << "array: {pe: {kind: rtl_int_mac, acc_bits: 20}}\n";
  }
  const auto ok = run_cli(TPESIM_BINARY, "tpesim",
                          {"run", "--arch", "ws.yaml", "--workload",
                           src + "/configs/workloads/gemm_64.yaml", "--out", "out"},
                          dir);
  ASSERT_EQ(ok.status, 0) << ok.both;
  const std::string report = testing_support::read_file(dir / "out" / "report.md");
  EXPECT_NE(report.find("PE `rtl_int_mac`"), std::string::npos) << report;
  EXPECT_NE(report.find("Output values: from the RTL, verilated array Vsystolic_ws_16x16_sat18"),
            std::string::npos)
      << report;
  EXPECT_NE(testing_support::read_file(dir / "out" / "config.yaml").find("kind: rtl_int_mac"),
            std::string::npos);
  const auto bad = run_cli(TPESIM_BINARY, "tpesim",
                           {"run", "--arch", "bad.yaml", "--workload",
                            src + "/configs/workloads/gemm_64.yaml", "--out", "bad_out"},
                           dir);
  EXPECT_EQ(bad.status, 2) << bad.both;
  EXPECT_NE(bad.err.find("bad.yaml:1:"), std::string::npos) << bad.both;
  EXPECT_NE(bad.err.find("error: array.pe.kind: no verilated model of "), std::string::npos)
      << bad.both;
  EXPECT_FALSE(fs::exists(dir / "bad_out"));
  fs::remove_all(dir);
}

}  // namespace
}  // namespace tpesim
