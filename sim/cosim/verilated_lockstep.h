// SPDX-License-Identifier: Apache-2.0
// The part of a lock-step bench that every verilated PE shares: the model with its clock and
// reset, and the VCD writer the runner turns on around a divergence. Needs a model verilated
// with TRACE (rtl/CMakeLists.txt).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <string>

#include "sim/core/errors.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verilated_pe.h"
#include "verilated_vcd_c.h"

namespace tpesim::cosim {

template <class Model>
class VerilatedLockstep : public PeLockstep {
 public:
  VerilatedLockstep(std::uint64_t seed, bool traced) : m_pe(seed, traced) {}
  ~VerilatedLockstep() override { close_vcd(); }

  void start_vcd(const std::string& path) override {
    close_vcd();
    m_vcd = std::make_unique<VerilatedVcdC>();
    m_pe.model().trace(m_vcd.get(), 99);
    m_vcd->open(path.c_str());
    if (!m_vcd->isOpen()) {
      m_vcd.reset();
      throw UserError(fmt::format("error: cannot write the VCD file '{}'", path));
    }
    m_pe.observe([vcd = m_vcd.get()](std::uint64_t cycle, HalfCycle half) {
      vcd->dump(2 * cycle + (half == HalfCycle::High ? 1 : 0));
    });
  }
  void stop_vcd() override { close_vcd(); }

 protected:
  VerilatedPe<Model>& pe() { return m_pe; }
  const VerilatedPe<Model>& pe() const { return m_pe; }

 private:
  void close_vcd() {
    if (!m_vcd) return;
    m_pe.observe({});
    m_vcd->close();
    m_vcd.reset();
  }

  VerilatedPe<Model> m_pe;               // the verilated module, clock and reset
  std::unique_ptr<VerilatedVcdC> m_vcd;  // the open VCD file; null: not tracing
};

}  // namespace tpesim::cosim
