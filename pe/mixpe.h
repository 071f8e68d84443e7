// SPDX-License-Identifier: Apache-2.0
// mixpe: MixPE (dequantize after the per-group GEMM, shift&add instead of multiply). Weights are
// uintB codes in groups of G along K with a per-(group, column) fp16 scale s and zero point z.
//   W4A8:  int8 activations with a per-token fp32 scale s_a. Per k: P += a*q (shift&add), and
//          S += a (the per-(row, group) activation sum, shared by all columns). At the group's
//          last k: D = P - z*S (exact), acc <- RNE32(acc + RNE32(float(D) * s)). Output
//          RNE32(acc * s_a), optionally rounded to fp16.
//   W4A16: fp16 activations. P <- RNE32(P + a*q); S <- RNE32(S + a); at the group's last k:
//          acc <- RNE32(acc + RNE32(RNE32(P - RNE32(z*S)) * s)).
// Every NaN that the state (P, S, acc, s_a) or the output holds is the canonical NaN
// (canonical_nan, pe/float_format.h): +0x7FC00000, an fp16 output 0x7E00.
// Semantics: docs/PE_SEMANTICS.md.
#pragma once

#include <cmath>
#include <cstdint>
#include <tuple>
#include <vector>

#include "pe/float_format.h"
#include "pe/float_format_field.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

enum class MixpeVariant { W4A8, W4A16 };
constexpr auto enum_names(MixpeVariant) {
  return std::array{std::pair{MixpeVariant::W4A8, "w4a8"}, std::pair{MixpeVariant::W4A16, "w4a16"}};
}

struct MixpeSpec {
  static constexpr const char* kKind = "mixpe";  // the YAML `kind`
  MixpeVariant variant = MixpeVariant::W4A8;     // activation type: int8 or fp16
  int w_bits = 4;                                // unsigned weight codes
  int group_size = 128;                          // G: weights sharing a scale and zero, along K
  bool skip_zero_bits = true;                    // shift-adds only for set weight bits (cost)
  FloatFormat out_format = kFp32;                // final output rounding: fp32 or fp16

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<MixpeSpec, MixpeVariant>{"variant", &MixpeSpec::variant,
                                       "w4a8 (int8 activations, per-token scale) or w4a16 (fp16)"},
        Field<MixpeSpec, int>{"w_bits", &MixpeSpec::w_bits, "unsigned weight code width", "bits",
                              in_range(1, 8)},
        Field<MixpeSpec, int>{"group_size", &MixpeSpec::group_size,
                              "weights per scale/zero group along K (a tail group may be partial)",
                              "weights", in_range(1, 1 << 20)},
        Field<MixpeSpec, bool>{"skip_zero_bits", &MixpeSpec::skip_zero_bits,
                               "shift-adds only for the weight's set bits (popcount), else w_bits"},
        Field<MixpeSpec, FloatFormat>{"out_format", &MixpeSpec::out_format,
                                      "output rounding: fp32 (none) or fp16", "",
                                      one_of_formats({kFp32, kFp16})},
    };
    return kFields;
  }
};

inline void validate(const MixpeSpec&, const ConfigNode&, Diag&) {}

// One operand as a MixPE PE sees it. Activations use `v` (W4A8) or `f` (W4A16) and carry their
// row's scale; weights carry their group's scale and zero point and whether they end a group.
struct MixpeOperand {
  std::int32_t v = 0;      // int8 activation, or the weight's unsigned code q
  std::int32_t z = 0;      // weight: the group's zero point
  float f = 0;             // W4A16 activation value (fp16, exact)
  float s = 0;             // weight: the group's scale (fp16, exact); W4A8 activation: s_a
  bool group_end = false;  // weight: the last k of its group (dequantize after this MAC)
};

// The operands' side data, as the buffers hold them (fp16 / fp32 patterns, unsigned codes).
struct MixpeQuantParams {
  std::int64_t group_size = 128;       // G
  std::vector<std::int32_t> w_scales;  // ceil(K/G) x N fp16 patterns
  std::vector<std::int32_t> w_zeros;   // ceil(K/G) x N codes
  std::vector<std::int32_t> a_scales;  // M fp32 patterns (W4A8)
};

struct MixpeW4A8Arith {
  using Operand = MixpeOperand;
  struct Acc {
    std::int64_t p = 0;  // sum of a*q in the current group (exact)
    std::int64_t s = 0;  // sum of a in the current group (exact)
    float acc = 0;       // dequantized groups so far, binary32 (a NaN is canonical)
    float s_a = 0;       // the row's activation scale (travels with the chain; NaN canonical)
  };
  struct Step {
    Acc value;
    bool overflow;  // D left int32 (the PE's register width)
  };
  MixpeSpec spec;  // the PE's parameters

