// SPDX-License-Identifier: Apache-2.0
// Model vs RTL for lut_tc (pe/lut_tc.h): rtl/lut_tc_table.sv against build_half_table (every
// stored entry's bit pattern after every clock edge), and rtl/pe_lut_tc.sv against
// LutTcArith::mac_step / output (busy and done against the W_BITS-cycle schedule after every
// edge; acc_g, S, the dequantized accumulator, the overflow event and the output read port
// whenever no step is in progress), fed the tables build_half_table makes, as the arrays are.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vlut_tc_table_kg2_fp16.h"
#include "Vlut_tc_table_kg3_fp32.h"
#include "Vlut_tc_table_kg4_fp16.h"
#include "Vpe_lut_tc_kg2_b4.h"
#include "Vpe_lut_tc_kg3_b1_acc16.h"
#include "Vpe_lut_tc_kg4_b2.h"
#include "Vpe_lut_tc_kg4_b3_acc16.h"
#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

LutTcSpec lut_spec(int lut_group, int w_bits, LutTableFormat table, FloatFormat acc,
                   FloatFormat out) {
  LutTcSpec spec;
  spec.activation = LutActivation::Fp16;
  spec.lut_group = lut_group;
  spec.w_bits = w_bits;
  spec.table_format = table;
  spec.acc_format = acc;
  spec.out_format = out;
  return spec;
}

FloatFormat table_float_format(const LutTcSpec& spec) {
  return spec.table_format == LutTableFormat::Fp16 ? kFp16 : kFp32;
}

// A port of any width as Verilator declares it: an integer up to 64 bits, else 32-bit words.
template <class T>
std::uint32_t get_bits(const T& port, int lsb, int width) {
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
std::vector<std::uint32_t> pack(const std::vector<std::uint32_t>& fields, int width) {
  std::vector<std::uint32_t> words((fields.size() * static_cast<std::size_t>(width) + 31) / 32, 0);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    for (int b = 0; b < width; ++b) {
      const std::size_t bit = i * static_cast<std::size_t>(width) + static_cast<std::size_t>(b);
      words[bit / 32] |= ((fields[i] >> b) & 1u) << (bit % 32);
    }
  }
  return words;
}

// x is not a NaN, or it is the canonical NaN +0x7FC00000.
bool canonical_if_nan(float x) {
  return !std::isnan(x) || std::bit_cast<std::uint32_t>(x) == kCanonicalNan32;
}

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// The pattern of a table entry in the table format (entries are exact there).
std::uint32_t entry_pattern(float v, const LutTcSpec& spec) {
  return encode(static_cast<double>(v), table_float_format(spec));
}

// fp16 edge patterns: +-0, the smallest and largest subnormals, the smallest normal, 1, the
// largest finite value, infinities, a signalling, a quiet and the all-ones NaN.
std::vector<std::uint32_t> fp16_edges() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t m :
       {0x0000u, 0x0001u, 0x03FFu, 0x0400u, 0x3C00u, 0x7BFFu, 0x7C00u, 0x7C01u, 0x7E00u, 0x7FFFu}) {
    out.push_back(m);
    out.push_back(m | 0x8000u);
  }
  return out;
}

