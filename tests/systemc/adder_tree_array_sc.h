// SPDX-License-Identifier: Apache-2.0
// AdderTreeArraySc: the C++ register-level adder-tree array (arch/adder_tree_cycle.h,
// run_adder_tree_array) and its controller, as an sc_module clocked by the SystemC clock
// (ArrayCycleModelSc: one model cycle per rising edge). Its ports are
// rtl/arrays/adder_tree_array.sv's, typed as `verilator --sc` declares them, split by direction:
// the edge inputs the controller applies each cycle (the activation row, the weight write port,
// the partial sums the ofmap buffer presents) are outputs here (bind them to the Verilog array's
// inputs); `acc_rd`, `out` and `out_valid` are the C++ array's (compare them with the Verilog
// array's). acc_rd is combinational from registers in the Verilog, so it is written with the
// inputs of the edge it belongs to, before that edge; out and out_valid just after each edge.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <systemc>

#include <fmt/format.h>

#include "arch/adder_tree_cycle.h"
#include "arch/adder_tree_timing.h"
#include "arch/simulate.h"
#include "pe/int_mac.h"
#include "tests/systemc/array_cycle_model_sc.h"
#include "tests/systemc/verilator_sc_types.h"

namespace tpesim::sc {

// adder_tree_array.sv's parameters (a structural type: it is a template argument).
struct AdderTreeParams {
  int columns = 4, k_lanes = 8;  // COLUMNS, K_LANES
  int stages_per_level = 1;      // STAGES_PER_LEVEL
  bool forward = false;          // FORWARD
  int a_bits = 8, w_bits = 8;    // A_BITS, W_BITS
  int acc_bits = 32;             // ACC_BITS (the array wraps)
  // LANE_BITS: the write port's lane index width.
  constexpr int lane_bits() const {
    return k_lanes > 1 ? std::bit_width(static_cast<unsigned>(k_lanes - 1)) : 1;
  }
  pe::IntMacSpec pe() const { return pe::IntMacSpec{a_bits, w_bits, acc_bits, pe::Overflow::Wrap}; }
};

template <AdderTreeParams P>
class AdderTreeArraySc final : public ArrayCycleModelSc {
 public:
  static constexpr int L = P.k_lanes, C = P.columns, AB = P.a_bits, WB = P.w_bits, CB = P.acc_bits;

  // Edge inputs, written before the edge that samples them.
  sc_core::sc_out<VerilatorScType<L * AB>> x_in;            // the activation row
  sc_core::sc_out<bool> x_valid, x_first;                   // it is data; its fold's first row
  sc_core::sc_out<VerilatorScType<C>> x_cols;               // units that compute it
  sc_core::sc_out<bool> ld_en;                              // a shadow lane is written
  sc_core::sc_out<VerilatorScType<P.lane_bits()>> ld_lane;  //   which one
  sc_core::sc_out<VerilatorScType<C * WB>> ld_w;            //   one weight per unit
  sc_core::sc_out<VerilatorScType<C * CB>> psum_in;         // partial sum per accumulating unit
  // The C++ array's outputs: acc_rd before each edge, out and out_valid just after it.
  sc_core::sc_out<VerilatorScType<C>> acc_rd;     // unit c accumulates a tree sum at the edge
  sc_core::sc_out<VerilatorScType<C * CB>> out;   // per unit: the output latched
  sc_core::sc_out<VerilatorScType<C>> out_valid;  // per unit: an output was latched at the edge

  AdderTreeArraySc(const sc_core::sc_module_name& name, const ArrayGemmStream& stream,
                   std::int64_t min_edges)
      : ArrayCycleModelSc(name, stream, min_edges) {}

  // The inputs the last edge sampled (or, with `next`, those on the ports now, for the next
  // edge), for a mismatch message.
  std::string describe_edge(bool next) const {
    const EdgeInputs& in = next ? m_driven : m_sampled;
    if (in.model_cycle < 0) return "idle edge (a cycle the model skipped): no row, no write";
    std::string s = fmt::format(
        "GEMM {} ({}), model cycle {}; row valid {} first {} units {:#x}; x:", in.gemm,
        gemm_text(in.gemm), in.model_cycle, in.x_valid, in.x_first, in.x_cols.get(0, C));
    for (int l = 0; l < L; ++l) s += fmt::format(" {}", in.x_in.get_signed(l * AB, AB));
    if (in.ld_en) {
      s += fmt::format("; write port lane {}:", in.ld_lane.get(0, P.lane_bits()));
      for (int c = 0; c < C; ++c) s += fmt::format(" {}", in.ld_w.get_signed(c * WB, WB));
    }
    s += "; partial sums read (unit:value):";
    for (int c = 0; c < C; ++c) {
      if (in.acc_rd.get(c, 1) != 0)
        s += fmt::format(" {}:{}", c, in.psum_in.get_signed(c * CB, CB));
    }
    return s;
  }

 private:
  using Arith = pe::IntMacArith;
  using Operand = Arith::Operand;
  using Acc = Arith::Acc;

