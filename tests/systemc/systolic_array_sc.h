// SPDX-License-Identifier: Apache-2.0
// SystolicArraySc: the C++ register-level systolic array (arch/systolic_cycle.h: WS through
// run_stationary_array, OS through run_output_stationary_array) and its controller, as an
// sc_module clocked by the SystemC clock (ArrayCycleModelSc: one model cycle per rising edge).
// Its ports are rtl/arrays/systolic_array.sv's, typed as `verilator --sc` declares them, split by
// direction: the edge inputs the controller applies each cycle are outputs here (bind them to the
// Verilog array's inputs), and `out` / `out_valid` are what the C++ array latched at each edge
// (compare them with the Verilog array's). Ports the dataflow does not use are held at zero.
#pragma once

#include <bit>
#include <cstdint>
#include <string>
#include <systemc>

#include <fmt/format.h>

#include "arch/simulate.h"
#include "arch/systolic_cycle.h"
#include "pe/int_mac.h"
#include "tests/systemc/array_cycle_model_sc.h"
#include "tests/systemc/verilator_sc_types.h"

namespace tpesim::sc {

// systolic_array.sv's parameters (a structural type: it is a template argument).
struct SystolicParams {
  bool output_stationary = false;  // DATAFLOW = 1 (else 0, weight stationary)
  int rows = 4, cols = 4;          // ROWS, COLS
  int a_bits = 8, w_bits = 8;      // A_BITS, W_BITS
  int acc_bits = 32;               // ACC_BITS
  bool saturate = false;           // SATURATE
  // ROW_BITS: the write port's row index width.
  constexpr int row_bits() const {
    return rows > 1 ? std::bit_width(static_cast<unsigned>(rows - 1)) : 1;
  }
  pe::IntMacSpec pe() const {
    return pe::IntMacSpec{a_bits, w_bits, acc_bits,
                          saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap};
  }
};

template <SystolicParams P>
class SystolicArraySc final : public ArrayCycleModelSc {
 public:
  static constexpr int R = P.rows, C = P.cols, AB = P.a_bits, WB = P.w_bits, CB = P.acc_bits;

  // Edge inputs, written before the edge that samples them.
  sc_core::sc_out<VerilatorScType<R * AB>> x_in;          // row r's streamed element
  sc_core::sc_out<VerilatorScType<R>> x_valid, x_mark;    // its valid bit and mark
  sc_core::sc_out<VerilatorScType<C * CB>> psum_in;       // WS: partial sums entering the columns
  sc_core::sc_out<VerilatorScType<C>> psum_in_valid;      //   and their valid bits
  sc_core::sc_out<bool> ld_en;                            // WS: a shadow row is written
  sc_core::sc_out<VerilatorScType<P.row_bits()>> ld_row;  //   which one
  sc_core::sc_out<VerilatorScType<C * WB>> ld_w;          //   its weight per column
  sc_core::sc_out<VerilatorScType<C>> ld_valid;           //   and whether the PE holds data
  sc_core::sc_out<VerilatorScType<C * WB>> w_in;          // OS: weights entering the columns
  sc_core::sc_out<VerilatorScType<C>> w_valid;            //   and their valid bits
  // The C++ array's outputs, written just after each edge.
  sc_core::sc_out<VerilatorScType<C * CB>> out;   // per column: the value that left
  sc_core::sc_out<VerilatorScType<C>> out_valid;  // per column: an output left at the edge

  SystolicArraySc(const sc_core::sc_module_name& name, const ArrayGemmStream& stream,
                  std::int64_t min_edges)
      : ArrayCycleModelSc(name, stream, min_edges) {}

  // The inputs the last edge sampled, for a mismatch message.
  std::string describe_last_edge() const {
    const EdgeInputs& in = m_sampled;
    if (in.model_cycle < 0) return "idle edge (a cycle the model skipped): no input valid";
    std::string s = fmt::format("GEMM {} ({}), model cycle {}; rows (x valid mark):", in.gemm,
                                gemm_text(in.gemm), in.model_cycle);
    for (int r = 0; r < R; ++r) {
      s += fmt::format(" {}:{} {} {}", r, in.x_in.get_signed(r * AB, AB), in.x_valid.get(r, 1),
                       in.x_mark.get(r, 1));
    }
    s += P.output_stationary ? "; column tops (w valid):" : "; column tops (psum valid):";
    for (int c = 0; c < C; ++c) {
      if (P.output_stationary) {
        s += fmt::format(" {}:{} {}", c, in.w_in.get_signed(c * WB, WB), in.w_valid.get(c, 1));
      } else {
        s += fmt::format(" {}:{} {}", c, in.psum_in.get_signed(c * CB, CB),
                         in.psum_in_valid.get(c, 1));
      }
    }
    if (in.ld_en) {
      s += fmt::format("; write port row {} (w valid):", in.ld_row.get(0, P.row_bits()));
      for (int c = 0; c < C; ++c) {
        s += fmt::format(" {}:{} {}", c, in.ld_w.get_signed(c * WB, WB), in.ld_valid.get(c, 1));
      }
    }
    return s;
  }

 private:
  using Arith = pe::IntMacArith;
  using Operand = Arith::Operand;
  using Acc = Arith::Acc;

