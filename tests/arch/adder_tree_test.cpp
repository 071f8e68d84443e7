// SPDX-License-Identifier: Apache-2.0
// The multiplier-adder-tree array (`array.kind: adder_tree`): cycle counts worked out by hand from
// the pipeline, the cycle fidelity (stepped registers) against the fast fidelity (closed forms,
// blocked GEMM) on random shapes, PE kinds, tree shapes and memories, the golden GEMM, two-phase
// evaluation order, the model's own checks, and the config binding of the kind.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>

#include "arch/adder_tree_cycle.h"
#include "arch/adder_tree_timing.h"
#include "arch/simulate.h"
#include "sim/core/errors.h"
#include "tests/support/random_cases.h"
#include "workloads/golden_gemm.h"

namespace tpesim::arch {
namespace {

ArchSpec tree_arch(int columns, int k_lanes, int stages, TreeActivation activation,
                   pe::PeConfig pe = pe::IntMacSpec{}) {
  ArchSpec a;
  a.array.kind = ArrayKind::AdderTree;
  a.array.cols = columns;
  a.array.rows = k_lanes;
  a.array.tree_stages_per_level = stages;
  a.array.activation = activation;
  a.array.pe = pe;
  return a;
}

// Runs one layer at both fidelities; they must agree on every counter and output.
std::pair<LayerRun, LayerRun> run_both(ArchSpec a, const workloads::Gemm& g,
                                       const GemmOperands& op) {
  a.run.values = true;
  a.run.fidelity = Fidelity::Fast;
  LayerRun fast = simulate_layer(a, g, 0, &op);
  a.run.fidelity = Fidelity::Cycle;
  LayerRun cycle = simulate_layer(a, g, 0, &op);
  EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
  EXPECT_EQ(fast.stats.compute_cycles, cycle.stats.compute_cycles);
  EXPECT_EQ(fast.stats.stall_cycles, cycle.stats.stall_cycles);
  EXPECT_EQ(fast.stats.access, cycle.stats.access);
  EXPECT_EQ(fast.stats.macs, cycle.stats.macs);
  EXPECT_EQ(fast.stats.overflows, cycle.stats.overflows);
  EXPECT_EQ(fast.stats.utilization, cycle.stats.utilization);
  EXPECT_EQ(fast.outputs, cycle.outputs);
  return {std::move(fast), std::move(cycle)};
}

using testing_support::golden_outputs;

// ---------------------------------------------------------------------------------------------
// Worked by hand

// M=1, K=4, N=2 on 2 columns x 4 lanes, int8 MACs: a = [1 2 3 4], W = [[1 -1] [2 -2] [3 5] [4 7]].
// Cycle 0..3: the write port writes k rows 0..3 into the shadow files (one per cycle). Cycle 4:
// the row arrives (broadcast), swaps the weights in, the multipliers latch 4 products. The
// 4-lane tree has 2 levels; one register stage each latches at the end of cycles 5 and 6; the
// accumulator latches at the end of cycle 7: 8 cycles. Forwarding delays column 1 by one cycle
// (9); a combinational tree removes the 2 tree stages (6); 2 stages per level add 2 (10).
TEST(AdderTreeTest, OneRowOneFoldByHand) {
  GemmOperands op;
  op.m = 1, op.k = 4, op.n = 2;
  op.a = {1, 2, 3, 4};
  op.w = {1, -1, 2, -2, 3, 5, 4, 7};
  const workloads::Gemm g{"g", 1, 2, 4, 1};
  const std::vector<std::int64_t> expected = {1 + 4 + 9 + 16, -1 - 4 + 15 + 28};
  struct Variant {
    int stages;
    TreeActivation activation;
    std::int64_t cycles;
  };
  for (const Variant v :
       {Variant{1, TreeActivation::Broadcast, 8}, Variant{1, TreeActivation::Forward, 9},
        Variant{0, TreeActivation::Broadcast, 6}, Variant{2, TreeActivation::Broadcast, 10}}) {
    SCOPED_TRACE(::testing::Message() << v.stages << " stage(s) " << enum_name(v.activation));
    const auto [fast, cycle] = run_both(tree_arch(2, 4, v.stages, v.activation), g, op);
    EXPECT_EQ(cycle.stats.cycles, v.cycles);
    EXPECT_EQ(cycle.stats.stall_cycles, 0);
    EXPECT_EQ(cycle.outputs, expected);
    EXPECT_EQ(cycle.stats.macs, 8);
    // 8 multiplier-cycles busy out of cycles x 8 multipliers.
    EXPECT_DOUBLE_EQ(cycle.stats.utilization, 8.0 / (static_cast<double>(v.cycles) * 8));
  }
}

// M=3, K=8, N=2 on 2 x 4 (one stage per level, broadcast): two chained K folds.
// Fold 0: load 0..3, rows at 4, 5, 6, outputs latched 4 cycles after each: end 10.
// Fold 1: its load waits until fold 0's first row swapped the shadow in (cycle 4) and the port is
// free (4): cycles 4..7; rows at 8, 9, 10 (the port was free from 7); end 14. Row 0's partial sum
// was written at the end of cycle 7 and is read back by the accumulator in cycle 11.
TEST(AdderTreeTest, ChainedKFoldsByHand) {
  const ArchSpec a = tree_arch(2, 4, 1, TreeActivation::Broadcast);
  const workloads::Gemm g{"g", 3, 2, 8, 1};
  const LayerSchedule plan = plan_layer(a, g);
  ASSERT_EQ(plan.times.size(), 2u);
  EXPECT_EQ(plan.times[0].load_start, 0);
  EXPECT_EQ(plan.times[0].stream_start, 4);
  EXPECT_EQ(plan.times[0].end, 10);
  EXPECT_EQ(plan.times[1].load_start, 4);
  EXPECT_EQ(plan.times[1].stream_start, 8);
  EXPECT_EQ(plan.times[1].end, 14);
  const GemmOperands op = make_operands(a, g, 0);
  const auto [fast, cycle] = run_both(a, g, op);
  EXPECT_EQ(cycle.stats.cycles, 14);
  EXPECT_EQ(cycle.outputs, golden_outputs(a.array.pe, op).first);
  // Partial sums: 3 x 2 written by each fold, read back by the second.
  EXPECT_EQ(cycle.stats.access.ofmap.sram_writes, 12);
  EXPECT_EQ(cycle.stats.access.ofmap.sram_reads, 6 + 6);  // read back + drained to DRAM
}

// A GEMV is bound by the weight write port: M=1, K=8, N=2 on 2 x 4. Fold 1's load may start only
// when fold 0's row swapped the shadow in (cycle 4), so its row streams at 8: end 8 + 4 = 12.
TEST(AdderTreeTest, GemvIsBoundByTheWeightLoad) {
  const ArchSpec a = tree_arch(2, 4, 1, TreeActivation::Broadcast);
  const workloads::Gemm g{"g", 1, 2, 8, 1};
  const auto [fast, cycle] = run_both(a, g, make_operands(a, g, 0));
  EXPECT_EQ(cycle.stats.cycles, 12);
}

// lut_tc with 2-bit weights: a step takes II = 2 cycles (bit planes). M=2, K=16 (4 LUT groups of
// 4) on 2 columns x 4 lanes: rows at 4 and 6; the multipliers of row 1 latch at the end of cycle 7,
// two tree stages (8, 9), the accumulator at the end of cycle 10: 11 cycles.
TEST(AdderTreeTest, MultiCycleStepsByHand) {
  pe::LutTcSpec lut;
  lut.w_bits = 2;
  lut.lut_group = 4;
  lut.group_size = 8;
  const ArchSpec a = tree_arch(2, 4, 1, TreeActivation::Broadcast, lut);
  const workloads::Gemm g{"g", 2, 2, 16, 1};
  const GemmOperands op = make_operands(a, g, 0);
  const auto [fast, cycle] = run_both(a, g, op);
  EXPECT_EQ(cycle.stats.cycles, 11);
  EXPECT_EQ(cycle.outputs, golden_outputs(a.array.pe, op).first);
  EXPECT_EQ(cycle.stats.macs, 2 * 2 * 16);
}

// The shipped 64 x 16 int8 tree on SCALE-Sim's 64^3 calibration GEMM: 4 K folds of 16 lanes.
// Fold f streams 64 rows from S_f = 16 + 64 f (fold 0 after its 16-cycle load, then back to back
// as the port frees); the 16-lane tree has 4 levels, so the last output ends at
// S_3 + 64 + 4 + 1 = 277. Forwarding: a fold's tile may be written only after the previous
// fold's first row reached column 63, so S_f = 16 + 79 f, and the last output leaves column 63 at
// S_3 + 64 + 5 + 63 = 385.
TEST(AdderTreeTest, ShippedConfigOnGemm64) {
  ArchSpec a =
      load_arch(std::string(TPESIM_SOURCE_DIR) + "/configs/arch/adder_tree_int8_64x16.yaml");
  EXPECT_EQ(a.array.kind, ArrayKind::AdderTree);
  const workloads::Gemm g{"gemm64", 64, 64, 64, 1};
  const GemmOperands op = make_operands(a, g, 0);
  auto [fast, cycle] = run_both(a, g, op);
  EXPECT_EQ(cycle.stats.cycles, 277);
  EXPECT_EQ(cycle.outputs, golden_outputs(a.array.pe, op).first);
  EXPECT_DOUBLE_EQ(cycle.stats.utilization, 64.0 * 64 * 64 / (277.0 * 64 * 16));
  a.array.activation = TreeActivation::Forward;
  EXPECT_EQ(run_both(a, g, op).second.stats.cycles, 385);
}

// The levels of the tree: ceil(log2(k_lanes)).
TEST(AdderTreeTest, TreeLevels) {
  const workloads::Gemm g{"g", 1, 1, 1, 1};
  const std::pair<int, int> cases[] = {{1, 0}, {2, 1}, {3, 2}, {4, 2}, {5, 3}, {16, 4}, {17, 5}};
  for (const auto& [lanes, levels] : cases) {
    const ArchSpec a = tree_arch(1, lanes, 3, TreeActivation::Broadcast);
    const AdderTreeTiming t(a.array, adder_tree_geometry(a.array, g));
    EXPECT_EQ(t.tree_levels(), levels) << lanes;
    EXPECT_EQ(t.tree_stages(), 3 * levels) << lanes;
  }
}

// ---------------------------------------------------------------------------------------------
// Fidelity agreement

struct Case {
  ArchSpec arch;
  workloads::Gemm gemm;
};

Case random_case(std::mt19937_64& rng, int index) {
  testing_support::CasePicker pick(rng);
  const pe::PeConfig pe = pick.pe_kind(true);
  Case c;
  c.arch = tree_arch(static_cast<int>(pick(1, 12)), static_cast<int>(pick(1, 12)),
                     static_cast<int>(pick(0, 3)),
                     pick(0, 1) ? TreeActivation::Forward : TreeActivation::Broadcast, pe);
  c.arch.run.seed = index;
  pick.memory(c.arch.memory);
  c.gemm = pick.gemm();
  return c;
}

std::string describe(const Case& c, int i) {
  const ArraySpec& a = c.arch.array;
  return fmt::format("case {}: {}x{}x{} on {} columns x {} lanes, {} stage(s), {}, {}, {}", i,
                     c.gemm.m, c.gemm.n, c.gemm.k, a.columns(), a.k_lanes(),
                     a.tree_stages_per_level, enum_name(a.activation), pe::pe_kind_name(a.pe),
                     enum_name(c.arch.memory.kind));
}

// 200 random cases over the five PE kinds: cycles, stalls, access counts, MACs, numeric events and
// outputs agree between the fidelities and with the golden GEMM; the access counts are the
// fold tiles': A's K tile per column fold, W once, outputs per K fold with read-back.
TEST(AdderTreeTest, CycleEqualsFastOnRandomCases) {
  std::mt19937_64 rng(20261205);
  std::map<std::string, int> kinds;  // cases per PE kind
  for (int i = 0; i < 200; ++i) {
    const Case c = random_case(rng, i);
    SCOPED_TRACE(describe(c, i));
    const GemmOperands op = make_operands(c.arch, c.gemm, i);
    const auto [fast, cycle] = run_both(c.arch, c.gemm, op);
    const auto [golden, golden_events] = golden_outputs(c.arch.array.pe, op);
    ASSERT_EQ(golden, cycle.outputs);
    EXPECT_EQ(golden_events, cycle.stats.overflows);
    EXPECT_EQ(cycle.stats.macs, c.gemm.m * c.gemm.n * c.gemm.k);
    const std::int64_t lanes = c.arch.array.k_lanes(), columns = c.arch.array.columns();
    const std::int64_t ks = pe::array_k(c.arch.array.pe, c.gemm.k);  // steps of the reduction
    const std::int64_t k_folds = (ks + lanes - 1) / lanes;
    const std::int64_t n_folds = (c.gemm.n + columns - 1) / columns;
    const AccessCounts& acc = cycle.stats.access;
    EXPECT_EQ(acc.ifmap.sram_reads, n_folds * c.gemm.m * ks);
    EXPECT_EQ(acc.filter.sram_reads, ks * c.gemm.n);
    EXPECT_EQ(acc.ofmap.sram_writes - acc.ofmap.dram_reads,  // minus spilled partial sums
              k_folds * c.gemm.m * c.gemm.n);
    ++kinds[pe::pe_kind_name(c.arch.array.pe)];
  }
  for (const char* kind : {"int_mac", "fp_mac", "lmul", "mixpe", "lut_tc", "bitslice"}) {
    EXPECT_GT(kinds[kind], 20) << kind;
  }
}

// The random cases really exercise overflow, memory stalls, partial-sum spills, multi-cycle steps
// and every tree shape (the test above can fail).
TEST(AdderTreeTest, RandomCasesCoverOverflowStallsAndShapes) {
  std::mt19937_64 rng(20261205);
  int overflowing = 0, stalled = 0, spilled = 0, multi_cycle = 0, combinational = 0, forward = 0;
  for (int i = 0; i < 200; ++i) {
    const Case c = random_case(rng, i);
    ArchSpec a = c.arch;
    a.run.values = true;
    const LayerRun r = simulate_layer(a, c.gemm, i);
    overflowing += r.stats.overflows > 0;
    stalled += r.stats.stall_cycles > 0;
    spilled += r.stats.access.ofmap.dram_reads > 0;
    multi_cycle += pe::initiation_interval(a.array.pe) > 1;
    combinational += a.array.tree_stages_per_level == 0;
    forward += a.array.activation == TreeActivation::Forward;
  }
  EXPECT_GT(overflowing, 15);
  EXPECT_GT(stalled, 40);
  EXPECT_GT(spilled, 5);
  EXPECT_GT(multi_cycle, 15);
  EXPECT_GT(combinational, 25);
  EXPECT_GT(forward, 60);
}

// --verify runs the golden GEMM inside simulate_layer and checks every output.
TEST(AdderTreeTest, VerifyPasses) {
  ArchSpec a =
      tree_arch(5, 3, 2, TreeActivation::Forward, pe::IntMacSpec{8, 8, 16, pe::Overflow::Saturate});
  a.run.verify = true;
  a.run.fidelity = Fidelity::Cycle;
  const LayerRun r = simulate_layer(a, workloads::Gemm{"g", 13, 11, 17, 1}, 0);
  EXPECT_TRUE(r.stats.verified);
  EXPECT_GT(r.stats.overflows, 0u);
}

// ---------------------------------------------------------------------------------------------
// The stepped model itself

struct Stepped {
  ArchSpec arch;
  workloads::Gemm gemm;
  LayerSchedule plan;
  GemmOperands codes;
  std::int64_t until = 0;

