// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_lut_tc.sv against pe::LutTcArith::mac_step / output, fed the tables
// build_half_table makes from the step's activations (as the arrays are): after every edge busy
// and done against the W_BITS-cycle schedule; whenever no step is in progress acc_g, S, the
// dequantized accumulator, the overflow event and the output read port. Also the port packing
// and the fp16 activation generator that the table bench (lut_tc_table_lockstep.h) shares.
#pragma once

#include <fmt/format.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// A lut_tc spec (fp16 activations) with the parameters of a verilated parameter set.
pe::LutTcSpec lut_tc_spec(int lut_group, int w_bits, pe::LutTableFormat table,
                          const pe::FloatFormat& acc, const pe::FloatFormat& out);
// The table's float format (fp16 or binary32).
pe::FloatFormat lut_table_float_format(const pe::LutTcSpec& spec);

// `width` bits of a port of any width as Verilator declares it (an integer up to 64 bits, else
// 32-bit words) from bit `lsb`.
template <class T>
std::uint32_t get_port_bits(const T& port, int lsb, int width) {
  std::uint32_t out = 0;
  for (int b = 0; b < width; ++b) {
    const int bit = lsb + b;
    std::uint32_t x = 0;
    if constexpr (std::is_integral_v<T>) {
      x = static_cast<std::uint32_t>((static_cast<std::uint64_t>(port) >> bit) & 1u);
    } else {
      x = (port[static_cast<std::size_t>(bit / 32)] >> (bit % 32)) & 1u;
    }
    out |= x << b;
  }
  return out;
}

// Writes `words` (32-bit, least significant first) into a port of any width.
template <class T>
void set_port(T& port, const std::vector<std::uint32_t>& words) {
  if constexpr (std::is_integral_v<T>) {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < words.size() && i < 2; ++i) {
      v |= static_cast<std::uint64_t>(words[i]) << (32 * i);
    }
    port = static_cast<T>(v);
  } else {
    for (std::size_t i = 0; i < words.size(); ++i) port[i] = words[i];
  }
}

// Packs fields of `width` bits, field i at bit i * width, into 32-bit words.
std::vector<std::uint32_t> pack_fields(const std::vector<std::uint32_t>& fields, int width);

// fp16 edge patterns: +-0, the smallest and largest subnormals, the smallest normal, 1, the
// largest finite value, infinities, a signalling, a quiet and the all-ones NaN.
std::vector<std::uint32_t> lut_fp16_edges();

// The fp16 values of a group's first `count` patterns (the rest 0).
std::array<float, 4> decode_lut_group(const std::array<std::uint32_t, 4>& a, int count);

// Seeded fp16 activations for one LUT group: edge patterns (infinities and NaNs included),
// subnormals, large values (sums past fp16's range), cancelling pairs, equal values, uniform bit
// patterns, else values of moderate size.
class LutActivationGen {
 public:
  explicit LutActivationGen(std::uint64_t seed) : m_rng(seed), m_edges(lut_fp16_edges()) {}
  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double uniform01() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
  std::uint32_t one();
  // Kg patterns (the group's first `count`; the rest +0).
  std::array<std::uint32_t, 4> group(int kg, int count);

 private:
  double sign() { return pick(2) ? -1.0 : 1.0; }

  std::mt19937_64 m_rng;               // the seeded source
  std::vector<std::uint32_t> m_edges;  // fp16 edge patterns
};

// One cycle's inputs of pe_lut_tc.
struct LutTcInputs {
  bool valid = false;                // in_valid: a step starts at this edge if not busy
  bool clear = false;                // in_clear: that step starts a new chain
  std::array<std::uint32_t, 4> a{};  // fp16 activation patterns (tail: +0)
  int count = 0;                     // activations in the group
  std::array<std::uint32_t, 4> q{};  // weight codes (tail: 0)
  std::uint32_t w_scale = 0;         // s, fp16 pattern
  std::uint32_t z = 0;               // zero point code
  bool group_end = false;            // last LUT group of its scale group
  pe::LutHalfTable table;            // the lut port: build_half_table of the activations
};

// Drives one verilated pe_lut_tc's inputs.
template <class Model>
void drive_lut_tc(Model& m, const pe::LutTcSpec& spec, const LutTcInputs& in) {
  const int kg = spec.lut_group, half = 1 << (kg - 1);
  const pe::FloatFormat tf = lut_table_float_format(spec);
  std::vector<std::uint32_t> entries;
  for (int h = 0; h < half; ++h) {
    entries.push_back(
        pe::encode(static_cast<double>(in.table.entries[static_cast<std::size_t>(h)]), tf));
  }
  m.in_valid = in.valid;
  m.in_clear = in.clear;
  set_port(m.lut, pack_fields(entries, tf.bits()));
  set_port(m.a, pack_fields(std::vector<std::uint32_t>(in.a.begin(), in.a.begin() + kg), 16));
  m.count = static_cast<std::remove_reference_t<decltype(m.count)>>(in.count);
  set_port(m.q,
           pack_fields(std::vector<std::uint32_t>(in.q.begin(), in.q.begin() + kg), spec.w_bits));
  m.w_scale = static_cast<std::remove_reference_t<decltype(m.w_scale)>>(in.w_scale);
  m.z = static_cast<std::remove_reference_t<decltype(m.z)>>(in.z);
  m.group_end = in.group_end;
}

