// SPDX-License-Identifier: Apache-2.0
// lut_tc: LUT Tensor Core (table lookup instead of multiply, bit-serial weights). For each row m
// and LUT group j of Kg activations a table of the 2^Kg signed sums
//   T[p] = sum_t (2 p_t - 1) a[m, Kg j + t]
// is built once (binary32, left to right, rounded to table_format) and shared by every column;
// half of it is stored (entries with p_0 = 1; T[~p] = -T[p]). Weights are B-bit codes q,
// reinterpreted as q' = 2q - (2^B - 1) = sum_i 2^i (2 q_i - 1), one bit plane per cycle:
//   acc_g <- round_acc(acc_g + 2^i T[bits_i(q[Kg j .. Kg j + Kg - 1, n])])
// or, with int8 tables (T-MAC: entries Q = RNE(T / scale), one binary32 scale per table), an exact
// integer sum over the bit planes scaled once per LUT group:
//   acc_g <- round_acc(acc_g + RNE32((sum_i 2^i Q[bits_i(...)]) * scale))
// and per scale group g (G weights along K, fp16 scale s, zero point z, z' = 2z - (2^B - 1)):
//   out <- RNE32(out + RNE32(RNE32(acc_g - RNE32(z' S_g)) * (s / 2))),  S_g = sum of a, k order.
// Every NaN that a table (entries, int8 scale), the state (acc_g, S, out, s_a) or the output
// holds is the canonical NaN (canonical_nan, pe/float_format.h): +0x7FC00000, fp16 0x7E00.
// Semantics and evaluation order: docs/PE_SEMANTICS.md.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "pe/float_format.h"
#include "pe/float_format_field.h"
#include "pe/mixpe.h"
#include "pe/quantize.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

enum class LutActivation { Fp16, Int8 };
constexpr auto enum_names(LutActivation) {
  return std::array{std::pair{LutActivation::Fp16, "fp16"}, std::pair{LutActivation::Int8, "int8"}};
}

// How table entries are stored: a float format, or int8 codes with one binary32 scale per table.
enum class LutTableFormat { Fp16, Fp32, Int8 };
constexpr auto enum_names(LutTableFormat) {
  return std::array{std::pair{LutTableFormat::Fp16, "fp16"},
                    std::pair{LutTableFormat::Fp32, "fp32"},
                    std::pair{LutTableFormat::Int8, "int8"}};
}
// Bits of one stored table entry (the int8 format's per-table scale is not included).
constexpr int lut_entry_bits(LutTableFormat f) {
  return f == LutTableFormat::Fp16 ? 16 : f == LutTableFormat::Fp32 ? 32 : 8;
}
inline constexpr int kLutTableScaleBits = 32;  // table_format int8: one binary32 scale per table

struct LutTcSpec {
  static constexpr const char* kKind = "lut_tc";       // the YAML `kind`
  LutActivation activation = LutActivation::Fp16;      // fp16, or int8 with a per-token scale
  int w_bits = 2;                                      // B: weight bits, one bit plane per cycle
  int lut_group = 4;                                   // Kg: activations per table
  LutTableFormat table_format = LutTableFormat::Fp16;  // entries: fp16 (paper's RTL), fp32, int8
  FloatFormat acc_format = kFp32;                      // bit-plane accumulator: fp32 or fp16
  int group_size = 128;            // G: weights sharing a scale and zero point (multiple of Kg)
  FloatFormat out_format = kFp32;  // output rounding: fp32 (none) or fp16

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<LutTcSpec, LutActivation>{"activation", &LutTcSpec::activation,
                                        "fp16, or int8 (exact integer tables and accumulator, "
                                        "per-token fp32 scale)"},
        Field<LutTcSpec, int>{"w_bits", &LutTcSpec::w_bits,
                              "weight bits (bit planes; a weight takes w_bits cycles)", "bits",
                              in_range(1, 4)},
        Field<LutTcSpec, int>{"lut_group", &LutTcSpec::lut_group,
                              "activations per lookup table (2^lut_group entries, half stored)",
                              "activations", in_range(2, 4)},
        Field<LutTcSpec, LutTableFormat>{
            "table_format", &LutTcSpec::table_format,
            "table entry format: fp16, fp32, or int8 (T-MAC: int8 entries, one binary32 scale "
            "per table, integer bit-plane sums)"},
        Field<LutTcSpec, FloatFormat>{"acc_format", &LutTcSpec::acc_format,
                                      "bit-plane accumulator format, RNE after every add", "",
                                      one_of_formats({kFp32, kFp16})},
        Field<LutTcSpec, int>{"group_size", &LutTcSpec::group_size,
                              "weights per scale/zero group along K (a multiple of lut_group)",
                              "weights", in_range(1, 1 << 20)},
        Field<LutTcSpec, FloatFormat>{"out_format", &LutTcSpec::out_format,
                                      "output rounding: fp32 (none) or fp16", "",
                                      one_of_formats({kFp32, kFp16})},
    };
    return kFields;
  }
};