// Seeded fp16 activations for one LUT group: edge patterns (infinities and NaNs included),
// subnormals, large values (sums past fp16's range), cancelling pairs, equal values, uniform
// bit patterns, else values of moderate size.
class ActivationGen {
 public:
  explicit ActivationGen(std::uint64_t seed) : m_rng(seed), m_edges(fp16_edges()) {}

  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double uniform01() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }

  std::uint32_t one() {
    switch (pick(32)) {
      case 0:
        return m_edges[static_cast<std::size_t>(pick(static_cast<int>(m_edges.size())))];
      case 1:
        return static_cast<std::uint32_t>(pick(0x10000));
      case 2:
      case 3:
        return static_cast<std::uint32_t>(pick(0x400)) | (pick(2) ? 0x8000u : 0u);
      case 4:
      case 5:
      case 6:
      case 7:
        return encode(std::ldexp(1.0 + uniform01(), 10 + pick(6)) * sign(), kFp16);
      default:
        return encode(std::ldexp(1.0 + uniform01(), pick(19) - 14) * sign(), kFp16);
    }
  }
  // KG patterns (the group's first `count`; the rest +0).
  std::array<std::uint32_t, 4> group(int kg, int count) {
    std::array<std::uint32_t, 4> a{};
    const int mode = pick(8);
    for (int t = 0; t < count; ++t) {
      if (mode == 0 && t > 0) {
        a[static_cast<std::size_t>(t)] = a[0] ^ (pick(2) ? 0x8000u : 0u);  // equal or opposite
      } else if (mode == 1 && t > 0) {
        a[static_cast<std::size_t>(t)] = a[static_cast<std::size_t>(t - 1)] ^ 0x8000u;
      } else {
        a[static_cast<std::size_t>(t)] = one();
      }
    }
    for (int t = count; t < kg; ++t) a[static_cast<std::size_t>(t)] = 0;
    return a;
  }
  std::mt19937_64& rng() { return m_rng; }

 private:
  double sign() { return pick(2) ? -1.0 : 1.0; }

  std::mt19937_64 m_rng;               // the seeded source
  std::vector<std::uint32_t> m_edges;  // fp16 edge patterns
};

