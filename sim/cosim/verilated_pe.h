// SPDX-License-Identifier: Apache-2.0
// One verilated PE driven cycle by cycle: its Verilator context (registers start random, so reset
// must clear them), a synchronous reset, and one rising clock edge per step, with an optional
// observer of each half cycle (the VCD writer of the lock-step runner).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "verilated.h"

namespace tpesim::cosim {

// Which half of a clock cycle an edge observer sees.
enum class HalfCycle { Low, High };

template <class Model>
class VerilatedPe {
 public:
  // Called after each eval(): cycle (0 = the first edge after reset) and which half.
  using EdgeObserver = std::function<void(std::uint64_t cycle, HalfCycle half)>;

  // `traced`: allow waveform tracing (Verilator needs traceEverOn before the model exists).
  explicit VerilatedPe(std::uint64_t seed, bool traced = false)
      : m_context(std::make_unique<VerilatedContext>()) {
    m_context->randReset(2);
    m_context->randSeed(static_cast<int>(seed));
    if (traced) m_context->traceEverOn(true);
    m_model = std::make_unique<Model>(m_context.get());
    m_model->rst = 1;
    edge();
    m_model->rst = 0;
    m_cycle = 0;
  }
  ~VerilatedPe() { m_model->final(); }
  VerilatedPe(const VerilatedPe&) = delete;
  VerilatedPe& operator=(const VerilatedPe&) = delete;

  Model& model() { return *m_model; }
  const Model& model() const { return *m_model; }
  // Edges taken since reset (the cycle index of the next edge).
  std::uint64_t cycle() const { return m_cycle; }
  // Observes every later half cycle; an empty function stops observing.
  void observe(EdgeObserver observer) { m_observer = std::move(observer); }

  // One rising edge: the inputs set on model() are sampled, registered outputs update.
  void edge() {
    m_model->clk = 0;
    m_model->eval();
    if (m_observer) m_observer(m_cycle, HalfCycle::Low);
    m_model->clk = 1;
    m_model->eval();
    if (m_observer) m_observer(m_cycle, HalfCycle::High);
    m_context->timeInc(1);
    ++m_cycle;
  }

 private:
  std::unique_ptr<VerilatedContext> m_context;  // Verilator's simulation context
  std::unique_ptr<Model> m_model;               // the verilated module
  std::uint64_t m_cycle = 0;                    // edges since reset, cycles
  EdgeObserver m_observer;                      // sees each half cycle; empty: none
};

}  // namespace tpesim::cosim
