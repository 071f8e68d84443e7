// SPDX-License-Identifier: Apache-2.0
// lut_tc: the Arith's dot products (mac_step chain over prepare_lut_operands, as the golden GEMM
// and both array fidelities run it) equal an independent reference written from
// docs/PE_SEMANTICS.md bit for bit: full 2^Kg tables (no half-table symmetry), int8 table codes
// by exact integer division, float additions done directly in binary32. Every table_format x
// acc_format x w_bits x lut_group combination, random and edge inputs. Also the int8 (T-MAC)
// table rules, the config and the operand widths.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "pe/lut_tc.h"
#include "pe/pe_config.h"

namespace tpesim::pe {
namespace {

// ---- the independent reference -----------------------------------------------------------------

// One dot product: K fp16 activations (patterns), K weight codes, per scale group (G along K)
// an fp16 scale pattern and a zero point.
struct DotCase {
  std::vector<std::uint32_t> a;  // K fp16 patterns
  std::vector<int> q;            // K codes, 0..2^B - 1
  std::vector<std::uint32_t> s;  // ceil(K / G) fp16 scale patterns
  std::vector<int> z;            // ceil(K / G) zero points, 0..2^B - 1
};

float to_format(double v, FloatFormat f) { return static_cast<float>(decode(encode(v, f), f)); }

// RNE(x / y) for binary32 x and y > 0 (both finite), from the exact quotient in integers:
// x / y = (mx / my) 2^e with 24-bit integer significands.
std::int64_t rne_quotient(float x, float y) {
  if (x == 0) return 0;
  int ex = 0, ey = 0;
  const float fx = std::frexp(std::fabs(x), &ex), fy = std::frexp(y, &ey);
  std::int64_t num = static_cast<std::int64_t>(std::ldexp(fx, 24));
  std::int64_t den = static_cast<std::int64_t>(std::ldexp(fy, 24));
  const int e = ex - ey;  // mx / my is in (1/2, 2)
  if (e <= -2) return 0;  // |x / y| < 1/2
  if (e >= 0) {
    num <<= e;
  } else {
    den <<= -e;
  }
  std::int64_t quotient = num / den;
  const std::int64_t rem = num % den;
  if (2 * rem > den || (2 * rem == den && (quotient & 1) != 0)) ++quotient;
  return x < 0 ? -quotient : quotient;
}

// The acc_format add: binary32 directly, or the exact sum rounded once to fp16 (binary64 holds
// an fp16 plus a binary32 closely enough: 53 >= 2 * 11 + 2).
float add_acc(float acc, float v, FloatFormat f) {
  if (f == kFp32) return acc + v;
  return to_format(static_cast<double>(acc) + static_cast<double>(v), f);
}

// The output pattern of one dot product, written from docs/PE_SEMANTICS.md (lut_tc).
std::int64_t reference_dot(const LutTcSpec& spec, const DotCase& c) {
  const std::int64_t k = static_cast<std::int64_t>(c.a.size());
  const std::int64_t kg = spec.lut_group, g_size = spec.group_size;
  const int bias = (1 << spec.w_bits) - 1;
  const unsigned patterns = 1u << kg;
  auto act = [&](std::int64_t i) {
    return i < k ? static_cast<float>(decode(c.a[static_cast<std::size_t>(i)], kFp16)) : 0.0f;
  };
  float out = 0;
  for (std::int64_t g0 = 0; g0 < k; g0 += g_size) {
    const std::int64_t g1 = std::min(k, g0 + g_size), g = g0 / g_size;
    float acc = 0, sum_a = 0;
    for (std::int64_t j0 = g0; j0 < g1; j0 += kg) {
      // The full table, every pattern summed left to right in binary32.
      std::vector<float> t32(patterns);
      for (unsigned p = 0; p < patterns; ++p) {
        float v = (p & 1u) ? act(j0) : -act(j0);
        for (std::int64_t t = 1; t < kg; ++t)
          v = ((p >> t) & 1u) ? v + act(j0 + t) : v - act(j0 + t);
        t32[p] = v;
      }
      auto plane_pattern = [&](int i) {
        unsigned p = 0;
        for (std::int64_t t = 0; t < kg && j0 + t < k; ++t) {
          p |= static_cast<unsigned>((c.q[static_cast<std::size_t>(j0 + t)] >> i) & 1) << t;
        }
        return p;
      };
      if (spec.table_format == LutTableFormat::Int8) {
        float max_abs = 0;
        bool finite = true;
        for (float v : t32) {
          finite = finite && std::isfinite(v);
          if (std::isfinite(v)) max_abs = std::max(max_abs, std::fabs(v));
        }
        const float scale = finite ? max_abs / 127.0f : std::nanf("");
        std::int64_t sum = 0;
        for (int i = 0; i < spec.w_bits; ++i) {
          const float t = t32[plane_pattern(i)];
          const std::int64_t code =
              finite && scale > 0 ? std::clamp<std::int64_t>(rne_quotient(t, scale), -127, 127) : 0;
          sum += code * (std::int64_t{1} << i);
        }
        acc = add_acc(acc, static_cast<float>(sum) * scale, spec.acc_format);
      } else {
        const FloatFormat f = spec.table_format == LutTableFormat::Fp16 ? kFp16 : kFp32;
        for (int i = 0; i < spec.w_bits; ++i) {
          const float t = to_format(t32[plane_pattern(i)], f);
          acc = add_acc(acc, std::ldexp(t, i), spec.acc_format);
        }
      }
    }
    for (std::int64_t i = g0; i < g1; ++i) sum_a = sum_a + act(i);
    const float s = static_cast<float>(decode(c.s[static_cast<std::size_t>(g)], kFp16));
    const float zs = static_cast<float>(2 * c.z[static_cast<std::size_t>(g)] - bias) * sum_a;
    const float d = acc - zs;
    out = out + d * (s * 0.5f);
  }
  // Any NaN is the canonical NaN with sign 0 (the host's NaN sign and payload are not portable).
  if (std::isnan(out)) return spec.out_format == kFp32 ? 0x7FC00000 : 0x7E00;
  return encode(static_cast<double>(out), spec.out_format);
}

// ---- the Arith, as the arrays run it ------------------------------------------------------------

struct LutOperands {
  std::int64_t m = 0, n = 0, k = 0;  // dimensions (k: LUT groups)
  std::vector<LutOperand> a;         // m x k
  std::vector<LutOperand> w;         // k x n
};

// The chain state after a dot product through prepare_lut_operands and a mac_step chain (its
// first `steps` steps when steps >= 0); `events` counts the steps whose overflow flag was set.
LutTcArith::Acc arith_chain(const LutTcSpec& spec, const DotCase& c, int* events = nullptr,
                            std::int64_t steps = -1) {
  const auto k = static_cast<std::int64_t>(c.a.size());
  std::vector<std::int32_t> a_codes(c.a.begin(), c.a.end()), w_codes(c.q.begin(), c.q.end());
  MixpeQuantParams quant;
  quant.group_size = spec.group_size;
  quant.w_scales.assign(c.s.begin(), c.s.end());
  quant.w_zeros.assign(c.z.begin(), c.z.end());
  const auto op = prepare_lut_operands<LutOperands>(spec, 1, 1, k, a_codes, w_codes, quant);
  const LutTcArith arith(spec);
  LutTcArith::Acc acc = LutTcArith::zero();
  for (std::int64_t j = 0; j < op.k && (steps < 0 || j < steps); ++j) {
    const auto step =
        arith.mac_step(acc, op.a[static_cast<std::size_t>(j)], op.w[static_cast<std::size_t>(j)]);
    acc = step.value;
    if (events) *events += step.overflow;
  }
  return acc;
}

// The output of that chain.
std::int64_t arith_dot(const LutTcSpec& spec, const DotCase& c, int* events = nullptr) {
  return LutTcArith(spec).output(arith_chain(spec, c, events));
}

// ---- inputs ----------------------------------------------------------------------------------

class Cases {
 public:
  explicit Cases(std::uint64_t seed) : m_rng(seed) {}
  std::int64_t pick(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(m_rng);
  }
  std::uint32_t fp16(double v) { return encode(v, kFp16); }
  std::uint32_t normal_fp16(double sigma) {
    return fp16(std::normal_distribution<double>(0.0, sigma)(m_rng));
  }
  std::uint32_t subnormal_fp16() {  // exponent field 0, random fraction and sign
    return static_cast<std::uint32_t>(pick(0, 1) << 15 | pick(1, 0x3FF));
  }
  // Codes, scales and zero points for `k` activations already in `c.a`.
  void finish(const LutTcSpec& spec, DotCase& c) {
    const std::int64_t k = static_cast<std::int64_t>(c.a.size());
    for (std::int64_t i = 0; i < k; ++i)
      c.q.push_back(static_cast<int>(pick(0, (1 << spec.w_bits) - 1)));
    for (std::int64_t g = 0; g < (k + spec.group_size - 1) / spec.group_size; ++g) {
      c.s.push_back(fp16(std::ldexp(1.0 + static_cast<double>(pick(0, 1023)) / 1024,
                                    static_cast<int>(pick(-9, -2)))));
      c.z.push_back(static_cast<int>(pick(0, (1 << spec.w_bits) - 1)));
    }
  }
  // Random and edge cases of length about `k`.
  std::vector<DotCase> make(const LutTcSpec& spec) {
    std::vector<DotCase> out;
    const auto k = [&] { return pick(1, 3 * spec.group_size + spec.lut_group - 1); };
    auto fill = [&](std::int64_t len, auto gen) {
      DotCase c;
      for (std::int64_t i = 0; i < len; ++i) c.a.push_back(gen(i));
      finish(spec, c);
      out.push_back(std::move(c));
    };
    for (int r = 0; r < 12; ++r) fill(k(), [&](std::int64_t) { return normal_fp16(1.0); });
    fill(k(), [&](std::int64_t) { return normal_fp16(300.0); });
    fill(k(), [&](std::int64_t) { return std::uint32_t{0}; });                // all zero
    fill(k(), [&](std::int64_t i) { return i % 3 ? 0x0000u : 0x8000u; });     // +0 and -0
    fill(k(), [&](std::int64_t) { return pick(0, 1) ? 0x7BFFu : 0xFBFFu; });  // +-65504
    fill(k(), [&](std::int64_t) { return 0x7BFFu; });                         // all max
    fill(k(), [&](std::int64_t) { return subnormal_fp16(); });                // subnormals
    const std::uint32_t same = normal_fp16(1.0);
    fill(k(), [&](std::int64_t) { return same; });  // all equal
    fill(k(), [&](std::int64_t i) {  // one LUT group of zeros (a table whose max is 0)
      return i / spec.lut_group == 1 ? 0u : normal_fp16(1.0);
    });
    fill(k(), [&](std::int64_t i) {  // huge and tiny in one table
      return i % 2 ? subnormal_fp16() : (pick(0, 1) ? 0x7BFFu : 0x0001u);
    });
    fill(k(), [&](std::int64_t i) {  // integers whose tables are exact in every format
      return fp16(static_cast<double>((i * 7 + 3) % 17 - 8));
    });
    return out;
  }