  // One edge's inputs, as the ports carry them, and where they came from.
  struct EdgeInputs {
    FlatBits<R * AB> x_in;
    FlatBits<R> x_valid, x_mark;
    FlatBits<C * CB> psum_in;
    FlatBits<C> psum_in_valid;
    bool ld_en = false;
    FlatBits<P.row_bits()> ld_row;
    FlatBits<C * WB> ld_w;
    FlatBits<C> ld_valid;
    FlatBits<C * WB> w_in;
    FlatBits<C> w_valid;
    std::int64_t gemm = 0;          // the GEMM
    std::int64_t model_cycle = -1;  // its model cycle; -1: an idle edge
  };

  // The model's per-cycle observer (both dataflows).
  struct Observer {
    static constexpr bool kEnabled = true;
    SystolicArraySc* self;  // the module whose ports it drives
    void operator()(const arch::StationaryCycleIo<Operand, Acc>& io) const { self->ws_cycle(io); }
    void operator()(const arch::OutputStationaryCycleIo<Operand, Acc>& io) const {
      self->os_cycle(io);
    }
  };

  void run_gemm(const ArrayGemm& g) override {
    arch::ArchSpec a = g.arch;
    a.array.kind = arch::ArrayKind::Systolic;
    a.array.rows = R;
    a.array.cols = C;
    a.array.dataflow = P.output_stationary ? arch::Dataflow::Os : arch::Dataflow::Ws;
    const workloads::Gemm gemm{"g", g.codes.m, g.codes.n, g.codes.k, 1};
    const arch::LayerSchedule plan = arch::plan_layer(a, gemm);
    set_gemm_text(fmt::format("{} x {} x {}, {} folds, {} memory", g.codes.m, g.codes.n, g.codes.k,
                              plan.folds.size(), g.buffered ? "buffered" : "ideal"));
    const Arith arith(P.pe());
    const auto op = arch::prepare_operands(arith, g.codes);
    const Observer observer{this};
    const arch::CycleRunResult<Arith> r =
        P.output_stationary ? arch::run_output_stationary_array<Arith, Observer>(
                                  arith, plan.geometry, op, plan.folds, plan.times,
                                  schedule_end(plan), plan.offsets, {}, observer)
                            : arch::run_stationary_array<Arith, false, Observer>(
                                  arith, plan.geometry, op, plan.folds, plan.times,
                                  schedule_end(plan), plan.offsets, {}, observer);
    m_counts.folds += static_cast<std::int64_t>(plan.folds.size());
    m_counts.macs += r.activity.macs;
    m_counts.overflows += static_cast<std::int64_t>(r.activity.overflows);
  }

  void ws_cycle(const arch::StationaryCycleIo<Operand, Acc>& io) {
    skip_to(io.cycle);
    EdgeInputs& in = begin_inputs();
    for (int r = 0; r < R; ++r) {
      const std::size_t i = static_cast<std::size_t>(r) * io.edge_stride;
      in.x_in.set(r * AB, AB, static_cast<std::uint64_t>(io.edge_x[i]));
      in.x_valid.set(r, 1, io.edge_flags[i] & 1u);
      in.x_mark.set(r, 1, (io.edge_flags[i] >> 1) & 1u);
    }
    for (int c = 0; c < C; ++c) {
      in.psum_in.set(c * CB, CB, static_cast<std::uint64_t>(io.top_psum[c]));
      in.psum_in_valid.set(c, 1, io.top_valid[c] & 1u);
    }
    if (io.load_row >= 0) {
      in.ld_en = true;
      in.ld_row.set(0, P.row_bits(), static_cast<std::uint64_t>(io.load_row));
      for (int c = 0; c < C; ++c) {
        in.ld_w.set(c * WB, WB, static_cast<std::uint64_t>(io.load_value[c]));
        in.ld_valid.set(c, 1, io.load_valid[c] & 1u);
      }
    }
    drive(in);
    edge();
    for (int c = 0; c < C; ++c) {
      const bool valid = (io.out_valid[c] & 1u) != 0;
      m_out.set(c * CB, CB, valid ? static_cast<std::uint64_t>(io.out[c]) : 0);
      m_out_valid.set(c, 1, valid);
    }
    show_outputs();
  }

  void os_cycle(const arch::OutputStationaryCycleIo<Operand, Acc>& io) {
    skip_to(io.cycle);
    EdgeInputs& in = begin_inputs();
    for (int r = 0; r < R; ++r) {
      const std::size_t i = static_cast<std::size_t>(r) * io.edge_stride;
      in.x_in.set(r * AB, AB, static_cast<std::uint64_t>(io.edge_a[i]));
      in.x_valid.set(r, 1, io.edge_flags[i] & 1u);
      in.x_mark.set(r, 1, (io.edge_flags[i] >> 1) & 1u);
    }
    for (int c = 0; c < C; ++c) {
      in.w_in.set(c * WB, WB, static_cast<std::uint64_t>(io.top_w[c]));
      in.w_valid.set(c, 1, io.top_valid[c] & 1u);
    }
    drive(in);
    edge();
    for (int c = 0; c < C; ++c) {
      const bool valid = io.out_row[c] >= 0;
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
    x_valid.write(in.x_valid.port());
    x_mark.write(in.x_mark.port());
    psum_in.write(in.psum_in.port());
    psum_in_valid.write(in.psum_in_valid.port());
    ld_en.write(in.ld_en);
    ld_row.write(in.ld_row.port());
    ld_w.write(in.ld_w.port());
    ld_valid.write(in.ld_valid.port());
    w_in.write(in.w_in.port());
    w_valid.write(in.w_valid.port());
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
