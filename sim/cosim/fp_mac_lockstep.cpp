// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/fp_mac_lockstep.h"

#include <algorithm>
#include <memory>
#include <optional>

#include "Vpe_fp_mac_bf16.h"
#include "Vpe_fp_mac_e4m3.h"
#include "Vpe_fp_mac_e4m3_e5m2.h"
#include "Vpe_fp_mac_e5m2.h"
#include "Vpe_fp_mac_fp16.h"
#include "Vpe_fp_mac_fp16_bf16.h"
#include "Vpe_fp_mac_fp16_fp32.h"

namespace tpesim::cosim {

namespace {

// The pattern of value v in format f when v is exactly representable there.
std::optional<std::uint32_t> exact_pattern(double v, const pe::FloatFormat& f) {
  const std::uint32_t p = pe::encode(v, f);
  if (pe::decode(p, f) != v) return std::nullopt;
  return p;
}

// Edge patterns: +-0, the smallest and largest subnormals, the smallest normal, 1, 1 + ulp,
// the largest significand of 1's binade, the largest finite value, and the infinities and NaNs
// (IEEE-like: quiet, signalling, all ones; e4m3: its one NaN).
std::vector<std::uint32_t> edge_patterns(const pe::FloatFormat& f) {
  const std::uint32_t sign = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  const std::uint32_t man = (std::uint32_t{1} << f.man_bits) - 1;
  const std::uint32_t all = sign - 1;
  const std::uint32_t one = static_cast<std::uint32_t>(f.bias()) << f.man_bits;
  std::vector<std::uint32_t> mags = {0, 1, man, man + 1, one, one + 1, one + man};
  if (f.ieee_special) {
    const std::uint32_t inf = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
    mags.insert(mags.end(),
                {inf - 1, inf, inf + 1, inf | (std::uint32_t{1} << (f.man_bits - 1)), all});
  } else {
    mags.insert(mags.end(), {all - 1, all});
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : mags) {
    out.push_back(m);
    out.push_back(m | sign);
  }
  return out;
}

}  // namespace

pe::FpMacSpec fp_mac_spec(const pe::FloatFormat& a, const pe::FloatFormat& w,
                          const pe::FloatFormat& out) {
  pe::FpMacSpec spec;
  spec.a_format = a;
  spec.w_format = w;
  spec.out_format = out;
  return spec;
}

FpMacStimulus::FpMacStimulus(const pe::FpMacSpec& spec, std::uint64_t seed,
                             std::uint64_t random_cycles)
    : m_arith(spec),
      m_rng(seed + 1),
      m_restart_rng(seed + 2),
      m_edges_a(edge_patterns(spec.a_format)),
      m_edges_w(edge_patterns(spec.w_format)),
      m_one_w(*exact_pattern(1.0, spec.w_format)),
      m_random(random_cycles) {
  advance();
}

void FpMacStimulus::advance() {
  const bool fp8 = m_arith.a_format.bits() == 8 && m_arith.w_format.bits() == 8;
  for (;;) {
    std::uint64_t length = 0;
    switch (m_phase) {
      case Phase::Random:
        length = m_random;
        break;
      case Phase::EdgePairs:
        length = 2 * m_edges_a.size() * m_edges_a.size() * m_edges_w.size();
        break;
      case Phase::Fp8Fresh:
      case Phase::Fp8Running:
        length = fp8 ? 256 * 256 : 0;
        break;
      case Phase::Done:
        return;
    }
    if (m_index < length) return;
    m_phase = static_cast<Phase>(static_cast<int>(m_phase) + 1);
    m_index = 0;
  }
}

FpMacInputs FpMacStimulus::next(float acc) {
  FpMacInputs in;
  const auto a8 = static_cast<std::uint32_t>(m_index >> 8);
  const auto w8 = static_cast<std::uint32_t>(m_index & 255);
  switch (m_phase) {
    case Phase::Random:
      in = random_cycle(acc);
      break;
    case Phase::EdgePairs: {
      const std::uint64_t pair = m_index / 2;
      const std::uint64_t nw = m_edges_w.size(), na = m_edges_a.size();
      if (m_index % 2 == 0) {
        in = {true, true, m_edges_a[pair / (na * nw)], m_one_w, false};
      } else {
        in = {true, false, m_edges_a[pair / nw % na], m_edges_w[pair % nw], false};
      }
      break;
    }
    case Phase::Fp8Fresh:
      in = {true, true, a8, w8, false};
      break;
    case Phase::Fp8Running: {
      const bool restart = !std::isfinite(acc) || m_restart_rng() % 64 == 0;
      in = {true, restart, a8, w8, false};
      break;
    }
    case Phase::Done:
      break;
  }
  ++m_index;
  advance();
  return in;
}

FpMacInputs FpMacStimulus::random_cycle(float acc) {
  FpMacInputs s;
  s.valid = pick(8) != 0;
  s.clear = pick(16) == 0 || (!std::isfinite(acc) && pick(2) == 0);
  const float addend = s.clear ? 0.0f : acc;
  const bool live = std::isfinite(addend) && addend != 0;
  switch (pick(16)) {
    case 0:  // edge patterns
      s.a = pick(2) ? edge(m_edges_a) : random_pattern(m_arith.a_format);
      s.w = pick(2) ? edge(m_edges_w) : random_pattern(m_arith.w_format);
      break;
    case 1:
    case 2:  // uniform bit patterns
      s.a = random_pattern(m_arith.a_format);
      s.w = random_pattern(m_arith.w_format);
      break;
    case 3:  // huge: products near and past binary32's range where the formats allow it
      s.a = scaled(m_arith.a_format, 0.5, 1.0);
      s.w = scaled(m_arith.w_format, 0.5, 1.0);
      break;
    case 4:  // tiny: products in and below binary32's subnormals where the formats allow it
      s.a = scaled(m_arith.a_format, -1.0, -0.4);
      s.w = scaled(m_arith.w_format, -1.0, -0.4);
      break;
    case 5:  // the last MAC again with a negated: exact cancellation after a chain's first MAC
      if (m_last.valid && !s.clear && pick(2) == 0) {
        s.a = m_last.a ^ (std::uint32_t{1} << (m_arith.a_format.bits() - 1));
        s.w = m_last.w;
        break;
      }
      [[fallthrough]];
    case 6:  // cancellation: the product is about -acc
      if (live) {
        s.w = near_one(m_arith.w_format);
        s.a = pe::encode(-static_cast<double>(addend) / m_arith.decode_w(s.w), m_arith.a_format);
        break;
      }
      [[fallthrough]];
    case 7:
    case 8:
      if (live && try_tie(addend, s)) {
        s.tie = true;
        break;
      }
      [[fallthrough]];
    case 9:
    case 10:
    case 11:  // the product acc * 2^k, k in [-40, 4]: every alignment distance
      if (live) {
        s.w = near_one(m_arith.w_format);
        const double target = static_cast<double>(addend) * std::ldexp(unit(), pick(45) - 40) *
                              (pick(2) ? -1.0 : 1.0);
        s.a = pe::encode(target / m_arith.decode_w(s.w), m_arith.a_format);
        break;
      }
      [[fallthrough]];
    default:  // values of moderate size
      s.a = pe::encode(normal() * std::ldexp(1.0, pick(9) - 4), m_arith.a_format);
      s.w = pe::encode(normal() * std::ldexp(1.0, pick(9) - 4), m_arith.w_format);
      break;
  }
  m_last = s;
  return s;
}

double FpMacStimulus::unit() { return 1.0 + static_cast<double>(m_rng() >> 11) * 0x1.0p-53; }

double FpMacStimulus::normal() { return std::normal_distribution<double>(0.0, 1.0)(m_rng); }

std::uint32_t FpMacStimulus::edge(const std::vector<std::uint32_t>& e) {
  return e[static_cast<std::size_t>(pick(static_cast<int>(e.size())))];
}

std::uint32_t FpMacStimulus::random_pattern(const pe::FloatFormat& f) {
  return static_cast<std::uint32_t>(m_rng()) & ((std::uint32_t{1} << f.bits()) - 1);
}

// A random value of magnitude 2^(x * (emax + bias)) for x uniform in [lo, hi) of the format's
// exponent range, random sign.
std::uint32_t FpMacStimulus::scaled(const pe::FloatFormat& f, double lo, double hi) {
  const double span = static_cast<double>(f.bias()) + (f.ieee_special ? 1 : 2);
  const double x = lo + (hi - lo) * static_cast<double>(m_rng() >> 11) * 0x1.0p-53;
  const double v = unit() * std::exp2(x * span) * (pick(2) ? -1.0 : 1.0);
  return pe::encode(v, f);
}

// A value in [0.75, 1.5), random sign, in format f.
std::uint32_t FpMacStimulus::near_one(const pe::FloatFormat& f) {
  return pe::encode(
      (0.75 + 0.75 * static_cast<double>(m_rng() >> 11) * 0x1.0p-53) * (pick(2) ? -1.0 : 1.0), f);
}

// a and w whose exact product is (2j + 1) / 2 ulps of acc, random sign, j in 0..3: the exact sum
// is a tie when it stays in acc's binade. False when no split fits the formats.
bool FpMacStimulus::try_tie(float acc, FpMacInputs& s) {
  const int e = std::max(std::ilogb(acc), -126);
  const double half_ulp = std::ldexp(1.0, e - 24);
  const double t = half_ulp * (2 * pick(4) + 1) * (pick(2) ? -1.0 : 1.0);
  const int lo = -m_arith.w_format.bias() - m_arith.w_format.man_bits;
  const int hi = m_arith.w_format.bias();
  for (int tries = 0; tries < 8; ++tries) {
    const int r = lo + pick(hi - lo + 1);
    const std::optional<std::uint32_t> w = exact_pattern(std::ldexp(1.0, r), m_arith.w_format);
    const std::optional<std::uint32_t> a = exact_pattern(std::ldexp(t, -r), m_arith.a_format);
    if (a && w) {
      s.a = *a;
      s.w = *w;
      return true;
    }
  }
  return false;
}

void FpMacCounts::count_mac(float addend, float a, float w, float r, const FpMacInputs& in) {
  ++macs;
  clears += in.clear;
  ties += in.tie;
  if (std::isnan(r)) {  // by cause, in the RTL's priority order
    ++nan;
    if (std::isnan(a) || std::isnan(w)) {
      ++nan_operand;
    } else if (std::isnan(addend)) {
      ++nan_acc;
    } else if ((std::isinf(a) && w == 0) || (a == 0 && std::isinf(w))) {
      ++nan_inf_zero;
    } else {
      ++nan_inf_inf;
    }
  }
  if (std::isinf(r)) {
    ++inf;
    finite_to_inf += std::isfinite(a) && std::isfinite(w) && std::isfinite(addend);
  }
  overflow += !std::isfinite(r);
  subnormal += std::fpclassify(r) == FP_SUBNORMAL;
  if (r == 0) {
    ++zero;
    negative_zero += std::signbit(r);
    const bool product_nonzero = a != 0 && w != 0;
    underflow += product_nonzero && addend == 0;
    cancel_exact += product_nonzero && addend != 0;
  } else if (std::isfinite(r) && a != 0 && w != 0 && addend != 0 && std::isfinite(addend) &&
             (std::signbit(a) != std::signbit(w)) != std::signbit(addend)) {
    // The product is exact in binary64 (fp16 / bf16 / fp8 significands), so its binade is.
    const int larger =
        std::max(std::ilogb(static_cast<double>(a) * static_cast<double>(w)), std::ilogb(addend));
    cancel_massive += std::ilogb(r) <= larger - 8;
  }
}

std::vector<Counter> FpMacCounts::counters() const {
  return {{"macs", macs},
          {"clears", clears},
          {"nan", nan},
          {"nan_operand", nan_operand},
          {"nan_acc", nan_acc},
          {"nan_inf_zero", nan_inf_zero},
          {"nan_inf_inf", nan_inf_inf},
          {"inf", inf},
          {"finite_to_inf", finite_to_inf},
          {"overflow", overflow},
          {"subnormal", subnormal},
          {"zero", zero},
          {"negative_zero", negative_zero},
          {"underflow", underflow},
          {"cancel_exact", cancel_exact},
          {"cancel_massive", cancel_massive},
          {"ties", ties},
          {"out_inf", out_inf}};
}

namespace {

template <class Model>
VerilatedPeModel fp_mac_model(const char* name, const pe::FpMacSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<FpMacLockstep<Model>>(spec, seed, cycles, traced,
                                                            FpMacCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> fp_mac_verilated_pes() {
  using pe::kBf16, pe::kFp16, pe::kFp32, pe::kFp8E4M3, pe::kFp8E5M2;
  return {
      fp_mac_model<Vpe_fp_mac_fp16>("Vpe_fp_mac_fp16", fp_mac_spec(kFp16, kFp16, kFp16)),
      fp_mac_model<Vpe_fp_mac_bf16>("Vpe_fp_mac_bf16", fp_mac_spec(kBf16, kBf16, kBf16)),
      fp_mac_model<Vpe_fp_mac_e4m3>("Vpe_fp_mac_e4m3", fp_mac_spec(kFp8E4M3, kFp8E4M3, kFp32)),
      fp_mac_model<Vpe_fp_mac_e5m2>("Vpe_fp_mac_e5m2", fp_mac_spec(kFp8E5M2, kFp8E5M2, kFp16)),
      fp_mac_model<Vpe_fp_mac_e4m3_e5m2>("Vpe_fp_mac_e4m3_e5m2",
                                         fp_mac_spec(kFp8E4M3, kFp8E5M2, kBf16)),
      fp_mac_model<Vpe_fp_mac_fp16_bf16>("Vpe_fp_mac_fp16_bf16", fp_mac_spec(kFp16, kBf16, kFp32)),
      fp_mac_model<Vpe_fp_mac_fp16_fp32>("Vpe_fp_mac_fp16_fp32", fp_mac_spec(kFp16, kFp16, kFp32))};
}

}  // namespace tpesim::cosim