  // One edge's inputs (and the model's acc_rd before it), as the ports carry them.
  struct EdgeInputs {
    FlatBits<L * AB> x_in;
    bool x_valid = false, x_first = false;
    FlatBits<C> x_cols;
    bool ld_en = false;
    FlatBits<P.lane_bits()> ld_lane;
    FlatBits<C * WB> ld_w;
    FlatBits<C * CB> psum_in;
    FlatBits<C> acc_rd;             // the model's accumulator reads in the cycle
    std::int64_t gemm = 0;          // the GEMM
    std::int64_t model_cycle = -1;  // its model cycle; -1: an idle edge
  };

  // The model's per-cycle observer.
  struct Observer {
    static constexpr bool kEnabled = true;
    AdderTreeArraySc* self;  // the module whose ports it drives
    void operator()(const arch::AdderTreeCycleIo<Operand, Acc>& io) const { self->cycle(io); }
  };

  void run_gemm(const ArrayGemm& g) override {
    arch::ArchSpec a = g.arch;
    a.array.kind = arch::ArrayKind::AdderTree;
    a.array.rows = L;
    a.array.cols = C;
    a.array.tree_stages_per_level = P.stages_per_level;
    a.array.activation =
        P.forward ? arch::TreeActivation::Forward : arch::TreeActivation::Broadcast;
    const workloads::Gemm gemm{"g", g.codes.m, g.codes.n, g.codes.k, 1};
    const arch::LayerSchedule plan = arch::plan_layer(a, gemm);
    set_gemm_text(fmt::format("{} x {} x {}, {} folds, {} memory", g.codes.m, g.codes.n, g.codes.k,
                              plan.folds.size(), g.buffered ? "buffered" : "ideal"));
    const Arith arith(P.pe());
    const auto op = arch::prepare_operands(arith, g.codes);
    const arch::AdderTreeTiming timing(a.array, plan.geometry);
    const arch::CycleRunResult<Arith> r = arch::run_adder_tree_array<Arith, Observer>(
        arith, timing, op, plan.folds, plan.times, schedule_end(plan), {}, Observer{this});
    m_counts.folds += static_cast<std::int64_t>(plan.folds.size());
    m_counts.macs += r.activity.macs;
    m_counts.overflows += static_cast<std::int64_t>(r.activity.overflows);
  }

  void cycle(const arch::AdderTreeCycleIo<Operand, Acc>& io) {
    skip_to(io.cycle);
    EdgeInputs& in = begin_inputs();
    in.x_valid = io.edge_valid;
    in.x_first = io.edge_valid && io.edge_first;
    for (int l = 0; l < L; ++l) {
      in.x_in.set(l * AB, AB, io.edge_valid ? static_cast<std::uint64_t>(io.edge_x[l]) : 0);
    }
    for (int c = 0; c < (io.edge_valid ? io.edge_columns : 0); ++c) in.x_cols.set(c, 1, 1);
    if (io.load_lane >= 0) {
      in.ld_en = true;
      in.ld_lane.set(0, P.lane_bits(), static_cast<std::uint64_t>(io.load_lane));
      for (int c = 0; c < C; ++c) {
        const std::size_t i =
            static_cast<std::size_t>(c) * L + static_cast<std::size_t>(io.load_lane);
        in.ld_w.set(c * WB, WB, static_cast<std::uint64_t>(io.shadow[i]));
      }
    }
    for (int c = 0; c < C; ++c) {
      const bool read = io.acc_read[c] != 0;
      in.acc_rd.set(c, 1, read);
      in.psum_in.set(c * CB, CB, read ? static_cast<std::uint64_t>(io.psum[c]) : 0);
    }
    drive(in);
    edge();
    for (int c = 0; c < C; ++c) {
      const bool valid = io.out_valid[c] != 0;
      m_out.set(c * CB, CB, valid ? static_cast<std::uint64_t>(io.out[c]) : 0);
      m_out_valid.set(c, 1, valid);
    }
    show_outputs();
  }

  // The next edge's inputs, cleared, labelled with the current GEMM and model cycle.
  EdgeInputs& begin_inputs() {
    m_driven = EdgeInputs{};
    m_driven.gemm = gemm().index;
    m_driven.model_cycle = model_cycle();
    return m_driven;
  }
  void drive(const EdgeInputs& in) {
    x_in.write(in.x_in.port());
    x_valid.write(in.x_valid);
    x_first.write(in.x_first);
    x_cols.write(in.x_cols.port());
    ld_en.write(in.ld_en);
    ld_lane.write(in.ld_lane.port());
    ld_w.write(in.ld_w.port());
    psum_in.write(in.psum_in.port());
    acc_rd.write(in.acc_rd.port());
  }
  void drive_idle() override {
    EdgeInputs& in = begin_inputs();
    in.model_cycle = -1;
    drive(in);
  }
  void inputs_sampled() override { m_sampled = m_driven; }
  void show_idle() override {
    m_out.clear();
    m_out_valid.clear();
    show_outputs();
  }
  // Writes m_out and m_out_valid, with the test's fault if this is its edge.
  void show_outputs() {
    inject_fault(m_out, m_out_valid);
    out.write(m_out.port());
    out_valid.write(m_out_valid.port());
  }

  EdgeInputs m_driven;      // the inputs on the ports, for the next edge
  EdgeInputs m_sampled;     // the inputs the last edge sampled
  FlatBits<C * CB> m_out;   // the outputs of the last edge
  FlatBits<C> m_out_valid;  //   and their valid bits
};

}  // namespace tpesim::sc