// LutTcArith at the PE's cycle contract: a step offered while not busy is accepted and takes
// w_bits edges (busy after all but the last, done after the last); the chain state is the one
// after the last accepted step (due whenever busy is 0); overflow is the step's event, with done.
class LutTcCycleModel {
 public:
  explicit LutTcCycleModel(const pe::LutTcSpec& spec) : m_arith(spec) {}
  void edge(const LutTcInputs& in);
  bool busy() const { return m_left > 0; }
  bool done() const { return m_done; }
  const pe::LutTcArith::Acc& acc() const { return m_acc; }
  bool overflow() const { return m_done && m_event; }
  std::uint32_t out() const { return static_cast<std::uint32_t>(m_arith.output(m_acc)); }

 private:
  pe::LutTcArith m_arith;     // the value semantics
  pe::LutTcArith::Acc m_acc;  // the chain state after the last accepted step
  bool m_event = false;       // that step's Step::overflow
  int m_left = 0;             // edges the current step still takes
  bool m_done = false;        // the last edge completed a step
};

// The seeded stimulus (seed + 1): `random_cycles` random edges (a step offered on 7/8 of the
// free edges, in_valid with other operands on half of the busy edges; scale groups of 1 to 8
// LUT groups with a tail LUT group at 1/8 of their ends; a new chain 1/64 of the steps and on
// half of them while acc is not finite; codes and zero points with their extremes; fp16 scales:
// edge patterns, subnormals, uniform patterns, else 2^[-14, 1)); then every pair of fp16 edge
// scales on two consecutive one-group scale groups of edge activations.
class LutTcStimulus {
 public:
  LutTcStimulus(const pe::LutTcSpec& spec, std::uint64_t seed, std::uint64_t random_cycles);
  bool done() const { return m_index >= m_random + m_directed; }
  // The next edge's inputs, given the C++ side's chain state and whether it is busy.
  LutTcInputs next(const pe::LutTcArith::Acc& acc, bool busy);

 private:
  LutTcInputs random_edge(const pe::LutTcArith::Acc& acc, bool busy);
  LutTcInputs edge_pair(std::uint64_t index) const;
  void fill(LutTcInputs& s, bool tail);

  pe::LutTcSpec m_spec;                // the parameter set
  LutActivationGen m_act;              // the seeded source (activations and everything else)
  std::vector<std::uint32_t> m_edges;  // fp16 edge patterns
  std::uint64_t m_random;              // edges of the random phase
  std::uint64_t m_directed;            // edges of the edge-pair phase
  std::uint64_t m_index = 0;           // the next edge
  int m_left = 0;                      // LUT groups left in the current scale group
};

// The coverage counters of a run (names as in counters()).
struct LutTcCounts {
  std::int64_t value_cycles = 0;       // edges after which the values were compared (not busy)
  std::int64_t steps = 0;              // steps accepted
  std::int64_t ignored = 0;            // in_valid while busy (must be ignored)
  std::int64_t clears = 0;             // steps with in_clear
  std::int64_t groups = 0;             // steps with group_end (dequantizations)
  std::int64_t tails = 0;              // steps of a tail LUT group (count < Kg)
  std::int64_t scale_sub = 0;          // group ends with a subnormal fp16 scale
  std::int64_t scale_special = 0;      // group ends with an infinite or NaN fp16 scale
  std::int64_t acc_g_nan = 0;          // steps after which acc_g is NaN
  std::int64_t acc_g_inf = 0;          // steps after which acc_g is infinite
  std::int64_t plane_nan_signs = 0;    // NaN tables read with p_0 = 1 and p_0 = 0 in one step
  std::int64_t acc_g_nan_meets = 0;    // NaN tables onto a NaN acc_g
  std::int64_t acc_nan = 0;            // steps after which acc is NaN
  std::int64_t nan_scale = 0;          // group ends with a NaN scale onto a non-NaN acc
  std::int64_t nan_invalid = 0;        // group ends whose acc turns NaN from inf - inf or 0 * inf
  std::int64_t nan_not_canonical = 0;  // model NaNs in acc_g, S, acc or out other than +canonical
  std::int64_t acc_inf = 0;            // steps after which acc is infinite
  std::int64_t overflow = 0;           // the model's event (acc not finite)
  std::int64_t out_inf = 0;            // steps with out infinite while acc is finite

