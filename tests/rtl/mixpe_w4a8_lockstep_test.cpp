// SPDX-License-Identifier: Apache-2.0
// Model vs RTL: rtl/pe_mixpe_w4a8.sv, verilated, against MixpeW4A8Arith (pe/mixpe.h) in lock step:
// the group's partial sums P and S, the binary32 accumulator's and the activation scale's bit
// patterns, the int32 overflow event and the output read port after every clock edge, for
// three parameter sets (weight bits, group size, output format).
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "Vpe_mixpe_w4a8_g128.h"
#include "Vpe_mixpe_w4a8_g3_fp16.h"
#include "Vpe_mixpe_w4a8_wide.h"
#include "pe/float_format.h"
#include "pe/mixpe.h"
#include "tests/support/verilated_pe.h"
#include "verilated.h"

namespace tpesim::pe {
namespace {

MixpeSpec mixpe_spec(int w_bits, int group_size, FloatFormat out) {
  MixpeSpec spec;
  spec.variant = MixpeVariant::W4A8;
  spec.w_bits = w_bits;
  spec.group_size = group_size;
  spec.out_format = out;
  return spec;
}

// ceil(log2(n)), as $clog2 in the RTL.
int clog2(std::int64_t n) {
  int b = 0;
  while ((std::int64_t{1} << b) < n) ++b;
  return b;
}

// One clock edge's inputs.
struct Stimulus {
  bool valid = false;         // in_valid
  bool clear = false;         // in_clear (acts only with valid)
  std::int32_t a = 0;         // int8 activation
  std::uint32_t a_scale = 0;  // s_a, binary32 pattern
  std::int32_t q = 0;         // weight code, 0 .. 2^w_bits - 1
  std::int32_t z = 0;         // zero point, 0 .. 2^w_bits - 1
  std::uint32_t w_scale = 0;  // s, fp16 pattern
  bool group_end = false;     // q ends its group
};

// The RTL's registers and read port after an edge, widened.
struct RtlState {
  std::int64_t p = 0;     // P, sign-extended
  std::int64_t s = 0;     // S, sign-extended
  std::uint32_t acc = 0;  // binary32 pattern
  std::uint32_t s_a = 0;  // binary32 pattern
  bool overflow = false;  // D left int32 at the last edge
  std::uint32_t out = 0;  // output-format pattern
};

std::int64_t sign_extend(std::uint64_t v, int bits) {
  const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
  v &= (sign << 1) - 1;
  return static_cast<std::int64_t>(v ^ sign) - static_cast<std::int64_t>(sign);
}

// One verilated pe_mixpe_w4a8 with its clock and reset.
template <class Model>
class MixpeRtl {
 public:
  MixpeRtl(const MixpeSpec& spec, std::uint64_t seed)
      : m_pe(seed),
        m_p_bits(8 + spec.w_bits + clog2(spec.group_size)),
        m_s_bits(8 + clog2(spec.group_size)) {}

  void step(const Stimulus& s) {
    Model& m = m_pe.model();
    m.in_valid = s.valid;
    m.in_clear = s.clear;
    m.a =
        static_cast<std::remove_reference_t<decltype(m.a)>>(static_cast<std::uint32_t>(s.a) & 0xFF);
    m.a_scale = s.a_scale;
    m.q = static_cast<std::remove_reference_t<decltype(m.q)>>(s.q);
    m.z = static_cast<std::remove_reference_t<decltype(m.z)>>(s.z);
    m.w_scale = static_cast<std::remove_reference_t<decltype(m.w_scale)>>(s.w_scale);
    m.group_end = s.group_end;
    m_pe.edge();
  }
  RtlState state() const {
    const Model& m = m_pe.model();
    return RtlState{sign_extend(static_cast<std::uint64_t>(m.p), m_p_bits),
                    sign_extend(static_cast<std::uint64_t>(m.s), m_s_bits),
                    static_cast<std::uint32_t>(m.acc),
                    static_cast<std::uint32_t>(m.s_a),
                    m.overflow != 0,
                    static_cast<std::uint32_t>(m.out)};
  }

