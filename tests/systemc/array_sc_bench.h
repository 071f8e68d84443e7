// SPDX-License-Identifier: Apache-2.0
// The bench of the SystemC array tests: a Verilated --sc array (rtl/arrays/) and the C++ array
// model's sc_module (systolic_array_sc.h, adder_tree_array_sc.h) on one sc_clock, the Verilog
// array's inputs bound to the edge inputs the C++ model's controller writes. ArrayScChecker holds
// reset for two rising edges, then on every falling edge compares the outputs both arrays latched
// at the rising edge before (each column's valid bit, and its value where the model has an
// output), and stops the kernel at the first mismatch, printing the cycle, the signal, both values
// and the inputs of that edge. run_array_bench() runs the kernel and prints the figures.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iomanip>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <systemc>

#include "tests/systemc/array_cycle_model_sc.h"
#include "tests/systemc/verilator_sc_types.h"

namespace tpesim::sc {

// The command line of an array test executable.
struct ArrayBenchOptions {
  std::string set;               // --set: the verilated parameter set
  std::int64_t cycles = 100000;  // --cycles: edges to compare at least (whole GEMMs)
  std::uint64_t seed = 1;        // --seed: the GEMM stream and the RTL's random register init
  std::int64_t fault_edge = -1;  // --flip-out-bit: the C++ side's output flipped after this edge
};

// Parses `--set NAME --cycles N --seed S --flip-out-bit EDGE`; an unknown or malformed option
// prints the usage and gives nullopt.
inline std::optional<ArrayBenchOptions> parse_array_bench_options(int argc, char* argv[],
                                                                  std::string_view sets) {
  ArrayBenchOptions o;
  bool ok = true;
  for (int i = 1; i < argc && ok; ++i) {
    const std::string_view arg = argv[i];
    const char* value = i + 1 < argc ? argv[i + 1] : nullptr;
    char* end = nullptr;
    if (value == nullptr) {
      ok = false;
    } else if (arg == "--set") {
      o.set = value;
    } else if (arg == "--cycles") {
      o.cycles = std::strtoll(value, &end, 10);
      ok = *end == '\0' && o.cycles > 0;
    } else if (arg == "--seed") {
      o.seed = std::strtoull(value, &end, 10);
      ok = *end == '\0';
    } else if (arg == "--flip-out-bit") {
      o.fault_edge = std::strtoll(value, &end, 10);
      ok = *end == '\0' && o.fault_edge >= 0;
    } else {
      ok = false;
    }
    ++i;
  }
  if (ok && !o.set.empty()) return o;
  std::cerr << "usage: " << argv[0] << " --set {" << sets
            << "} [--cycles N] [--seed S] [--flip-out-bit EDGE]\n"
               "  --flip-out-bit EDGE: the C++ model's out[0] after edge EDGE is wrong in one bit"
               " (the test must then fail at that cycle)\n";
  return std::nullopt;
}

class ArrayScChecker : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;  // the shared clock
  sc_core::sc_out<bool>
      rst;  // synchronous reset of the Verilog array; the model starts at its fall

  SC_HAS_PROCESS(ArrayScChecker);
  ArrayScChecker(const sc_core::sc_module_name& name, const ArrayCycleModelSc& model)
      : sc_core::sc_module(name), m_model(model) {
    SC_THREAD(reset);
    SC_METHOD(on_falling_edge);
    sensitive << clk.neg();
    dont_initialize();
  }

  std::int64_t cycles() const { return m_cycles; }    // edges compared
  std::int64_t outputs() const { return m_outputs; }  // model outputs compared
  std::int64_t values() const { return m_values; }    // valid bits and values compared
  bool mismatched() const { return m_mismatched; }    // a comparison failed

 protected:
  // Compares the outputs the arrays latched at edge `edge` (registered outputs).
  virtual void compare_edge(std::int64_t edge) = 0;
  // Compares the outputs that are combinational from the registers, before edge `edge`.
  virtual void compare_before_edge(std::int64_t) {}

