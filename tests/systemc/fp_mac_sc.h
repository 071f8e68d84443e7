// SPDX-License-Identifier: Apache-2.0
// FpMacSc: the fp_mac PE's C++ arithmetic (pe/fp_mac.h, FpMacArith) as a clocked sc_module with
// the ports of rtl/pe_fp_mac.sv as `verilator --sc` declares them: acc <- RNE32(acc + a * w),
// one rounding (an FMA), every NaN the canonical +0x7FC00000.
//
// Ports and timing (one cycle; everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: acc <- +0, overflow <- 0
//   in_valid   a MAC happens at this edge; in_clear: it starts a new chain (acc <- +0 + a * w)
//   a, w       operand bit patterns of a_format / w_format
//   acc        the binary32 accumulator's bit pattern (registered)
//   overflow   1 after an edge with in_valid whose result is infinite or NaN
//   out        acc rounded once to out_format (FpMacArith::output), a bit pattern
#pragma once

#include <bit>
#include <cstdint>
#include <systemc>

#include "pe/fp_mac.h"

namespace tpesim::sc {

class FpMacSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;            // rising edge active
  sc_core::sc_in<bool> rst;            // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;       // a MAC at this edge
  sc_core::sc_in<bool> in_clear;       // the MAC starts a new chain
  sc_core::sc_in<std::uint32_t> a;     // activation pattern, a_format
  sc_core::sc_in<std::uint32_t> w;     // weight pattern, w_format
  sc_core::sc_out<std::uint32_t> acc;  // binary32 accumulator pattern
  sc_core::sc_out<bool> overflow;      // the last MAC's result is not finite
  sc_core::sc_out<std::uint32_t> out;  // acc in out_format, a pattern

  SC_HAS_PROCESS(FpMacSc);
  FpMacSc(const sc_core::sc_module_name& name, const pe::FpMacSpec& spec)
      : sc_core::sc_module(name), m_arith(spec) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    bool event = false;
    if (rst.read()) {
      m_acc = pe::FpMacArith::zero();
    } else if (in_valid.read()) {
      const auto step = m_arith.mac_step(in_clear.read() ? pe::FpMacArith::zero() : m_acc,
                                         m_arith.decode_a(a.read()), m_arith.decode_w(w.read()));
      m_acc = step.value;
      event = step.overflow;
    }
    acc.write(std::bit_cast<std::uint32_t>(m_acc));
    overflow.write(event);
    out.write(static_cast<std::uint32_t>(m_arith.output(m_acc)));
  }

  pe::FpMacArith m_arith;                // the C++ arithmetic and formats
  float m_acc = pe::FpMacArith::zero();  // the binary32 accumulator
};

}  // namespace tpesim::sc