 private:
  testing_support::VerilatedPe<Model> m_pe;  // the verilated module, clock and reset
  int m_p_bits;                              // width of the p port (8 + w_bits + clog2(G))
  int m_s_bits;                              // width of the s port (8 + clog2(G))
};

// What one lock-step run compared (coverage of the datapath's paths and special values).
struct Counts {
  std::int64_t cycles = 0;         // clock edges compared
  std::int64_t steps = 0;          // edges with in_valid
  std::int64_t clears = 0;         // steps with in_clear (a new chain)
  std::int64_t groups = 0;         // steps with group_end (dequantizations)
  std::int64_t full_groups = 0;    // ... of exactly G steps
  std::int64_t d_inexact = 0;      // group ends with |D| >= 2^24 and float(D) != D
  std::int64_t overflow = 0;       // D left int32 (the model's event)
  std::int64_t scale_sub = 0;      // group ends with a subnormal fp16 scale
  std::int64_t scale_special = 0;  // group ends with an infinite or NaN fp16 scale
  std::int64_t acc_nan = 0;        // steps after which acc is NaN
  std::int64_t nan_scale = 0;      // group ends with a NaN scale onto a non-NaN acc
  std::int64_t nan_inf_sub = 0;    // group ends with an infinite acc and scaled of the other sign
  std::int64_t nan_zero_inf = 0;   // group ends with D = 0, an infinite scale, non-NaN acc
  std::int64_t nan_both = 0;       // group ends onto a NaN acc with a NaN scale of the other sign
  std::int64_t acc_inf = 0;        // steps after which acc is infinite
  std::int64_t out_nan_both = 0;   // steps with a negative NaN a_scale onto a NaN acc
  std::int64_t out_zero_inf = 0;   // cycles with out NaN from 0 * inf (acc and s_a not NaN)
  std::int64_t nan_not_canonical = 0;  // model NaNs in acc, s_a or out other than +canonical
  std::int64_t out_sub = 0;            // cycles whose binary32 product acc * s_a is subnormal
  std::int64_t out_inf = 0;            // cycles with out infinite while acc and s_a are finite
  std::int64_t out_flush = 0;          // cycles with out zero while acc and s_a are nonzero

  void record() const {
    auto put = [](const char* key, std::int64_t v) {
      ::testing::Test::RecordProperty(key, std::to_string(v));
    };
    put("cycles", cycles);
    put("steps", steps);
    put("clears", clears);
    put("groups", groups);
    put("full_groups", full_groups);
    put("d_inexact", d_inexact);
    put("overflow", overflow);
    put("scale_sub", scale_sub);
    put("scale_special", scale_special);
    put("acc_nan", acc_nan);
    put("nan_scale", nan_scale);
    put("nan_inf_sub", nan_inf_sub);
    put("nan_zero_inf", nan_zero_inf);
    put("nan_both", nan_both);
    put("acc_inf", acc_inf);
    put("out_nan_both", out_nan_both);
    put("out_zero_inf", out_zero_inf);
    put("nan_not_canonical", nan_not_canonical);
    put("out_sub", out_sub);
    put("out_inf", out_inf);
    put("out_flush", out_flush);
  }
};

// x is not a NaN, or it is the canonical NaN +0x7FC00000.
bool canonical_if_nan(float x) {
  return !std::isnan(x) || std::bit_cast<std::uint32_t>(x) == kCanonicalNan32;
}

std::string hex(std::uint32_t v) {
  std::ostringstream s;
  s << "0x" << std::hex << v;
  return s.str();
}

// The RTL and MixpeW4A8Arith side by side: every step() drives both and compares p, s, acc,
// s_a, overflow and out. The first mismatch fails the test with the cycle, the inputs, the
// state before the edge and both values; later steps are refused.
template <class Model>
class Lockstep {
 public:
  Lockstep(const MixpeSpec& spec, std::uint64_t seed) : m_arith(spec), m_rtl(spec, seed) {}

