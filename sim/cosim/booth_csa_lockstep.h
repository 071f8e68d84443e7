// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_bitslice_booth_csa.sv against pe::BitsliceArith (variant booth_csa,
// overflow wrap): after every edge the resolved accumulator, sum + carry of the redundant
// accumulator, and the MAC's count of non-zero radix-4 Booth digits (booth_radix4).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <type_traits>
#include <vector>

#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// A booth_csa spec with the widths of a verilated wrapping parameter set (the saturating sets
// have their own tests: tests/rtl/bitslice_booth_csa_saturate_lockstep_test.cpp).
pe::BitsliceSpec booth_csa_spec(int a_bits, int w_bits, int acc_bits);

// One cycle's inputs of pe_bitslice_booth_csa.
struct BoothCsaInputs {
  bool valid = false;  // in_valid: a MAC at this edge
  bool clear = false;  // in_clear: the MAC starts a new chain
  std::int64_t a = 0;  // activation, a_bits signed
  std::int64_t w = 0;  // weight, w_bits signed
};

// Drives one verilated pe_bitslice_booth_csa: operand packing and the outputs, decoded.
template <class Model>
void drive_booth_csa(Model& m, const pe::BitsliceSpec& spec, const BoothCsaInputs& in) {
  using A = std::remove_reference_t<decltype(m.a)>;
  using W = std::remove_reference_t<decltype(m.w)>;
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  m.a = static_cast<A>(static_cast<std::uint64_t>(in.a) &
                       static_cast<std::uint64_t>(pe::uint_max(spec.a_bits)));
  m.w = static_cast<W>(static_cast<std::uint64_t>(in.w) &
                       static_cast<std::uint64_t>(pe::uint_max(spec.w_bits)));
}
// The resolved accumulator (the read port's carry-propagate add), sign-extended.
template <class Model>
std::int64_t booth_csa_acc(const Model& m, const pe::BitsliceSpec& spec) {
  return pe::wrap_signed(static_cast<std::int64_t>(m.acc), spec.acc_bits);
}

// BitsliceArith at the PE's cycle contract: registered accumulator; the non-zero digits of the
// edge's MAC (0 after an edge without in_valid).
class BoothCsaCycleModel {
 public:
  explicit BoothCsaCycleModel(const pe::BitsliceSpec& spec) : m_spec(spec), m_arith(spec) {}
  void edge(const BoothCsaInputs& in) {
    m_digits = 0;
    m_overflow = false;
    if (!in.valid) return;
    const auto s = m_arith.mac_step(in.clear ? 0 : m_acc, static_cast<std::int32_t>(in.a),
                                    static_cast<std::int32_t>(in.w));
    m_acc = s.value;
    m_overflow = s.overflow;
    m_digits = pe::booth_radix4(in.w, m_spec.w_bits).nonzero();
  }
  std::int64_t acc() const { return m_acc; }
  int nonzero_digits() const { return m_digits; }
  bool overflow() const { return m_overflow; }

 private:
  pe::BitsliceSpec m_spec;    // widths
  pe::BitsliceArith m_arith;  // the value semantics
  std::int64_t m_acc = 0;     // registered accumulator, sign-extended
  int m_digits = 0;           // non-zero Booth digits of the last edge's w
  bool m_overflow = false;    // the last edge's sum left acc_bits (wrapped)
};

// The seeded stimulus: `random_cycles` cycles of random operands (edge values a quarter of the
// time, in_valid 3/4, in_clear 1/512; a third of the chains keep one product sign, w replaced by
// ~w where needed, so narrow accumulators wrap), then a "wrap drive": one chain of extreme
// operands, products positive then negative, each phase 5/4 of the steps that cross the
// accumulator's half range plus 64, so even a 32-bit accumulator wraps both ways.
class BoothCsaStimulus {
 public:
  BoothCsaStimulus(const pe::BitsliceSpec& spec, std::uint64_t seed, std::uint64_t random_cycles);
  std::uint64_t total_cycles() const { return m_random + 2 * m_drive; }
  BoothCsaInputs next();

 private:
  std::int64_t operand(int bits);

  pe::BitsliceSpec m_spec;   // widths
  std::mt19937_64 m_rng;     // the stimulus generator
  std::uint64_t m_random;    // cycles of the random phase
  std::uint64_t m_drive;     // cycles of each wrap-drive phase
  std::uint64_t m_next = 0;  // index of the next cycle
  int m_drift = 0;           // the sign the products of this chain keep (0: none)
};

template <class Model, class Reference = BoothCsaCycleModel>
class BoothCsaLockstep final : public VerilatedLockstep<Model> {
 public:
  BoothCsaLockstep(const pe::BitsliceSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                   bool traced, Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_stimulus(spec, seed, random_cycles),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_done >= m_stimulus.total_cycles(); }
  std::vector<Mismatch> step() override {
    m_in = m_stimulus.next();
    Model& m = this->pe().model();
    drive_booth_csa(m, m_spec, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    ++m_done;
    m_macs += m_in.valid;
    m_overflows += m_reference.overflow();
    m_partial_products += m.nonzero_digits;
    m_redundant += m.acc_carry != 0;
    std::vector<Mismatch> out;
    const std::int64_t acc = m_reference.acc();
    const std::int64_t rtl_acc = booth_csa_acc(m, m_spec);
    if (rtl_acc != acc) out.push_back({"acc", fmt::format("{}", acc), fmt::format("{}", rtl_acc)});
    const auto mask = static_cast<std::uint64_t>(pe::uint_max(m_spec.acc_bits));
    const std::uint64_t resolved =
        (static_cast<std::uint64_t>(m.acc_sum) + static_cast<std::uint64_t>(m.acc_carry)) & mask;
    if (resolved != (static_cast<std::uint64_t>(acc) & mask)) {
      out.push_back({"acc_sum + acc_carry",
                     fmt::format("{:#x}", static_cast<std::uint64_t>(acc) & mask),
                     fmt::format("{:#x}", resolved)});
    }
    if (static_cast<int>(m.nonzero_digits) != m_reference.nonzero_digits()) {
      out.push_back({"nonzero_digits", fmt::format("{}", m_reference.nonzero_digits()),
                     fmt::format("{}", static_cast<int>(m.nonzero_digits))});
    }
    return out;
  }
  std::string inputs() const override {
    return fmt::format("in_valid={:d} in_clear={:d} a={} w={}", m_in.valid, m_in.clear, m_in.a,
                       m_in.w);
  }
  std::vector<Counter> counters() const override {
    return {{"macs", m_macs},
            {"overflows", m_overflows},
            {"partial_products", m_partial_products},
            {"redundant_cycles", m_redundant}};
  }

 private:
  pe::BitsliceSpec m_spec;              // the verilated parameter set
  BoothCsaStimulus m_stimulus;          // the seeded inputs
  Reference m_reference;                // the C++ side
  std::uint64_t m_done = 0;             // cycles stepped
  BoothCsaInputs m_in;                  // the last step's inputs
  std::int64_t m_macs = 0;              // steps with in_valid
  std::int64_t m_overflows = 0;         // MACs whose exact sum wrapped
  std::int64_t m_partial_products = 0;  // sum of the RTL's nonzero_digits
  std::int64_t m_redundant = 0;         // cycles with a non-zero carry vector
};

// The verilated booth_csa parameter sets: 8x8 -> 32 and 6x5 -> 14, wrap.
std::vector<VerilatedPeModel> booth_csa_verilated_pes();

}  // namespace tpesim::cosim
