// SPDX-License-Identifier: Apache-2.0
// Shared pieces of the model-vs-model tests: random PE kinds, memories and GEMM shapes drawn from
// one generator, and the CPU golden GEMM of any PE kind as output codes.
#pragma once

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"
#include "pe/pe_config.h"
#include "workloads/gemm.h"
#include "workloads/golden_gemm.h"

namespace tpesim::testing_support {

class CasePicker {
 public:
  explicit CasePicker(std::mt19937_64& rng) : m_rng(rng) {}

  std::int64_t operator()(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(m_rng);
  }

  // Any PE kind with random parameters: int_mac twice as often as each other kind, narrow
  // accumulators half of the time so wrap and saturate really happen. `adder_tree` also allows
  // bitslice same_bw_tree (an adder-tree-only variant).
  pe::PeConfig pe_kind(bool adder_tree) {
    auto& pick = *this;
    const pe::FloatFormat formats[] = {pe::kFp16, pe::kBf16, pe::kFp8E4M3, pe::kFp8E5M2};
    switch (pick(0, 6)) {
      case 0: {
        pe::FpMacSpec fp;
        fp.a_format = formats[pick(0, 3)];
        fp.w_format = formats[pick(0, 3)];
        fp.out_format = pick(0, 1) ? pe::kFp32 : pe::kBf16;
        return fp;
      }
      case 1: {
        pe::LmulSpec lm;
        lm.format = formats[pick(0, 3)];
        lm.acc_format = pick(0, 1) ? pe::kFp32 : pe::kBf16;
        return lm;
      }
      case 4: {
        pe::MixpeSpec mx;
        mx.variant = pick(0, 1) ? pe::MixpeVariant::W4A8 : pe::MixpeVariant::W4A16;
        mx.group_size = static_cast<int>(pick(1, 16));
        return mx;
      }
      case 5: {
        pe::LutTcSpec lt;
        lt.w_bits = static_cast<int>(pick(1, 4));
        lt.lut_group = static_cast<int>(pick(2, 4));
        lt.group_size = lt.lut_group * static_cast<int>(pick(1, 4));
        lt.acc_format = pick(0, 1) ? pe::kFp32 : pe::kFp16;
        if (pick(0, 2) == 0) lt.activation = pe::LutActivation::Int8;
        if (lt.activation == pe::LutActivation::Fp16 && pick(0, 2) == 0) {
          lt.table_format = pe::LutTableFormat::Int8;
        }
        return lt;
      }
      case 6: {
        pe::BitsliceSpec bs;
        const int variants = adder_tree ? 3 : 2;
        bs.variant = std::array{
            pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SerialDigit,
            pe::BitsliceVariant::Laconic,
            pe::BitsliceVariant::SameBwTree}[static_cast<std::size_t>(pick(0, variants))];
        bs.a_bits = static_cast<int>(pick(2, 8));
        bs.w_bits = static_cast<int>(pick(2, 8));
        bs.acc_bits = static_cast<int>(pick(0, 1) ? bs.a_bits + bs.w_bits + 1 : 32);
        bs.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
        return bs;
      }
      default: {
        pe::IntMacSpec im;
        im.a_bits = static_cast<int>(pick(2, 8));
        im.w_bits = static_cast<int>(pick(2, 8));
        im.acc_bits = static_cast<int>(
            pick(0, 1) ? pick(im.a_bits + im.w_bits, im.a_bits + im.w_bits + 3) : 32);
        im.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
        return im;
      }
    }
  }

  // Ideal memory a third of the time, else small buffers and a slow DRAM (stalls, spills).
  void memory(arch::MemorySpec& m) {
    auto& pick = *this;
    if (pick(0, 2) == 0) return;
    m.kind = arch::MemoryKind::Buffered;
    for (arch::BufferSpec* b : {&m.ifmap, &m.filter, &m.ofmap}) {
      b->capacity_bytes = pick(64, 4096);
      b->bytes_per_cycle = pick(1, 32);
      b->double_buffered = pick(0, 1) != 0;
    }
    m.dram.bytes_per_cycle = pick(1, 32);
    m.dram.latency_cycles = pick(0, 60);
  }

  // Shapes often smaller than the array, often not multiples of it, sometimes a GEMV.
  workloads::Gemm gemm() {
    auto& pick = *this;
    workloads::Gemm g;
    g.name = "layer";
    g.m = pick(0, 4) == 0 ? 1 : pick(1, 40);
    g.n = pick(1, 40);
    g.k = pick(1, 40);
    return g;
  }

 private:
  std::mt19937_64& m_rng;  // the test's generator
};

// The CPU golden GEMM of the PE kind (its canonical arithmetic; bitslice: int_mac's), as output
// codes, and its numeric events.
inline std::pair<std::vector<std::int64_t>, std::uint64_t> golden_outputs(
    const pe::PeConfig& pe, const arch::GemmOperands& codes) {
  auto run = [&](const auto& arith) {
    const auto op = arch::prepare_operands(arith, codes);
    std::uint64_t events = 0;
    const auto acc = workloads::golden_gemm(arith, op.m, op.n, op.k, op.a, op.w, &events);
    std::vector<std::int64_t> out;
    for (const auto& v : acc) out.push_back(arith.output(v));
    return std::pair{out, events};
  };
  if (const auto* s = std::get_if<pe::IntMacSpec>(&pe)) return run(pe::IntMacArith(*s));
  if (const auto* s = std::get_if<pe::BitsliceSpec>(&pe)) return run(pe::IntMacArith(*s));
  if (const auto* s = std::get_if<pe::FpMacSpec>(&pe)) return run(pe::FpMacArith(*s));
  if (const auto* s = std::get_if<pe::LmulSpec>(&pe)) return run(pe::LmulArith(*s));
  if (const auto* s = std::get_if<pe::LutTcSpec>(&pe)) {
    return s->activation == pe::LutActivation::Int8 ? run(pe::LutTcInt8Arith(*s))
                                                    : run(pe::LutTcArith(*s));
  }
  const auto& s = std::get<pe::MixpeSpec>(pe);
  return s.variant == pe::MixpeVariant::W4A8 ? run(pe::MixpeW4A8Arith(s))
                                             : run(pe::MixpeW4A16Arith(s));
}

}  // namespace tpesim::testing_support