  const MixpeW4A8Arith::Acc& acc() const { return m_acc; }
  Counts& counts() { return m_counts; }
  // Steps taken in the current group (0 after a group end or before a chain).
  std::int64_t in_group() const { return m_in_group; }

  bool step(const Stimulus& s) {
    if (m_failed) return false;
    const MixpeW4A8Arith::Acc before = m_acc;
    bool event = false;
    if (s.valid) {
      const MixpeW4A8Arith::Acc start = s.clear ? MixpeW4A8Arith::zero() : m_acc;
      MixpeOperand a;
      a.v = s.a;
      a.s = static_cast<float>(decode(s.a_scale, kFp32));
      MixpeOperand w;
      w.v = s.q;
      w.z = s.z;
      w.s = static_cast<float>(decode(s.w_scale, kFp16));
      w.group_end = s.group_end;
      const auto r = m_arith.mac_step(start, a, w);
      count(start, s, r.value);
      m_acc = r.value;
      event = r.overflow;
      m_counts.overflow += event;
      m_in_group = s.group_end ? 0 : (s.clear ? 0 : m_in_group) + 1;
    }
    m_rtl.step(s);
    ++m_counts.cycles;
    const RtlState want{m_acc.p,
                        m_acc.s,
                        std::bit_cast<std::uint32_t>(m_acc.acc),
                        std::bit_cast<std::uint32_t>(m_acc.s_a),
                        event,
                        static_cast<std::uint32_t>(m_arith.output(m_acc))};
    const RtlState got = m_rtl.state();
    count_output();
    if (got.p != want.p || got.s != want.s || got.acc != want.acc || got.s_a != want.s_a ||
        got.overflow != want.overflow || got.out != want.out) {
      m_failed = true;
      ADD_FAILURE() << "first mismatch at cycle " << m_counts.cycles - 1
                    << " (w_bits=" << m_arith.spec.w_bits << " G=" << m_arith.spec.group_size
                    << " out=" << float_format_name(m_arith.spec.out_format)
                    << "): in_valid=" << s.valid << " in_clear=" << s.clear << " a=" << s.a
                    << " a_scale=" << hex(s.a_scale) << " q=" << s.q << " z=" << s.z
                    << " w_scale=" << hex(s.w_scale) << " group_end=" << s.group_end
                    << "\n  before: p=" << before.p << " s=" << before.s
                    << " acc=" << hex(std::bit_cast<std::uint32_t>(before.acc)) << " ("
                    << before.acc << ")\n  model: " << describe(want)
                    << "\n  rtl:   " << describe(got);
      return false;
    }
    return true;
  }

