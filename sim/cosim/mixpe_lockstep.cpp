// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/mixpe_lockstep.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "Vpe_mixpe_w4a8_g128.h"
#include "Vpe_mixpe_w4a8_g3_fp16.h"
#include "Vpe_mixpe_w4a8_wide.h"

namespace tpesim::cosim {

namespace {

// ceil(log2(n)), as $clog2 in the RTL.
int clog2(std::int64_t n) {
  int b = 0;
  while ((std::int64_t{1} << b) < n) ++b;
  return b;
}

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

// Random groups are at most this long, steps (wider G are filled by phase 4).
constexpr std::int64_t kLongestRandomGroup = 4096;

// x is not a NaN, or it is the canonical NaN +0x7FC00000.
bool canonical_if_nan(float x) {
  return !std::isnan(x) || std::bit_cast<std::uint32_t>(x) == pe::kCanonicalNan32;
}

}  // namespace

pe::MixpeSpec mixpe_w4a8_spec(int w_bits, int group_size, const pe::FloatFormat& out) {
  pe::MixpeSpec spec;
  spec.variant = pe::MixpeVariant::W4A8;
  spec.w_bits = w_bits;
  spec.group_size = group_size;
  spec.out_format = out;
  return spec;
}

int mixpe_p_bits(const pe::MixpeSpec& spec) { return 8 + spec.w_bits + clog2(spec.group_size); }

int mixpe_s_bits(const pe::MixpeSpec& spec) { return 8 + clog2(spec.group_size); }

MixpeStimulus::MixpeStimulus(const pe::MixpeSpec& spec, std::uint64_t seed,
                             std::uint64_t random_cycles)
    : m_spec(spec),
      m_rng(seed + 1),
      m_long_rng(seed + 2),
      m_w_max((1 << spec.w_bits) - 1),
      m_fp16_edges(fp16_edges()),
      m_fp32_edges(fp32_edges()),
      m_needed((std::int64_t{1} << 31) / (127 * std::int64_t{(1 << spec.w_bits) - 1}) + 2),
      m_random(random_cycles) {
  advance();
}

void MixpeStimulus::advance() {
  const bool long_groups = m_spec.group_size >= m_needed;
  for (;;) {
    std::uint64_t length = 0;
    switch (m_phase) {
      case Phase::Random:
        length = m_random;
        break;
      case Phase::EdgeScales:
        length = 2 * m_fp32_edges.size() * m_fp16_edges.size() * m_fp16_edges.size();
        break;
      case Phase::InfInf:
        length = 2 * 2 * m_fp32_edges.size();
        break;
      case Phase::OneSign:  // ends when its 100 groups are over (one_sign_cycle)
        length = long_groups && m_long_group < 100 ? m_index + 1 : 0;
        break;
      case Phase::Overflow:
        length = long_groups ? static_cast<std::uint64_t>(2 * m_needed) : 0;
        break;
      case Phase::Done:
        return;
    }
    if (m_index < length) return;
    m_phase = static_cast<Phase>(static_cast<int>(m_phase) + 1);
    m_index = 0;
  }
}

MixpeInputs MixpeStimulus::next(const pe::MixpeW4A8Arith::Acc& acc) {
  MixpeInputs in;
  switch (m_phase) {
    case Phase::Random:
      in = random_cycle(acc);
      break;
    case Phase::EdgeScales: {
      // One-step groups with D = -128 * w_max (q = w_max, z = 0) and D = 0 (q = z).
      const std::size_t n16 = m_fp16_edges.size();
      const std::uint64_t pair = m_index / 2;
      const std::uint32_t as = m_fp32_edges[pair / (n16 * n16)];
      const std::uint32_t s1 = m_fp16_edges[pair / n16 % n16];
      const std::uint32_t s2 = m_fp16_edges[pair % n16];
      if (m_index % 2 == 0) {
        in = {true, true, -128, as, m_w_max, 0, s1, true};
      } else {
        in = {true, false, 1, as, (s1 ^ s2) & 1u ? m_w_max : 0, 0, s2, true};
      }
      break;
    }
    case Phase::InfInf: {
      // A one-step group scaled to an infinity (D = -128 w_max), then one scaled to the other
      // (D = 127 w_max, the same scale).
      const std::uint64_t pair = m_index / 2;
      const std::uint32_t as = m_fp32_edges[pair / 2];
      const std::uint32_t s1 = pair % 2 == 0 ? 0x7C00u : 0xFC00u;
      in = {true, m_index % 2 == 0, m_index % 2 == 0 ? -128 : 127, as, m_w_max, 0, s1, true};
      break;
    }
    case Phase::OneSign:
      in = one_sign_cycle();
      break;
    case Phase::Overflow: {
      // D leaves int32, positive then negative: a = -128 (then 127), q = 0, z = w_max.
      const auto i = static_cast<std::int64_t>(m_index % static_cast<std::uint64_t>(m_needed));
      const std::int32_t a = static_cast<std::int64_t>(m_index) < m_needed ? -128 : 127;
      in = {true, i == 0, a, 0x3F800000u, 0, m_w_max, 0x3C00u, i + 1 == m_needed};
      break;
    }
    case Phase::Done:
      break;
  }
  ++m_index;
  advance();
  return in;
}

MixpeInputs MixpeStimulus::one_sign_cycle() {
  if (m_long_length == 0) {
    m_long_length = 600 + static_cast<std::int64_t>(m_long_rng() % 2400);
    m_long_step = 0;
  }
  const int g = m_long_group;
  const std::int64_t i = m_long_step;
  const auto a = static_cast<std::int32_t>(m_long_rng() % 128);
  const std::int32_t q = m_w_max - static_cast<std::int32_t>(m_long_rng() % 2);
  const auto z = static_cast<std::int32_t>(m_long_rng() % 2);
  const std::uint32_t scale = 0x2E66u | static_cast<std::uint32_t>(m_long_rng() % 0x100);
  const MixpeInputs in{true,  g == 0 && i == 0,      g % 2 == 0 ? a : -a, 0x3C000000u, q, z,
                       scale, i + 1 == m_long_length};
  if (++m_long_step == m_long_length) {
    ++m_long_group;
    m_long_length = 0;
  }
  return in;
}

MixpeInputs MixpeStimulus::random_cycle(const pe::MixpeW4A8Arith::Acc& acc) {
  MixpeInputs s;
  s.valid = pick(8) != 0;
  s.clear = pick(256) == 0 || (!std::isfinite(acc.acc) && pick(2) == 0);
  if (s.clear || m_in_group == 0) new_group();
  const std::int64_t position = (s.clear ? 0 : m_in_group) + 1;
  s.group_end = position >= m_length;
  if (m_one_sign) {
    // Products and -z S of one sign: a of one sign, q high and z low, or the reverse.
    s.a = m_sign > 0 ? static_cast<std::int32_t>(pick(128)) : -static_cast<std::int32_t>(pick(129));
    s.q = m_w_max - static_cast<std::int32_t>(pick(2));
    s.z = static_cast<std::int32_t>(pick(2));
  } else {
    s.a = activation();
    s.q = code();
    s.z = code();
  }
  s.w_scale = w_scale();
  s.a_scale = a_scale();
  if (s.valid) m_in_group = s.group_end ? 0 : (s.clear ? 0 : m_in_group) + 1;
  return s;
}

void MixpeStimulus::new_group() {
  const std::int64_t g = m_spec.group_size;
  const std::int64_t longest = std::min<std::int64_t>(g, kLongestRandomGroup);
  m_length = (pick(2) == 0 && g <= kLongestRandomGroup)
                 ? g
                 : 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(longest));
  m_one_sign = pick(3) == 0;
  m_sign = pick(2) == 0 ? 1 : -1;
}

