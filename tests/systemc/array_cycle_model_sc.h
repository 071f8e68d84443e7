// SPDX-License-Identifier: Apache-2.0
// ArrayCycleModelSc: what the SystemC array models (systolic_array_sc.h, adder_tree_array_sc.h)
// share. Each runs a C++ register-level array model (arch/systolic_cycle.h,
// arch/adder_tree_cycle.h) on a stream of GEMMs inside one SC_THREAD; the model's per-cycle
// observer hands each stepped cycle to the module, which writes that cycle's edge inputs to its
// input-side ports, waits for the rising edge of clk (so the C++ model advances with the SystemC
// clock, one model cycle per edge) and then writes the outputs the model latched at that edge.
// Cycles the model skips (idle stretches) become idle edges: no input valid, no output. GEMMs
// follow each other without a gap.
//
// Timing on the SystemC clock: the thread starts when rst falls; edge 0 is the first rising edge
// after that. Edge e's inputs are on the ports from just after edge e - 1 until edge e; its
// outputs from just after edge e until edge e + 1, so a checker on the falling edge sees edge e's
// outputs and edge e + 1's inputs.
#pragma once

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <systemc>
#include <utility>

#include "arch/simulate.h"
#include "tests/systemc/array_gemm_stream.h"

namespace tpesim::sc {

// What a run covered, for the tests' coverage requirements.
struct ArrayRunCounts {
  std::int64_t gemms = 0;       // GEMMs run to their end
  std::int64_t folds = 0;       // folds of those GEMMs
  std::int64_t macs = 0;        // MACs on real operands
  std::int64_t overflows = 0;   // accumulator sums that left acc_bits (wrapped or clamped)
  std::int64_t idle_edges = 0;  // edges of cycles the model skipped
};

// The cycle after which a planned GEMM has nothing left in the array (the model's `until`).
inline std::int64_t schedule_end(const arch::LayerSchedule& plan) {
  std::int64_t until = 0;
  for (const arch::FoldTimes& t : plan.times) until = std::max({until, t.end, t.occupied_end});
  return until;
}

class ArrayCycleModelSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;  // rising edge active
  sc_core::sc_in<bool> rst;  // the model starts its first GEMM when rst falls

  // Edges taken since the start (edge e's outputs are on the ports once edges() == e + 1).
  std::int64_t edges() const { return m_edges; }
  // Whole GEMMs were run until at least `min_edges` edges; no more edges will be taken.
  bool finished() const { return m_finished; }
  const ArrayRunCounts& counts() const { return m_counts; }
  // Test hook: one bit of the model's outputs after edge `edge` is flipped (see the derived
  // modules' show_outputs); -1: none.
  void inject_output_fault(std::int64_t edge) { m_fault_edge = edge; }

 protected:
  SC_HAS_PROCESS(ArrayCycleModelSc);
  ArrayCycleModelSc(const sc_core::sc_module_name& name, const ArrayGemmStream& stream,
                    std::int64_t min_edges)
      : sc_core::sc_module(name), m_stream(stream), m_min_edges(min_edges) {
    SC_THREAD(run);
    set_stack_size(kStackBytes);
  }

  // Runs the C++ model on `gemm`; its observer calls skip_to() and edge() for every stepped
  // cycle.
  virtual void run_gemm(const ArrayGemm& gemm) = 0;
  // Writes the inputs of an idle edge (nothing valid, no write).
  virtual void drive_idle() = 0;
  // Writes the outputs of an idle edge (nothing valid).
  virtual void show_idle() = 0;
  // Called after each edge: the inputs written before it are now the last edge's inputs.
  virtual void inputs_sampled() = 0;

  // Takes the idle edges up to model cycle `cycle` of the current GEMM (the cycles the model
  // skipped), leaving the ports ready for that cycle's inputs.
  void skip_to(std::int64_t cycle) {
    while (m_model_cycle < cycle) {
      drive_idle();
      edge();
      show_idle();
      ++m_counts.idle_edges;
    }
  }
  // The rising edge that ends the current model cycle; returns after it.
  void edge() {
    sc_core::wait(clk.posedge_event());
    ++m_edges;
    ++m_model_cycle;
    inputs_sampled();
  }
  // The edge just taken is the one whose outputs the test flips.
  bool fault_now() const { return m_edges - 1 == m_fault_edge; }
  // Applies the test's fault when this is its edge: output 0's value with bit 0 flipped when it
  // holds an output, else its valid bit set. `Values` and `Valid` are FlatBits.
  template <class Values, class Valid>
  void inject_fault(Values& values, Valid& valid) {
    if (!fault_now()) return;
    const bool holds = valid.get(0, 1) != 0;
    if (holds) {
      values.set(0, 1, values.get(0, 1) ^ 1u);
    } else {
      valid.set(0, 1, 1);
    }
    std::cout << name() << ": fault injected after edge " << m_edges - 1 << ": out[0] "
              << (holds ? "value bit 0 flipped" : "valid bit set") << "\n";
  }
  // Model cycle of the current GEMM the next edge stands for, and that GEMM.
  std::int64_t model_cycle() const { return m_model_cycle; }
  const ArrayGemm& gemm() const { return m_gemm; }
  // GEMM `index` (the current one or the one before), as text.
  const std::string& gemm_text(std::int64_t index) const {
    return m_gemm_texts[static_cast<std::size_t>(index % 2)];
  }
  void set_gemm_text(std::string text) {
    m_gemm_texts[static_cast<std::size_t>(m_gemm.index % 2)] = std::move(text);
  }

  ArrayRunCounts m_counts;  // coverage of the run so far

 private:
  static constexpr std::size_t kStackBytes = 1 << 20;  // the model's planner runs on the thread

  void run() {
    if (rst.read()) sc_core::wait(rst.negedge_event());
    while (m_edges < m_min_edges) {
      m_gemm = m_stream.next();
      m_model_cycle = 0;
      run_gemm(m_gemm);
      ++m_counts.gemms;
    }
    drive_idle();
    m_finished = true;
  }

  ArrayGemmStream m_stream;        // the GEMMs to run
  std::int64_t m_min_edges;        // edges to take at least (whole GEMMs)
  ArrayGemm m_gemm;                // the GEMM running
  std::string m_gemm_texts[2];     // the current GEMM and the one before, by index % 2
  std::int64_t m_edges = 0;        // edges taken
  std::int64_t m_model_cycle = 0;  // model cycle of the current GEMM of the next edge
  std::int64_t m_fault_edge = -1;  // edge whose outputs are flipped; -1: none
  bool m_finished = false;         // the last GEMM has ended
};

}  // namespace tpesim::sc
