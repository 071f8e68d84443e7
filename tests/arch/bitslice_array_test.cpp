// SPDX-License-Identifier: Apache-2.0
// bitslice in the systolic array: int_mac values in every dataflow at both fidelities, and the
// data-dependent stream slots of serial_digit and laconic, which the cycle model checks PE by PE.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <random>

#include "arch/simulate.h"
#include "workloads/golden_gemm.h"

namespace tpesim::arch {
namespace {

ArchSpec slice_arch(pe::BitsliceVariant variant, Dataflow df, int rows, int cols) {
  ArchSpec a;
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = df;
  pe::BitsliceSpec spec;
  spec.variant = variant;
  a.array.pe = spec;
  a.run.values = true;
  a.run.verify = true;
  return a;
}

// 1 x 1 output-stationary PE, laconic, K = 3: a = (3, 0, -86), w = (7, 5, -128).
// Booth terms: 3 -> 2, 0 -> 0, -86 -> 4; 7 -> 2, 5 -> 2, -128 -> 1. Slots: max(1, 2*2) = 4,
// max(1, 0) = 1, max(1, 4*1) = 4, so the elements enter at 0, 4, 5 and the port is free at 9.
// The output leaves one cycle after the last element enters (cycle 5, so end = 6), and the PE is
// busy to the end of the last slot: 9 cycles.
TEST(BitsliceArrayTest, LaconicSlotsByHand) {
  ArchSpec a = slice_arch(pe::BitsliceVariant::Laconic, Dataflow::Os, 1, 1);
  const workloads::Gemm g{"g", 1, 1, 3, 1};
  GemmOperands op;
  op.m = 1, op.n = 1, op.k = 3;
  op.a = {3, 0, -86};
  op.w = {7, 5, -128};
  const LayerSchedule plan = plan_layer(a, g, &op);
  ASSERT_EQ(plan.offsets.size(), 1u);
  EXPECT_EQ(plan.offsets[0], (StreamOffsets{0, 4, 5, 9}));
  EXPECT_EQ(plan.times[0].end, 6);
  EXPECT_EQ(plan.cycles, 9);
  EXPECT_EQ(plan.busy_pe_cycles, 9);
  for (Fidelity f : {Fidelity::Fast, Fidelity::Cycle}) {
    a.run.fidelity = f;
    const LayerRun run = simulate_layer(a, g, 0, &op);
    EXPECT_EQ(run.stats.cycles, 9);
    EXPECT_DOUBLE_EQ(run.stats.utilization, 1.0);
    ASSERT_EQ(run.outputs.size(), 1u);
    EXPECT_EQ(run.outputs[0], 3 * 7 + 0 * 5 + (-86) * (-128));
  }
}

// serial_digit in a systolic PE steps one lane: one cycle per bit weight at least, so every
// element's slot is ceil(a_bits / 2) cycles whatever the data.
TEST(BitsliceArrayTest, SerialDigitSingleLaneSlotsAreOneCyclePerBitWeight) {
  ArchSpec a = slice_arch(pe::BitsliceVariant::SerialDigit, Dataflow::Ws, 4, 3);
  const workloads::Gemm g{"g", 7, 5, 6, 1};
  const GemmOperands op = make_operands(a, g, 0);
  const LayerSchedule plan = plan_layer(a, g, &op);
  for (const StreamOffsets& o : plan.offsets) {
    for (std::size_t e = 0; e + 1 < o.size(); ++e) EXPECT_EQ(o[e + 1] - o[e], 4);
  }
}

// Every variant that runs in a systolic array, every dataflow, random shapes, memories and
// timing modes: both fidelities give the same cycles, access counts and outputs, equal to the
// int_mac golden GEMM (run.verify), and the cycle model's PE-by-PE slot check passes.
TEST(BitsliceArrayTest, FidelitiesAgreeOnRandomCases) {
  std::mt19937_64 rng(7);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  int data_dependent = 0;
  for (int i = 0; i < 90; ++i) {
    const auto variant = std::array{pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SerialDigit,
                                    pe::BitsliceVariant::Laconic}[static_cast<std::size_t>(i % 3)];
    ArchSpec a = slice_arch(variant, static_cast<Dataflow>(pick(0, 2)),
                            static_cast<int>(pick(1, 9)), static_cast<int>(pick(1, 9)));
    auto& spec = std::get<pe::BitsliceSpec>(a.array.pe);
    spec.a_bits = static_cast<int>(pick(2, 8));
    spec.w_bits = static_cast<int>(pick(2, 8));
    spec.acc_bits = static_cast<int>(pick(0, 1) ? spec.a_bits + spec.w_bits + 1 : 32);
    spec.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
    a.run.seed = i;
    a.run.timing = pick(0, 3) == 0 ? TimingMode::Scalesim : TimingMode::Overlap;
    if (pick(0, 1)) {
      a.memory.kind = MemoryKind::Buffered;
      a.memory.dram.bytes_per_cycle = pick(1, 16);
      a.memory.dram.latency_cycles = pick(0, 40);
      for (BufferSpec* b : {&a.memory.ifmap, &a.memory.filter, &a.memory.ofmap}) {
        b->capacity_bytes = pick(64, 2048);
        b->bytes_per_cycle = pick(1, 16);
      }
    }
    const workloads::Gemm g{"g", pick(1, 24), pick(1, 24), pick(1, 24), 1};
    SCOPED_TRACE(::testing::Message()
                 << "case " << i << " " << enum_name(variant) << " " << enum_name(a.array.dataflow)
                 << " " << g.m << "x" << g.n << "x" << g.k << " on " << a.array.rows << "x"
                 << a.array.cols);
    const GemmOperands op = make_operands(a, g, i);
    a.run.fidelity = Fidelity::Fast;
    const LayerRun fast = simulate_layer(a, g, i, &op);
    a.run.fidelity = Fidelity::Cycle;
    const LayerRun cycle = simulate_layer(a, g, i, &op);
    EXPECT_TRUE(fast.stats.verified);
    EXPECT_TRUE(cycle.stats.verified);
    EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
    EXPECT_EQ(fast.stats.stall_cycles, cycle.stats.stall_cycles);
    EXPECT_EQ(fast.stats.access, cycle.stats.access);
    EXPECT_EQ(fast.stats.overflows, cycle.stats.overflows);
    EXPECT_EQ(fast.stats.pe_busy_cycles, cycle.stats.pe_busy_cycles);
    EXPECT_EQ(fast.outputs, cycle.outputs);
    EXPECT_LE(cycle.stats.utilization, 1.0);
    data_dependent += pe::data_dependent(spec) ? 1 : 0;
  }
  EXPECT_EQ(data_dependent, 60);
}

// Laconic takes longer on dense operands than on sparse ones of the same shape; booth_csa does
// not care.
TEST(BitsliceArrayTest, LaconicCyclesFollowTermDensity) {
  const workloads::Gemm g{"g", 16, 8, 8, 1};
  auto cycles = [&](pe::BitsliceVariant v, std::int32_t a_value, std::int32_t w_value) {
    ArchSpec a = slice_arch(v, Dataflow::Ws, 8, 8);
    GemmOperands op;
    op.m = g.m, op.n = g.n, op.k = g.k;
    op.a.assign(static_cast<std::size_t>(g.m * g.k), a_value);
    op.w.assign(static_cast<std::size_t>(g.k * g.n), w_value);
    return simulate_layer(a, g, 0, &op).stats.cycles;
  };
  // 1: one Booth term; -86: four.
  const auto sparse = cycles(pe::BitsliceVariant::Laconic, 1, 1);
  const auto dense = cycles(pe::BitsliceVariant::Laconic, -86, -86);
  EXPECT_LT(sparse, dense);
  EXPECT_EQ(cycles(pe::BitsliceVariant::BoothCsa, 1, 1),
            cycles(pe::BitsliceVariant::BoothCsa, -86, -86));
  // Every slot of the dense case is 16 cycles: 16 elements, so the stream alone is 256 cycles.
  EXPECT_GE(dense, 16 * 16);
}

ArchSpec tree_arch(pe::BitsliceVariant variant, int k_lanes, int columns) {
  ArchSpec a = slice_arch(variant, Dataflow::Ws, k_lanes, columns);
  a.array.kind = ArrayKind::AdderTree;
  return a;
}

// OPT4C-style column: 2 columns of 4 lanes, serial_digit. Row a = (127, 1, 0, -128) has EN-T
// digits (-1,0,0,2), (1,0,0,0), 0, (0,0,0,-2): non-zero per bit weight 2, 0, 0, 2, so the step
// takes 2 + 1 + 1 + 2 = 6 cycles (one per non-zero partial product, at least one per bit
// weight). Weights load in cycles 0-3, the row arrives at 4, the products latch at the end of
// 4 + 6 - 1 = 9, the two tree levels at 10 and 11, the accumulator at 12: 13 cycles (8 with
// one-cycle booth_csa steps).
TEST(BitsliceArrayTest, SerialDigitColumnByHand) {
  const workloads::Gemm g{"g", 1, 2, 4, 1};
  GemmOperands op;
  op.m = 1, op.n = 2, op.k = 4;
  op.a = {127, 1, 0, -128};
  op.w = {3, -3, 5, -5, 7, -7, 9, -9};
  for (auto [variant, cycles] : {std::pair{pe::BitsliceVariant::SerialDigit, 13},
                                 std::pair{pe::BitsliceVariant::BoothCsa, 8}}) {
    ArchSpec a = tree_arch(variant, 4, 2);
    for (Fidelity f : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = f;
      const LayerRun run = simulate_layer(a, g, 0, &op);
      EXPECT_EQ(run.stats.cycles, cycles) << enum_name(variant);
      EXPECT_EQ(run.outputs,
                (std::vector<std::int64_t>{127 * 3 + 5 - 128 * 9, -(127 * 3 + 5 - 128 * 9)}));
    }
  }
}

// Every variant on adder trees of random shapes, both activation deliveries, ideal and buffered
// memory: the fidelities agree, outputs equal the int_mac golden GEMM, and the cycle model's
// per-column step costs reproduce every row's slot.
TEST(BitsliceArrayTest, AdderTreeFidelitiesAgreeOnRandomCases) {
  std::mt19937_64 rng(11);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 80; ++i) {
    const auto variant = std::array{pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SameBwTree,
                                    pe::BitsliceVariant::SerialDigit,
                                    pe::BitsliceVariant::Laconic}[static_cast<std::size_t>(i % 4)];
    ArchSpec a = tree_arch(variant, static_cast<int>(pick(1, 8)), static_cast<int>(pick(1, 8)));
    auto& spec = std::get<pe::BitsliceSpec>(a.array.pe);
    spec.a_bits = static_cast<int>(pick(2, 8));
    spec.w_bits = static_cast<int>(pick(2, 8));
    spec.digit_group = static_cast<int>(pick(1, 4));
    a.array.tree_stages_per_level = static_cast<int>(pick(0, 2));
    a.array.activation = pick(0, 1) ? TreeActivation::Forward : TreeActivation::Broadcast;
    a.run.seed = i;
    if (pick(0, 1)) {
      a.memory.kind = MemoryKind::Buffered;
      a.memory.dram.bytes_per_cycle = pick(1, 16);
      a.memory.dram.latency_cycles = pick(0, 40);
    }
    const workloads::Gemm g{"g", pick(1, 20), pick(1, 20), pick(1, 20), 1};
    SCOPED_TRACE(::testing::Message() << "case " << i << " " << enum_name(variant) << " " << g.m
                                      << "x" << g.n << "x" << g.k);
    const GemmOperands op = make_operands(a, g, i);
    a.run.fidelity = Fidelity::Fast;
    const LayerRun fast = simulate_layer(a, g, i, &op);
    a.run.fidelity = Fidelity::Cycle;
    const LayerRun cycle = simulate_layer(a, g, i, &op);
    EXPECT_TRUE(cycle.stats.verified);
    EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
    EXPECT_EQ(fast.stats.access, cycle.stats.access);
    EXPECT_EQ(fast.stats.pe_busy_cycles, cycle.stats.pe_busy_cycles);
    EXPECT_EQ(fast.outputs, cycle.outputs);
    EXPECT_LE(cycle.stats.utilization, 1.0);
  }
}

// Edge operands only (min, -1, 0, 1, max of each width) into the narrowest legal accumulator:
// sums overflow on almost every step, and every variant, array and dataflow still equals the
// int_mac golden GEMM (run.verify), wrapping or saturating, at both fidelities.
TEST(BitsliceArrayTest, EdgeOperandsOverflowLikeIntMac) {
  std::mt19937_64 rng(5);
  int cases = 0;
  for (auto variant : {pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SameBwTree,
                       pe::BitsliceVariant::SerialDigit, pe::BitsliceVariant::Laconic}) {
    for (int array = 0; array < 4; ++array) {  // adder tree, then ws / os / is
      if (array > 0 && variant == pe::BitsliceVariant::SameBwTree) continue;
      for (auto overflow : {pe::Overflow::Wrap, pe::Overflow::Saturate}) {
        ArchSpec a = array == 0 ? tree_arch(variant, 3, 4)
                                : slice_arch(variant, static_cast<Dataflow>(array - 1), 3, 4);
        auto& spec = std::get<pe::BitsliceSpec>(a.array.pe);
        spec.a_bits = 5;
        spec.w_bits = 7;
        spec.acc_bits = 12;
        spec.overflow = overflow;
        const workloads::Gemm g{"g", 7, 6, 11, 1};
        GemmOperands op;
        op.m = g.m, op.n = g.n, op.k = g.k;
        const std::int32_t a_edges[] = {-16, -1, 0, 1, 15}, w_edges[] = {-64, -1, 0, 1, 63};
        for (std::int64_t i = 0; i < g.m * g.k; ++i) op.a.push_back(a_edges[rng() % 5]);
        for (std::int64_t i = 0; i < g.k * g.n; ++i) op.w.push_back(w_edges[rng() % 5]);
        std::uint64_t overflows[2] = {0, 0};
        for (int fid = 0; fid < 2; ++fid) {
          a.run.fidelity = fid == 0 ? Fidelity::Fast : Fidelity::Cycle;
          const LayerRun run = simulate_layer(a, g, 0, &op);
          ASSERT_TRUE(run.stats.verified);
          overflows[fid] = run.stats.overflows;
        }
        EXPECT_EQ(overflows[0], overflows[1]);
        EXPECT_GT(overflows[0], 0u);
        ++cases;
      }
    }
  }
  EXPECT_EQ(cases, 26);
}

// same_bw_tree needs an adder tree; digit_group belongs to serial_digit; acc_bits must hold a
// product. All reported at once, at their line:col.
TEST(BitsliceArrayTest, ConfigErrorsAreLocated) {
  ConfigDoc doc = ConfigDoc::from_string(
      "array:\n  kind: systolic\n  pe:\n    kind: bitslice\n    variant: same_bw_tree\n"
      "    digit_group: 2\n    acc_bits: 12\n",
      "bs.yaml");
  try {
    bind_arch(doc);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    std::vector<std::string> got;
    for (const auto& d : e.diagnostics()) {
      got.push_back(fmt::format("{}:{}: {}: {}", d.loc.line, d.loc.col, d.path, d.message));
    }
    EXPECT_EQ(got, (std::vector<std::string>{
                       "5:14: array.pe.variant: same_bw_tree sums a column's same-bit-weight "
                       "partial products in an adder tree; it needs array kind adder_tree",
                       "6:5: array.pe.digit_group: applies only to variant: serial_digit",
                       "7:15: array.pe.acc_bits: must be >= a_bits + w_bits (16) to hold one "
                       "product"}));
  }
}

}  // namespace
}  // namespace tpesim::arch
