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

}  // namespace tpesim::gpu_ref
