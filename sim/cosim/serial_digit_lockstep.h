// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_bitslice_serial_digit.sv against pe::BitsliceArith (variant
// serial_digit, overflow wrap): after every edge busy and done against the schedule that
// step_cycles_lanes() gives (EN-T digits), and the accumulator, whenever no step is in progress,
// against the model's chain over the step's lanes.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pe/bitslice.h"
#include "pe/digit_encoding.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// A serial_digit spec with the widths and lanes (digit_group) of a verilated parameter set.
pe::BitsliceSpec serial_digit_spec(int a_bits, int w_bits, int acc_bits, int lanes);

// One cycle's inputs of pe_bitslice_serial_digit; lane l is the l-th consecutive k.
struct SerialDigitInputs {
  bool valid = false;           // in_valid: a step starts at this edge if the PE is not busy
  bool clear = false;           // in_clear: that step starts a new chain
  std::vector<std::int32_t> a;  // activations, a_bits signed, one per lane
  std::vector<std::int32_t> w;  // weights, w_bits signed, one per lane
};

// Drives one verilated pe_bitslice_serial_digit's inputs (lane l at bits [l * bits +: bits]).
template <class Model>
void drive_serial_digit(Model& m, const pe::BitsliceSpec& spec, const SerialDigitInputs& in) {
  const auto pack = [](const std::vector<std::int32_t>& v, int bits) {
    std::uint64_t out = 0;
    for (std::size_t l = 0; l < v.size(); ++l) {
      out |= (static_cast<std::uint64_t>(v[l]) & static_cast<std::uint64_t>(pe::uint_max(bits)))
             << (l * static_cast<std::size_t>(bits));
    }
    return out;
  };
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  m.a = static_cast<std::remove_reference_t<decltype(m.a)>>(pack(in.a, spec.a_bits));
  m.w = static_cast<std::remove_reference_t<decltype(m.w)>>(pack(in.w, spec.w_bits));
}
// The accumulator, sign-extended.
template <class Model>
std::int64_t serial_digit_acc(const Model& m, const pe::BitsliceSpec& spec) {
  return pe::wrap_signed(static_cast<std::int64_t>(m.acc), spec.acc_bits);
}

// BitsliceArith at the PE's cycle contract: a step offered while not busy is accepted and takes
// C = step_cycles_lanes() cycles (done after its last edge, busy after the ones before); the
// accumulator is the chain's value after the last accepted step (due whenever busy is 0).
class SerialDigitCycleModel {
 public:
  explicit SerialDigitCycleModel(const pe::BitsliceSpec& spec) : m_spec(spec), m_arith(spec) {}
  void edge(const SerialDigitInputs& in) {
    const std::int64_t cycle = m_cycle++;
    if (in.valid && !busy()) {
      m_end = cycle + m_arith.step_cycles_lanes(in.a.data(), in.w.data(), m_spec.digit_group) - 1;
      std::int64_t acc = in.clear ? 0 : m_acc;
      for (std::size_t l = 0; l < in.a.size(); ++l)
        acc = m_arith.mac_step(acc, in.a[l], in.w[l]).value;
      m_acc = acc;
    }
    m_done = m_end == cycle;
    if (m_done) m_end = -1;
  }
  bool busy() const { return m_end >= 0; }
  bool done() const { return m_done; }
  std::int64_t acc() const { return m_acc; }

 private:
  pe::BitsliceSpec m_spec;    // widths and lanes
  pe::BitsliceArith m_arith;  // values and step cycles: the one C++ definition
  std::int64_t m_cycle = 0;   // edges taken since reset
  std::int64_t m_end = -1;    // the edge on which the step in progress completes (-1: none)
  bool m_done = false;        // the last edge completed a step
  std::int64_t m_acc = 0;     // the accumulator after the last accepted step
};

// What the stimulus does after reset.
enum class SerialDigitSchedule {
  // `random_cycles` edges: a step offered 3/4 of the free edges (a new chain 1/64 of the steps;
  // two chains in three keep their products' sign), in_valid with other operands on half of the
  // busy edges (ignored), idle edges; lanes zero a quarter of the time, extremes, magnitudes
  // below 8, +-0b0101..., uniform. Then a wrap drive: back-to-back steps of extreme same-sign
  // products, 5/4 of what carries the accumulator past half its range, each sign; then idle
  // edges until the last step completes.
  RandomThenWrapDrive,
  // Every (a, w) pair in lane 0 (other lanes 0) as a fresh chain, idle edges (same operands)
  // until each step completes.
  EveryPair,
};

// The seeded stimulus; next() and done() take whether the PE is busy before the edge.
class SerialDigitStimulus {
 public:
  SerialDigitStimulus(const pe::BitsliceSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                      SerialDigitSchedule schedule);
  bool done(bool busy) const {
    return !busy && (m_phase == Phase::Drain || (m_phase == Phase::Pairs && m_index == m_pairs));
  }
  SerialDigitInputs next(bool busy);

 private:
  enum class Phase { Random, Drive, Pairs, Drain };

  std::int32_t activation();
  std::int32_t weight();
  std::int32_t uniform(int bits);
  SerialDigitInputs lanes(int drift);
  SerialDigitInputs drive_lanes(int sign) const;

  pe::BitsliceSpec m_spec;    // widths and lanes
  std::mt19937_64 m_rng;      // the seeded source (seed + 1)
  Phase m_phase;              // the phase of the next edge
  std::uint64_t m_random;     // edges of the random phase
  std::uint64_t m_index = 0;  // random edges, or pairs, taken
  std::uint64_t m_pairs = 0;  // (a, w) pairs of the every-pair schedule
  int m_drift = 0;            // the sign the products of this chain keep (0: none)
  std::int64_t m_drive = 0;   // steps of each wrap-drive sign
  int m_drive_sign = 1;       // the wrap drive's current sign
  std::int64_t m_driven = 0;  // steps of the current sign started
  SerialDigitInputs m_pair;   // the every-pair schedule's current step
};

