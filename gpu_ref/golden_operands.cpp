// SPDX-License-Identifier: Apache-2.0
#include "gpu_ref/golden_operands.h"

#include <cstdio>
#include <random>

namespace tpesim::gpu_ref {

namespace {

struct Named {
  const char* name;    // canonical spelling
  FloatFields fields;  // its encoding
};
const Named kNamed[] = {{"fp32", kFieldsFp32},
                        {"bf16", kFieldsBf16},
                        {"fp16", kFieldsFp16},
                        {"fp8_e4m3", kFieldsFp8E4M3},
                        {"fp8_e5m2", kFieldsFp8E5M2}};

bool same(const FloatFields& a, const FloatFields& b) {
  return a.exp_bits == b.exp_bits && a.man_bits == b.man_bits && a.ieee_special == b.ieee_special;
}

// A decimal of one or two digits without leading zeros, else -1.
int small_uint(const std::string& s) {
  if (s.empty() || s.size() > 2 || (s.size() > 1 && s[0] == '0')) return -1;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<FloatFields> parse_float_fields(const std::string& name) {
  for (const Named& n : kNamed) {
    if (name == n.name) return n.fields;
  }
  if (name.size() < 4 || name[0] != 'e') return std::nullopt;
  const std::size_t m_pos = name.find('m');
  if (m_pos == std::string::npos) return std::nullopt;
  const int x = small_uint(name.substr(1, m_pos - 1));
  const int y = small_uint(name.substr(m_pos + 1));
  if (x < 2 || x > 8 || y < 0 || y > 23 || x + y > 31) return std::nullopt;
  return FloatFields{x, y, true};
}

std::string float_fields_name(const FloatFields& f) {
  for (const Named& n : kNamed) {
    if (same(f, n.fields)) return n.name;
  }
  char name[16];
  std::snprintf(name, sizeof name, "e%dm%d", f.exp_bits, f.man_bits);
  return name;
}

std::vector<std::uint32_t> edge_patterns(const FloatFields& f) {
  const twin::Layout l = twin::layout(f);
  std::vector<std::uint32_t> e{0u};
  if (l.man_bits > 0) e.insert(e.end(), {1u, l.man_mask});        // smallest, largest subnormal
  e.push_back(l.man_mask + 1);                                    // smallest normal
  e.push_back(static_cast<std::uint32_t>(l.bias) << l.man_bits);  // one
  e.push_back(l.max_mag);
  if (l.ieee_special) {
    e.push_back(l.inf_mag);
    if (l.man_bits > 0) e.push_back(l.inf_mag | (1u << (l.man_bits - 1)));  // quiet NaN
    if (l.man_bits > 1) e.push_back(l.inf_mag | 1u);  // NaN, lowest fraction bit only
  } else {
    e.push_back(l.mag_mask);  // the one NaN
  }
  return e;
}

std::vector<std::int32_t> float_operands(const FloatFields& f, std::int64_t count,
                                         std::uint64_t seed, int edge_per_mille) {
  const twin::Layout l = twin::layout(f);
  const std::vector<std::uint32_t> edges = edge_patterns(f);
  // Normal exponents of f: 1 - bias .. the largest (one less with an inf/NaN exponent).
  const int e_max = (1 << f.exp_bits) - 1 - l.bias - (l.ieee_special ? 1 : 0);
  const int lo = 1 - l.bias > -4 ? 1 - l.bias : -4;
  const int hi = e_max < 4 ? e_max : 4;
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> out(static_cast<std::size_t>(count));
  for (auto& v : out) {
    std::uint32_t mag = 0;
    if (static_cast<int>(rng() % 1000) < edge_per_mille) {
      mag = edges[static_cast<std::size_t>(rng() % edges.size())];
    } else {
      const auto e = static_cast<std::uint32_t>(
          lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo + 1)) + l.bias);
      mag = (e << l.man_bits) | (static_cast<std::uint32_t>(rng()) & l.man_mask);
    }
    const std::uint32_t sign = (rng() & 1u) != 0 ? l.sign_bit : 0u;
    v = static_cast<std::int32_t>(sign | mag);
  }
  return out;
}

QuantOperands quant_operands(const QuantGemm& g, std::uint64_t seed, int edge_per_mille) {
  QuantOperands op;
  const std::int64_t groups = (g.k + g.group_size - 1) / g.group_size;
  const std::uint64_t code_count = std::uint64_t{1} << g.w_bits;
  std::mt19937_64 rng(seed);
  auto codes = [&](std::int64_t count) {
    std::vector<std::int32_t> v(static_cast<std::size_t>(count));
    for (auto& c : v) c = static_cast<std::int32_t>(rng() % code_count);
    return v;
  };
  if (g.int8_activations) {
    op.a.resize(static_cast<std::size_t>(g.m * g.k));
    for (auto& x : op.a) x = static_cast<std::int32_t>(rng() % 256) - 128;
    op.a_scales = float_operands(kFieldsFp32, g.m, seed + 3, edge_per_mille);
  } else {
    op.a = float_operands(kFieldsFp16, g.m * g.k, seed, edge_per_mille);
  }
  op.w = codes(g.k * g.n);
  op.w_zeros = codes(groups * g.n);
  op.w_scales = float_operands(kFieldsFp16, groups * g.n, seed + 2, edge_per_mille);
  return op;
}

std::optional<QuantGemm> golden_quant_gemm(const GoldenVector& g, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<QuantGemm> {
    if (error) *error = why;
    return std::nullopt;
  };
  QuantGemm q;
  q.w_bits = g.w_bits;
  q.group_size = g.group_size;
  q.m = g.m;
  q.n = g.n;
  q.k = g.k;
  const auto out = parse_float_fields(g.out_format);
  if (!out) return fail("unknown out_format '" + g.out_format + "'");
  q.out_format = *out;
  if (g.kind == GoldenKind::Mixpe) {
    if (g.variant != "w4a8" && g.variant != "w4a16") return fail("variant must be w4a8 or w4a16");
    q.int8_activations = g.variant == "w4a8";
    return q;
  }
  if (g.kind != GoldenKind::LutTc) return fail("not a mixpe or lut_tc vector");
  if (g.activation != "fp16" && g.activation != "int8")
    return fail("activation must be fp16 or int8");
  q.int8_activations = g.activation == "int8";
  q.lut_group = g.lut_group;
  const char* const tables[] = {"fp16", "fp32", "int8"};
  q.table_format = -1;
  for (int i = 0; i < 3; ++i) {
    if (g.table_format == tables[i]) q.table_format = i;
  }
  if (q.table_format < 0) return fail("table_format must be fp16, fp32 or int8");
  const auto acc = parse_float_fields(g.acc_format);
  if (!acc) return fail("unknown acc_format '" + g.acc_format + "'");
  q.acc_format = *acc;
  return q;
}

GoldenVector golden_of(const QuantGemm& q, bool lut) {
  GoldenVector g;
  g.kind = lut ? GoldenKind::LutTc : GoldenKind::Mixpe;
  g.w_bits = q.w_bits;
  g.group_size = q.group_size;
  g.out_format = float_fields_name(q.out_format);
  g.m = q.m;
  g.n = q.n;
  g.k = q.k;
  if (lut) {
    const char* const tables[] = {"fp16", "fp32", "int8"};
    g.activation = q.int8_activations ? "int8" : "fp16";
    g.lut_group = q.lut_group;
    g.table_format = tables[q.table_format];
    g.acc_format = float_fields_name(q.acc_format);
  } else {
    g.variant = q.int8_activations ? "w4a8" : "w4a16";
  }
  return g;
}

}  // namespace tpesim::gpu_ref
