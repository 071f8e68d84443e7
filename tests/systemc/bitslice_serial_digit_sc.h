// SPDX-License-Identifier: Apache-2.0
// SerialDigitSc: the bitslice PE, variant serial_digit (pe/bitslice.h: BitsliceArith values,
// step_cycles() timing), as a clocked sc_module with the ports of
// rtl/pe_bitslice_serial_digit.sv as `verilator --sc` declares them. One step takes `lanes`
// lanes (spec.digit_group = lanes: one digit schedule) and acc <- acc + sum of a * w; it takes
// step_cycles() cycles, data dependent.
//
// Ports and timing (everything sampled and written at the rising edge of clk):
//   rst        synchronous reset, active high: acc, busy, done <- 0
//   in_valid   a step starts at this edge when busy is 0 (ignored while busy is 1)
//   in_clear   that step starts a new chain: acc <- sum of a * w
//   a, w       lane l at bits [l * a_bits +: a_bits] (w_bits), two's complement, lanes in k order
//   busy       a step accepted at edge t taking C cycles: 1 after edges t .. t + C - 2
//   done       1 after edge t + C - 1, when acc holds the step's result
//   acc        the accumulator pattern, acc_bits. While busy is 1 the C++ model holds the value
//              before the step (the RTL shows partial sums then): compare it while busy is 0.
//   overflows  with done: the step's lanes whose add left acc_bits and was clamped (saturate
//              only; 0 when wrapping and when done is 0)
#pragma once

#include <array>
#include <cstdint>
#include <systemc>

#include "pe/bitslice.h"
#include "pe/numeric.h"

namespace tpesim::sc {

class SerialDigitSc : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;                  // rising edge active
  sc_core::sc_in<bool> rst;                  // synchronous reset, active high
  sc_core::sc_in<bool> in_valid;             // start a step at this edge (when not busy)
  sc_core::sc_in<bool> in_clear;             // the step starts a new chain
  sc_core::sc_in<std::uint32_t> a;           // lanes x a_bits activation patterns
  sc_core::sc_in<std::uint32_t> w;           // lanes x w_bits weight patterns
  sc_core::sc_out<bool> busy;                // a step continues at the next edge
  sc_core::sc_out<bool> done;                // a step completed at the last edge
  sc_core::sc_out<std::uint32_t> acc;        // accumulator pattern, acc_bits (<= 32)
  sc_core::sc_out<std::uint32_t> overflows;  // lanes clamped in the completed step

  SC_HAS_PROCESS(SerialDigitSc);
  SerialDigitSc(const sc_core::sc_module_name& name, const pe::BitsliceSpec& spec, int lanes)
      : sc_core::sc_module(name), m_spec(spec), m_arith(spec), m_lanes(lanes) {
    SC_METHOD(tick);
    sensitive << clk.pos();
    dont_initialize();
  }

 private:
  static constexpr int kMaxLanes = 8;  // lanes * max(a_bits, w_bits) fit a 32-bit port

  void tick() {
    bool completed = false;
    if (rst.read()) {
      m_acc = 0;
      m_left = 0;
    } else if (m_left > 0) {
      completed = --m_left == 0;
    } else if (in_valid.read()) {
      std::array<std::int32_t, kMaxLanes> av{}, wv{};
      std::int64_t sum = in_clear.read() ? 0 : m_acc;
      int clamped = 0;
      for (int l = 0; l < m_lanes; ++l) {
        av[l] = lane(a.read(), l, m_spec.a_bits);
        wv[l] = lane(w.read(), l, m_spec.w_bits);
        const auto step = m_arith.mac_step(sum, av[l], wv[l]);
        sum = step.value;
        clamped += step.overflow && m_spec.overflow == pe::Overflow::Saturate;
      }
      m_result = sum;
      m_clamped = clamped;
      m_left = pe::step_cycles(m_spec, av.data(), wv.data(), m_lanes) - 1;
      completed = m_left == 0;
    }
    if (completed) m_acc = m_result;
    busy.write(m_left > 0);
    done.write(completed);
    overflows.write(completed ? static_cast<std::uint32_t>(m_clamped) : 0u);
    acc.write(
        static_cast<std::uint32_t>(static_cast<std::uint64_t>(m_acc) &
                                   static_cast<std::uint64_t>(pe::uint_max(m_spec.acc_bits))));
  }
  static std::int32_t lane(std::uint32_t packed, int l, int bits) {
    return static_cast<std::int32_t>(
        pe::wrap_signed((packed >> (l * bits)) & pe::uint_max(bits), bits));
  }

  pe::BitsliceSpec m_spec;    // widths, overflow rule, digit_group (= lanes)
  pe::BitsliceArith m_arith;  // the C++ arithmetic
  int m_lanes;                // lanes per step
  std::int64_t m_acc = 0;     // the accumulator, sign-extended
  std::int64_t m_result = 0;  // the running step's result
  std::int64_t m_left = 0;    // edges left in the running step (cycles)
  int m_clamped = 0;          // lanes of the running step that were clamped
};

}  // namespace tpesim::sc