template <class Model, class Reference = SerialDigitCycleModel>
class SerialDigitLockstep final : public VerilatedLockstep<Model> {
 public:
  SerialDigitLockstep(const pe::BitsliceSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                      bool traced, Reference reference,
                      SerialDigitSchedule schedule = SerialDigitSchedule::RandomThenWrapDrive)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_arith(spec),
        m_stimulus(spec, seed, random_cycles, schedule),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(m_reference.busy()); }
  std::vector<Mismatch> step() override {
    const bool busy = m_reference.busy();
    m_in = m_stimulus.next(busy);
    if (m_in.valid && !busy) {
      count_step();
    } else if (m_in.valid) {
      ++m_ignored;
    } else if (!busy) {
      ++m_idle;
    }
    Model& m = this->pe().model();
    drive_serial_digit(m, m_spec, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    ++m_cycle;
    std::vector<Mismatch> out;
    const auto flag = [&](const char* name, bool cpp, bool rtl) {
      if (cpp != rtl) out.push_back({name, fmt::format("{:d}", cpp), fmt::format("{:d}", rtl)});
    };
    flag("done", m_reference.done(), m.done != 0);
    flag("busy", m_reference.busy(), m.busy != 0);
    const std::int64_t rtl_acc = serial_digit_acc(m, m_spec);
    if (!m_reference.busy() && rtl_acc != m_reference.acc()) {
      out.push_back({"acc", fmt::format("{}", m_reference.acc()), fmt::format("{}", rtl_acc)});
    }
    return out;
  }
  std::string inputs() const override {
    return fmt::format(
        "in_valid={:d} in_clear={:d} lanes (a, w):{}; step in progress: started at "
        "cycle {}, {} cycles, lanes (a, w):{}{}",
        m_in.valid, m_in.clear, lane_list(m_in), m_step_start, m_step_cost, lane_list(m_step),
        m_step.clear ? ", in_clear" : "");
  }
  std::vector<Counter> counters() const override {
    return {{"steps", m_steps},           {"step_cycles", m_step_cycles},
            {"min_cycles", m_min_cycles}, {"max_cycles", m_max_cycles},
            {"longer", m_longer},         {"nonzero_digits", m_nonzero_digits},
            {"digits", m_digits},         {"overflows", m_overflows},
            {"ignored", m_ignored},       {"idle", m_idle}};
  }

 private:
  static std::string lane_list(const SerialDigitInputs& x) {
    std::string out;
    for (std::size_t l = 0; l < x.a.size(); ++l) out += fmt::format(" ({}, {})", x.a[l], x.w[l]);
    return out;
  }
  // Counts the step the edge starts (its cost, digits and wraps) from the model's definitions.
  void count_step() {
    const std::int64_t cost =
        m_arith.step_cycles_lanes(m_in.a.data(), m_in.w.data(), m_spec.digit_group);
    std::int64_t acc = m_in.clear ? 0 : m_chain;
    for (std::size_t l = 0; l < m_in.a.size(); ++l) {
      const auto s = m_arith.mac_step(acc, m_in.a[l], m_in.w[l]);
      acc = s.value;
      m_overflows += s.overflow;
      const pe::Digits d = pe::ent_digits(m_in.a[l], m_spec.a_bits);
      m_nonzero_digits += d.nonzero();
      m_digits += d.count;
    }
    m_chain = acc;
    ++m_steps;
    m_step_cycles += cost;
    m_min_cycles = std::min(m_min_cycles, cost);
    m_max_cycles = std::max(m_max_cycles, cost);
    m_longer += cost > pe::radix4_digits(m_spec.a_bits);
    m_step = m_in;
    m_step_start = m_cycle;
    m_step_cost = cost;
  }

  pe::BitsliceSpec m_spec;            // the verilated parameter set
  pe::BitsliceArith m_arith;          // for the counters: step costs, wraps
  SerialDigitStimulus m_stimulus;     // the seeded inputs
  Reference m_reference;              // the C++ side
  SerialDigitInputs m_in;             // the last step's inputs
  std::int64_t m_cycle = 0;           // edges taken
  std::int64_t m_chain = 0;           // the chain's value after the last accepted step
  SerialDigitInputs m_step;           // the last accepted step's inputs, for the report
  std::int64_t m_step_start = 0;      // the edge it started on
  std::int64_t m_step_cost = 0;       // its cycles
  std::int64_t m_steps = 0;           // steps accepted
  std::int64_t m_step_cycles = 0;     // their cycles, summed
  std::int64_t m_min_cycles = 1000;   // the shortest step
  std::int64_t m_max_cycles = 0;      // the longest step
  std::int64_t m_longer = 0;          // steps longer than D cycles (a weight had 2+ digits)
  std::int64_t m_nonzero_digits = 0;  // non-zero EN-T digits of the steps' activations
  std::int64_t m_digits = 0;          // all their digits
  std::int64_t m_overflows = 0;       // lane MACs that wrapped the accumulator
  std::int64_t m_ignored = 0;         // in_valid edges while busy (must be ignored)
  std::int64_t m_idle = 0;            // edges with neither a step nor in_valid
};

// The verilated serial_digit parameter sets: 8x8 -> 32 in groups of 4 lanes, 5x6 -> 14 in groups
// of 3, 8x8 -> 32 one lane (wrap).
std::vector<VerilatedPeModel> serial_digit_verilated_pes();

}  // namespace tpesim::cosim
