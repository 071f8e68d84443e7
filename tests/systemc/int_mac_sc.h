// SPDX-License-Identifier: Apache-2.0
// IntMacSc: the int_mac PE's C++ arithmetic (pe/int_mac_arith.h, IntMacArith) as a clocked
// sc_module with the ports of rtl/pe_int_mac.sv as `verilator --sc` declares them, so either can
// sit in the same SystemC testbench: acc <- acc + a * w with an exact product and an acc_bits
// accumulator that wraps or saturates.
//
// Ports and timing (one cycle; everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: acc <- 0, overflow <- 0
//   in_valid   a MAC happens at this edge; in_clear: it starts a new chain (acc <- a * w)
//   a, w       two's complement patterns in the low a_bits / w_bits bits
//   acc        the accumulator, a two's complement pattern in the low acc_bits bits (registered)
//   overflow   1 after an edge whose exact sum left acc_bits (registered)
#pragma once

#include <cstdint>
#include <systemc>

#include "pe/int_mac.h"
#include "pe/numeric.h"

namespace tpesim::sc {

class IntMacSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;            // rising edge active
  sc_core::sc_in<bool> rst;            // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;       // a MAC at this edge
  sc_core::sc_in<bool> in_clear;       // the MAC starts a new chain
  sc_core::sc_in<std::uint32_t> a;     // activation pattern, a_bits
  sc_core::sc_in<std::uint32_t> w;     // weight pattern, w_bits
  sc_core::sc_out<std::uint32_t> acc;  // accumulator pattern, acc_bits (<= 32)
  sc_core::sc_out<bool> overflow;      // the last edge's MAC overflowed

  SC_HAS_PROCESS(IntMacSc);
  IntMacSc(const sc_core::sc_module_name& name, const pe::IntMacSpec& spec)
      : sc_core::sc_module(name), m_spec(spec), m_arith(spec) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    bool event = false;
    if (rst.read()) {
      m_acc = 0;
    } else if (in_valid.read()) {
      const auto step = m_arith.mac_step(in_clear.read() ? 0 : m_acc, signed_in(a, m_spec.a_bits),
                                         signed_in(w, m_spec.w_bits));
      m_acc = step.value;
      event = step.overflow;
    }
    acc.write(
        static_cast<std::uint32_t>(static_cast<std::uint64_t>(m_acc) &
                                   static_cast<std::uint64_t>(pe::uint_max(m_spec.acc_bits))));
    overflow.write(event);
  }
  static std::int32_t signed_in(const sc_core::sc_in<std::uint32_t>& port, int bits) {
    return static_cast<std::int32_t>(pe::wrap_signed(port.read(), bits));
  }

  pe::IntMacSpec m_spec;    // widths and overflow rule
  pe::IntMacArith m_arith;  // the C++ arithmetic
  std::int64_t m_acc = 0;   // the accumulator, sign-extended
};

}  // namespace tpesim::sc
