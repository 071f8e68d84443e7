// SPDX-License-Identifier: Apache-2.0
// LutTcSc: the lut_tc lookup PE (pe/lut_tc.h, LutTcArith: fp16 activations, fp16 / fp32 table)
// as a clocked sc_module with the ports of rtl/pe_lut_tc.sv as `verilator --sc` declares them.
// One step takes one LUT group (KG activations, KG weight codes) in w_bits cycles (one bit plane
// per cycle): the group's bit-plane sums, its activation sum, and at a scale group's end the
// dequantization, as LutTcArith::mac_step defines them.
//
// The port types follow Verilator's rule (1 bit: bool, up to 32: uint32_t, up to 64: uint64_t,
// wider: sc_bv<N>): LutPort carries the half table, APort the KG fp16 activations.
//
// Ports and timing (everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: everything +0, busy and done 0
//   in_valid   a step starts at this edge when busy is 0; in_clear: from LutTcArith::zero()
//   lut        Ts[h] at [h * TW +: TW], TW the table format's bits; a: activation t at [16 t +: 16]
//   count      activations in the group (only these enter S); q: code t at [t * w_bits +: w_bits]
//   w_scale    the scale group's s (fp16 pattern); z: its zero point; group_end: dequantize
//   busy       a step accepted at edge t: 1 after edges t .. t + w_bits - 2
//   done       1 after edge t + w_bits - 1, when acc_g, s_g and acc hold the step's result
//   acc_g      acc_format pattern; s_g, acc: binary32 patterns. While busy is 1 acc (and out)
//              hold the step's base: the value before the step, or +0 when it starts a new
//              chain; the C++ model's acc_g and s_g hold the base too, where the RTL shows
//              partial sums (compare those two while busy is 0).
//   overflow   1 with done when acc is not finite; out: LutTcArith::output, an out_format pattern
#pragma once

#include <bit>
#include <cstdint>
#include <systemc>

#include "pe/float_format.h"
#include "pe/lut_tc.h"

namespace tpesim::sc {

// Bits [lo, lo + width) of a port value, for the integer and sc_bv port types.
inline std::uint64_t port_bits(std::uint64_t v, int lo, int width) {
  return (v >> lo) & ((std::uint64_t{1} << width) - 1);
}
template <int N>
std::uint64_t port_bits(const sc_dt::sc_bv<N>& v, int lo, int width) {
  return v.range(lo + width - 1, lo).to_uint64();
}

template <class LutPort, class APort>
class LutTcSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;               // rising edge active
  sc_core::sc_in<bool> rst;               // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;          // start a step at this edge (when not busy)
  sc_core::sc_in<bool> in_clear;          // the step starts a new chain
  sc_core::sc_in<LutPort> lut;            // the group's half table
  sc_core::sc_in<APort> a;                // the group's fp16 activations
  sc_core::sc_in<std::uint32_t> count;    // activations in the group
  sc_core::sc_in<std::uint32_t> q;        // KG weight codes
  sc_core::sc_in<std::uint32_t> w_scale;  // fp16 pattern
  sc_core::sc_in<std::uint32_t> z;        // zero point, w_bits
  sc_core::sc_in<bool> group_end;         // dequantize at the step's end
  sc_core::sc_out<bool> busy;             // a step continues at the next edge
  sc_core::sc_out<bool> done;             // a step completed at the last edge
  sc_core::sc_out<std::uint32_t> acc_g;   // acc_format pattern
  sc_core::sc_out<std::uint32_t> s_g;     // binary32 pattern
  sc_core::sc_out<std::uint32_t> acc;     // binary32 pattern
  sc_core::sc_out<bool> overflow;         // acc not finite, with done
  sc_core::sc_out<std::uint32_t> out;     // out_format pattern

  SC_HAS_PROCESS(LutTcSc);
  LutTcSc(const sc_core::sc_module_name& name, const pe::LutTcSpec& spec)
      : sc_core::sc_module(name), m_arith(spec) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    const pe::LutTcSpec& spec = m_arith.spec;
    bool completed = false;
    if (rst.read()) {
      m_c = pe::LutTcArith::zero();
      m_left = 0;
    } else if (m_left > 0) {
      completed = --m_left == 0;
    } else if (in_valid.read()) {
      const pe::FloatFormat table_format =
          spec.table_format == pe::LutTableFormat::Fp32 ? pe::kFp32 : pe::kFp16;
      const int tw = table_format.bits();
      pe::LutOperand av, wv;
      for (int h = 0; h < (1 << (spec.lut_group - 1)); ++h) {
        av.table[h] = static_cast<float>(pe::decode(
            static_cast<std::uint32_t>(port_bits(lut.read(), h * tw, tw)), table_format));
      }
      for (int t = 0; t < spec.lut_group; ++t) {
        av.a[t] = static_cast<float>(
            pe::decode(static_cast<std::uint32_t>(port_bits(a.read(), 16 * t, 16)), pe::kFp16));
        wv.q[t] = static_cast<std::uint8_t>(port_bits(q.read(), t * spec.w_bits, spec.w_bits));
      }
      av.count = static_cast<std::uint8_t>(count.read());
      wv.half_scale = static_cast<float>(pe::decode(w_scale.read(), pe::kFp16) / 2);
      wv.z_prime = 2 * static_cast<std::int32_t>(z.read()) - ((1 << spec.w_bits) - 1);
      wv.group_end = group_end.read();
      if (in_clear.read()) m_c = pe::LutTcArith::zero();  // the step's base, shown while busy
      const auto step = m_arith.mac_step(m_c, av, wv);
      m_result = step.value;
      m_left = spec.w_bits - 1;
      completed = m_left == 0;
    }
    if (completed) m_c = m_result;
    busy.write(m_left > 0);
    done.write(completed);
    acc_g.write(pe::encode(static_cast<double>(m_c.acc_g), spec.acc_format));
    s_g.write(std::bit_cast<std::uint32_t>(m_c.s));
    acc.write(std::bit_cast<std::uint32_t>(m_c.out));
    overflow.write(completed && !std::isfinite(m_c.out));
    out.write(static_cast<std::uint32_t>(m_arith.output(m_c)));
  }

  pe::LutTcArith m_arith;                                 // the C++ arithmetic and its spec
  pe::LutTcArith::Acc m_c = pe::LutTcArith::zero();       // the state after the last step
  pe::LutTcArith::Acc m_result = pe::LutTcArith::zero();  // the running step's result
  int m_left = 0;                                         // edges left in the running step
};

}  // namespace tpesim::sc
