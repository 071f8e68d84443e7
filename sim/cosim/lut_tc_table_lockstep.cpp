// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/lut_tc_table_lockstep.h"

#include <bit>
#include <cmath>

namespace tpesim::cosim {

void LutTableCycleModel::edge(const LutTableInputs& in) {
  if (!in.valid) return;
  const pe::LutHalfTable table = pe::build_half_table(m_spec, decode_lut_group(in.a, in.count));
  const pe::FloatFormat tf = lut_table_float_format(m_spec);
  for (std::size_t h = 0; h < m_entries.size(); ++h) {
    m_entries[h] = pe::encode(static_cast<double>(table.entries[h]), tf);
  }
}

LutTableInputs LutTableStimulus::next() {
  ++m_index;
  LutTableInputs in;
  in.valid = m_act.pick(8) != 0;
  in.count = m_act.pick(8) == 0 ? 1 + m_act.pick(m_kg) : m_kg;
  in.a = m_act.group(m_kg, in.count);
  return in;
}

void LutTableCounts::count_build(const pe::LutTcSpec& spec, const LutTableInputs& in) {
  const int kg = spec.lut_group, half = 1 << (kg - 1);
  const pe::FloatFormat tf = lut_table_float_format(spec);
  ++builds;
  const std::array<float, 4> v = decode_lut_group(in.a, in.count);
  const pe::LutHalfTable table = pe::build_half_table(spec, v);
  // The binary32 sums before the table format's rounding (the same definition, fp32 entries).
  pe::LutTcSpec spec32 = spec;
  spec32.table_format = pe::LutTableFormat::Fp32;
  const pe::LutHalfTable sums = pe::build_half_table(spec32, v);
  bool nan_input = false;
  for (int t = 0; t < kg; ++t) nan_input = nan_input || std::isnan(v[static_cast<std::size_t>(t)]);
  for (int h = 0; h < half; ++h) {
    const float e = table.entries[static_cast<std::size_t>(h)];
    const float t32 = sums.entries[static_cast<std::size_t>(h)];
    // The exact signed sum, for the rounding counter (fp16 values sum exactly in binary64).
    const unsigned p = (static_cast<unsigned>(h) << 1) | 1u;
    double exact = v[0];
    for (int t = 1; t < kg; ++t) {
      exact += ((p >> t) & 1u) ? v[static_cast<std::size_t>(t)] : -v[static_cast<std::size_t>(t)];
    }
    entries_nan += std::isnan(e);
    entries_nan_invalid += std::isnan(e) && !nan_input;
    nan_not_canonical += std::isnan(e) && std::bit_cast<std::uint32_t>(e) != pe::kCanonicalNan32;
    entries_inf += std::isinf(e);
    fp32_rounded += std::isfinite(exact) && static_cast<double>(t32) != exact;
    fmt_overflow += std::isfinite(t32) && std::isinf(e);
    fmt_rounded += std::isfinite(t32) && std::isfinite(e) && e != t32;
    zero_negative += e == 0 && std::signbit(e);
    fmt_subnormal += pe::is_subnormal(pe::encode(static_cast<double>(e), tf), tf);
  }
}

std::vector<Counter> LutTableCounts::counters() const {
  return {{"builds", builds},
          {"entries_nan", entries_nan},
          {"entries_nan_invalid", entries_nan_invalid},
          {"nan_not_canonical", nan_not_canonical},
          {"entries_inf", entries_inf},
          {"fp32_rounded", fp32_rounded},
          {"fmt_overflow", fmt_overflow},
          {"fmt_rounded", fmt_rounded},
          {"zero_negative", zero_negative},
          {"fmt_subnormal", fmt_subnormal}};
}

}  // namespace tpesim::cosim
