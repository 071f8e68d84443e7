// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/lut_tc_lockstep.h"

#include <memory>

#include "Vpe_lut_tc_kg2_b4.h"
#include "Vpe_lut_tc_kg3_b1_acc16.h"
#include "Vpe_lut_tc_kg4_b2.h"
#include "Vpe_lut_tc_kg4_b2_acc16.h"
#include "Vpe_lut_tc_kg4_b3_acc16.h"

namespace tpesim::cosim {

namespace {

// x is not a NaN, or it is the canonical NaN +0x7FC00000.
bool canonical_if_nan(float x) {
  return !std::isnan(x) || std::bit_cast<std::uint32_t>(x) == pe::kCanonicalNan32;
}

// The table build_half_table makes of a step's activations, as the arrays feed the PE.
pe::LutHalfTable table_of(const pe::LutTcSpec& spec, const LutTcInputs& s) {
  return pe::build_half_table(spec, decode_lut_group(s.a, s.count));
}

}  // namespace

pe::LutTcSpec lut_tc_spec(int lut_group, int w_bits, pe::LutTableFormat table,
                          const pe::FloatFormat& acc, const pe::FloatFormat& out) {
  pe::LutTcSpec spec;
  spec.activation = pe::LutActivation::Fp16;
  spec.lut_group = lut_group;
  spec.w_bits = w_bits;
  spec.table_format = table;
  spec.acc_format = acc;
  spec.out_format = out;
  return spec;
}

pe::FloatFormat lut_table_float_format(const pe::LutTcSpec& spec) {
  return spec.table_format == pe::LutTableFormat::Fp16 ? pe::kFp16 : pe::kFp32;
}

std::vector<std::uint32_t> pack_fields(const std::vector<std::uint32_t>& fields, int width) {
  std::vector<std::uint32_t> words((fields.size() * static_cast<std::size_t>(width) + 31) / 32, 0);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    for (int b = 0; b < width; ++b) {
      const std::size_t bit = i * static_cast<std::size_t>(width) + static_cast<std::size_t>(b);
      words[bit / 32] |= ((fields[i] >> b) & 1u) << (bit % 32);
    }
  }
  return words;
}

std::vector<std::uint32_t> lut_fp16_edges() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t m :
       {0x0000u, 0x0001u, 0x03FFu, 0x0400u, 0x3C00u, 0x7BFFu, 0x7C00u, 0x7C01u, 0x7E00u, 0x7FFFu}) {
    out.push_back(m);
    out.push_back(m | 0x8000u);
  }
  return out;
}

std::array<float, 4> decode_lut_group(const std::array<std::uint32_t, 4>& a, int count) {
  std::array<float, 4> v{};
  for (int t = 0; t < count; ++t) {
    v[static_cast<std::size_t>(t)] =
        static_cast<float>(pe::decode(a[static_cast<std::size_t>(t)], pe::kFp16));
  }
  return v;
}

std::uint32_t LutActivationGen::one() {
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
      return pe::encode(std::ldexp(1.0 + uniform01(), 10 + pick(6)) * sign(), pe::kFp16);
    default:
      return pe::encode(std::ldexp(1.0 + uniform01(), pick(19) - 14) * sign(), pe::kFp16);
  }
}