inline void validate(const LutTcSpec& spec, const ConfigNode& node, Diag& diag) {
  if (spec.activation == LutActivation::Int8) {
    // Integer activations give exact integer tables and sums: these formats do not apply.
    for (const char* key : {"table_format", "acc_format"}) {
      if (node.child(key).present()) {
        diag.error(node.key_loc(key), node.key_path(key),
                   "does not apply with activation: int8 (tables and sums are exact integers)");
      }
    }
  }
  if (spec.group_size % spec.lut_group != 0) {
    diag.error(node.child("group_size").loc(), node.key_path("group_size"),
               fmt::format("must be a multiple of lut_group ({}), got {}", spec.lut_group,
                           spec.group_size));
  }
}

// One operand as a LUT Tensor Core sees it: activations arrive as the (m, j) half table and the
// group's activations (for S); weights as the group's Kg codes with their scale group's data.
struct LutOperand {
  std::array<float, 8> table{};     // A: Ts[p >> 1] for p_0 = 1, table_format values (int8: the
                                    //    integer codes -127..127, exact in binary32)
  float table_scale = 0;            // A (table_format int8): the table's binary32 scale
  std::array<float, 4> a{};         // A: the group's activations, k ascending
  std::uint8_t count = 0;           // A: activations in this group (< Kg in a tail group)
  float s_a = 0;                    // A (int8 activations): the row's per-token scale
  std::array<std::uint8_t, 4> q{};  // W: the group's weight codes
  float half_scale = 0;             // W: s / 2 (exact) of the scale group
  std::int32_t z_prime = 0;         // W: 2 z - (2^B - 1) of the scale group
  bool group_end = false;           // W: last LUT group of its scale group (or of K)
};

struct LutTcArith {
  using Operand = LutOperand;
  struct Acc {
    float acc_g = 0;  // bit-plane sums of the current scale group, acc_format (NaN canonical)
    float s = 0;      // activation sum of the current scale group, binary32, k ascending
    float out = 0;    // dequantized scale groups so far, binary32
  };
  struct Step {
    Acc value;
    bool overflow;  // the output accumulator is no longer finite
  };
  LutTcSpec spec;  // the PE's parameters

  explicit LutTcArith(const LutTcSpec& s) : spec(s) {}
  static Acc zero() { return Acc{}; }
  // v rounded (RNE) to acc_format; a NaN gives the canonical NaN.
  float round_acc(double v) const {
    return canonical_nan(
        spec.acc_format == kFp32
            ? static_cast<float>(v)
            : static_cast<float>(decode(encode(v, spec.acc_format), spec.acc_format)));
  }
  // T[p] from the stored half: p_0 = 1 reads Ts[p >> 1]; else -Ts[(~p & mask) >> 1].
  float lookup(const Operand& a, unsigned p) const {
    const unsigned mask = (1u << spec.lut_group) - 1;
    return (p & 1u) ? a.table[p >> 1] : -a.table[((~p) & mask) >> 1];
  }
  // The bit-plane pattern of plane i: bit t is bit i of the group's weight code t.
  unsigned pattern(const Operand& w, int i) const {
    unsigned p = 0;
    for (int t = 0; t < spec.lut_group; ++t) p |= ((w.q[t] >> i) & 1u) << t;
    return p;
  }
  // One LUT group (all bit planes, i ascending), then S; at a scale group's end, the
  // dequantization. The single definition of the order (docs/PE_SEMANTICS.md, lut_tc).
  Step mac_step(Acc c, const Operand& a, const Operand& w) const {
    if (spec.table_format == LutTableFormat::Int8) {
      // T-MAC: exact integer sum of 2^i Q over the planes (|sum| <= 127 (2^B - 1)), scaled once
      // (float(sum) is exact; one RNE32 for the product), then one acc_format add.
      std::int32_t sum = 0;
      for (int i = 0; i < spec.w_bits; ++i) {
        sum += static_cast<std::int32_t>(lookup(a, pattern(w, i))) * (std::int32_t{1} << i);
      }
      const float scaled = static_cast<float>(sum) * a.table_scale;
      c.acc_g = round_acc(static_cast<double>(c.acc_g) + static_cast<double>(scaled));
    } else {
      for (int i = 0; i < spec.w_bits; ++i) {  // one bit plane per cycle
        const double plane = std::ldexp(static_cast<double>(lookup(a, pattern(w, i))), i);  // exact
        c.acc_g = round_acc(static_cast<double>(c.acc_g) + plane);
      }
    }
    for (int t = 0; t < a.count; ++t) c.s = canonical_nan(c.s + a.a[t]);
    if (w.group_end) {
      const float zs = static_cast<float>(w.z_prime) * c.s;
      const float d = c.acc_g - zs;
      c.out = canonical_nan(c.out + d * w.half_scale);
      c.acc_g = 0;
      c.s = 0;
    }
    return Step{c, !std::isfinite(c.out)};
  }
  std::int64_t output(const Acc& c) const {
    return encode(static_cast<double>(c.out), spec.out_format);
  }
};

