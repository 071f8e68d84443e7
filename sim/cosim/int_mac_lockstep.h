// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_int_mac.sv against pe::IntMacArith: seeded stimulus (edge operands a
// quarter of the time, in_valid 3/4, in_clear 1/1024 so chains are long and accumulators
// overflow), acc and overflow compared after every edge.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

#include "pe/int_mac.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// One cycle's inputs of pe_int_mac.
struct IntMacInputs {
  bool valid = false;  // in_valid: a MAC at this edge
  bool clear = false;  // in_clear: the MAC starts a new chain
  std::int32_t a = 0;  // activation, a_bits signed
  std::int32_t w = 0;  // weight, w_bits signed
};

// Drives one verilated pe_int_mac's inputs (operands as a_bits / w_bits two's complement).
template <class Model>
void drive_int_mac(Model& m, const pe::IntMacSpec& spec, const IntMacInputs& in) {
  const auto pack = [](std::int64_t v, int bits) {
    return static_cast<std::uint64_t>(v) & static_cast<std::uint64_t>(pe::uint_max(bits));
  };
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(pack(in.a, spec.a_bits));
  m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(pack(in.w, spec.w_bits));
}

// IntMacArith at the PE's cycle contract: acc and the overflow event are registered; an edge
// without in_valid holds acc and reports no overflow.
class IntMacCycleModel {
 public:
  explicit IntMacCycleModel(const pe::IntMacSpec& spec) : m_arith(spec) {}
  void edge(const IntMacInputs& in) {
    m_overflow = false;
    if (!in.valid) return;
    const auto s = m_arith.mac_step(in.clear ? 0 : m_acc, in.a, in.w);
    m_acc = s.value;
    m_overflow = s.overflow;
  }
  std::int64_t acc() const { return m_acc; }
  bool overflow() const { return m_overflow; }

 private:
  pe::IntMacArith m_arith;  // the value semantics
  std::int64_t m_acc = 0;   // registered accumulator, sign-extended
  bool m_overflow = false;  // the last edge's MAC left acc_bits
};

// The seeded stimulus of the int_mac bench.
class IntMacStimulus {
 public:
  IntMacStimulus(const pe::IntMacSpec& spec, std::uint64_t seed) : m_spec(spec), m_rng(seed) {}
  IntMacInputs next() {
    IntMacInputs in;
    in.valid = m_rng() % 4 != 0;
    in.clear = m_rng() % 1024 == 0;
    in.a = static_cast<std::int32_t>(operand(m_spec.a_bits));
    in.w = static_cast<std::int32_t>(operand(m_spec.w_bits));
    return in;
  }

 private:
  std::int64_t operand(int bits) {
    const std::int64_t lo = pe::int_min(bits), hi = pe::int_max(bits);
    switch (m_rng() % 8) {
      case 0:
        return lo;
      case 1:
        return hi;
      default:
        return lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1));
    }
  }

  pe::IntMacSpec m_spec;  // operand widths
  std::mt19937_64 m_rng;  // the stimulus generator
};

// Reference: the C++ side, IntMacCycleModel or a wrapper of it (edge, acc, overflow).
template <class Model, class Reference = IntMacCycleModel>
class IntMacLockstep final : public VerilatedLockstep<Model> {
 public:
  IntMacLockstep(const pe::IntMacSpec& spec, std::uint64_t seed, std::uint64_t cycles, bool traced,
                 Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_stimulus(spec, seed),
        m_reference(std::move(reference)),
        m_cycles(cycles) {}

  bool done() const override { return m_done >= m_cycles; }
  std::vector<Mismatch> step() override {
    m_in = m_stimulus.next();
    Model& m = this->pe().model();
    drive_int_mac(m, m_spec, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    ++m_done;
    m_macs += m_in.valid;
    m_overflows += m_reference.overflow();
    std::vector<Mismatch> out;
    const std::int64_t rtl_acc = pe::wrap_signed(static_cast<std::int64_t>(m.acc), m_spec.acc_bits);
    if (rtl_acc != m_reference.acc()) {
      out.push_back({"acc", fmt::format("{}", m_reference.acc()), fmt::format("{}", rtl_acc)});
    }
    if ((m.overflow != 0) != m_reference.overflow()) {
      out.push_back({"overflow", fmt::format("{:d}", m_reference.overflow()),
                     fmt::format("{:d}", m.overflow != 0)});
    }
    return out;
  }
  std::string inputs() const override {
    return fmt::format("in_valid={:d} in_clear={:d} a={} w={}", m_in.valid, m_in.clear, m_in.a,
                       m_in.w);
  }
  std::vector<Counter> counters() const override {
    return {{"macs", m_macs}, {"overflows", m_overflows}};
  }

 private:
  pe::IntMacSpec m_spec;         // the verilated parameter set
  IntMacStimulus m_stimulus;     // the seeded inputs
  Reference m_reference;         // the C++ side
  std::uint64_t m_cycles;        // cycles to run
  std::uint64_t m_done = 0;      // cycles stepped
  IntMacInputs m_in;             // the last step's inputs
  std::int64_t m_macs = 0;       // steps with in_valid
  std::int64_t m_overflows = 0;  // MACs whose exact sum left acc_bits
};

// The verilated int_mac parameter sets: 16x16 -> 32 wrap, 8x8 -> 18 saturate.
std::vector<VerilatedPeModel> int_mac_verilated_pes();

}  // namespace tpesim::cosim
