// SPDX-License-Identifier: Apache-2.0
// One verilated PE in a lock-step test: its Verilator context (registers start random, so reset
// must clear them), a synchronous reset, and one rising clock edge per step.
#pragma once

#include <cstdint>
#include <memory>

#include "verilated.h"

namespace tpesim::testing_support {

template <class Model>
class VerilatedPe {
 public:
  explicit VerilatedPe(std::uint64_t seed) : m_context(std::make_unique<VerilatedContext>()) {
    m_context->randReset(2);
    m_context->randSeed(static_cast<int>(seed));
    m_model = std::make_unique<Model>(m_context.get());
    m_model->rst = 1;
    edge();
    m_model->rst = 0;
  }
  ~VerilatedPe() { m_model->final(); }
  VerilatedPe(const VerilatedPe&) = delete;
  VerilatedPe& operator=(const VerilatedPe&) = delete;

  Model& model() { return *m_model; }
  const Model& model() const { return *m_model; }
  // One rising edge: the inputs set on model() are sampled, registered outputs update.
  void edge() {
    m_model->clk = 0;
    m_model->eval();
    m_model->clk = 1;
    m_model->eval();
    m_context->timeInc(1);
  }

 private:
  std::unique_ptr<VerilatedContext> m_context;  // Verilator's simulation context
  std::unique_ptr<Model> m_model;               // the verilated module
};

}  // namespace tpesim::testing_support