  explicit MixpeW4A8Arith(const MixpeSpec& s) : spec(s) {}
  static Acc zero() { return Acc{}; }
  Step mac_step(Acc c, const Operand& a, const Operand& w) const {
    c.p += static_cast<std::int64_t>(a.v) * w.v;  // shift&add: the sum of (a << i) over q's bits
    c.s += a.v;
    c.s_a = canonical_nan(a.s);
    bool overflow = false;
    if (w.group_end) {
      const std::int64_t d = c.p - static_cast<std::int64_t>(w.z) * c.s;
      overflow = d < INT32_MIN || d > INT32_MAX;
      const float scaled = static_cast<float>(d) * w.s;  // float(d): exact below 2^24, else RNE
      c.acc = canonical_nan(c.acc + scaled);
      c.p = 0;
      c.s = 0;
    }
    return Step{c, overflow};
  }
  std::int64_t output(const Acc& c) const {
    return encode(static_cast<double>(canonical_nan(c.acc * c.s_a)), spec.out_format);
  }
};

struct MixpeW4A16Arith {
  using Operand = MixpeOperand;
  struct Acc {
    float p = 0;    // RNE32 sum of a*q in the current group (a NaN is canonical, as below)
    float s = 0;    // RNE32 sum of a in the current group
    float acc = 0;  // dequantized groups so far
  };
  struct Step {
    Acc value;
    bool overflow;  // the accumulator is no longer finite
  };
  MixpeSpec spec;  // the PE's parameters

  explicit MixpeW4A16Arith(const MixpeSpec& s) : spec(s) {}
  static Acc zero() { return Acc{}; }
  Step mac_step(Acc c, const Operand& a, const Operand& w) const {
    c.p = canonical_nan(c.p + a.f * static_cast<float>(w.v));  // a*q is exact in binary32
    c.s = canonical_nan(c.s + a.f);
    if (w.group_end) {
      const float zs = static_cast<float>(w.z) * c.s;
      const float d = c.p - zs;
      c.acc = canonical_nan(c.acc + d * w.s);
      c.p = 0;
      c.s = 0;
    }
    return Step{c, !std::isfinite(c.acc)};
  }
  std::int64_t output(const Acc& c) const {
    return encode(static_cast<double>(c.acc), spec.out_format);
  }
};

// Builds the PE operands from the buffers' codes: activations (M x K), weights (K x N).
template <class Operands>
Operands prepare_mixpe_operands(const MixpeSpec& spec, std::int64_t m, std::int64_t n,
                                std::int64_t k, const std::vector<std::int32_t>& a_codes,
                                const std::vector<std::int32_t>& w_codes,
                                const MixpeQuantParams& q) {
  Operands out{m, n, k, {}, {}};
  out.a.resize(a_codes.size());
  out.w.resize(w_codes.size());
  for (std::int64_t i = 0; i < m; ++i) {
    const float s_a =
        spec.variant == MixpeVariant::W4A8
            ? static_cast<float>(decode(static_cast<std::uint32_t>(q.a_scales[i]), kFp32))
            : 0.0f;
    for (std::int64_t p = 0; p < k; ++p) {
      MixpeOperand& o = out.a[static_cast<std::size_t>(i * k + p)];
      const std::int32_t code = a_codes[static_cast<std::size_t>(i * k + p)];
      if (spec.variant == MixpeVariant::W4A8) {
        o.v = code;
        o.s = s_a;
      } else {
        o.f = static_cast<float>(decode(static_cast<std::uint32_t>(code), kFp16));
      }
    }
  }
  for (std::int64_t p = 0; p < k; ++p) {
    const std::int64_t g = p / q.group_size;
    const bool end = (p + 1) % q.group_size == 0 || p + 1 == k;
    for (std::int64_t j = 0; j < n; ++j) {
      MixpeOperand& o = out.w[static_cast<std::size_t>(p * n + j)];
      o.v = w_codes[static_cast<std::size_t>(p * n + j)];
      o.z = q.w_zeros[static_cast<std::size_t>(g * n + j)];
      o.s = static_cast<float>(decode(
          static_cast<std::uint32_t>(q.w_scales[static_cast<std::size_t>(g * n + j)]), kFp16));
      o.group_end = end;
    }
  }
  return out;
}

}  // namespace tpesim::pe