 private:
  static std::string describe(const RtlState& v) {
    std::ostringstream o;
    o << "p=" << v.p << " s=" << v.s << " acc=" << hex(v.acc) << " (" << std::bit_cast<float>(v.acc)
      << ") s_a=" << hex(v.s_a) << " overflow=" << v.overflow << " out=" << hex(v.out);
    return o.str();
  }
  void count(const MixpeW4A8Arith::Acc& start, const Stimulus& s,
             const MixpeW4A8Arith::Acc& after) {
    Counts& c = m_counts;
    ++c.steps;
    c.clears += s.clear;
    if (s.group_end) {
      ++c.groups;
      const std::int64_t length = (s.clear ? 0 : m_in_group) + 1;
      c.full_groups += length == m_arith.spec.group_size;
      const std::int64_t d =
          start.p + std::int64_t{s.a} * s.q - std::int64_t{s.z} * (start.s + s.a);
      c.d_inexact += static_cast<std::int64_t>(static_cast<float>(d)) != d;
      c.scale_sub += is_subnormal(s.w_scale, kFp16);
      const bool special = is_nan(s.w_scale, kFp16) || is_inf(s.w_scale, kFp16);
      c.scale_special += special;
      c.nan_both += std::isnan(start.acc) && is_nan(s.w_scale, kFp16) &&
                    std::signbit(start.acc) != ((s.w_scale & 0x8000u) != 0);
      const float scale = static_cast<float>(decode(s.w_scale, kFp16));
      const float scaled = static_cast<float>(d) * scale;
      c.nan_scale += !std::isnan(start.acc) && std::isnan(scale);
      c.nan_inf_sub += std::isinf(start.acc) && std::isinf(scaled) &&
                       std::signbit(start.acc) != std::signbit(scaled);
      c.nan_zero_inf += !std::isnan(start.acc) && d == 0 && std::isinf(scale);
    }
    c.acc_nan += std::isnan(after.acc);
    c.out_nan_both += std::isnan(after.acc) && is_nan(s.a_scale, kFp32) && (s.a_scale >> 31) != 0;
    c.nan_not_canonical += !canonical_if_nan(after.acc) || !canonical_if_nan(after.s_a);
    c.acc_inf += std::isinf(after.acc);
  }
  void count_output() {
    Counts& c = m_counts;
    const float acc = m_acc.acc, s_a = m_acc.s_a;
    const float product = acc * s_a;
    c.out_zero_inf += !std::isnan(acc) && !std::isnan(s_a) && std::isnan(product);
    const auto out = static_cast<std::uint32_t>(m_arith.output(m_acc));
    c.nan_not_canonical += is_nan(out, m_arith.spec.out_format) &&
                           out != (m_arith.spec.out_format == kFp32 ? kCanonicalNan32 : 0x7E00u);
    c.out_sub += std::fpclassify(product) == FP_SUBNORMAL;
    c.out_inf += std::isfinite(acc) && std::isfinite(s_a) &&
                 std::isinf(decode(static_cast<std::uint32_t>(m_arith.output(m_acc)),
                                   m_arith.spec.out_format));
    c.out_flush +=
        acc != 0 && s_a != 0 && std::isfinite(acc) && std::isfinite(s_a) &&
        decode(static_cast<std::uint32_t>(m_arith.output(m_acc)), m_arith.spec.out_format) == 0;
  }

  MixpeW4A8Arith m_arith;       // the one C++ definition of mixpe W4A8's values
  MixpeRtl<Model> m_rtl;        // the verilated module
  MixpeW4A8Arith::Acc m_acc;    // the model's chain state (reset: zero())
  std::int64_t m_in_group = 0;  // steps in the current group
  bool m_failed = false;        // a mismatch was reported
  Counts m_counts;              // what was compared
};

// fp16 scale edge patterns: +-0, the smallest and largest subnormals, the smallest normal, 1,
// the largest finite value, infinities, a signalling, a quiet and the all-ones NaN.
std::vector<std::uint32_t> fp16_edges() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t m :
       {0x0000u, 0x0001u, 0x03FFu, 0x0400u, 0x3C00u, 0x7BFFu, 0x7C00u, 0x7C01u, 0x7E00u, 0x7FFFu}) {
    out.push_back(m);
    out.push_back(m | 0x8000u);
  }
  return out;
}

// binary32 activation-scale edge patterns, the same list for binary32.
std::vector<std::uint32_t> fp32_edges() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : {0x00000000u, 0x00000001u, 0x007FFFFFu, 0x00800000u, 0x3F800000u,
                          0x7F7FFFFFu, 0x7F800000u, 0x7F800001u, 0x7FC00000u, 0x7FFFFFFFu}) {
    out.push_back(m);
    out.push_back(m | 0x80000000u);
  }
  return out;
}

// Random groups are at most this long, steps (wider G are filled by the drive of run()).
constexpr std::int64_t kLongestRandomGroup = 4096;

// Seeded random stimulus. Groups are full (G steps) or of a random length up to G; a chain
// restarts on 1/256 of the steps and on half of the steps while acc is not finite; a third of
// the groups take products of one sign, so that |D| grows (past 2^24 and int32 with wide
// groups).
class StimulusGen {
 public:
  StimulusGen(const MixpeSpec& spec, std::uint64_t seed)
      : m_spec(spec),
        m_rng(seed),
        m_w_max((1 << spec.w_bits) - 1),
        m_fp16_edges(fp16_edges()),
        m_fp32_edges(fp32_edges()) {}

