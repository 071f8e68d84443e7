// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/lut_tc_table.sv (the row's half-table builder) against
// pe::build_half_table: after every edge the bit pattern of every stored entry.
#pragma once

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "sim/cosim/lut_tc_lockstep.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// One cycle's inputs of lut_tc_table.
struct LutTableInputs {
  bool valid = false;                // in_valid: build a table at this edge
  std::array<std::uint32_t, 4> a{};  // fp16 activation patterns (first `count`; the rest +0)
  int count = 0;                     // activations in the group
};

// build_half_table at the builder's cycle contract: the entries' table-format patterns, +0 after
// reset, rebuilt at each edge with in_valid, held otherwise.
class LutTableCycleModel {
 public:
  explicit LutTableCycleModel(const pe::LutTcSpec& spec)
      : m_spec(spec), m_entries(static_cast<std::size_t>(1) << (spec.lut_group - 1), 0) {}
  void edge(const LutTableInputs& in);
  const std::vector<std::uint32_t>& entries() const { return m_entries; }

 private:
  pe::LutTcSpec m_spec;                  // Kg and the table format
  std::vector<std::uint32_t> m_entries;  // registered entries, table-format patterns
};

// The seeded stimulus (seed + 1): `cycles` edges, in_valid 7/8 of them, a tail group (1 to Kg
// activations) 1/8 of the time, activations from LutActivationGen.
class LutTableStimulus {
 public:
  LutTableStimulus(const pe::LutTcSpec& spec, std::uint64_t seed, std::uint64_t cycles)
      : m_kg(spec.lut_group), m_act(seed + 1), m_cycles(cycles) {}
  bool done() const { return m_index >= m_cycles; }
  LutTableInputs next();

 private:
  int m_kg;                   // activations per group
  LutActivationGen m_act;     // the seeded source
  std::uint64_t m_cycles;     // edges of the run
  std::uint64_t m_index = 0;  // the next edge
};

// The coverage counters of a run (names as in counters()).
struct LutTableCounts {
  std::int64_t builds = 0;               // edges with in_valid
  std::int64_t entries_nan = 0;          // NaN entries built
  std::int64_t entries_nan_invalid = 0;  // ... from inf - inf (no NaN activation)
  std::int64_t nan_not_canonical = 0;    // model NaN entries other than the +canonical NaN
  std::int64_t entries_inf = 0;          // infinite entries built
  std::int64_t fp32_rounded = 0;         // entries whose binary32 sum rounded (T32 != exact sum)
  std::int64_t fmt_overflow = 0;         // finite T32 that the table format turns infinite
  std::int64_t fmt_rounded = 0;          // finite T32 that the table format rounds
  std::int64_t zero_negative = 0;        // -0 entries
  std::int64_t fmt_subnormal = 0;        // entries subnormal in the table format

  // Counts one build of the group `in`.
  void count_build(const pe::LutTcSpec& spec, const LutTableInputs& in);
  std::vector<Counter> counters() const;
};

template <class Model, class Reference = LutTableCycleModel>
class LutTableLockstep final : public VerilatedLockstep<Model> {
 public:
  LutTableLockstep(const pe::LutTcSpec& spec, std::uint64_t seed, std::uint64_t cycles, bool traced,
                   Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_spec(spec),
        m_stimulus(spec, seed, cycles),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(); }
  std::vector<Mismatch> step() override {
    m_in = m_stimulus.next();
    Model& m = this->pe().model();
    const int kg = m_spec.lut_group, tw = lut_table_float_format(m_spec).bits();
    m.in_valid = m_in.valid;
    set_port(m.a, pack_fields(std::vector<std::uint32_t>(m_in.a.begin(), m_in.a.begin() + kg), 16));
    this->pe().edge();
    m_reference.edge(m_in);
    if (m_in.valid) m_counts.count_build(m_spec, m_in);
    std::vector<Mismatch> out;
    const std::vector<std::uint32_t>& want = m_reference.entries();
    for (std::size_t h = 0; h < want.size(); ++h) {
      const std::uint32_t got = get_port_bits(m.lut, static_cast<int>(h) * tw, tw);
      if (got != want[h]) {
        out.push_back({fmt::format("lut entry {}", h), fmt::format("{:#x}", want[h]),
                       fmt::format("{:#x}", got)});
      }
    }
    return out;
  }
  std::string inputs() const override {
    std::string text =
        fmt::format("(Kg={} table={}) in_valid={:d}", m_spec.lut_group,
                    pe::float_format_name(lut_table_float_format(m_spec)), m_in.valid);
    for (int t = 0; t < m_spec.lut_group; ++t) {
      text += fmt::format(" a{}={:#x}", t, m_in.a[static_cast<std::size_t>(t)]);
    }
    return text;
  }
  std::vector<Counter> counters() const override { return m_counts.counters(); }

 private:
  pe::LutTcSpec m_spec;         // the verilated parameter set (Kg, table format)
  LutTableStimulus m_stimulus;  // the seeded inputs
  Reference m_reference;        // the C++ side
  LutTableInputs m_in;          // the last edge's inputs
  LutTableCounts m_counts;      // what was compared
};

}  // namespace tpesim::cosim