std::int32_t MixpeStimulus::activation() {
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

std::int32_t MixpeStimulus::code() {
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
std::uint32_t MixpeStimulus::w_scale() {
  switch (pick(16)) {
    case 0:
      return m_fp16_edges[static_cast<std::size_t>(pick(static_cast<int>(m_fp16_edges.size())))];
    case 1:
      return static_cast<std::uint32_t>(pick(0x400)) | (pick(2) ? 0x8000u : 0u);
    case 2:
      return static_cast<std::uint32_t>(pick(0x10000));
    default:
      return pe::encode(std::ldexp(1.0 + uniform01(), pick(15) - 14) * (pick(4) ? 1.0 : -1.0),
                        pe::kFp16);
  }
}

// binary32 activation scales: edge patterns, uniform bit patterns, huge (the product
// overflows), tiny (the product is subnormal or flushes), else 2^[-12, 0).
std::uint32_t MixpeStimulus::a_scale() {
  switch (pick(16)) {
    case 0:
      return m_fp32_edges[static_cast<std::size_t>(pick(static_cast<int>(m_fp32_edges.size())))];
    case 1:
      return static_cast<std::uint32_t>(m_rng());
    case 2:
    case 3:
      return pe::encode(std::ldexp(1.0 + uniform01(), 90 + pick(38)), pe::kFp32);
    case 4:
    case 5:
      return pe::encode(std::ldexp(1.0 + uniform01(), -150 + pick(40)), pe::kFp32);
    default:
      return pe::encode(std::ldexp(1.0 + uniform01(), pick(12) - 12), pe::kFp32);
  }
}

void MixpeCounts::count_step(const pe::MixpeSpec& spec, const pe::MixpeW4A8Arith::Acc& start,
                             const MixpeInputs& s, const pe::MixpeW4A8Arith::Acc& after,
                             std::int64_t in_group, bool event) {
  using pe::kFp16;
  ++steps;
  clears += s.clear;
  overflow += event;
  if (s.group_end) {
    ++groups;
    const std::int64_t length = (s.clear ? 0 : in_group) + 1;
    full_groups += length == spec.group_size;
    const std::int64_t d = start.p + std::int64_t{s.a} * s.q - std::int64_t{s.z} * (start.s + s.a);
    d_inexact += static_cast<std::int64_t>(static_cast<float>(d)) != d;
    scale_sub += pe::is_subnormal(s.w_scale, kFp16);
    scale_special += pe::is_nan(s.w_scale, kFp16) || pe::is_inf(s.w_scale, kFp16);
    nan_both += std::isnan(start.acc) && pe::is_nan(s.w_scale, kFp16) &&
                std::signbit(start.acc) != ((s.w_scale & 0x8000u) != 0);
    const float scale = static_cast<float>(pe::decode(s.w_scale, kFp16));
    const float scaled = static_cast<float>(d) * scale;
    nan_scale += !std::isnan(start.acc) && std::isnan(scale);
    nan_inf_sub += std::isinf(start.acc) && std::isinf(scaled) &&
                   std::signbit(start.acc) != std::signbit(scaled);
    nan_zero_inf += !std::isnan(start.acc) && d == 0 && std::isinf(scale);
  }
  acc_nan += std::isnan(after.acc);
  out_nan_both +=
      std::isnan(after.acc) && pe::is_nan(s.a_scale, pe::kFp32) && (s.a_scale >> 31) != 0;
  nan_not_canonical += !canonical_if_nan(after.acc) || !canonical_if_nan(after.s_a);
  acc_inf += std::isinf(after.acc);
}

void MixpeCounts::count_output(const pe::MixpeSpec& spec, const pe::MixpeW4A8Arith::Acc& state,
                               std::uint32_t out) {
  const float acc = state.acc, s_a = state.s_a;
  const float product = acc * s_a;
  out_zero_inf += !std::isnan(acc) && !std::isnan(s_a) && std::isnan(product);
  nan_not_canonical += pe::is_nan(out, spec.out_format) &&
                       out != (spec.out_format == pe::kFp32 ? pe::kCanonicalNan32 : 0x7E00u);
  out_sub += std::fpclassify(product) == FP_SUBNORMAL;
  const double value = pe::decode(out, spec.out_format);
  out_inf += std::isfinite(acc) && std::isfinite(s_a) && std::isinf(value);
  out_flush += acc != 0 && s_a != 0 && std::isfinite(acc) && std::isfinite(s_a) && value == 0;
}

std::vector<Counter> MixpeCounts::counters() const {
  return {{"steps", steps},
          {"clears", clears},
          {"groups", groups},
          {"full_groups", full_groups},
          {"d_inexact", d_inexact},
          {"overflow", overflow},
          {"scale_sub", scale_sub},
          {"scale_special", scale_special},
          {"acc_nan", acc_nan},
          {"nan_scale", nan_scale},
          {"nan_inf_sub", nan_inf_sub},
          {"nan_zero_inf", nan_zero_inf},
          {"nan_both", nan_both},
          {"acc_inf", acc_inf},
          {"out_nan_both", out_nan_both},
          {"out_zero_inf", out_zero_inf},
          {"nan_not_canonical", nan_not_canonical},
          {"out_sub", out_sub},
          {"out_inf", out_inf},
          {"out_flush", out_flush}};
}

namespace {

template <class Model>
VerilatedPeModel mixpe_model(const char* name, const pe::MixpeSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<MixpeLockstep<Model>>(spec, seed, cycles, traced,
                                                            MixpeCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> mixpe_verilated_pes() {
  return {
      mixpe_model<Vpe_mixpe_w4a8_g128>("Vpe_mixpe_w4a8_g128", mixpe_w4a8_spec(4, 128, pe::kFp32)),
      mixpe_model<Vpe_mixpe_w4a8_g3_fp16>("Vpe_mixpe_w4a8_g3_fp16",
                                          mixpe_w4a8_spec(2, 3, pe::kFp16)),
      mixpe_model<Vpe_mixpe_w4a8_wide>("Vpe_mixpe_w4a8_wide",
                                       mixpe_w4a8_spec(8, 1 << 17, pe::kFp16))};
}

}  // namespace tpesim::cosim