  Stimulus next(const MixpeW4A8Arith::Acc& acc, std::int64_t in_group) {
    Stimulus s;
    s.valid = pick(8) != 0;
    s.clear = pick(256) == 0 || (!std::isfinite(acc.acc) && pick(2) == 0);
    if (s.clear || in_group == 0) new_group();
    const std::int64_t position = (s.clear ? 0 : in_group) + 1;
    s.group_end = position >= m_length;
    if (m_one_sign) {
      // Products and -z S of one sign: a of one sign, q high and z low, or the reverse.
      s.a =
          m_sign > 0 ? static_cast<std::int32_t>(pick(128)) : -static_cast<std::int32_t>(pick(129));
      s.q = m_w_max - static_cast<std::int32_t>(pick(2));
      s.z = static_cast<std::int32_t>(pick(2));
    } else {
      s.a = activation();
      s.q = code();
      s.z = code();
    }
    s.w_scale = w_scale();
    s.a_scale = a_scale();
    return s;
  }

 private:
  int pick(int n) { return static_cast<int>(m_rng() % static_cast<std::uint64_t>(n)); }
  double uniform01() { return static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }
  void new_group() {
    const std::int64_t g = m_spec.group_size;
    const std::int64_t longest = std::min<std::int64_t>(g, kLongestRandomGroup);
    m_length = (pick(2) == 0 && g <= kLongestRandomGroup)
                   ? g
                   : 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(longest));
    m_one_sign = pick(3) == 0;
    m_sign = pick(2) == 0 ? 1 : -1;
  }
  std::int32_t activation() {
    switch (pick(16)) {
      case 0:
      case 1:
        return -128;
      case 2:
      case 3:
        return 127;
      case 4:
        return 0;
      case 5:
        return pick(2) ? 1 : -1;
      default:
        return static_cast<std::int32_t>(pick(256)) - 128;
    }
  }
  std::int32_t code() {
    switch (pick(8)) {
      case 0:
        return 0;
      case 1:
        return m_w_max;
      default:
        return static_cast<std::int32_t>(pick(m_w_max + 1));
    }
  }
  // fp16 scales: edge patterns, random subnormals, uniform bit patterns, else a typical
  // quantization scale 2^[-14, 1) with a random sign.
  std::uint32_t w_scale() {
    switch (pick(16)) {
      case 0:
        return m_fp16_edges[static_cast<std::size_t>(pick(static_cast<int>(m_fp16_edges.size())))];
      case 1:
        return static_cast<std::uint32_t>(pick(0x400)) | (pick(2) ? 0x8000u : 0u);
      case 2:
        return static_cast<std::uint32_t>(pick(0x10000));
      default:
        return encode(std::ldexp(1.0 + uniform01(), pick(15) - 14) * (pick(4) ? 1.0 : -1.0), kFp16);
    }
  }
  // binary32 activation scales: edge patterns, uniform bit patterns, huge (the product
  // overflows), tiny (the product is subnormal or flushes), else 2^[-12, 0).
  std::uint32_t a_scale() {
    switch (pick(16)) {
      case 0:
        return m_fp32_edges[static_cast<std::size_t>(pick(static_cast<int>(m_fp32_edges.size())))];
      case 1:
        return static_cast<std::uint32_t>(m_rng());
      case 2:
      case 3:
        return encode(std::ldexp(1.0 + uniform01(), 90 + pick(38)), kFp32);
      case 4:
      case 5:
        return encode(std::ldexp(1.0 + uniform01(), -150 + pick(40)), kFp32);
      default:
        return encode(std::ldexp(1.0 + uniform01(), pick(12) - 12), kFp32);
    }
  }

  MixpeSpec m_spec;                         // the parameter set
  std::mt19937_64 m_rng;                    // the seeded source
  std::int32_t m_w_max;                     // 2^w_bits - 1
  std::vector<std::uint32_t> m_fp16_edges;  // fp16 edge patterns
  std::vector<std::uint32_t> m_fp32_edges;  // binary32 edge patterns
  std::int64_t m_length = 1;                // the current group's length, steps
  bool m_one_sign = false;                  // the current group takes products of one sign
  int m_sign = 1;                           // ... that sign
};