std::array<std::uint32_t, 4> LutActivationGen::group(int kg, int count) {
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

void LutTcCycleModel::edge(const LutTcInputs& in) {
  if (in.valid && m_left == 0) {
    pe::LutOperand a_op, w_op;
    for (int t = 0; t < in.count; ++t) {
      a_op.a[static_cast<std::size_t>(t)] =
          static_cast<float>(pe::decode(in.a[static_cast<std::size_t>(t)], pe::kFp16));
      w_op.q[static_cast<std::size_t>(t)] =
          static_cast<std::uint8_t>(in.q[static_cast<std::size_t>(t)]);
    }
    a_op.count = static_cast<std::uint8_t>(in.count);
    a_op.table = in.table.entries;
    w_op.half_scale = static_cast<float>(pe::decode(in.w_scale, pe::kFp16)) * 0.5f;
    w_op.z_prime = 2 * static_cast<std::int32_t>(in.z) - ((1 << m_arith.spec.w_bits) - 1);
    w_op.group_end = in.group_end;
    const auto r = m_arith.mac_step(in.clear ? pe::LutTcArith::zero() : m_acc, a_op, w_op);
    m_acc = r.value;
    m_event = r.overflow;
    m_left = m_arith.spec.w_bits;
  }
  const bool working = m_left > 0;
  if (working) --m_left;
  m_done = working && m_left == 0;
}

LutTcStimulus::LutTcStimulus(const pe::LutTcSpec& spec, std::uint64_t seed,
                             std::uint64_t random_cycles)
    : m_spec(spec), m_act(seed + 1), m_edges(lut_fp16_edges()), m_random(random_cycles) {
  m_directed = m_edges.size() * m_edges.size() * 2 * static_cast<std::uint64_t>(spec.w_bits);
}

LutTcInputs LutTcStimulus::next(const pe::LutTcArith::Acc& acc, bool busy) {
  const std::uint64_t index = m_index++;
  LutTcInputs s = index < m_random ? random_edge(acc, busy) : edge_pair(index - m_random);
  s.table = table_of(m_spec, s);
  return s;
}

LutTcInputs LutTcStimulus::random_edge(const pe::LutTcArith::Acc& acc, bool busy) {
  LutTcInputs s;
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

// Edge pair (i, j): a one-group scale group scaled by edge i (a new chain), then one by edge j,
// of edge activations; each step's first edge offers it, the other w_bits - 1 are idle.
LutTcInputs LutTcStimulus::edge_pair(std::uint64_t index) const {
  const auto w_bits = static_cast<std::uint64_t>(m_spec.w_bits);
  const std::uint64_t block = index / w_bits;
  const int g = static_cast<int>(block % 2);
  const std::size_t n = m_edges.size();
  const std::size_t i = block / 2 / n, j = block / 2 % n;
  const int kg = m_spec.lut_group, w_max = (1 << m_spec.w_bits) - 1;
  LutTcInputs s;
  s.valid = index % w_bits == 0;
  s.clear = g == 0;
  s.count = kg;
  for (int t = 0; t < kg; ++t) {
    s.a[static_cast<std::size_t>(t)] = m_edges[(i + j + static_cast<std::size_t>(t)) % n];
    s.q[static_cast<std::size_t>(t)] = static_cast<std::uint32_t>((g + t) % 2 ? w_max : 0);
  }
  s.w_scale = g == 0 ? m_edges[i] : m_edges[j];
  s.z = static_cast<std::uint32_t>(g == 0 ? 0 : w_max);
  s.group_end = true;
  return s;
}

void LutTcStimulus::fill(LutTcInputs& s, bool tail) {
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
      s.w_scale = pe::encode(
          std::ldexp(1.0 + m_act.uniform01(), m_act.pick(15) - 14) * (m_act.pick(4) ? 1.0 : -1.0),
          pe::kFp16);
  }
}

void LutTcCounts::count_step(const pe::LutTcSpec& spec, const pe::LutTcArith::Acc& before,
                             const LutTcInputs& s, const pe::LutTcArith::Acc& after,
                             std::uint32_t out) {
  using pe::kFp16;
  const int half = 1 << (spec.lut_group - 1);
  ++steps;
  clears += s.clear;
  tails += s.count < spec.lut_group;
  bool nan = false;
  for (int h = 0; h < half; ++h)
    nan = nan || std::isnan(s.table.entries[static_cast<std::size_t>(h)]);
  if (s.group_end) {
    ++groups;
    scale_sub += pe::is_subnormal(s.w_scale, kFp16);
    scale_special += pe::is_nan(s.w_scale, kFp16) || pe::is_inf(s.w_scale, kFp16);
    const pe::LutTcArith::Acc start = s.clear ? pe::LutTcArith::zero() : before;
    const bool nan_before =
        std::isnan(start.out) || std::isnan(start.acc_g) || std::isnan(start.s) || nan;
    nan_scale += !std::isnan(start.out) && pe::is_nan(s.w_scale, kFp16);
    bool nan_act = false;
    for (int t = 0; t < s.count; ++t) {
      nan_act = nan_act || pe::is_nan(s.a[static_cast<std::size_t>(t)], kFp16);
    }
    nan_invalid +=
        std::isnan(after.out) && !nan_before && !nan_act && !pe::is_nan(s.w_scale, kFp16);
  }
  const std::uint32_t w_max = (1u << spec.w_bits) - 1;
  plane_nan_signs += nan && s.q[0] != 0 && s.q[0] != w_max;
  acc_g_nan_meets += nan && !s.clear && std::isnan(before.acc_g);
  acc_g_nan += std::isnan(after.acc_g);
  acc_g_inf += std::isinf(after.acc_g);
  acc_nan += std::isnan(after.out);
  nan_not_canonical += !canonical_if_nan(after.acc_g) || !canonical_if_nan(after.s) ||
                       !canonical_if_nan(after.out) ||
                       (pe::is_nan(out, spec.out_format) &&
                        out != (spec.out_format == pe::kFp32 ? pe::kCanonicalNan32 : 0x7E00u));
  acc_inf += std::isinf(after.out);
  overflow += !std::isfinite(after.out);
  out_inf += std::isfinite(after.out) && std::isinf(pe::decode(out, spec.out_format));
}

std::vector<Counter> LutTcCounts::counters() const {
  return {{"value_cycles", value_cycles},
          {"steps", steps},
          {"ignored", ignored},
          {"clears", clears},
          {"groups", groups},
          {"tails", tails},
          {"scale_sub", scale_sub},
          {"scale_special", scale_special},
          {"acc_g_nan", acc_g_nan},
          {"acc_g_inf", acc_g_inf},
          {"plane_nan_signs", plane_nan_signs},
          {"acc_g_nan_meets", acc_g_nan_meets},
          {"acc_nan", acc_nan},
          {"nan_scale", nan_scale},
          {"nan_invalid", nan_invalid},
          {"nan_not_canonical", nan_not_canonical},
          {"acc_inf", acc_inf},
          {"overflow", overflow},
          {"out_inf", out_inf}};
}

namespace {

template <class Model>
VerilatedPeModel lut_tc_model(const char* name, const pe::LutTcSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<LutTcLockstep<Model>>(spec, seed, cycles, traced,
                                                            LutTcCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> lut_tc_verilated_pes() {
  using pe::kFp16, pe::kFp32;
  using T = pe::LutTableFormat;
  return {lut_tc_model<Vpe_lut_tc_kg4_b2>("Vpe_lut_tc_kg4_b2",
                                          lut_tc_spec(4, 2, T::Fp16, kFp32, kFp32)),
          lut_tc_model<Vpe_lut_tc_kg2_b4>("Vpe_lut_tc_kg2_b4",
                                          lut_tc_spec(2, 4, T::Fp32, kFp32, kFp16)),
          lut_tc_model<Vpe_lut_tc_kg3_b1_acc16>("Vpe_lut_tc_kg3_b1_acc16",
                                                lut_tc_spec(3, 1, T::Fp16, kFp16, kFp16)),
          lut_tc_model<Vpe_lut_tc_kg4_b3_acc16>("Vpe_lut_tc_kg4_b3_acc16",
                                                lut_tc_spec(4, 3, T::Fp32, kFp16, kFp32)),
          lut_tc_model<Vpe_lut_tc_kg4_b2_acc16>("Vpe_lut_tc_kg4_b2_acc16",
                                                lut_tc_spec(4, 2, T::Fp16, kFp16, kFp32))};
}

}  // namespace tpesim::cosim