// int8 activations: the tables are exact integers (|T| <= 4 * 128, held exactly in binary32),
// the bit-plane and activation sums exact int64; the scale step is as for fp16, then the
// per-token scale: O = RNE32(out * s_a).
struct LutTcInt8Arith {
  using Operand = LutOperand;
  struct Acc {
    std::int64_t acc_g = 0;  // bit-plane sums of the current scale group, exact
    std::int64_t s = 0;      // activation sum of the current scale group, exact
    float out = 0;           // dequantized scale groups so far, binary32 (NaN canonical)
    float s_a = 0;           // the row's activation scale (travels with the chain; NaN canonical)
  };
  struct Step {
    Acc value;
    bool overflow;  // a group's D = acc_g - z' S left int32 (the PE's register width)
  };
  LutTcSpec spec;  // the PE's parameters

  explicit LutTcInt8Arith(const LutTcSpec& s) : spec(s) {}
  static Acc zero() { return Acc{}; }
  Step mac_step(Acc c, const Operand& a, const Operand& w) const {
    const unsigned mask = (1u << spec.lut_group) - 1;
    for (int i = 0; i < spec.w_bits; ++i) {
      unsigned p = 0;
      for (int t = 0; t < spec.lut_group; ++t) p |= ((w.q[t] >> i) & 1u) << t;
      const float entry = (p & 1u) ? a.table[p >> 1] : -a.table[((~p) & mask) >> 1];
      c.acc_g += static_cast<std::int64_t>(entry) * (std::int64_t{1} << i);
    }
    for (int t = 0; t < a.count; ++t) c.s += static_cast<std::int64_t>(a.a[t]);
    c.s_a = canonical_nan(a.s_a);
    bool overflow = false;
    if (w.group_end) {
      const std::int64_t d = c.acc_g - static_cast<std::int64_t>(w.z_prime) * c.s;
      overflow = d < INT32_MIN || d > INT32_MAX;
      c.out = canonical_nan(c.out + static_cast<float>(d) * w.half_scale);
      c.acc_g = 0;
      c.s = 0;
    }
    return Step{c, overflow};
  }
  std::int64_t output(const Acc& c) const {
    return encode(static_cast<double>(canonical_nan(c.out * c.s_a)), spec.out_format);
  }
};

// The stored half of one LUT group's table. Entries Ts[h] for the patterns p = 2h + 1 (p_0 = 1),
// first summed in binary32 left to right: T32[h] = ((+a0 +- a1) +- a2) +- a3 (RNE each step,
// + where p_t = 1). Then, by table_format:
//   fp16 / fp32: Ts[h] = T32[h] rounded once (RNE) to the format; no scale.
//   int8 (T-MAC): M = max_h |T32[h]| (the whole table's max, by symmetry);
//     scale = RNE32(M / 127), Ts[h] = clamp(RNE(T32[h] / scale), -127, 127) (the quotient is
//     exact before the one rounding to an integer; the clamp never acts since scale >= M / 127
//     (1 - 2^-24)); M = 0 gives scale 0 and all entries 0; a non-finite T32 (an infinite or NaN
//     activation) gives scale NaN and all entries 0.
// A NaN entry or scale is the canonical NaN (fp16 0x7E00, binary32 0x7FC00000).
struct LutHalfTable {
  std::array<float, 8> entries{};  // Ts[h], h < 2^(Kg-1): table_format values (int8: integers)
  float scale = 0;                 // table_format int8: the table's scale; else 0 (unused)
};

