// SPDX-License-Identifier: Apache-2.0
// LmulSc: the L-Mul multiplier of the lmul PE (pe/lmul.h, lmul_multiply) as a clocked sc_module
// with the ports of rtl/pe_lmul.sv as `verilator --sc` declares them: the product of two
// patterns by one integer add, R = X + Y - OFFSET, with its numeric events.
//
// Ports and timing (one cycle; everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: every output <- 0
//   in_valid   a product is formed at this edge
//   x, y       operand bit patterns of `format`
//   out_valid  1 after an edge with in_valid
//   p          the product's pattern (holds after an edge without in_valid)
//   flushed, saturated, nan   lmul_multiply's events for p (0 after an edge without in_valid)
#pragma once

#include <cstdint>
#include <systemc>

#include "pe/float_format.h"
#include "pe/lmul.h"

namespace tpesim::sc {

class LmulSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;          // rising edge active
  sc_core::sc_in<bool> rst;          // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;     // form a product at this edge
  sc_core::sc_in<std::uint32_t> x;   // operand pattern, format
  sc_core::sc_in<std::uint32_t> y;   // operand pattern, format
  sc_core::sc_out<bool> out_valid;   // p is the last edge's product
  sc_core::sc_out<std::uint32_t> p;  // product pattern, format
  sc_core::sc_out<bool> flushed;     // R fell below the smallest normal
  sc_core::sc_out<bool> saturated;   // R passed the largest finite encoding
  sc_core::sc_out<bool> nan;         // a NaN or infinite operand

  SC_HAS_PROCESS(LmulSc);
  LmulSc(const sc_core::sc_module_name& name, const pe::FloatFormat& format)
      : sc_core::sc_module(name), m_format(format) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    pe::LmulProduct product;
    if (rst.read()) {
      m_p = 0;
    } else if (in_valid.read()) {
      product = pe::lmul_multiply(x.read(), y.read(), m_format);
      m_p = product.pattern;
    }
    const bool valid = !rst.read() && in_valid.read();
    out_valid.write(valid);
    p.write(m_p);
    flushed.write(valid && product.flushed);
    saturated.write(valid && product.saturated);
    nan.write(valid && product.nan);
  }

  pe::FloatFormat m_format;  // operand and product format
  std::uint32_t m_p = 0;     // the product register, a pattern
};

}  // namespace tpesim::sc
