// SPDX-License-Identifier: Apache-2.0
// SystemC mode, systolic array: rtl/arrays/systolic_array.sv, Verilated as an sc_module, and
// SystolicArraySc (the C++ register-level array, arch/systolic_cycle.h, advancing one cycle per
// rising edge) on one sc_clock; the Verilog array's inputs are the edge inputs the C++ model's
// controller writes, and every column's valid bit and value are compared after every edge.
// Parameter sets (--set), those of the C++-mode tests of the same name (sim/cosim/
// array_catalogue.cpp): ws_4x4_wrap32 (WS 4 x 4, 16 x 16 -> 32 wrapping) and os_4x4_sat18 (OS
// 4 x 4, 8 x 8 -> 18 saturating). Stimulus: array_gemm_stream.h, with the C++-mode tests'
// extents (M, N up to 3 x the array; K up to 3 x the rows for WS, 64 for OS).
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <systemc>

#include "Vsystolic_os_4x4_sat18_sc.h"
#include "Vsystolic_ws_4x4_wrap32_sc.h"
#include "tests/systemc/array_sc_bench.h"
#include "tests/systemc/systolic_array_sc.h"
#include "verilated.h"

namespace tpesim::sc {
namespace {

constexpr SystolicParams kWs4x4Wrap32{false, 4, 4, 16, 16, 32, false};
constexpr SystolicParams kOs4x4Sat18{true, 4, 4, 8, 8, 18, true};

template <SystolicParams P>
class SystolicChecker final : public ArrayScChecker {
 public:
  using Out = VerilatorScType<P.cols * P.acc_bits>;
  using Valid = VerilatorScType<P.cols>;
  sc_core::sc_in<Out> rtl_out, model_out;        // the two arrays' outputs
  sc_core::sc_in<Valid> rtl_valid, model_valid;  // and their valid bits

  SystolicChecker(const sc_core::sc_module_name& name, const SystolicArraySc<P>& model)
      : ArrayScChecker(name, model), m_model(model) {}

 private:
  void compare_edge(std::int64_t edge) override {
    m_rtl_out.load(rtl_out.read());
    m_rtl_valid.load(rtl_valid.read());
    m_model_out.load(model_out.read());
    m_model_valid.load(model_valid.read());
    compare_columns<P.cols, P.acc_bits>(edge, m_rtl_out, m_rtl_valid, m_model_out, m_model_valid,
                                        [this] { return m_model.describe_last_edge(); });
  }

  const SystolicArraySc<P>& m_model;                     // for the inputs of a mismatching edge
  FlatBits<P.cols * P.acc_bits> m_rtl_out, m_model_out;  // the outputs compared
  FlatBits<P.cols> m_rtl_valid, m_model_valid;           //   and their valid bits
};

// Elaborates the two arrays of one parameter set and the checker, and runs them.
template <SystolicParams P, class Rtl>
int run(const std::string& label, const ArrayBenchOptions& options) {
  using Model = SystolicArraySc<P>;
  const GemmExtents extents{3 * P.rows, 3 * P.cols, P.output_stationary ? 64 : 3 * P.rows};
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), ld_en("ld_en");
  sc_core::sc_signal<VerilatorScType<P.rows * P.a_bits>> x_in("x_in");
  sc_core::sc_signal<VerilatorScType<P.rows>> x_valid("x_valid"), x_mark("x_mark");
  sc_core::sc_signal<VerilatorScType<P.cols * P.acc_bits>> psum_in("psum_in");
  sc_core::sc_signal<VerilatorScType<P.row_bits()>> ld_row("ld_row");
  sc_core::sc_signal<VerilatorScType<P.cols * P.w_bits>> ld_w("ld_w"), w_in("w_in");
  sc_core::sc_signal<VerilatorScType<P.cols>> psum_in_valid("psum_in_valid"), ld_valid("ld_valid"),
      w_valid("w_valid"), rtl_valid("rtl_valid"), model_valid("model_valid");
  sc_core::sc_signal<VerilatorScType<P.cols * P.acc_bits>> rtl_out("rtl_out"),
      model_out("model_out");

  Model model("model", ArrayGemmStream(options.seed, extents, P.pe()), options.cycles);
  model.inject_output_fault(options.fault_edge);
  model.clk(clk), model.rst(rst), model.x_in(x_in), model.x_valid(x_valid);
  model.x_mark(x_mark), model.psum_in(psum_in), model.psum_in_valid(psum_in_valid);
  model.ld_en(ld_en), model.ld_row(ld_row), model.ld_w(ld_w), model.ld_valid(ld_valid);
  model.w_in(w_in), model.w_valid(w_valid), model.out(model_out), model.out_valid(model_valid);

  Verilated::randReset(2);  // registers start random: the reset must clear what matters
  Verilated::randSeed(static_cast<int>(options.seed));
  Rtl rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.x_in(x_in), rtl.x_valid(x_valid), rtl.x_mark(x_mark);
  rtl.psum_in(psum_in), rtl.psum_in_valid(psum_in_valid), rtl.ld_en(ld_en), rtl.ld_row(ld_row);
  rtl.ld_w(ld_w), rtl.ld_valid(ld_valid), rtl.w_in(w_in), rtl.w_valid(w_valid);
  rtl.out(rtl_out), rtl.out_valid(rtl_valid);

  SystolicChecker<P> checker("checker", model);
  checker.clk(clk), checker.rst(rst), checker.rtl_out(rtl_out), checker.model_out(model_out);
  checker.rtl_valid(rtl_valid), checker.model_valid(model_valid);
  return run_array_bench(label, model, checker, options.cycles);
}

}  // namespace
}  // namespace tpesim::sc

int sc_main(int argc, char* argv[]) {
  using namespace tpesim::sc;
  const auto options = parse_array_bench_options(argc, argv, "ws_4x4_wrap32|os_4x4_sat18");
  if (!options) return 2;
  try {
    if (options->set == "ws_4x4_wrap32") {
      return run<kWs4x4Wrap32, Vsystolic_ws_4x4_wrap32_sc>("systolic ws_4x4_wrap32", *options);
    }
    if (options->set == "os_4x4_sat18") {
      return run<kOs4x4Sat18, Vsystolic_os_4x4_sat18_sc>("systolic os_4x4_sat18", *options);
    }
    std::cerr << "unknown --set '" << options->set << "' (ws_4x4_wrap32, os_4x4_sat18)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}