  Stepped(ArchSpec a, workloads::Gemm g)
      : arch(std::move(a)),
        gemm(std::move(g)),
        plan(plan_layer(arch, gemm)),
        codes(make_operands(arch, gemm, 0)) {
    for (const FoldTimes& t : plan.times) until = std::max(until, t.end);
  }
  CycleRunResult<pe::IntMacArith> run(const ColumnOrder& order = {}) const {
    const pe::IntMacArith arith(std::get<pe::IntMacSpec>(arch.array.pe));
    return run_adder_tree_array(arith, AdderTreeTiming(arch.array, plan.geometry),
                                prepare_operands(arith, codes), plan.folds, plan.times, until,
                                order);
  }
};

// Shuffled and reversed column orders give identical results: evaluation reads only committed
// registers (the forwarded activations, the ofmap buffer's partial sums).
TEST(AdderTreeTest, ColumnEvaluationOrderDoesNotMatter) {
  std::mt19937_64 rng(7);
  for (TreeActivation act : {TreeActivation::Broadcast, TreeActivation::Forward}) {
    const Stepped s(tree_arch(7, 5, 1, act, pe::IntMacSpec{8, 8, 20, pe::Overflow::Saturate}),
                    workloads::Gemm{"g", 9, 19, 23, 1});
    ColumnOrder natural(7);
    std::iota(natural.begin(), natural.end(), 0);
    const auto reference = s.run(natural);
    const pe::IntMacArith arith(std::get<pe::IntMacSpec>(s.arch.array.pe));
    ASSERT_EQ(reference.out, workloads::golden_gemm(arith, 9, 19, 23, s.codes.a, s.codes.w));
    std::vector<ColumnOrder> orders = {ColumnOrder(natural.rbegin(), natural.rend())};
    for (int i = 0; i < 4; ++i) {
      orders.push_back(natural);
      std::shuffle(orders.back().begin(), orders.back().end(), rng);
    }
    for (const ColumnOrder& order : orders) {
      const auto r = s.run(order);
      EXPECT_EQ(r.out, reference.out);
      EXPECT_EQ(r.fold_end, reference.fold_end);
      EXPECT_EQ(r.activity, reference.activity);
    }
  }
}

// The message of the ModelError `run` raises ("" if none).
template <class Run>
std::string model_error(const Run& run) {
  try {
    run();
  } catch (const ModelError& e) {
    return e.what();
  }
  return "";
}

// A schedule that disagrees with the hardware is caught: streaming a fold before its weight tile
// is written, two folds' rows overlapping on the activation port, a tile due while the write
// port is busy, or a fold claiming another end than its outputs all raise ModelError.
TEST(AdderTreeTest, BrokenSchedulesAreModelErrors) {
  const Stepped good(tree_arch(3, 4, 1, TreeActivation::Forward),
                     workloads::Gemm{"g", 6, 5, 12, 1});
  ASSERT_EQ(good.plan.times.size(), 6u);
  EXPECT_NO_THROW(good.run());
  {
    Stepped s = good;  // fold 0 streams one cycle before its tile's last k row is written
    s.plan.times[0].stream_start -= 1;
    EXPECT_NE(model_error([&] { s.run(); }).find("met a weight of another fold's tile at cycle 3"),
              std::string::npos);
  }
  {
    Stepped s = good;  // fold 1's rows collide with fold 0's on the activation port
    s.plan.times[1].stream_start = s.plan.times[0].stream_start + 2;
    EXPECT_NE(model_error([&] { s.run(); }).find("row 0 of fold 1 was due at cycle 6"),
              std::string::npos);
  }
  {
    Stepped s = good;  // fold 1 loads while the port still writes fold 0's tile
    s.plan.times[1].load_start = s.plan.times[0].load_start + 2;
    EXPECT_NE(model_error([&] { s.run(); }).find("fold 1's weight tile was due from cycle 2"),
              std::string::npos);
  }
  {
    Stepped s = good;
    for (std::size_t f = 1; f < s.plan.times.size(); ++f) {
      s.plan.times[f].load_start += 1;
      s.plan.times[f].stream_start += 1;
      s.plan.times[f].end += 1;
    }
    s.until += 1;
    EXPECT_NO_THROW(s.run());  // a consistent shift is a valid (slower) schedule
    s.plan.times[2].end += 1;  // but a fold claiming a later end than its outputs' is not
    EXPECT_NE(model_error([&] { s.run(); }).find("fold 2's last output left at cycle"),
              std::string::npos);
  }
}

// lut_tc with 3-bit weights (II = 3), 2 units x 2 lanes, M = 3, K = 8 (4 LUT groups: 2 K folds):
// fold 0's rows enter at 2, 5, 8. Fold 1 streaming from cycle 9 would hand row 0 to multipliers
// still busy with fold 0's row 2 until the end of cycle 10.
TEST(AdderTreeTest, RowOnBusyMultipliersIsModelError) {
  pe::LutTcSpec lut;
  lut.w_bits = 3;
  lut.lut_group = 2;
  lut.group_size = 2;
  const ArchSpec a = tree_arch(2, 2, 1, TreeActivation::Broadcast, lut);
  const workloads::Gemm g{"g", 3, 2, 8, 1};
  LayerSchedule plan = plan_layer(a, g);
  ASSERT_EQ(plan.times.size(), 2u);
  EXPECT_EQ(plan.times[0].stream_start, 2);
  EXPECT_EQ(plan.times[1].stream_start, 11);
  const pe::LutTcArith arith(lut);
  const auto op = prepare_operands(arith, make_operands(a, g, 0));
  const AdderTreeTiming timing(a.array, plan.geometry);
  const std::int64_t until = plan.times[1].end;
  EXPECT_NO_THROW(run_adder_tree_array(arith, timing, op, plan.folds, plan.times, until));
  plan.times[1].stream_start = 9;
  try {
    run_adder_tree_array(arith, timing, op, plan.folds, plan.times, until);
    FAIL() << "expected a ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("column 0 multipliers busy with row 2 of fold 0"),
              std::string::npos)
        << e.what();
  }
}

// Buffered memory: the tiles come from DRAM, partial sums spill when T x columns of them do not
// fit the ofmap buffer, and both fidelities agree on the stalls that result.
TEST(AdderTreeTest, BufferedMemoryWithSpills) {
  ArchSpec a = tree_arch(4, 8, 1, TreeActivation::Broadcast);
  a.memory.kind = MemoryKind::Buffered;
  a.memory.ofmap.capacity_bytes = 64;  // 16 int32 partial sums: fewer than M x columns = 80
  a.memory.dram.bytes_per_cycle = 4;
  a.memory.dram.latency_cycles = 20;
  const workloads::Gemm g{"g", 20, 8, 24, 1};
  const auto [fast, cycle] = run_both(a, g, make_operands(a, g, 0));
  EXPECT_GT(cycle.stats.stall_cycles, 0);
  // 3 K folds x 2 column folds: the first two K folds of each column block spill 20 x 4 psums.
  EXPECT_EQ(cycle.stats.access.ofmap.dram_reads, 2 * 2 * 20 * 4);
  EXPECT_EQ(cycle.stats.access.ofmap.dram_writes, 2 * 2 * 20 * 4 + 20 * 8);
  EXPECT_EQ(cycle.stats.access.filter.dram_reads, 24 * 8);
}

// ---------------------------------------------------------------------------------------------
// Config

std::vector<Diagnostic> errors_of(const std::string& yaml,
                                  const std::vector<std::string>& sets = {}) {
  ConfigDoc doc = ConfigDoc::from_string(yaml, "tree.yaml");
  Diag diag;
  for (const std::string& s : sets) doc.apply_override(s, diag);
  EXPECT_TRUE(diag.empty());
  try {
    bind_arch(doc);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(AdderTreeConfigTest, BindsEveryField) {
  const ArchSpec a = bind_arch(ConfigDoc::from_string(
      "array:\n  kind: adder_tree\n  columns: 64\n  k_lanes: 16\n  tree_stages_per_level: 0\n"
      "  activation: forward\n  pe: {kind: int_mac, acc_bits: 24}\n"));
  EXPECT_EQ(a.array.kind, ArrayKind::AdderTree);
  EXPECT_EQ(a.array.columns(), 64);
  EXPECT_EQ(a.array.k_lanes(), 16);
  EXPECT_EQ(a.array.tree_stages_per_level, 0);
  EXPECT_EQ(a.array.activation, TreeActivation::Forward);
  EXPECT_EQ(std::get<pe::IntMacSpec>(a.array.pe).acc_bits, 24);
  EXPECT_EQ(array_summary(a.array),
            "64 x 16 adder tree (0 stage(s) per tree level, forward activations)");
  // Defaults: the grid's, one stage per level, broadcast.
  const ArchSpec d = bind_arch(ConfigDoc::from_string("array: {kind: adder_tree}\n"));
  EXPECT_EQ(d.array.columns(), ArraySpec{}.cols);
  EXPECT_EQ(d.array.k_lanes(), ArraySpec{}.rows);
  EXPECT_EQ(d.array.tree_stages_per_level, 1);
  EXPECT_EQ(d.array.activation, TreeActivation::Broadcast);
}

TEST(AdderTreeConfigTest, KeysOfTheOtherKindAreLocatedErrors) {
  auto d = errors_of("array:\n  kind: adder_tree\n  columns: 8\n  rows: 4\n  dataflow: os\n");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "array.rows");
  EXPECT_EQ(d[0].loc.line, 4);
  EXPECT_EQ(d[0].loc.col, 3);
  EXPECT_EQ(d[0].message,
            "does not apply to array kind 'adder_tree' (only to systolic); did you mean "
            "'k_lanes'?");
  EXPECT_EQ(d[1].path, "array.dataflow");
  EXPECT_EQ(d[1].loc.line, 5);

  d = errors_of("array:\n  rows: 4\n  k_lanes: 16\n  activation: forward\n");
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "array.k_lanes");
  EXPECT_EQ(d[0].loc.line, 3);
  EXPECT_EQ(d[0].message,
            "does not apply to array kind 'systolic' (only to adder_tree); did you mean 'rows'?");
  EXPECT_EQ(d[1].path, "array.activation");

  d = errors_of(
      "array:\n  kind: adder_tree\n  k_lane: 16\n  tree_stages_per_level: 17\n"
      "  activation: sideways\n");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].message, "unknown key (did you mean 'k_lanes'?)");
  EXPECT_EQ(d[1].path, "array.tree_stages_per_level");
  EXPECT_EQ(d[1].message, "must be in [0, 16], got 17");
  EXPECT_EQ(d[2].path, "array.activation");
  EXPECT_EQ(d[2].loc.col, 15);

  d = errors_of("array:\n  kind: adder_trea\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "array.kind");
  EXPECT_EQ(d[0].message,
            "unknown array kind 'adder_trea' (did you mean 'adder_tree'?); known kinds: "
            "systolic, adder_tree");
}