  // Counts an accepted step from the state before it, its inputs and the state after it.
  void count_step(const pe::LutTcSpec& spec, const pe::LutTcArith::Acc& before,
                  const LutTcInputs& s, const pe::LutTcArith::Acc& after, std::uint32_t out);
  std::vector<Counter> counters() const;
};

template <class Model, class Reference = LutTcCycleModel>
class LutTcLockstep final : public VerilatedLockstep<Model> {
 public:
  LutTcLockstep(const pe::LutTcSpec& spec, std::uint64_t seed, std::uint64_t random_cycles,
                bool traced, Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_stimulus(spec, seed, random_cycles),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(); }
  std::vector<Mismatch> step() override {
    const bool busy = m_reference.busy();
    const pe::LutTcArith::Acc before = m_reference.acc();
    m_in = m_stimulus.next(before, busy);
    Model& m = this->pe().model();
    drive_lut_tc(m, m_spec, m_in);
    this->pe().edge();
    m_reference.edge(m_in);
    if (m_in.valid && !busy) {
      m_before = before;
      m_step = m_in;
      m_counts.count_step(m_spec, before, m_in, m_reference.acc(), m_reference.out());
    } else if (m_in.valid) {
      ++m_counts.ignored;
    }
    std::vector<Mismatch> out;
    const auto flag = [&](const char* name, bool cpp, bool rtl) {
      if (cpp != rtl) out.push_back({name, fmt::format("{:d}", cpp), fmt::format("{:d}", rtl)});
    };
    flag("busy", m_reference.busy(), m.busy != 0);
    flag("done", m_reference.done(), m.done != 0);
    if (!m_reference.busy()) {
      ++m_counts.value_cycles;
      const pe::LutTcArith::Acc& want = m_reference.acc();
      pattern("acc_g", pe::encode(static_cast<double>(want.acc_g), m_spec.acc_format),
              static_cast<std::uint32_t>(m.acc_g), out);
      pattern("s_g", std::bit_cast<std::uint32_t>(want.s), static_cast<std::uint32_t>(m.s_g), out);
      pattern("acc", std::bit_cast<std::uint32_t>(want.out), static_cast<std::uint32_t>(m.acc),
              out);
      flag("overflow", m_reference.overflow(), m.overflow != 0);
      pattern("out", m_reference.out(), static_cast<std::uint32_t>(m.out), out);
    }
    return out;
  }
  std::string inputs() const override {
    std::string text = fmt::format(
        "(Kg={} B={} table={} acc={} out={}) this edge in_valid={:d}; the last accepted step: "
        "in_clear={:d} count={}",
        m_spec.lut_group, m_spec.w_bits, pe::float_format_name(lut_table_float_format(m_spec)),
        pe::float_format_name(m_spec.acc_format), pe::float_format_name(m_spec.out_format),
        m_in.valid, m_step.clear, m_step.count);
    for (int t = 0; t < m_spec.lut_group; ++t) {
      text += fmt::format(" a{}={:#x} q{}={}", t, m_step.a[static_cast<std::size_t>(t)], t,
                          m_step.q[static_cast<std::size_t>(t)]);
    }
    return text + fmt::format(
                      " w_scale={:#x} z={} group_end={:d}; before it: acc_g={:#x} s={:#x} "
                      "acc={:#x}",
                      m_step.w_scale, m_step.z, m_step.group_end,
                      std::bit_cast<std::uint32_t>(m_before.acc_g),
                      std::bit_cast<std::uint32_t>(m_before.s),
                      std::bit_cast<std::uint32_t>(m_before.out));
  }
  std::vector<Counter> counters() const override { return m_counts.counters(); }

 private:
  static void pattern(const char* name, std::uint32_t want, std::uint32_t rtl,
                      std::vector<Mismatch>& out) {
    if (want != rtl) out.push_back({name, fmt::format("{:#x}", want), fmt::format("{:#x}", rtl)});
  }

  pe::LutTcSpec m_spec;          // the verilated parameter set
  LutTcStimulus m_stimulus;      // the seeded inputs
  Reference m_reference;         // the C++ side
  LutTcInputs m_in;              // the last edge's inputs
  LutTcInputs m_step;            // the last accepted step's inputs, for the report
  pe::LutTcArith::Acc m_before;  // the C++ state before it
  LutTcCounts m_counts;          // what was compared
};

// The verilated lut_tc PE parameter sets (Kg, weight bits, table, accumulator, output):
// (4, 2, fp16, fp32, fp32), (2, 4, fp32, fp32, fp16), (3, 1, fp16, fp16, fp16),
// (4, 3, fp32, fp16, fp32) and (4, 2, fp16, fp16, fp32).
std::vector<VerilatedPeModel> lut_tc_verilated_pes();

}  // namespace tpesim::cosim