std::array<float, 4> decode_group(const std::array<std::uint32_t, 4>& a, int count) {
  std::array<float, 4> v{};
  for (int t = 0; t < count; ++t) {
    v[static_cast<std::size_t>(t)] =
        static_cast<float>(decode(a[static_cast<std::size_t>(t)], kFp16));
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// lut_tc_table against build_half_table.

struct TableCounts {
  std::int64_t cycles = 0;               // clock edges compared
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

  void record() const {
    auto put = [](const char* key, std::int64_t v) {
      ::testing::Test::RecordProperty(key, std::to_string(v));
    };
    put("cycles", cycles);
    put("builds", builds);
    put("entries_nan", entries_nan);
    put("entries_nan_invalid", entries_nan_invalid);
    put("nan_not_canonical", nan_not_canonical);
    put("entries_inf", entries_inf);
    put("fp32_rounded", fp32_rounded);
    put("fmt_overflow", fmt_overflow);
    put("fmt_rounded", fmt_rounded);
    put("zero_negative", zero_negative);
    put("fmt_subnormal", fmt_subnormal);
  }
};

template <class Model>
TableCounts run_table(const LutTcSpec& spec, std::uint64_t seed, int cycles) {
  testing_support::VerilatedPe<Model> rtl(seed);
  ActivationGen gen(seed + 1);
  const int kg = spec.lut_group, half = 1 << (kg - 1);
  const FloatFormat tf = table_float_format(spec);
  const int tw = tf.bits();
  TableCounts c;
  std::vector<std::uint32_t> want(static_cast<std::size_t>(half), 0);  // reset: +0 entries
  for (int cycle = 0; cycle < cycles; ++cycle) {
    const bool valid = gen.pick(8) != 0;
    const int count = gen.pick(8) == 0 ? 1 + gen.pick(kg) : kg;
    const std::array<std::uint32_t, 4> a = gen.group(kg, count);
    Model& m = rtl.model();
    m.in_valid = valid;
    set_port(m.a, pack(std::vector<std::uint32_t>(a.begin(), a.begin() + kg), 16));
    rtl.edge();
    ++c.cycles;
    if (valid) {
      ++c.builds;
      const std::array<float, 4> v = decode_group(a, count);
      const LutHalfTable table = build_half_table(spec, v);
      // The binary32 sums before the table format's rounding (the same definition, fp32 entries).
      LutTcSpec spec32 = spec;
      spec32.table_format = LutTableFormat::Fp32;
      const LutHalfTable sums = build_half_table(spec32, v);
      for (int h = 0; h < half; ++h) {
        const float e = table.entries[static_cast<std::size_t>(h)];
        const float t32 = sums.entries[static_cast<std::size_t>(h)];
        want[static_cast<std::size_t>(h)] = entry_pattern(e, spec);
        // The exact signed sum, for the rounding counter (fp16 values sum exactly in binary64).
        const unsigned p = (static_cast<unsigned>(h) << 1) | 1u;
        double exact = v[0];
        for (int t = 1; t < kg; ++t) {
          exact +=
              ((p >> t) & 1u) ? v[static_cast<std::size_t>(t)] : -v[static_cast<std::size_t>(t)];
        }
        c.entries_nan += std::isnan(e);
        bool nan_input = false;
        for (int t = 0; t < kg; ++t)
          nan_input = nan_input || std::isnan(v[static_cast<std::size_t>(t)]);
        c.entries_nan_invalid += std::isnan(e) && !nan_input;
        c.nan_not_canonical += !canonical_if_nan(e);
        c.entries_inf += std::isinf(e);
        c.fp32_rounded += std::isfinite(exact) && static_cast<double>(t32) != exact;
        c.fmt_overflow += std::isfinite(t32) && std::isinf(e);
        c.fmt_rounded += std::isfinite(t32) && std::isfinite(e) && e != t32;
        c.zero_negative += e == 0 && std::signbit(e);
        c.fmt_subnormal += is_subnormal(want[static_cast<std::size_t>(h)], tf);
      }
    }
    for (int h = 0; h < half; ++h) {
      const std::uint32_t got = get_bits(m.lut, h * tw, tw);
      if (got != want[static_cast<std::size_t>(h)]) {
        std::ostringstream in;
        for (int t = 0; t < kg; ++t) in << " a" << t << "=" << hex(a[static_cast<std::size_t>(t)]);
        ADD_FAILURE() << "first mismatch at cycle " << cycle << " (Kg=" << kg
                      << " table=" << float_format_name(tf) << "): in_valid=" << valid << in.str()
                      << "\n  entry " << h << ": model " << hex(want[static_cast<std::size_t>(h)])
                      << " rtl " << hex(got);
        return c;
      }
    }
  }
  return c;
}

void expect_table_coverage(const TableCounts& c, const LutTcSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c.entries_nan, 1000);
  EXPECT_GT(c.entries_nan_invalid, 50);
  EXPECT_EQ(c.nan_not_canonical, 0);
  EXPECT_GT(c.entries_inf, 1000);
  EXPECT_GT(c.fp32_rounded, 1000);
  EXPECT_GT(c.zero_negative, 50);
  if (spec.table_format == LutTableFormat::Fp16) {
    EXPECT_GT(c.fmt_overflow, 1000);
    EXPECT_GT(c.fmt_rounded, 1000);
    EXPECT_GT(c.fmt_subnormal, 1000);
  }
}

// Kg = 4, fp16 entries (the default table): 14 binary32 adders, one fp16 rounding per entry.
TEST(LutTcTableLockstepTest, Kg4Fp16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const TableCounts c = run_table<Vlut_tc_table_kg4_fp16>(spec, 51, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// Kg = 3, binary32 entries (T32 itself).
TEST(LutTcTableLockstepTest, Kg3Fp32MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(3, 2, LutTableFormat::Fp32, kFp32, kFp32);
  const TableCounts c = run_table<Vlut_tc_table_kg3_fp32>(spec, 52, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// Kg = 2, fp16 entries: a0 + a1 and a0 - a1.
TEST(LutTcTableLockstepTest, Kg2Fp16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(2, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const TableCounts c = run_table<Vlut_tc_table_kg2_fp16>(spec, 53, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// ---------------------------------------------------------------------------------------------
// pe_lut_tc against LutTcArith.

// One step's operands as the PE ports take them, and as LutTcArith takes them.
struct LutStep {
  bool valid = false;                // in_valid
  bool clear = false;                // in_clear
  std::array<std::uint32_t, 4> a{};  // fp16 activation patterns (tail: +0)
  int count = 0;                     // activations in the group
  std::array<std::uint32_t, 4> q{};  // weight codes (tail: 0)
  std::uint32_t w_scale = 0;         // s, fp16 pattern
  std::uint32_t z = 0;               // zero point code
  bool group_end = false;            // last LUT group of its scale group
};

struct PeCounts {
  std::int64_t cycles = 0;             // clock edges compared (busy and done every edge)
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
                                       // (NaN plane terms of both signs meet in acc_g)
  std::int64_t acc_g_nan_meets = 0;    // NaN tables onto a NaN acc_g
  std::int64_t acc_nan = 0;            // steps after which acc is NaN
  std::int64_t nan_scale = 0;          // group ends with a NaN scale onto a non-NaN acc
  std::int64_t nan_invalid = 0;        // group ends whose acc turns NaN from inf - inf or 0 * inf
                                       // (no NaN in acc, acc_g, S or the scale before the step)
  std::int64_t nan_not_canonical = 0;  // model NaNs in acc_g, S, acc or out other than +canonical
  std::int64_t acc_inf = 0;            // steps after which acc is infinite
  std::int64_t overflow = 0;           // the model's event (acc not finite)
  std::int64_t out_inf = 0;            // steps with out infinite while acc is finite

  void record() const {
    auto put = [](const char* key, std::int64_t v) {
      ::testing::Test::RecordProperty(key, std::to_string(v));
    };
    put("cycles", cycles);
    put("value_cycles", value_cycles);
    put("steps", steps);
    put("ignored", ignored);
    put("clears", clears);
    put("groups", groups);
    put("tails", tails);
    put("scale_sub", scale_sub);
    put("scale_special", scale_special);
    put("acc_g_nan", acc_g_nan);
    put("acc_g_inf", acc_g_inf);
    put("plane_nan_signs", plane_nan_signs);
    put("acc_g_nan_meets", acc_g_nan_meets);
    put("acc_nan", acc_nan);
    put("nan_scale", nan_scale);
    put("nan_invalid", nan_invalid);
    put("nan_not_canonical", nan_not_canonical);
    put("acc_inf", acc_inf);
    put("overflow", overflow);
    put("out_inf", out_inf);
  }
};

// The RTL and LutTcArith side by side. A step accepted at edge t completes at edge
// t + w_bits - 1; busy and done are compared after every edge, the values after every edge at
// which no step is in progress. The first mismatch fails the test with the cycle, the step's
// operands, the model's state before it and both values.
template <class Model>
class PeLockstep {
 public:
  PeLockstep(const LutTcSpec& spec, std::uint64_t seed) : m_arith(spec), m_rtl(seed) {}

  const LutTcArith::Acc& acc() const { return m_acc; }
  bool busy() const { return m_left > 0; }
  PeCounts& counts() { return m_counts; }

  bool step(const LutStep& s) {
    if (m_failed) return false;
    const LutTcSpec& spec = m_arith.spec;
    const int kg = spec.lut_group, half = 1 << (kg - 1);
    LutOperand a_op, w_op;
    for (int t = 0; t < s.count; ++t) {
      a_op.a[static_cast<std::size_t>(t)] =
          static_cast<float>(decode(s.a[static_cast<std::size_t>(t)], kFp16));
      w_op.q[static_cast<std::size_t>(t)] =
          static_cast<std::uint8_t>(s.q[static_cast<std::size_t>(t)]);
    }
    a_op.count = static_cast<std::uint8_t>(s.count);
    const LutHalfTable table = build_half_table(spec, a_op.a);
    a_op.table = table.entries;
    w_op.half_scale = static_cast<float>(decode(s.w_scale, kFp16)) * 0.5f;
    w_op.z_prime = 2 * static_cast<std::int32_t>(s.z) - ((1 << spec.w_bits) - 1);
    w_op.group_end = s.group_end;

    const bool accept = s.valid && m_left == 0;
    if (accept) {
      m_before = m_acc;
      m_last = s;
      const auto r = m_arith.mac_step(s.clear ? LutTcArith::zero() : m_acc, a_op, w_op);
      m_acc = r.value;
      m_event = r.overflow;
      m_left = spec.w_bits;
      count_step(s, table, half);
    } else if (s.valid) {
      ++m_counts.ignored;
    }

    Model& m = m_rtl.model();
    m.in_valid = s.valid;
    m.in_clear = s.clear;
    std::vector<std::uint32_t> entries;
    for (int h = 0; h < half; ++h) {
      entries.push_back(entry_pattern(a_op.table[static_cast<std::size_t>(h)], spec));
    }
    set_port(m.lut, pack(entries, table_float_format(spec).bits()));
    set_port(m.a, pack(std::vector<std::uint32_t>(s.a.begin(), s.a.begin() + kg), 16));
    m.count = static_cast<std::remove_reference_t<decltype(m.count)>>(s.count);
    set_port(m.q, pack(std::vector<std::uint32_t>(s.q.begin(), s.q.begin() + kg), spec.w_bits));
    m.w_scale = static_cast<std::remove_reference_t<decltype(m.w_scale)>>(s.w_scale);
    m.z = static_cast<std::remove_reference_t<decltype(m.z)>>(s.z);
    m.group_end = s.group_end;
    m_rtl.edge();
    ++m_counts.cycles;

    const bool working = m_left > 0;
    if (working) --m_left;
    const bool want_busy = m_left > 0;
    const bool want_done = working && m_left == 0;
    bool ok = (m.busy != 0) == want_busy && (m.done != 0) == want_done;
    std::uint32_t want_acc_g = 0, want_s = 0, want_acc = 0, want_out = 0;
    bool want_overflow = false;
    if (ok && !want_busy) {
      ++m_counts.value_cycles;
      want_acc_g = encode(static_cast<double>(m_acc.acc_g), spec.acc_format);
      want_s = std::bit_cast<std::uint32_t>(m_acc.s);
      want_acc = std::bit_cast<std::uint32_t>(m_acc.out);
      want_out = static_cast<std::uint32_t>(m_arith.output(m_acc));
      want_overflow = want_done && m_event;
      ok = static_cast<std::uint32_t>(m.acc_g) == want_acc_g &&
           static_cast<std::uint32_t>(m.s_g) == want_s &&
           static_cast<std::uint32_t>(m.acc) == want_acc && (m.overflow != 0) == want_overflow &&
           static_cast<std::uint32_t>(m.out) == want_out;
    }
    if (!ok) {
      m_failed = true;
      std::ostringstream op;
      op << "in_clear=" << m_last.clear << " count=" << m_last.count;
      for (int t = 0; t < kg; ++t) {
        op << " a" << t << "=" << hex(m_last.a[static_cast<std::size_t>(t)]) << " q" << t << "="
           << m_last.q[static_cast<std::size_t>(t)];
      }
      op << " w_scale=" << hex(m_last.w_scale) << " z=" << m_last.z
         << " group_end=" << m_last.group_end;
      ADD_FAILURE() << "first mismatch at cycle " << m_counts.cycles - 1 << " (Kg=" << kg
                    << " B=" << spec.w_bits
                    << " table=" << float_format_name(table_float_format(spec))
                    << " acc=" << float_format_name(spec.acc_format)
                    << " out=" << float_format_name(spec.out_format)
                    << "): this edge in_valid=" << s.valid
                    << "; the last accepted step: " << op.str()
                    << "\n  before it: acc_g=" << hex(std::bit_cast<std::uint32_t>(m_before.acc_g))
                    << " s=" << hex(std::bit_cast<std::uint32_t>(m_before.s))
                    << " acc=" << hex(std::bit_cast<std::uint32_t>(m_before.out))
                    << "\n  model: busy=" << want_busy << " done=" << want_done
                    << " acc_g=" << hex(want_acc_g) << " s=" << hex(want_s)
                    << " acc=" << hex(want_acc) << " overflow=" << want_overflow
                    << " out=" << hex(want_out) << "\n  rtl:   busy=" << int{m.busy}
                    << " done=" << int{m.done}
                    << " acc_g=" << hex(static_cast<std::uint32_t>(m.acc_g))
                    << " s=" << hex(static_cast<std::uint32_t>(m.s_g))
                    << " acc=" << hex(static_cast<std::uint32_t>(m.acc))
                    << " overflow=" << int{m.overflow}
                    << " out=" << hex(static_cast<std::uint32_t>(m.out));
      return false;
    }
    return true;
  }

 private:
  void count_step(const LutStep& s, const LutHalfTable& table, int half) {
    PeCounts& c = m_counts;
    ++c.steps;
    c.clears += s.clear;
    c.tails += s.count < m_arith.spec.lut_group;
    bool nan = false;
    for (int h = 0; h < half; ++h)
      nan = nan || std::isnan(table.entries[static_cast<std::size_t>(h)]);
    if (s.group_end) {
      ++c.groups;
      c.scale_sub += is_subnormal(s.w_scale, kFp16);
      c.scale_special += is_nan(s.w_scale, kFp16) || is_inf(s.w_scale, kFp16);
      const LutTcArith::Acc start = s.clear ? LutTcArith::zero() : m_before;
      const bool nan_before =
          std::isnan(start.out) || std::isnan(start.acc_g) || std::isnan(start.s) || nan;
      c.nan_scale += !std::isnan(start.out) && is_nan(s.w_scale, kFp16);
      bool nan_act = false;
      for (int t = 0; t < s.count; ++t) {
        nan_act = nan_act || is_nan(s.a[static_cast<std::size_t>(t)], kFp16);
      }
      c.nan_invalid +=
          std::isnan(m_acc.out) && !nan_before && !nan_act && !is_nan(s.w_scale, kFp16);
    }
    const std::uint32_t w_max = (1u << m_arith.spec.w_bits) - 1;
    c.plane_nan_signs += nan && s.q[0] != 0 && s.q[0] != w_max;
    c.acc_g_nan_meets += nan && !s.clear && std::isnan(m_before.acc_g);
    c.acc_g_nan += std::isnan(m_acc.acc_g);
    c.acc_g_inf += std::isinf(m_acc.acc_g);
    c.acc_nan += std::isnan(m_acc.out);
    const auto out = static_cast<std::uint32_t>(m_arith.output(m_acc));
    c.nan_not_canonical += !canonical_if_nan(m_acc.acc_g) || !canonical_if_nan(m_acc.s) ||
                           !canonical_if_nan(m_acc.out) ||
                           (is_nan(out, m_arith.spec.out_format) &&
                            out != (m_arith.spec.out_format == kFp32 ? kCanonicalNan32 : 0x7E00u));
    c.acc_inf += std::isinf(m_acc.out);
    c.overflow += !std::isfinite(m_acc.out);
    c.out_inf += std::isfinite(m_acc.out) &&
                 std::isinf(decode(static_cast<std::uint32_t>(m_arith.output(m_acc)),
                                   m_arith.spec.out_format));
  }

  LutTcArith m_arith;                         // the one C++ definition of lut_tc's values
  testing_support::VerilatedPe<Model> m_rtl;  // the verilated module, clock and reset
  LutTcArith::Acc m_acc;                      // the model's chain state
  LutTcArith::Acc m_before;                   // ... before the last accepted step
  LutStep m_last;                             // the last accepted step
  bool m_event = false;                       // the last step's Step::overflow
  int m_left = 0;                             // edges the current step still takes
  bool m_failed = false;                      // a mismatch was reported
  PeCounts m_counts;                          // what was compared
};

// Seeded random steps: scale groups of 1 to 8 LUT groups (a tail LUT group only at a scale
// group's end, as K's last group), codes with their extremes, scales with edge values.
class StepGen {
 public:
  StepGen(const LutTcSpec& spec, std::uint64_t seed)
      : m_spec(spec), m_act(seed), m_edges(fp16_edges()) {}

  LutStep next(const LutTcArith::Acc& acc, bool busy) {
    LutStep s;
    s.valid = busy ? m_act.pick(2) == 0 : m_act.pick(8) != 0;
    if (busy || !s.valid) {
      fill(s, false);  // operands that must be ignored (busy) or that no step takes
      return s;
    }
    s.clear = m_act.pick(64) == 0 || (!std::isfinite(acc.out) && m_act.pick(2) == 0);
    if (s.clear || m_left == 0) m_left = 1 + m_act.pick(8);
    --m_left;
    s.group_end = m_left == 0;
    fill(s, s.group_end && m_act.pick(8) == 0);
    return s;
  }

 private:
  void fill(LutStep& s, bool tail) {
    const int kg = m_spec.lut_group;
    const int w_max = (1 << m_spec.w_bits) - 1;
    s.count = tail ? 1 + m_act.pick(kg - 1) : kg;
    s.a = m_act.group(kg, s.count);
    for (int t = 0; t < 4; ++t) {
      const int r = m_act.pick(8);
      s.q[static_cast<std::size_t>(t)] =
          t >= s.count ? 0u
                       : static_cast<std::uint32_t>(r == 0   ? 0
                                                    : r == 1 ? w_max
                                                             : m_act.pick(w_max + 1));
    }
    const int zr = m_act.pick(4);
    s.z = static_cast<std::uint32_t>(zr == 0 ? 0 : zr == 1 ? w_max : m_act.pick(w_max + 1));
    switch (m_act.pick(16)) {
      case 0:
        s.w_scale = m_edges[static_cast<std::size_t>(m_act.pick(static_cast<int>(m_edges.size())))];
        break;
      case 1:
        s.w_scale = static_cast<std::uint32_t>(m_act.pick(0x400)) | (m_act.pick(2) ? 0x8000u : 0u);
        break;
      case 2:
        s.w_scale = static_cast<std::uint32_t>(m_act.pick(0x10000));
        break;
      default:
        s.w_scale = encode(
            std::ldexp(1.0 + m_act.uniform01(), m_act.pick(15) - 14) * (m_act.pick(4) ? 1.0 : -1.0),
            kFp16);
    }
  }

  LutTcSpec m_spec;                    // the parameter set
  ActivationGen m_act;                 // the seeded source (activations and everything else)
  std::vector<std::uint32_t> m_edges;  // fp16 edge patterns
  int m_left = 0;                      // LUT groups left in the current scale group
};

// Random cycles, then every pair of fp16 edge scales on two consecutive one-group scale
// groups (edge activations), so that every special value meets every other in acc.
template <class Model>
PeCounts run_pe(const LutTcSpec& spec, std::uint64_t seed, int random_cycles) {
  PeLockstep<Model> ls(spec, seed);
  StepGen gen(spec, seed + 1);
  for (int i = 0; i < random_cycles; ++i) {
    if (!ls.step(gen.next(ls.acc(), ls.busy()))) return ls.counts();
  }
  const std::vector<std::uint32_t> edges = fp16_edges();
  const int kg = spec.lut_group, w_max = (1 << spec.w_bits) - 1;
  for (std::size_t i = 0; i < edges.size(); ++i) {
    for (std::size_t j = 0; j < edges.size(); ++j) {
      for (int g = 0; g < 2; ++g) {
        LutStep s;
        s.valid = true;
        s.clear = g == 0;
        s.count = kg;
        for (int t = 0; t < kg; ++t) {
          s.a[static_cast<std::size_t>(t)] =
              edges[(i + j + static_cast<std::size_t>(t)) % edges.size()];
          s.q[static_cast<std::size_t>(t)] = static_cast<std::uint32_t>((g + t) % 2 ? w_max : 0);
        }
        s.w_scale = g == 0 ? edges[i] : edges[j];
        s.z = static_cast<std::uint32_t>(g == 0 ? 0 : w_max);
        s.group_end = true;
        for (int c = 0; c < spec.w_bits; ++c) {
          if (!ls.step(s)) return ls.counts();
          s.valid = false;
        }
      }
    }
  }
  return ls.counts();
}

void expect_pe_coverage(const PeCounts& c, const LutTcSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c.steps, 10000);
  EXPECT_GT(c.clears, 300);
  EXPECT_GT(c.groups, 3000);
  EXPECT_GT(c.tails, 100);
  EXPECT_GT(c.scale_sub, 100);
  EXPECT_GT(c.scale_special, 100);
  EXPECT_GT(c.acc_g_nan, 100);
  EXPECT_GT(c.acc_g_nan_meets, 20);
  EXPECT_GT(c.acc_nan, 1000);
  EXPECT_GT(c.nan_scale, 100);
  EXPECT_GT(c.nan_invalid, 20);
  EXPECT_EQ(c.nan_not_canonical, 0);
  EXPECT_GT(c.acc_inf, 100);
  if (spec.w_bits > 1) {
    EXPECT_GT(c.ignored, 1000);
    EXPECT_GT(c.plane_nan_signs, 100);
  }
  if (spec.acc_format == kFp16) {
    EXPECT_GT(c.acc_g_inf, 100);
  }
  if (spec.out_format == kFp16) {
    EXPECT_GT(c.out_inf, 100);
  }
}

// The shared spec's defaults: Kg = 4, 2-bit weights, fp16 table, binary32 accumulator and
// output. 200k random cycles, every edge-scale pair, zero mismatches.
TEST(LutTcLockstepTest, Kg4B2MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const PeCounts c = run_pe<Vpe_lut_tc_kg4_b2>(spec, 61, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 2, 4-bit weights (four cycles a step, one activation-sum add per cycle), binary32
// table, output rounded to fp16.
TEST(LutTcLockstepTest, Kg2B4MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(2, 4, LutTableFormat::Fp32, kFp32, kFp16);
  const PeCounts c = run_pe<Vpe_lut_tc_kg2_b4>(spec, 62, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 3, 1-bit weights (one cycle a step: three activation-sum adds in it), fp16 table and
// fp16 accumulator (the published RTL's), output fp16.
TEST(LutTcLockstepTest, Kg3B1Acc16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(3, 1, LutTableFormat::Fp16, kFp16, kFp16);
  const PeCounts c = run_pe<Vpe_lut_tc_kg3_b1_acc16>(spec, 63, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 4, 3-bit weights (two activation-sum adds per cycle), binary32 table into an fp16
// accumulator, binary32 output.
TEST(LutTcLockstepTest, Kg4B3Acc16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_spec(4, 3, LutTableFormat::Fp32, kFp16, kFp32);
  const PeCounts c = run_pe<Vpe_lut_tc_kg4_b3_acc16>(spec, 64, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Reset clears the randomly initialised registers; a step takes w_bits edges, in_valid is
// ignored while busy, done pulses once, and the next step starts on the edge after it.
TEST(LutTcLockstepTest, ResetBusyDoneTiming) {
  testing_support::VerilatedPe<Vpe_lut_tc_kg4_b2> rtl(9);
  Vpe_lut_tc_kg4_b2& m = rtl.model();
  EXPECT_EQ(m.busy, 0);
  EXPECT_EQ(m.acc, 0u);
  // Activations 1, 1, 1, 1: Ts[h] = 1 + sum of +-1 (fp16); codes 3, 0, 0, 0 (2-bit).
  const LutTcSpec spec = lut_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const LutHalfTable table = build_half_table(spec, {1.0f, 1.0f, 1.0f, 1.0f});
  std::vector<std::uint32_t> entries;
  for (int h = 0; h < 8; ++h)
    entries.push_back(entry_pattern(table.entries[static_cast<std::size_t>(h)], spec));
  set_port(m.lut, pack(entries, 16));
  set_port(m.a, pack({0x3C00u, 0x3C00u, 0x3C00u, 0x3C00u}, 16));
  m.count = 4;
  m.q = 3;
  m.w_scale = 0x4000;  // s = 2: s / 2 = 1
  m.z = 0;             // z' = -3
  m.group_end = 1;
  m.in_valid = 1;
  m.in_clear = 1;
  rtl.edge();  // plane 0: p = 0b0001, T = 1 - 1 - 1 - 1 = -2
  EXPECT_EQ(m.busy, 1);
  EXPECT_EQ(m.done, 0);
  m.q = 0;     // ignored while busy
  rtl.edge();  // plane 1: acc_g = -2 + 2 * (-2) = -6; S = 4; d = -6 - (-3 * 4) = 6; acc = 6
  EXPECT_EQ(m.busy, 0);
  EXPECT_EQ(m.done, 1);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.acc)), 6.0f);
  EXPECT_EQ(m.s_g, 0u);
  m.in_valid = 0;
  rtl.edge();
  EXPECT_EQ(m.done, 0);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.acc)), 6.0f);
}

}  // namespace
}  // namespace tpesim::pe
