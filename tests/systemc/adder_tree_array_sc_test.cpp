// SPDX-License-Identifier: Apache-2.0
// SystemC mode, adder-tree array: rtl/arrays/adder_tree_array.sv, Verilated as an sc_module, and
// AdderTreeArraySc (the C++ register-level array, arch/adder_tree_cycle.h, advancing one cycle per
// rising edge) on one sc_clock; the Verilog array's inputs are the edge inputs the C++ model's
// controller writes (with the partial sums its ofmap buffer presents), and every unit's acc_rd
// (before each edge) and output valid bit and value (after it) are compared.
// Parameter sets (--set), those of the C++-mode tests of the same name (sim/cosim/
// array_catalogue.cpp): 3x5_fwd (3 units x 5 lanes, two stages per level, forwarded
// activations, 8 x 8 -> 18 wrapping) and 4x8 (4 units x 8 lanes, one stage per level,
// broadcast, 16 x 16 -> 32). Stimulus: array_gemm_stream.h with the C++-mode tests' extents (M up
// to 40, N up to 3 x the units, K up to 4 x the lanes).
#include <cstdint>
#include <exception>
#include <iostream>
#include <string>
#include <systemc>

#include "Vadder_tree_3x5_fwd_sc.h"
#include "Vadder_tree_4x8_sc.h"
#include "tests/systemc/adder_tree_array_sc.h"
#include "tests/systemc/array_sc_bench.h"
#include "verilated.h"

namespace tpesim::sc {
namespace {

constexpr AdderTreeParams k3x5Fwd{3, 5, 2, true, 8, 8, 18};
constexpr AdderTreeParams k4x8{4, 8, 1, false, 16, 16, 32};

template <AdderTreeParams P>
class AdderTreeChecker final : public ArrayScChecker {
 public:
  using Out = VerilatorScType<P.columns * P.acc_bits>;
  using Flags = VerilatorScType<P.columns>;
  sc_core::sc_in<Out> rtl_out, model_out;          // the two arrays' outputs
  sc_core::sc_in<Flags> rtl_valid, model_valid;    // and their valid bits
  sc_core::sc_in<Flags> rtl_acc_rd, model_acc_rd;  // the accumulator reads before the edge

  AdderTreeChecker(const sc_core::sc_module_name& name, const AdderTreeArraySc<P>& model)
      : ArrayScChecker(name, model), m_model(model) {}

 private:
  void compare_edge(std::int64_t edge) override {
    m_rtl_out.load(rtl_out.read());
    m_rtl_flags.load(rtl_valid.read());
    m_model_out.load(model_out.read());
    m_model_flags.load(model_valid.read());
    compare_columns<P.columns, P.acc_bits>(edge, m_rtl_out, m_rtl_flags, m_model_out, m_model_flags,
                                           [this] { return m_model.describe_edge(false); });
  }
  void compare_before_edge(std::int64_t edge) override {
    m_rtl_flags.load(rtl_acc_rd.read());
    m_model_flags.load(model_acc_rd.read());
    compare_flags<P.columns>(edge, "acc_rd", m_rtl_flags, m_model_flags,
                             [this] { return m_model.describe_edge(true); });
  }

  const AdderTreeArraySc<P>& m_model;                       // for the inputs of a mismatch
  FlatBits<P.columns * P.acc_bits> m_rtl_out, m_model_out;  // the outputs compared
  FlatBits<P.columns> m_rtl_flags, m_model_flags;           // valid bits or acc_rd compared
};

// Elaborates the two arrays of one parameter set and the checker, and runs them.
template <AdderTreeParams P, class Rtl>
int run(const std::string& label, const ArrayBenchOptions& options) {
  using Model = AdderTreeArraySc<P>;
  const GemmExtents extents{40, 3 * P.columns, 4 * P.k_lanes};
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), x_valid("x_valid"), x_first("x_first"), ld_en("ld_en");
  sc_core::sc_signal<VerilatorScType<P.k_lanes * P.a_bits>> x_in("x_in");
  sc_core::sc_signal<VerilatorScType<P.columns>> x_cols("x_cols"), rtl_acc_rd("rtl_acc_rd"),
      model_acc_rd("model_acc_rd"), rtl_valid("rtl_valid"), model_valid("model_valid");
  sc_core::sc_signal<VerilatorScType<P.lane_bits()>> ld_lane("ld_lane");
  sc_core::sc_signal<VerilatorScType<P.columns * P.w_bits>> ld_w("ld_w");
  sc_core::sc_signal<VerilatorScType<P.columns * P.acc_bits>> psum_in("psum_in"),
      rtl_out("rtl_out"), model_out("model_out");

  Model model("model", ArrayGemmStream(options.seed, extents, P.pe()), options.cycles);
  model.inject_output_fault(options.fault_edge);
  model.clk(clk), model.rst(rst), model.x_in(x_in), model.x_valid(x_valid);
  model.x_first(x_first), model.x_cols(x_cols), model.ld_en(ld_en), model.ld_lane(ld_lane);
  model.ld_w(ld_w), model.psum_in(psum_in), model.acc_rd(model_acc_rd), model.out(model_out);
  model.out_valid(model_valid);

  Verilated::randReset(2);  // registers start random: the reset must clear what matters
  Verilated::randSeed(static_cast<int>(options.seed));
  Rtl rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.x_in(x_in), rtl.x_valid(x_valid), rtl.x_first(x_first);
  rtl.x_cols(x_cols), rtl.ld_en(ld_en), rtl.ld_lane(ld_lane), rtl.ld_w(ld_w);
  rtl.psum_in(psum_in), rtl.acc_rd(rtl_acc_rd), rtl.out(rtl_out), rtl.out_valid(rtl_valid);

  AdderTreeChecker<P> checker("checker", model);
  checker.clk(clk), checker.rst(rst), checker.rtl_out(rtl_out), checker.model_out(model_out);
  checker.rtl_valid(rtl_valid), checker.model_valid(model_valid);
  checker.rtl_acc_rd(rtl_acc_rd), checker.model_acc_rd(model_acc_rd);
  return run_array_bench(label, model, checker, options.cycles);
}

}  // namespace
}  // namespace tpesim::sc

int sc_main(int argc, char* argv[]) {
  using namespace tpesim::sc;
  const auto options = parse_array_bench_options(argc, argv, "3x5_fwd|4x8");
  if (!options) return 2;
  try {
    if (options->set == "3x5_fwd") {
      return run<k3x5Fwd, Vadder_tree_3x5_fwd_sc>("adder_tree 3x5_fwd", *options);
    }
    if (options->set == "4x8") return run<k4x8, Vadder_tree_4x8_sc>("adder_tree 4x8", *options);
    std::cerr << "unknown --set '" << options->set << "' (3x5_fwd, 4x8)\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 3;
  }
}