  // Compares C columns of CB-bit outputs: the valid bits, and the values where the model has an
  // output. Stops at the first mismatch; `inputs` describes the edge's inputs.
  template <int C, int CB, class Describe>
  void compare_columns(std::int64_t edge, const FlatBits<C * CB>& rtl_out,
                       const FlatBits<C>& rtl_valid, const FlatBits<C * CB>& model_out,
                       const FlatBits<C>& model_valid, const Describe& inputs) {
    for (int c = 0; c < C && !m_mismatched; ++c) {
      const bool mv = model_valid.get(c, 1) != 0, rv = rtl_valid.get(c, 1) != 0;
      const std::int64_t m = model_out.get_signed(c * CB, CB), r = rtl_out.get_signed(c * CB, CB);
      m_values += 1 + mv;
      m_outputs += mv;
      if (mv != rv || (mv && m != r)) {
        report(edge, "out[" + std::to_string(c) + "]", rv ? std::to_string(r) : "(no output)",
               mv ? std::to_string(m) : "(no output)", inputs());
      }
    }
  }
  // Compares C one-bit flags (e.g. acc_rd).
  template <int C, class Describe>
  void compare_flags(std::int64_t edge, const char* signal, const FlatBits<C>& rtl,
                     const FlatBits<C>& model, const Describe& inputs) {
    for (int c = 0; c < C && !m_mismatched; ++c) {
      const std::uint64_t m = model.get(c, 1), r = rtl.get(c, 1);
      ++m_values;
      if (m != r) {
        report(edge, std::string(signal) + "[" + std::to_string(c) + "]", std::to_string(r),
               std::to_string(m), inputs());
      }
    }
  }

 private:
  static constexpr int kResetCycles = 2;  // rising edges with rst = 1

  void reset() {
    rst.write(true);
    for (int i = 0; i < kResetCycles; ++i) wait(clk.posedge_event());
    rst.write(false);
  }
  void on_falling_edge() {
    if (rst.read() || m_mismatched) return;
    const std::int64_t edges = m_model.edges();
    if (edges > m_cycles) compare_edge(m_cycles++);
    if (!m_mismatched) compare_before_edge(edges);
    if (m_mismatched || (m_model.finished() && m_cycles == edges)) sc_core::sc_stop();
  }
  void report(std::int64_t edge, const std::string& signal, const std::string& rtl,
              const std::string& model, const std::string& inputs) {
    m_mismatched = true;
    std::cerr << name() << ": first mismatch at cycle " << edge << " on " << signal << ": rtl "
              << rtl << ", model " << model << "\n  inputs of the edge: " << inputs << "\n";
  }

  const ArrayCycleModelSc& m_model;  // the C++ side: its edges and whether it is done
  std::int64_t m_cycles = 0;         // edges compared
  std::int64_t m_outputs = 0;        // model outputs compared (valid bit and value)
  std::int64_t m_values = 0;         // valid bits, values and flags compared
  bool m_mismatched = false;         // the run stopped at a mismatch
};

// Runs the kernel until the model has run whole GEMMs for at least `cycles` edges and every
// edge was compared, or a mismatch stopped it. Prints the figures and the coverage of the
// stimulus (outputs, accumulator overflows, idle edges, more than two folds per GEMM) and returns
// the exit code: 0 when every value matched, enough cycles ran and the coverage was met.
inline int run_array_bench(const std::string& label, const ArrayCycleModelSc& model,
                           const ArrayScChecker& checker, std::int64_t cycles) {
  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const ArrayRunCounts& n = model.counts();
  std::cout << label << ": " << checker.cycles() << " cycles compared, " << checker.outputs()
            << " outputs compared, " << checker.values() << " values compared, "
            << (checker.mismatched() ? 1 : 0) << " mismatches, " << std::fixed
            << std::setprecision(0) << static_cast<double>(checker.cycles()) / seconds
            << " cycles/s (" << std::setprecision(2) << seconds << " s)\n"
            << label << ": " << n.gemms << " GEMMs, " << n.folds << " folds, " << n.macs
            << " MACs, " << n.overflows << " overflows, " << n.idle_edges << " idle edges\n";
  bool covered = true;
  const auto require = [&](bool met, const char* what) {
    if (!met) std::cerr << label << ": stimulus did not cover: " << what << "\n";
    covered = covered && met;
  };
  if (!checker.mismatched()) {
    require(checker.cycles() >= cycles, "the cycles asked for");
    require(checker.outputs() > cycles / 20, "outputs (more than 1 per 20 cycles)");
    require(n.overflows > 0, "accumulator overflows");
    require(n.idle_edges > 0, "idle edges (folds waiting for memory)");
    require(n.folds > 2 * n.gemms, "more than two folds per GEMM");
  }
  const bool passed = !checker.mismatched() && covered;
  std::cout << (passed ? "PASSED" : "FAILED") << "\n";
  return passed ? 0 : 1;
}

}  // namespace tpesim::sc
