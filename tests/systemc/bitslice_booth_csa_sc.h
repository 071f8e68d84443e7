// SPDX-License-Identifier: Apache-2.0
// BoothCsaSc: the bitslice PE, variant booth_csa (pe/bitslice.h, BitsliceArith), as a clocked
// sc_module with the ports of rtl/pe_bitslice_booth_csa.sv as `verilator --sc` declares them:
// acc <- acc + a * w, wrapping or saturating in acc_bits, one MAC per cycle.
//
// Ports and timing (one cycle; everything sampled and written at the rising edge of clk):
//   rst             synchronous reset, active high: acc <- 0, nonzero_digits <- 0
//   in_valid        a MAC happens at this edge; in_clear: it starts a new chain (acc <- a * w)
//   a, w            two's complement patterns in the low a_bits / w_bits bits
//   acc             the accumulator, a two's complement pattern in the low acc_bits bits
//   acc_sum         the redundant form of acc the RTL keeps; the C++ model keeps acc resolved,
//   acc_carry       so acc_sum = acc and acc_carry = 0 (acc = acc_sum + acc_carry holds for both)
//   nonzero_digits  non-zero radix-4 Booth digits of the last edge's w (0 without in_valid)
//   overflow        the last edge's MAC left acc_bits (saturate only; always 0 when wrapping)
#pragma once

#include <cstdint>
#include <systemc>

#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "pe/numeric.h"

namespace tpesim::sc {

class BoothCsaSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;                       // rising edge active
  sc_core::sc_in<bool> rst;                       // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;                  // a MAC at this edge
  sc_core::sc_in<bool> in_clear;                  // the MAC starts a new chain
  sc_core::sc_in<std::uint32_t> a;                // activation pattern, a_bits
  sc_core::sc_in<std::uint32_t> w;                // weight pattern, w_bits
  sc_core::sc_out<std::uint32_t> acc_sum;         // = acc (no redundant form here)
  sc_core::sc_out<std::uint32_t> acc_carry;       // = 0
  sc_core::sc_out<std::uint32_t> acc;             // accumulator pattern, acc_bits (<= 32)
  sc_core::sc_out<std::uint32_t> nonzero_digits;  // partial products of the last MAC
  sc_core::sc_out<bool> overflow;                 // the last MAC was clamped (saturate)

  SC_HAS_PROCESS(BoothCsaSc);
  BoothCsaSc(const sc_core::sc_module_name& name, const pe::BitsliceSpec& spec)
      : sc_core::sc_module(name), m_spec(spec), m_arith(spec) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    int digits = 0;
    bool clamped = false;
    if (rst.read()) {
      m_acc = 0;
    } else if (in_valid.read()) {
      const std::int64_t wv = pe::wrap_signed(w.read(), m_spec.w_bits);
      const auto step =
          m_arith.mac_step(in_clear.read() ? 0 : m_acc,
                           static_cast<std::int32_t>(pe::wrap_signed(a.read(), m_spec.a_bits)),
                           static_cast<std::int32_t>(wv));
      m_acc = step.value;
      clamped = step.overflow && m_spec.overflow == pe::Overflow::Saturate;
      digits = pe::booth_radix4(wv, m_spec.w_bits).nonzero();
    }
    const auto resolved =
        static_cast<std::uint32_t>(static_cast<std::uint64_t>(m_acc) &
                                   static_cast<std::uint64_t>(pe::uint_max(m_spec.acc_bits)));
    acc.write(resolved);
    acc_sum.write(resolved);
    acc_carry.write(0);
    nonzero_digits.write(static_cast<std::uint32_t>(digits));
    overflow.write(clamped);
  }

  pe::BitsliceSpec m_spec;    // widths and overflow rule
  pe::BitsliceArith m_arith;  // the C++ arithmetic
  std::int64_t m_acc = 0;     // the accumulator, sign-extended
};

}  // namespace tpesim::sc