 private:
  std::mt19937_64 m_rng;  // the cases' randomness
};

std::string describe(const LutTcSpec& spec) {
  return "table " + std::string(enum_name(spec.table_format)) + " acc " +
         float_format_name(spec.acc_format) + " B=" + std::to_string(spec.w_bits) +
         " Kg=" + std::to_string(spec.lut_group) + " G=" + std::to_string(spec.group_size);
}

// ---- tests -----------------------------------------------------------------------------------

// Every table_format x acc_format x w_bits x lut_group, with 1..3 LUT groups per scale group,
// fp32 and fp16 outputs: random dot products (tail LUT groups included) and the edge cases
// (zeros, signed zeros, +-65504, subnormals, all-equal activations, a zero table, huge next to
// tiny, exact integers) equal the reference bit for bit.
TEST(LutTcTest, ArithEqualsTheSpecReferenceForEveryCombination) {
  Cases cases(7);
  int compared = 0;
  for (LutTableFormat table : {LutTableFormat::Fp16, LutTableFormat::Fp32, LutTableFormat::Int8}) {
    for (const FloatFormat& acc : {kFp32, kFp16}) {
      for (int bits = 1; bits <= 4; ++bits) {
        for (int kg = 2; kg <= 4; ++kg) {
          LutTcSpec spec;
          spec.table_format = table;
          spec.acc_format = acc;
          spec.w_bits = bits;
          spec.lut_group = kg;
          spec.group_size = kg * static_cast<int>(cases.pick(1, 3));
          spec.out_format = cases.pick(0, 1) ? kFp32 : kFp16;
          for (const DotCase& c : cases.make(spec)) {
            ASSERT_EQ(arith_dot(spec, c), reference_dot(spec, c))
                << describe(spec) << " K=" << c.a.size() << " case " << compared;
            ++compared;
          }
        }
      }
    }
  }
  EXPECT_EQ(compared, 72 * 22);
}

// An infinite activation: the int8 table's scale is NaN and the output NaN, counted as the
// event, as an fp16 table's infinity gives NaN or infinity; both equal the reference.
TEST(LutTcTest, InfiniteActivationsGiveNonFiniteOutputs) {
  for (LutTableFormat table : {LutTableFormat::Fp16, LutTableFormat::Int8}) {
    LutTcSpec spec;
    spec.table_format = table;
    spec.group_size = 8;
    const DotCase c{{0x3C00, 0x7C00, 0x4000, 0x3C00, 0x3C00, 0x3C00, 0x3C00, 0x3C00},
                    {1, 2, 3, 0, 1, 2, 3, 0},
                    {0x2000},
                    {1}};
    int events = 0;
    const std::int64_t out = arith_dot(spec, c, &events);
    EXPECT_EQ(out, reference_dot(spec, c)) << enum_name(table);
    EXPECT_FALSE(std::isfinite(decode(static_cast<std::uint32_t>(out), kFp32)));
    EXPECT_GT(events, 0);
  }
}

// T-MAC tables by hand: a = (1, 2, 3, 4), Kg = 4. The stored half (p_0 = 1, h = p >> 1) is
// T = (-8, -4, -2, 2, 0, 4, 6, 10); M = 10, scale = RNE32(10 / 127); entries RNE(T / scale),
// i.e. about 12.7 T.
TEST(LutTcTest, Int8TableByHand) {
  LutTcSpec spec;
  spec.table_format = LutTableFormat::Int8;
  const LutHalfTable t = build_half_table(spec, {1, 2, 3, 4});
  EXPECT_EQ(t.scale, 10.0f / 127.0f);
  EXPECT_EQ(t.entries, (std::array<float, 8>{-102, -51, -25, 25, 0, 51, 76, 127}));
  spec.table_format = LutTableFormat::Fp16;
  const LutHalfTable f = build_half_table(spec, {1, 2, 3, 4});
  EXPECT_EQ(f.entries, (std::array<float, 8>{-8, -4, -2, 2, 0, 4, 6, 10}));
  EXPECT_EQ(f.scale, 0.0f);
}

// Every int8 table of nonzero activations has an entry of magnitude 127 (the clamp never acts),
// entries in -127..127; an all-zero table has scale 0 and zero entries.
TEST(LutTcTest, Int8TableMaxMapsTo127) {
  Cases cases(11);
  LutTcSpec spec;
  spec.table_format = LutTableFormat::Int8;
  for (int kg = 2; kg <= 4; ++kg) {
    spec.lut_group = kg;
    for (int r = 0; r < 20000; ++r) {
      std::array<float, 4> a{};
      for (int t = 0; t < kg; ++t) {
        const std::uint32_t p =
            r % 3 == 0 ? cases.subnormal_fp16() : cases.normal_fp16(r % 2 ? 1 : 1e4);
        a[static_cast<std::size_t>(t)] = static_cast<float>(decode(p, kFp16));
      }
      const LutHalfTable t = build_half_table(spec, a);
      float max_abs = 0;
      for (int h = 0; h < (1 << (kg - 1)); ++h) {
        const float e = t.entries[static_cast<std::size_t>(h)];
        ASSERT_EQ(e, std::nearbyint(e));
        ASSERT_LE(std::fabs(e), 127.0f);
        max_abs = std::max(max_abs, std::fabs(e));
      }
      ASSERT_EQ(max_abs, t.scale > 0 ? 127.0f : 0.0f) << kg << " " << r;
    }
    const LutHalfTable zero = build_half_table(spec, {0, 0, 0, 0});
    EXPECT_EQ(zero.scale, 0.0f);
    EXPECT_EQ(zero.entries, (std::array<float, 8>{}));
  }
}

// When the table maximum is 127 and the activations are integers, the scale is exactly 1: int8
// tables then compute exactly what fp32 tables do.
TEST(LutTcTest, Int8TablesWithUnitScaleEqualFp32Tables) {
  Cases cases(13);
  for (int bits = 1; bits <= 4; ++bits) {
    LutTcSpec spec;
    spec.w_bits = bits;
    spec.group_size = 8;
    DotCase c;
    for (int j = 0; j < 6; ++j) {  // each LUT group: integers with |a0| + ... + |a3| = 127
      const int a0 = static_cast<int>(cases.pick(-40, 40)),
                a1 = static_cast<int>(cases.pick(-40, 40));
      const int a2 = static_cast<int>(cases.pick(-30, 30));
      const int a3 =
          (127 - std::abs(a0) - std::abs(a1) - std::abs(a2)) * (cases.pick(0, 1) ? 1 : -1);
      for (int v : {a0, a1, a2, a3}) c.a.push_back(cases.fp16(v));
    }
    cases.finish(spec, c);
    spec.table_format = LutTableFormat::Fp32;
    const std::int64_t fp32 = arith_dot(spec, c);
    spec.table_format = LutTableFormat::Int8;
    EXPECT_EQ(arith_dot(spec, c), fp32) << bits;
  }
}

// Config: table_format takes fp16, fp32 or int8; int8 (like any table_format) is an error with
// int8 activations; anything else is refused with the allowed names.
TEST(LutTcTest, TableFormatConfig) {
  auto bind = [](const std::string& text, Diag& diag) {
    const ConfigDoc doc = ConfigDoc::from_string(text, "pe.yaml");
    return bind_pe(doc.root(), diag);
  };
  Diag ok;
  const PeConfig pe = bind("kind: lut_tc\ntable_format: int8\nacc_format: fp16\n", ok);
  ASSERT_TRUE(ok.empty());
  EXPECT_EQ(std::get<LutTcSpec>(pe).table_format, LutTableFormat::Int8);
  EXPECT_EQ(emit_pe(pe)["table_format"].as<std::string>(), "int8");

  Diag with_int8_act;
  bind("kind: lut_tc\nactivation: int8\ntable_format: int8\n", with_int8_act);
  ASSERT_EQ(with_int8_act.size(), 1u);
  EXPECT_EQ(with_int8_act.items()[0].path, "table_format");
  EXPECT_NE(with_int8_act.items()[0].message.find("does not apply with activation: int8"),
            std::string::npos);

  Diag bad;
  bind("kind: lut_tc\ntable_format: bf16\n", bad);
  ASSERT_EQ(bad.size(), 1u);
  EXPECT_EQ(bad.items()[0].loc.line, 2);
  EXPECT_NE(bad.items()[0].message.find("fp16"), std::string::npos);
  EXPECT_NE(bad.items()[0].message.find("int8"), std::string::npos);
}

// Stored operand widths: a half table of 2^(Kg-1) entries (int8 tables add their binary32
// scale), Kg weight codes of B bits.
TEST(LutTcTest, OperandBitsFollowTheTableFormat) {
  LutTcSpec spec;
  spec.lut_group = 4;
  spec.w_bits = 2;
  EXPECT_EQ(operand_bits(spec).a, 8 * 16);
  spec.table_format = LutTableFormat::Fp32;
  EXPECT_EQ(operand_bits(spec).a, 8 * 32);
  spec.table_format = LutTableFormat::Int8;
  EXPECT_EQ(operand_bits(spec).a, 8 * 8 + 32);
  EXPECT_EQ(operand_bits(spec).w, 4 * 2);
  spec.lut_group = 2;
  EXPECT_EQ(operand_bits(spec).a, 2 * 8 + 32);
  spec.activation = LutActivation::Int8;
  EXPECT_EQ(operand_bits(spec).a, 2 * 16);
}

}  // namespace
}  // namespace tpesim::pe

