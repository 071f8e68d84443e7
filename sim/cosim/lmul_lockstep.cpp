// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/lmul_lockstep.h"

#include <algorithm>
#include <memory>

#include "Vpe_lmul_bf16.h"
#include "Vpe_lmul_e4m3.h"
#include "Vpe_lmul_e5m2.h"
#include "Vpe_lmul_fp16.h"

namespace tpesim::cosim {

namespace {

// Signed zeros, the smallest and largest subnormals, the smallest normal, one, one's largest
// fraction, the largest finite, infinities and NaNs (quiet, signalling, all ones), both signs.
std::vector<std::uint32_t> edge_patterns(const pe::FloatFormat& f) {
  const std::uint32_t sign = std::uint32_t{1} << (f.exp_bits + f.man_bits);
  const std::uint32_t man = (std::uint32_t{1} << f.man_bits) - 1;
  const std::uint32_t inf = ((std::uint32_t{1} << f.exp_bits) - 1) << f.man_bits;
  const std::uint32_t one = static_cast<std::uint32_t>(f.bias()) << f.man_bits;
  std::vector<std::uint32_t> out;
  for (std::uint32_t mag : {0u, 1u, man, man + 1, one, one + man, inf - 1, inf, inf + 1,
                            inf | (std::uint32_t{1} << (f.man_bits - 1)), inf | man}) {
    out.push_back(mag);
    out.push_back(mag | sign);
  }
  return out;
}

}  // namespace

LmulStimulus::LmulStimulus(const pe::FloatFormat& format, std::uint64_t seed,
                           std::uint64_t random_pairs)
    : m_format(format),
      m_rng(seed),
      m_exhaustive(format.bits() <= 8 ? std::uint64_t{1} << (2 * format.bits()) : 0),
      m_random(random_pairs) {
  if (m_random == 0) build_tail();
}

bool LmulStimulus::done() const {
  return m_exhaustive_next == m_exhaustive && m_random_done == m_random && m_tail_built &&
         m_tail_next == m_tail.size();
}

LmulInputs LmulStimulus::next() {
  if (m_exhaustive_next < m_exhaustive) {
    const std::uint64_t i = m_exhaustive_next++;
    const int bits = m_format.bits();
    return {true, static_cast<std::uint32_t>(i >> bits),
            static_cast<std::uint32_t>(i & ((std::uint64_t{1} << bits) - 1))};
  }
  if (m_random_done < m_random) {
    const std::uint32_t mask = (std::uint32_t{1} << m_format.bits()) - 1;
    const auto x = static_cast<std::uint32_t>(m_rng()) & mask;
    const auto y = static_cast<std::uint32_t>(m_rng()) & mask;
    if (m_rng() % 8 == 0) return {false, x, y};
    if (++m_random_done == m_random) build_tail();
    return {true, x, y};
  }
  const auto [x, y] = m_tail[m_tail_next++];
  return {true, x, y};
}

void LmulStimulus::build_tail() {
  m_tail_built = true;
  if (m_exhaustive > 0) return;  // every pair was compared already
  const pe::FloatFormat& f = m_format;
  const std::vector<std::uint32_t> edges = edge_patterns(f);
  for (std::uint32_t x : edges) {
    for (std::uint32_t y : edges) m_tail.emplace_back(x, y);
  }
  // R = X + Y - OFFSET aimed at the smallest normal 2^m and the largest finite encoding.
  const int mag_bits = f.exp_bits + f.man_bits;
  const std::int64_t offset = pe::lmul_offset(f);
  const std::int64_t largest = ((((std::int64_t{1} << f.exp_bits) - 1) << f.man_bits) - 1);
  const std::int64_t min_normal = std::int64_t{1} << f.man_bits;
  for (std::int64_t target : {min_normal, largest}) {
    for (std::int64_t delta = -3; delta <= 3; ++delta) {
      // X a normal magnitude such that Y = target + delta + OFFSET - X is a normal magnitude.
      const std::int64_t want_sum = target + delta + offset;
      const std::int64_t lo = std::max<std::int64_t>(min_normal, want_sum - largest);
      const std::int64_t hi = std::min<std::int64_t>(largest, want_sum - min_normal);
      if (lo > hi) continue;
      for (int k = 0; k < 64; ++k) {
        const std::int64_t x =
            lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1));
        const auto sx = static_cast<std::uint32_t>(m_rng() & 1) << mag_bits;
        const auto sy = static_cast<std::uint32_t>(m_rng() & 1) << mag_bits;
        m_tail.emplace_back(static_cast<std::uint32_t>(x) | sx,
                            static_cast<std::uint32_t>(want_sum - x) | sy);
      }
    }
  }
}

namespace {

template <class Model>
VerilatedPeModel lmul_model(const char* name, const pe::FloatFormat& format) {
  pe::LmulSpec spec;
  spec.format = format;
  return {name, spec, [format](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [format, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<LmulLockstep<Model>>(format, seed, cycles, traced,
                                                           LmulCycleModel(format));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> lmul_verilated_pes() {
  return {lmul_model<Vpe_lmul_e4m3>("Vpe_lmul_e4m3", pe::kFp8E4M3),
          lmul_model<Vpe_lmul_e5m2>("Vpe_lmul_e5m2", pe::kFp8E5M2),
          lmul_model<Vpe_lmul_bf16>("Vpe_lmul_bf16", pe::kBf16),
          lmul_model<Vpe_lmul_fp16>("Vpe_lmul_fp16", pe::kFp16)};
}

}  // namespace tpesim::cosim