// Random cycles; then every pair of fp16 edge scales on two consecutive groups (an edge value
// in acc, then another onto it) under every binary32 edge activation scale, and inf - inf in acc
// under each of them; then, when G allows,
// long groups of products of one sign and one group per sign long enough that D leaves int32.
template <class Model>
Counts run(const MixpeSpec& spec, std::uint64_t seed, int random_cycles) {
  Lockstep<Model> ls(spec, seed);
  StimulusGen gen(spec, seed + 1);
  for (int i = 0; i < random_cycles; ++i) {
    if (!ls.step(gen.next(ls.acc(), ls.in_group()))) return ls.counts();
  }
  const std::int32_t w_max = (1 << spec.w_bits) - 1;
  // One-step groups with D = -128 * w_max (q = w_max, z = 0) and D = 0 (q = z).
  for (std::uint32_t as : fp32_edges()) {
    for (std::uint32_t s1 : fp16_edges()) {
      for (std::uint32_t s2 : fp16_edges()) {
        const std::int32_t q2 = (s1 ^ s2) & 1u ? w_max : 0;
        if (!ls.step(Stimulus{true, true, -128, as, w_max, 0, s1, true})) return ls.counts();
        if (!ls.step(Stimulus{true, false, 1, as, q2, 0, s2, true})) return ls.counts();
      }
    }
  }
  // inf - inf in acc: a one-step group scaled to an infinity (D = -128 w_max), then one scaled
  // to the other (D = 127 w_max, the same scale).
  for (std::uint32_t as : fp32_edges()) {
    for (std::uint32_t s1 : {0x7C00u, 0xFC00u}) {
      if (!ls.step(Stimulus{true, true, -128, as, w_max, 0, s1, true})) return ls.counts();
      if (!ls.step(Stimulus{true, false, 127, as, w_max, 0, s1, true})) return ls.counts();
    }
  }
  // D leaves int32, positive then negative: a = -128 (then 127), q = 0, z = w_max, in one group.
  const std::int64_t needed = (std::int64_t{1} << 31) / (127 * std::int64_t{w_max}) + 2;
  if (spec.group_size >= needed) {
    // First 100 groups of 600 to 2,999 products of one sign (|D| past 2^24, float(D) rounds).
    std::mt19937_64 rng(seed + 2);
    for (int g = 0; g < 100; ++g) {
      const std::int64_t length = 600 + static_cast<std::int64_t>(rng() % 2400);
      for (std::int64_t i = 0; i < length; ++i) {
        const auto a = static_cast<std::int32_t>(rng() % 128);
        const Stimulus s{true,
                         g == 0 && i == 0,
                         g % 2 == 0 ? a : -a,
                         0x3C000000u,
                         w_max - static_cast<std::int32_t>(rng() % 2),
                         static_cast<std::int32_t>(rng() % 2),
                         0x2E66u | static_cast<std::uint32_t>(rng() % 0x100),
                         i + 1 == length};
        if (!ls.step(s)) return ls.counts();
      }
    }
    for (const std::int32_t a : {-128, 127}) {
      for (std::int64_t i = 0; i < needed; ++i) {
        const Stimulus s{true, i == 0, a, 0x3F800000u, 0, w_max, 0x3C00u, i + 1 == needed};
        if (!ls.step(s)) return ls.counts();
      }
    }
  }
  return ls.counts();
}