inline LutHalfTable build_half_table(const LutTcSpec& spec, const std::array<float, 4>& a) {
  LutHalfTable table;
  const unsigned half_count = 1u << (spec.lut_group - 1);
  std::array<float, 8> t32{};
  for (unsigned half = 0; half < half_count; ++half) {
    const unsigned p = (half << 1) | 1u;
    float v = a[0];
    for (int t = 1; t < spec.lut_group; ++t) v = ((p >> t) & 1u) ? v + a[t] : v - a[t];
    t32[half] = v;
  }
  if (spec.table_format != LutTableFormat::Int8) {
    const FloatFormat f = spec.table_format == LutTableFormat::Fp16 ? kFp16 : kFp32;
    for (unsigned half = 0; half < half_count; ++half) {
      table.entries[half] = canonical_nan(static_cast<float>(decode(encode(t32[half], f), f)));
    }
    return table;
  }
  float max_abs = 0;
  bool finite = true;
  for (unsigned half = 0; half < half_count; ++half) {
    finite = finite && std::isfinite(t32[half]);
    max_abs = std::max(max_abs, std::fabs(t32[half]));
  }
  if (!finite) {
    table.scale = std::bit_cast<float>(kCanonicalNan32);
    return table;
  }
  table.scale = max_abs / 127.0f;  // one binary32 division: RNE32(M / 127)
  if (table.scale == 0) return table;
  for (unsigned half = 0; half < half_count; ++half) {
    // |T32 / scale| < 2^7, so the binary64 quotient is within 2^-47 of the exact one, while an
    // exact quotient of two normal binary32 numbers that is not a half-integer lies at least
    // 2^-26 from every half-integer: rounding the binary64 quotient rounds the exact one.
    const double q = round_half_even(static_cast<double>(t32[half]) / table.scale);
    table.entries[half] = static_cast<float>(std::clamp(q, -127.0, 127.0));
  }
  return table;
}

// Builds the array's operands from the buffers' codes: A (M x K fp16 patterns) becomes
// M x ceil(K / Kg) tables, W (K x N codes) becomes ceil(K / Kg) x N code groups.
template <class Operands>
Operands prepare_lut_operands(const LutTcSpec& spec, std::int64_t m, std::int64_t n, std::int64_t k,
                              const std::vector<std::int32_t>& a_codes,
                              const std::vector<std::int32_t>& w_codes, const MixpeQuantParams& q) {
  const std::int64_t kg = spec.lut_group, groups = (k + kg - 1) / kg;
  Operands out{m, n, groups, {}, {}};
  out.a.resize(static_cast<std::size_t>(m * groups));
  out.w.resize(static_cast<std::size_t>(groups * n));
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < groups; ++j) {
      LutOperand& o = out.a[static_cast<std::size_t>(i * groups + j)];
      const bool int8 = spec.activation == LutActivation::Int8;
      for (std::int64_t t = 0; t < kg && j * kg + t < k; ++t) {
        const std::int32_t code = a_codes[static_cast<std::size_t>(i * k + j * kg + t)];
        o.a[static_cast<std::size_t>(t)] =
            int8 ? static_cast<float>(code)
                 : static_cast<float>(decode(static_cast<std::uint32_t>(code), kFp16));
        ++o.count;
      }
      if (int8) {
        o.s_a = static_cast<float>(
            decode(static_cast<std::uint32_t>(q.a_scales[static_cast<std::size_t>(i)]), kFp32));
      }
      // Missing activations of a tail group are zeros. Integer tables are exact in binary32.
      LutTcSpec table_spec = spec;
      if (int8) table_spec.table_format = LutTableFormat::Fp32;
      const LutHalfTable table = build_half_table(table_spec, o.a);
      o.table = table.entries;
      o.table_scale = table.scale;
    }
  }
  const std::int32_t bias = (1 << spec.w_bits) - 1;
  for (std::int64_t j = 0; j < groups; ++j) {
    const std::int64_t last_k = std::min(k, (j + 1) * kg) - 1;
    const std::int64_t g = (j * kg) / q.group_size;
    const bool end = (last_k + 1) % q.group_size == 0 || last_k + 1 == k;
    for (std::int64_t col = 0; col < n; ++col) {
      LutOperand& o = out.w[static_cast<std::size_t>(j * n + col)];
      for (std::int64_t t = 0; t < kg && j * kg + t < k; ++t) {
        o.q[static_cast<std::size_t>(t)] =
            static_cast<std::uint8_t>(w_codes[static_cast<std::size_t>((j * kg + t) * n + col)]);
      }
      const std::size_t gi = static_cast<std::size_t>(g * n + col);
      o.half_scale =
          static_cast<float>(decode(static_cast<std::uint32_t>(q.w_scales[gi]), kFp16)) * 0.5f;
      o.z_prime = 2 * q.w_zeros[gi] - bias;
      o.group_end = end;
    }
  }
  return out;
}

}  // namespace tpesim::pe