TEST(AdderTreeConfigTest, ScalesimTimingIsRejectedAtItsPosition) {
  auto d = errors_of("array:\n  kind: adder_tree\nrun:\n  fidelity: cycle\n  timing: scalesim\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "run.timing");
  EXPECT_EQ(d[0].loc.line, 5);
  EXPECT_EQ(d[0].loc.col, 11);
  EXPECT_EQ(d[0].message,
            "scalesim timing reproduces SCALE-Sim's systolic arrays; array kind adder_tree "
            "supports only overlap");
  d = errors_of("array: {kind: adder_tree}\n", {"run.timing=scalesim"});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "run.timing");
  EXPECT_EQ(d[0].loc.file(), "<command line>");
  // A systolic array keeps scalesim timing.
  EXPECT_TRUE(errors_of("array: {kind: systolic}\nrun: {timing: scalesim}\n").empty());
}

std::string emitted(const ArchSpec& a) {
  YAML::Emitter e;
  e << emit_arch(a);
  return e.c_str();
}

TEST(AdderTreeConfigTest, ResolvedConfigRoundTrips) {
  ArchSpec a = tree_arch(24, 6, 2, TreeActivation::Forward, pe::LmulSpec{});
  a.name = "tree";
  a.memory.kind = MemoryKind::Buffered;
  const std::string text = emitted(a);
  EXPECT_NE(text.find("k_lanes: 6"), std::string::npos) << text;
  EXPECT_NE(text.find("columns: 24"), std::string::npos) << text;
  EXPECT_EQ(text.find("rows"), std::string::npos) << text;
  EXPECT_EQ(text.find("dataflow"), std::string::npos) << text;
  const ArchSpec back = bind_arch(ConfigDoc::from_string(text));
  EXPECT_EQ(emitted(back), text);
  EXPECT_EQ(back.array.kind, ArrayKind::AdderTree);
  EXPECT_EQ(back.array.k_lanes(), 6);
  EXPECT_EQ(back.array.columns(), 24);
  // A systolic array emits rows, cols and dataflow and none of the tree's keys.
  const std::string systolic = emitted(ArchSpec{});
  EXPECT_NE(systolic.find("dataflow: ws"), std::string::npos);
  EXPECT_EQ(systolic.find("k_lanes"), std::string::npos);
  EXPECT_EQ(emitted(bind_arch(ConfigDoc::from_string(systolic))), systolic);
}

TEST(AdderTreeConfigTest, KindsDescribeThemselves) {
  const std::vector<ArrayKindInfo> kinds = array_kinds();
  ASSERT_EQ(kinds.size(), 2u);
  EXPECT_EQ(kinds[0].name, "systolic");
  EXPECT_EQ(kinds[1].name, "adder_tree");
  for (const ArrayKindInfo& k : kinds) EXPECT_EQ(k.name, enum_name(k.kind));
  std::vector<std::string> keys;
  for (const FieldInfo& f : describe_array_fields(ArrayKind::AdderTree)) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"columns", "k_lanes", "tree_stages_per_level",
                                            "activation"}));
  keys.clear();
  for (const FieldInfo& f : describe_array_fields()) keys.push_back(f.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"rows", "cols", "dataflow", "sync"}));
}

}  // namespace
}  // namespace tpesim::arch