// Every run must have compared each path; the thresholds are far below what the seeds give.
void expect_coverage(const Counts& c, const MixpeSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c.clears, 500);
  EXPECT_GT(c.groups, 1000);
  if (spec.group_size <= kLongestRandomGroup) {
    EXPECT_GT(c.full_groups, 100);
  }
  EXPECT_GT(c.scale_sub, 100);
  EXPECT_GT(c.scale_special, 100);
  EXPECT_GT(c.acc_nan, 1000);
  EXPECT_GT(c.nan_scale, 100);
  EXPECT_GT(c.nan_inf_sub, 20);
  EXPECT_GT(c.nan_zero_inf, 100);
  EXPECT_GT(c.nan_both, 20);
  EXPECT_GT(c.acc_inf, 100);
  EXPECT_GT(c.out_nan_both, 20);
  EXPECT_GT(c.out_zero_inf, 100);
  EXPECT_EQ(c.nan_not_canonical, 0);
  EXPECT_GT(c.out_sub, 1000);
  EXPECT_GT(c.out_inf, 1000);
  EXPECT_GT(c.out_flush, 100);
  if (spec.group_size >= (1 << 17)) {
    EXPECT_GT(c.d_inexact, 20);
    EXPECT_GE(c.overflow, 2);
  }
}

// The default shape: 4-bit weights in groups of 128, binary32 output. 200k random cycles,
// every edge-scale pair, zero mismatches.
TEST(MixpeW4A8LockstepTest, G128MatchesModelEveryCycle) {
  const MixpeSpec spec = mixpe_spec(4, 128, kFp32);
  const Counts c = run<Vpe_mixpe_w4a8_g128>(spec, 41, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// 2-bit weights in groups of 3 (partial groups of 1 and 2 as well), output rounded to fp16.
TEST(MixpeW4A8LockstepTest, G3Fp16MatchesModelEveryCycle) {
  const MixpeSpec spec = mixpe_spec(2, 3, kFp16);
  const Counts c = run<Vpe_mixpe_w4a8_g3_fp16>(spec, 42, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// 8-bit codes in groups of up to 2^17: D past 2^24 (float(D) rounds) and past int32 (the
// event), output rounded to fp16.
TEST(MixpeW4A8LockstepTest, WideGroupsMatchModelEveryCycle) {
  const MixpeSpec spec = mixpe_spec(8, 1 << 17, kFp16);
  const Counts c = run<Vpe_mixpe_w4a8_wide>(spec, 43, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_coverage(c, spec);
}

// Reset clears the randomly initialised registers; one edge of latency; idle edges hold every
// register and drop the overflow event; a group end dequantizes and restarts P and S.
TEST(MixpeW4A8LockstepTest, ResetClearAndValidTiming) {
  MixpeRtl<Vpe_mixpe_w4a8_g128> rtl(mixpe_spec(4, 128, kFp32), 7);
  EXPECT_EQ(rtl.state().p, 0);
  EXPECT_EQ(rtl.state().acc, 0u);
  rtl.step(Stimulus{true, true, -3, 0x40000000u, 5, 2, 0x3C00u, false});  // P = -15, S = -3
  EXPECT_EQ(rtl.state().p, -15);
  EXPECT_EQ(rtl.state().s, -3);
  EXPECT_EQ(rtl.state().acc, 0u);
  rtl.step(Stimulus{false, true, 100, 0, 15, 15, 0x7C00u, true});  // idle: everything holds
  EXPECT_EQ(rtl.state().p, -15);
  EXPECT_EQ(rtl.state().s_a, 0x40000000u);
  rtl.step(Stimulus{true, false, 4, 0x40000000u, 1, 2, 0x3800u, true});  // D = -11 - 2 * 1
  EXPECT_EQ(rtl.state().p, 0);
  EXPECT_EQ(rtl.state().s, 0);
  EXPECT_EQ(std::bit_cast<float>(rtl.state().acc), -6.5f);   // -13 * 0.5
  EXPECT_EQ(std::bit_cast<float>(rtl.state().out), -13.0f);  // acc * s_a
}

}  // namespace
}  // namespace tpesim::pe
