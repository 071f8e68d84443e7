// SPDX-License-Identifier: Apache-2.0
// Model vs model: the cycle fidelity (every PE stepped) and the fast fidelity (closed forms and a
// blocked GEMM) agree exactly on cycles, stalls, access counts, activity and outputs, and both
// equal the CPU golden GEMM, over random shapes, arrays, dataflows, timing modes and memories.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "arch/simulate.h"
#include "workloads/golden_gemm.h"

namespace tpesim::arch {
namespace {

struct Case {
  ArchSpec arch;
  workloads::Gemm gemm;
};

// The CPU golden GEMM of the case's PE kind, as output codes, and its numeric events.
std::pair<std::vector<std::int64_t>, std::uint64_t> golden_outputs(const pe::PeConfig& pe,
                                                                   const GemmOperands& codes) {
  return std::visit(
      [&](const auto& spec) {
        using S = std::decay_t<decltype(spec)>;
        auto run = [&](const auto& arith) {
          const auto op = prepare_operands(arith, codes);
          std::uint64_t events = 0;
          const auto acc = workloads::golden_gemm(arith, op.m, op.n, op.k, op.a, op.w, &events);
          std::vector<std::int64_t> out;
          for (const auto& v : acc) out.push_back(arith.output(v));
          return std::pair{out, events};
        };
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) return run(pe::IntMacArith(spec));
        if constexpr (std::is_same_v<S, pe::BitsliceSpec>) return run(pe::IntMacArith(spec));
        if constexpr (std::is_same_v<S, pe::FpMacSpec>) return run(pe::FpMacArith(spec));
        if constexpr (std::is_same_v<S, pe::LmulSpec>) return run(pe::LmulArith(spec));
        if constexpr (std::is_same_v<S, pe::LutTcSpec>) {
          return spec.activation == pe::LutActivation::Int8 ? run(pe::LutTcInt8Arith(spec))
                                                            : run(pe::LutTcArith(spec));
        }
        if constexpr (std::is_same_v<S, pe::MixpeSpec>) {
          return spec.variant == pe::MixpeVariant::W4A8 ? run(pe::MixpeW4A8Arith(spec))
                                                        : run(pe::MixpeW4A16Arith(spec));
        }
      },
      pe);
}

Case random_case(std::mt19937_64& rng, int index) {
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  Case c;
  c.arch.array.rows = static_cast<int>(pick(1, 12));
  c.arch.array.cols = static_cast<int>(pick(1, 12));
  c.arch.array.dataflow = static_cast<Dataflow>(pick(0, 2));
  const pe::FloatFormat formats[] = {pe::kFp16, pe::kBf16, pe::kFp8E4M3, pe::kFp8E5M2};
  switch (pick(0, 6)) {
    case 6: {
      pe::BitsliceSpec bs;
      bs.variant = std::array{pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SerialDigit,
                              pe::BitsliceVariant::Laconic}[static_cast<std::size_t>(pick(0, 2))];
      bs.a_bits = static_cast<int>(pick(2, 8));
      bs.w_bits = static_cast<int>(pick(2, 8));
      bs.acc_bits = static_cast<int>(pick(0, 1) ? bs.a_bits + bs.w_bits + 1 : 32);
      bs.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
      c.arch.array.pe = bs;
      break;
    }
    case 5: {
      pe::LutTcSpec lt;
      lt.w_bits = static_cast<int>(pick(1, 4));
      lt.lut_group = static_cast<int>(pick(2, 4));
      lt.group_size = lt.lut_group * static_cast<int>(pick(1, 4));
      lt.acc_format = pick(0, 1) ? pe::kFp32 : pe::kFp16;
      if (pick(0, 2) == 0) lt.activation = pe::LutActivation::Int8;
      c.arch.array.pe = lt;
      break;
    }
    case 4: {
      pe::MixpeSpec mx;
      mx.variant = pick(0, 1) ? pe::MixpeVariant::W4A8 : pe::MixpeVariant::W4A16;
      mx.group_size = static_cast<int>(pick(1, 16));
      c.arch.array.pe = mx;
      break;
    }
    case 0: {
      pe::FpMacSpec fp;
      fp.a_format = formats[pick(0, 3)];
      fp.w_format = formats[pick(0, 3)];
      fp.out_format = pick(0, 1) ? pe::kFp32 : pe::kBf16;
      c.arch.array.pe = fp;
      break;
    }
    case 1: {
      pe::LmulSpec lm;
      lm.format = formats[pick(0, 3)];
      lm.acc_format = pick(0, 1) ? pe::kFp32 : pe::kBf16;
      c.arch.array.pe = lm;
      break;
    }
    default: {
      pe::IntMacSpec pe;
      pe.a_bits = static_cast<int>(pick(2, 8));
      pe.w_bits = static_cast<int>(pick(2, 8));
      // Narrow accumulators half of the time, so wrap and saturate both really happen.
      pe.acc_bits = static_cast<int>(
          pick(0, 1) ? pick(pe.a_bits + pe.w_bits, pe.a_bits + pe.w_bits + 3) : 32);
      pe.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
      c.arch.array.pe = pe;
    }
  }
  c.arch.run.timing = pick(0, 1) ? TimingMode::Overlap : TimingMode::Scalesim;
  c.arch.run.seed = index;
  c.arch.run.values = true;
  if (pick(0, 2) != 0) {
    c.arch.memory.kind = MemoryKind::Buffered;
    for (BufferSpec* b : {&c.arch.memory.ifmap, &c.arch.memory.filter, &c.arch.memory.ofmap}) {
      b->capacity_bytes = pick(64, 4096);
      b->bytes_per_cycle = pick(1, 32);
      b->double_buffered = pick(0, 1) != 0;
    }
    c.arch.memory.dram.bytes_per_cycle = pick(1, 32);
    c.arch.memory.dram.latency_cycles = pick(0, 60);
  }
  // Shapes: often smaller than the array, often not multiples of it, sometimes a GEMV.
  c.gemm.name = "layer";
  c.gemm.m = pick(0, 4) == 0 ? 1 : pick(1, 40);
  c.gemm.n = pick(1, 40);
  c.gemm.k = pick(1, 40);
  return c;
}

// 240 random cases (int_mac, fp_mac, lmul, mixpe, lut_tc and bitslice): cycles, stalls, access
// counts, MACs, numeric events and outputs all equal, and equal to the golden GEMM.
TEST(FidelityAgreementTest, CycleEqualsFastOnRandomCases) {
  std::mt19937_64 rng(20261123);
  std::map<std::string, int> kinds;  // cases per PE kind
  for (int i = 0; i < 240; ++i) {
    Case c = random_case(rng, i);
    SCOPED_TRACE(::testing::Message()
                 << "case " << i << ": " << c.gemm.m << "x" << c.gemm.n << "x" << c.gemm.k << " on "
                 << c.arch.array.rows << "x" << c.arch.array.cols << " "
                 << enum_name(c.arch.array.dataflow) << " " << enum_name(c.arch.run.timing) << " "
                 << enum_name(c.arch.memory.kind));
    const GemmOperands op = make_operands(c.arch, c.gemm, i);
    c.arch.run.fidelity = Fidelity::Fast;
    const LayerRun fast = simulate_layer(c.arch, c.gemm, i, &op);
    c.arch.run.fidelity = Fidelity::Cycle;
    const LayerRun cycle = simulate_layer(c.arch, c.gemm, i, &op);
    EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
    EXPECT_EQ(fast.stats.stall_cycles, cycle.stats.stall_cycles);
    EXPECT_EQ(fast.stats.compute_cycles, cycle.stats.compute_cycles);
    EXPECT_EQ(fast.stats.access, cycle.stats.access);
    EXPECT_EQ(fast.stats.macs, cycle.stats.macs);
    EXPECT_EQ(fast.stats.overflows, cycle.stats.overflows);
    EXPECT_EQ(fast.outputs, cycle.outputs);
    const auto [golden, golden_events] = golden_outputs(c.arch.array.pe, op);
    ASSERT_EQ(golden, cycle.outputs) << pe::pe_kind_name(c.arch.array.pe);
    EXPECT_EQ(golden_events, cycle.stats.overflows);
    EXPECT_EQ(cycle.stats.macs, c.gemm.m * c.gemm.n * c.gemm.k);
    EXPECT_EQ(fast.stats.utilization, cycle.stats.utilization);
    ++kinds[pe::pe_kind_name(c.arch.array.pe)];
  }
  EXPECT_GT(kinds["int_mac"], 50);
  EXPECT_GT(kinds["fp_mac"], 20);
  EXPECT_GT(kinds["lmul"], 20);
  EXPECT_GT(kinds["mixpe"], 20);
  EXPECT_GT(kinds["lut_tc"], 20);
  EXPECT_GT(kinds["bitslice"], 20);
}

// The random cases above really exercise overflow and memory stalls (the test can fail).
TEST(FidelityAgreementTest, CasesCoverOverflowAndStalls) {
  std::mt19937_64 rng(20261123);
  int overflowing = 0, stalled = 0;
  for (int i = 0; i < 240; ++i) {
    Case c = random_case(rng, i);
    const LayerRun r = simulate_layer(c.arch, c.gemm, i);
    overflowing += r.stats.overflows > 0;
    stalled += r.stats.stall_cycles > 0;
  }
  EXPECT_GT(overflowing, 15);
  EXPECT_GT(stalled, 40);
}

}  // namespace
}  // namespace tpesim::arch