namespace tpesim::pe {
namespace {

// ---- NaN results: always the canonical NaN, sign 0, payload 0 -------------------------------

constexpr std::uint32_t kNan32 = 0x7FC00000u;  // binary32 canonical NaN
constexpr std::uint32_t kNan16 = 0x7E00u;      // fp16 canonical NaN

std::uint32_t bits(float x) { return std::bit_cast<std::uint32_t>(x); }
float f16(std::uint32_t pattern) { return static_cast<float>(decode(pattern, kFp16)); }
float f32(std::uint32_t pattern) { return std::bit_cast<float>(pattern); }
// A float is not NaN, or it is the canonical NaN.
bool canonical(float x) { return !std::isnan(x) || bits(x) == kNan32; }
std::uint32_t canonical_out(FloatFormat f) { return f == kFp32 ? kNan32 : kNan16; }

// Tables of a negative NaN activation and of inf - inf: every NaN entry and the int8 scale are
// +0x7FC00000 (fp16 entries widen 0x7E00).
TEST(LutTcNanTest, TableNansAreCanonical) {
  const float neg_nan = f16(0xFE01u), inf = f16(0x7C00u);
  for (LutTableFormat table : {LutTableFormat::Fp16, LutTableFormat::Fp32, LutTableFormat::Int8}) {
    LutTcSpec spec;
    spec.table_format = table;
    for (const std::array<float, 4>& a :
         {std::array<float, 4>{1, neg_nan, 2, 3}, std::array<float, 4>{neg_nan, 1, 2, 3},
          std::array<float, 4>{inf, inf, 1, -inf}, std::array<float, 4>{-inf, inf, 0, 0}}) {
      const LutHalfTable t = build_half_table(spec, a);
      int nans = 0;
      for (float e : t.entries) {
        nans += std::isnan(e);
        EXPECT_TRUE(canonical(e)) << enum_name(table) << " " << std::hex << bits(e);
      }
      if (table == LutTableFormat::Int8) {
        EXPECT_EQ(bits(t.scale), kNan32) << std::hex << bits(t.scale);
      } else {
        EXPECT_GT(nans, 0) << enum_name(table);
        EXPECT_EQ(t.scale, 0.0f);
      }
    }
  }
}

// Dot products whose NaN comes from a negative NaN activation, opposite infinite activations
// (inf - inf in the table sums and in S), a negative NaN scale, or an infinite scale times a
// zero d (0 * inf): acc_g, S, the output accumulator and the output are the canonical NaN in
// every table, accumulator and output format.
TEST(LutTcNanTest, DotProductNansAreCanonical) {
  struct Input {
    const char* what;
    std::vector<std::uint32_t> a;
    std::uint32_t scale;
  };
  const std::vector<Input> inputs = {
      {"NaN activation", {0x3C00, 0xFE01, 0x4000, 0x3C00, 0x3C00, 0x3C00, 0x3C00, 0x3C00}, 0x2000},
      {"inf - inf", {0x7C00, 0xFC00, 0x4000, 0x3C00, 0x7C00, 0x3C00, 0xFC00, 0x3C00}, 0x2000},
      {"NaN scale", {0x3C00, 0x4000, 0x4000, 0x3C00, 0x3C00, 0x3C00, 0x3C00, 0x3C00}, 0xFE01},
      {"0 * inf scale", {0, 0, 0, 0, 0, 0, 0, 0}, 0xFC00},
  };
  int compared = 0;
  for (LutTableFormat table : {LutTableFormat::Fp16, LutTableFormat::Fp32, LutTableFormat::Int8}) {
    for (FloatFormat acc : {kFp32, kFp16}) {
      for (FloatFormat out : {kFp32, kFp16}) {
        for (const Input& in : inputs) {
          LutTcSpec spec;
          spec.table_format = table;
          spec.acc_format = acc;
          spec.out_format = out;
          spec.group_size = 8;
          const DotCase c{in.a, {1, 2, 3, 0, 1, 2, 3, 0}, {in.scale}, {1}};
          // The first LUT group does not end the scale group: acc_g and S as they stand after it.
          const LutTcArith::Acc mid = arith_chain(spec, c, nullptr, 1);
          EXPECT_TRUE(canonical(mid.acc_g) && canonical(mid.s)) << in.what;
          if (in.scale == 0x2000) {
            EXPECT_TRUE(std::isnan(mid.s)) << in.what;
          }
          const LutTcArith::Acc end = arith_chain(spec, c);
          EXPECT_EQ(bits(end.out), kNan32) << in.what << " " << describe(spec);
          EXPECT_EQ(arith_dot(spec, c), canonical_out(out)) << in.what << " " << describe(spec);
          EXPECT_EQ(arith_dot(spec, c), reference_dot(spec, c)) << in.what;
          ++compared;
        }
      }
    }
  }
  EXPECT_EQ(compared, 3 * 2 * 2 * 4);
}

// int8 activations: a negative NaN per-token scale, 0 * inf at the output (a zero accumulator
// times an infinite s_a), inf - inf between groups and a NaN weight scale all give the
// canonical NaN in out, s_a and the output.
TEST(LutTcNanTest, Int8ActivationNansAreCanonical) {
  LutTcSpec spec;
  spec.activation = LutActivation::Int8;
  spec.group_size = 4;
  for (FloatFormat out : {kFp32, kFp16}) {
    spec.out_format = out;
    const LutTcInt8Arith arith(spec);
    LutOperand a;
    a.a = {1, 2, 3, 4};
    a.count = 4;
    a.table = build_half_table(
                  [&] {
                    LutTcSpec t = spec;
                    t.table_format = LutTableFormat::Fp32;
                    return t;
                  }(),
                  a.a)
                  .entries;
    LutOperand w;
    w.q = {1, 0, 1, 1};
    w.z_prime = 0;
    w.group_end = true;
    // A NaN s_a (negative, with a payload).
    a.s_a = f32(0xFFC00123u);
    w.half_scale = 0.5f;
    LutTcInt8Arith::Acc c = arith.mac_step(LutTcInt8Arith::zero(), a, w).value;
    EXPECT_EQ(bits(c.s_a), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // 0 * inf: a zero sum times an infinite s_a.
    a.s_a = f16(0x7C00u);
    LutOperand zero_a = a;
    zero_a.table = {};
    zero_a.a = {};
    c = arith.mac_step(LutTcInt8Arith::zero(), zero_a, w).value;
    EXPECT_EQ(c.out, 0.0f);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // inf - inf: +inf, then a group scaled to -inf.
    a.s_a = 1.0f;
    w.half_scale = f16(0x7C00u);
    c = arith.mac_step(LutTcInt8Arith::zero(), a, w).value;
    ASSERT_TRUE(std::isinf(c.out));
    LutOperand w_neg = w;
    w_neg.half_scale = -w.half_scale;
    c = arith.mac_step(c, a, w_neg).value;
    EXPECT_EQ(bits(c.out), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // A NaN weight scale (negative).
    w.half_scale = f16(0xFE01u);
    c = arith.mac_step(LutTcInt8Arith::zero(), a, w).value;
    EXPECT_EQ(bits(c.out), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
  }
}

// ---- mixpe ------------------------------------------------------------------------------------
// (Here rather than in a mixpe_test.cpp of its own: lut_tc.h includes mixpe.h.)

MixpeSpec mixpe(MixpeVariant v, FloatFormat out) {
  MixpeSpec spec;
  spec.variant = v;
  spec.out_format = out;
  return spec;
}

MixpeOperand act8(std::int32_t v, float s_a) {
  MixpeOperand a;
  a.v = v;
  a.s = s_a;
  return a;
}
MixpeOperand act16(float f) {
  MixpeOperand a;
  a.f = f;
  return a;
}
MixpeOperand weight(std::int32_t q, std::int32_t z, float s, bool end) {
  MixpeOperand w;
  w.v = q;
  w.z = z;
  w.s = s;
  w.group_end = end;
  return w;
}

// W4A8: a negative NaN weight scale, an infinite scale times D = 0, inf - inf in acc, a negative
// NaN s_a and 0 * inf at the output: acc, s_a and the output are the canonical NaN.
TEST(MixpeNanTest, W4A8NansAreCanonical) {
  const float inf = f16(0x7C00u);
  for (FloatFormat out : {kFp32, kFp16}) {
    const MixpeW4A8Arith arith(mixpe(MixpeVariant::W4A8, out));
    using Acc = MixpeW4A8Arith::Acc;
    // NaN scale.
    Acc c = arith.mac_step(Acc{}, act8(3, 1.0f), weight(2, 1, f16(0xFE01u), true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // D = 3 * 1 - 1 * 3 = 0 times an infinite scale.
    c = arith.mac_step(Acc{}, act8(3, 1.0f), weight(1, 1, -inf, true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // +inf, then a group scaled to -inf: inf - inf.
    c = arith.mac_step(Acc{}, act8(3, 1.0f), weight(2, 0, inf, true)).value;
    ASSERT_TRUE(std::isinf(c.acc));
    c = arith.mac_step(c, act8(3, 1.0f), weight(2, 0, -inf, true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // A NaN s_a (negative, with a payload) onto a NaN acc: s_a and the output canonical.
    c = arith.mac_step(c, act8(1, f32(0xFFC00123u)), weight(1, 0, 1.0f, false)).value;
    EXPECT_EQ(bits(c.s_a), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // 0 * inf at the output: acc = +0 (D = 0), s_a = -inf.
    c = arith
            .mac_step(Acc{}, act8(3, -std::numeric_limits<float>::infinity()),
                      weight(1, 1, 1.0f, true))
            .value;
    EXPECT_EQ(c.acc, 0.0f);
    EXPECT_EQ(arith.output(c), canonical_out(out));
  }
}

// W4A16: a negative NaN activation (P and S), +inf and -inf activations (inf - inf in P and S),
// a negative NaN scale and an infinite scale times d = 0: P, S, acc and the output are the
// canonical NaN.
TEST(MixpeNanTest, W4A16NansAreCanonical) {
  const float inf = f16(0x7C00u);
  for (FloatFormat out : {kFp32, kFp16}) {
    const MixpeW4A16Arith arith(mixpe(MixpeVariant::W4A16, out));
    using Acc = MixpeW4A16Arith::Acc;
    // NaN activation: P and S, then acc.
    Acc c = arith.mac_step(Acc{}, act16(f16(0xFE01u)), weight(2, 1, 1.0f, false)).value;
    EXPECT_EQ(bits(c.p), kNan32);
    EXPECT_EQ(bits(c.s), kNan32);
    c = arith.mac_step(c, act16(1.0f), weight(2, 1, 1.0f, true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // +inf then -inf: inf - inf in P and S.
    c = arith.mac_step(Acc{}, act16(inf), weight(1, 0, 1.0f, false)).value;
    c = arith.mac_step(c, act16(-inf), weight(1, 0, 1.0f, false)).value;
    EXPECT_EQ(bits(c.p), kNan32);
    EXPECT_EQ(bits(c.s), kNan32);
    // NaN scale (negative).
    c = arith.mac_step(Acc{}, act16(1.0f), weight(2, 1, f16(0xFE01u), true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
    // d = 2 - 2 = 0 times an infinite scale.
    c = arith.mac_step(Acc{}, act16(2.0f), weight(1, 1, -inf, true)).value;
    EXPECT_EQ(bits(c.acc), kNan32);
    EXPECT_EQ(arith.output(c), canonical_out(out));
  }
}

}  // namespace
}  // namespace tpesim::pe
