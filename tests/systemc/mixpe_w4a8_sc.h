// SPDX-License-Identifier: Apache-2.0
// MixpeW4A8Sc: the mixpe PE, variant W4A8 (pe/mixpe.h, MixpeW4A8Arith), as a clocked sc_module
// with the ports of rtl/pe_mixpe_w4a8.sv as `verilator --sc` declares them: per k,
// P <- P + a * q and S <- S + a; at a group's last k, acc <- RNE32(acc + RNE32(float(P - z S) *
// s)) and P, S <- 0; out = MixpeW4A8Arith::output (acc * s_a rounded to out_format).
//
// Ports and timing (one k per cycle; everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: p, s, acc, s_a <- 0, overflow <- 0
//   in_valid   a step happens at this edge; in_clear: from MixpeW4A8Arith::zero()
//   a          int8 activation pattern; a_scale: the row's scale s_a, a binary32 pattern
//   q, z       the weight's code and its group's zero point, unsigned w_bits
//   w_scale    the group's scale s, an fp16 pattern; group_end: dequantize after this step
//   p, s       the group's partial sums P and S, two's complement patterns of
//              8 + w_bits + clog2(group_size) and 8 + clog2(group_size) bits (registered)
//   acc, s_a   binary32 patterns (registered); overflow: 1 after a group end whose D left int32
//   out        the output, an out_format pattern
#pragma once

#include <bit>
#include <cstdint>
#include <systemc>

#include "pe/float_format.h"
#include "pe/mixpe.h"
#include "pe/numeric.h"

namespace tpesim::sc {

class MixpeW4A8Sc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;               // rising edge active
  sc_core::sc_in<bool> rst;               // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;          // a step at this edge
  sc_core::sc_in<bool> in_clear;          // the step starts a new chain
  sc_core::sc_in<std::uint32_t> a;        // int8 activation pattern
  sc_core::sc_in<std::uint32_t> a_scale;  // binary32 pattern
  sc_core::sc_in<std::uint32_t> q;        // weight code, w_bits
  sc_core::sc_in<std::uint32_t> z;        // zero point, w_bits
  sc_core::sc_in<std::uint32_t> w_scale;  // fp16 pattern
  sc_core::sc_in<bool> group_end;         // dequantize after this step
  sc_core::sc_out<std::uint32_t> p;       // P pattern (<= 32 bits)
  sc_core::sc_out<std::uint32_t> s;       // S pattern
  sc_core::sc_out<std::uint32_t> acc;     // binary32 pattern
  sc_core::sc_out<std::uint32_t> s_a;     // binary32 pattern
  sc_core::sc_out<bool> overflow;         // the last group end's D left int32
  sc_core::sc_out<std::uint32_t> out;     // out_format pattern

  SC_HAS_PROCESS(MixpeW4A8Sc);
  MixpeW4A8Sc(const sc_core::sc_module_name& name, const pe::MixpeSpec& spec)
      : sc_core::sc_module(name), m_arith(spec) {
    int group_bits = 0;
    while ((std::int64_t{1} << group_bits) < spec.group_size) ++group_bits;
    m_p_bits = 8 + spec.w_bits + group_bits;
    m_s_bits = 8 + group_bits;
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  void tick() {
    bool event = false;
    if (rst.read()) {
      m_c = pe::MixpeW4A8Arith::zero();
    } else if (in_valid.read()) {
      pe::MixpeOperand av, wv;
      av.v = static_cast<std::int32_t>(pe::wrap_signed(a.read(), 8));
      av.s = static_cast<float>(pe::decode(a_scale.read(), pe::kFp32));
      wv.v = static_cast<std::int32_t>(q.read());
      wv.z = static_cast<std::int32_t>(z.read());
      wv.s = static_cast<float>(pe::decode(w_scale.read(), pe::kFp16));
      wv.group_end = group_end.read();
      const auto step =
          m_arith.mac_step(in_clear.read() ? pe::MixpeW4A8Arith::zero() : m_c, av, wv);
      m_c = step.value;
      event = step.overflow;
    }
    p.write(static_cast<std::uint32_t>(static_cast<std::uint64_t>(m_c.p) &
                                       static_cast<std::uint64_t>(pe::uint_max(m_p_bits))));
    s.write(static_cast<std::uint32_t>(static_cast<std::uint64_t>(m_c.s) &
                                       static_cast<std::uint64_t>(pe::uint_max(m_s_bits))));
    acc.write(std::bit_cast<std::uint32_t>(m_c.acc));
    s_a.write(std::bit_cast<std::uint32_t>(m_c.s_a));
    overflow.write(event);
    out.write(static_cast<std::uint32_t>(m_arith.output(m_c)));
  }

  pe::MixpeW4A8Arith m_arith;                                // the C++ arithmetic and its spec
  pe::MixpeW4A8Arith::Acc m_c = pe::MixpeW4A8Arith::zero();  // the chain's state
  int m_p_bits = 0;                                          // width of the p port (bits)
  int m_s_bits = 0;                                          // width of the s port (bits)
};

}  // namespace tpesim::sc
