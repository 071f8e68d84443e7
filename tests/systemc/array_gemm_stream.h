// SPDX-License-Identifier: Apache-2.0
// The workload of the SystemC array tests: a seeded stream of random int_mac GEMMs, drawn exactly
// as the C++-mode array lock-step benches draw them (sim/cosim/array_lockstep.cpp, whose library
// links the --cc models and so cannot be linked here): extents uniform in [1, max], a quarter of
// the operands extremes and 1/8 zero, every third GEMM with products of one sign (accumulators
// overflow), every other GEMM with buffered memory and a slow DRAM (folds wait: idle edges).
// With the same seed and extents the stream is the C++-mode test's, GEMM for GEMM.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"
#include "pe/int_mac.h"
#include "pe/numeric.h"

namespace tpesim::sc {

// Largest GEMM extents drawn.
struct GemmExtents {
  int max_m = 40, max_n = 40, max_k = 40;  // M, N, K
};

// One drawn GEMM: its operands and the architecture around the array (the PE, cycle fidelity,
// the memory); the array's kind and shape are the caller's.
struct ArrayGemm {
  std::int64_t index = 0;    // position in the stream
  arch::GemmOperands codes;  // M x K activations, K x N weights
  arch::ArchSpec arch;       // the array left at its defaults
  bool buffered = false;     // buffered memory with a slow DRAM (else ideal memory)
};

class ArrayGemmStream {
 public:
  ArrayGemmStream(std::uint64_t seed, const GemmExtents& extents, const pe::IntMacSpec& pe)
      : m_extents(extents), m_pe(pe), m_rng(seed * 0x9E3779B97F4A7C15ull + 7) {}

  ArrayGemm next() {
    ArrayGemm g;
    g.index = m_drawn++;
    g.codes = draw_operands(g.index);
    g.arch.array.pe = m_pe;
    g.arch.run.fidelity = arch::Fidelity::Cycle;
    g.buffered = g.index % 2 == 1;
    if (g.buffered) {
      g.arch.memory.kind = arch::MemoryKind::Buffered;
      g.arch.memory.dram.latency_cycles = 20 + (g.index % 7) * 10;
      g.arch.memory.dram.bytes_per_cycle = 4;
    }
    return g;
  }

 private:
  arch::GemmOperands draw_operands(std::int64_t index) {
    arch::GemmOperands op;
    op.m = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_extents.max_m));
    op.n = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_extents.max_n));
    op.k = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_extents.max_k));
    const bool one_sign = index % 3 == 0;
    const int a_sign = one_sign ? 1 : 0;
    const int w_sign = one_sign ? ((m_rng() & 1) != 0 ? 1 : -1) : 0;
    op.a.resize(static_cast<std::size_t>(op.m * op.k));
    op.w.resize(static_cast<std::size_t>(op.k * op.n));
    for (auto& a : op.a) a = operand(m_pe.a_bits, a_sign);
    for (auto& w : op.w) w = operand(m_pe.w_bits, w_sign);
    return op;
  }
  // A random operand of `bits`; `sign` > 0 / < 0 restricts it to >= 0 / <= 0.
  std::int32_t operand(int bits, int sign) {
    const std::int64_t lo = sign > 0 ? 0 : pe::int_min(bits);
    const std::int64_t hi = sign < 0 ? 0 : pe::int_max(bits);
    switch (m_rng() % 8) {
      case 0:
        return static_cast<std::int32_t>(lo);
      case 1:
        return static_cast<std::int32_t>(hi);
      case 2:
        return 0;
      default:
        return static_cast<std::int32_t>(
            lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1)));
    }
  }

  GemmExtents m_extents;     // largest extents
  pe::IntMacSpec m_pe;       // operand widths, accumulator
  std::mt19937_64 m_rng;     // shapes and operands
  std::int64_t m_drawn = 0;  // GEMMs drawn
};

}  // namespace tpesim::sc
