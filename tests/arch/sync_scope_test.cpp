// SPDX-License-Identifier: Apache-2.0
// array.sync: lock-step groups of data-dependent PEs decoupled by elastic buffers. The fast
// fidelity's max-plus recurrence (arch/elastic_schedule.h) and the stepped elastic model
// (arch/elastic_cycle.h) must agree exactly; a hand-worked case pins the recurrence down.
#include <gtest/gtest.h>

#include <random>

#include "arch/elastic_cycle.h"
#include "arch/simulate.h"
#include "arch/systolic_cycle.h"
#include "pe/bitslice.h"
#include "sim/core/config_node.h"
#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "tests/support/random_cases.h"

namespace tpesim::arch {
namespace {

constexpr SyncScope kScopes[] = {SyncScope::Array, SyncScope::Row, SyncScope::Column,
                                 SyncScope::Pe};

ArchSpec slice_arch(pe::BitsliceVariant variant, Dataflow df, int rows, int cols, SyncScope sync) {
  ArchSpec a;
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = df;
  a.array.sync = sync;
  pe::BitsliceSpec spec;
  spec.variant = variant;
  a.array.pe = spec;
  a.run.values = true;
  a.run.verify = true;
  return a;
}

// ws, 2 x 1 array, laconic int8, one fold of T = 2 rows of A. Booth terms: 1 -> 1, 85 -> 4.
// W = (85, 85) down the column; A = [[1, 85], [85, 1]], so PE (0, 0) costs 4 then 16 cycles and
// PE (1, 0) 16 then 4. The stream starts at cycle 1 (the stationary row 0 loads at cycle 0).
//   array (one group, skew r + c): slots 16, 16; the last element reaches PE (1, 0) at 1+16+1,
//   the output leaves at 19 and the group is busy to 1 + 16 + 16 + 1 = 34.
//   column: the column is the whole array here, 34 as well.
//   row / pe: PE (0, 0) starts at 1 and 5 (done 21); PE (1, 0) at 2 (16 cycles) and 18, the
//   later of its own end and the element's arrival (5 + 1), and is done at 22.
TEST(SyncScopeTest, ElasticStepsByHand) {
  const workloads::Gemm g{"g", 2, 1, 2, 1};
  GemmOperands op;
  op.m = 2, op.n = 1, op.k = 2;
  op.a = {1, 85, 85, 1};
  op.w = {85, 85};
  const pe::BitsliceSpec spec{.variant = pe::BitsliceVariant::Laconic};
  ASSERT_EQ(pe::activation_terms(spec, 1), 1);
  ASSERT_EQ(pe::activation_terms(spec, 85), 4);
  ASSERT_EQ(pe::weight_terms(spec, 85), 4);
  const std::pair<SyncScope, std::int64_t> expected[] = {
      {SyncScope::Array, 34}, {SyncScope::Column, 34}, {SyncScope::Row, 22}, {SyncScope::Pe, 22}};
  for (const auto& [sync, cycles] : expected) {
    SCOPED_TRACE(enum_name(sync));
    ArchSpec a = slice_arch(pe::BitsliceVariant::Laconic, Dataflow::Ws, 2, 1, sync);
    for (Fidelity f : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = f;
      const LayerRun run = simulate_layer(a, g, 0, &op);
      EXPECT_EQ(run.stats.cycles, cycles);
      EXPECT_EQ(run.stats.pe_busy_cycles, 4 + 16 + 16 + 4);
      EXPECT_EQ(run.outputs, (std::vector<std::int64_t>{1 * 85 + 85 * 85, 85 * 85 + 1 * 85}));
    }
  }
}

// serial_digit costs depend on the activation only, and ws gives a row one activation per
// element: row sync is PE sync, and a column (which meets every row's activation) is the array.
TEST(SyncScopeTest, SerialDigitWsRowIsPeAndColumnIsArray) {
  std::mt19937_64 rng(3);
  testing_support::CasePicker pick(rng);
  for (int i = 0; i < 12; ++i) {
    const workloads::Gemm g{"g", pick(1, 20), pick(1, 20), pick(1, 20), 1};
    const int rows = static_cast<int>(pick(1, 6)), cols = static_cast<int>(pick(1, 6));
    std::int64_t cycles[4] = {};
    GemmOperands op;
    for (int s = 0; s < 4; ++s) {
      const ArchSpec a =
          slice_arch(pe::BitsliceVariant::SerialDigit, Dataflow::Ws, rows, cols, kScopes[s]);
      if (s == 0) op = make_operands(a, g, i);
      cycles[s] = simulate_layer(a, g, i, &op).stats.cycles;
    }
    SCOPED_TRACE(::testing::Message()
                 << g.m << "x" << g.n << "x" << g.k << " on " << rows << "x" << cols);
    EXPECT_EQ(cycles[1], cycles[3]);
    EXPECT_EQ(cycles[2], cycles[0]);
  }
}

// Within one fold a finer group can only start earlier: each PE's start times under pe sync are
// the least solution of constraints that row, column and array sync all satisfy.
TEST(SyncScopeTest, FinerGroupsNeverSlowASingleFold) {
  std::mt19937_64 rng(11);
  testing_support::CasePicker pick(rng);
  for (int i = 0; i < 40; ++i) {
    const auto df = static_cast<Dataflow>(pick(0, 2));
    const int rows = static_cast<int>(pick(1, 8)), cols = static_cast<int>(pick(1, 8));
    // One fold: the extents mapped onto rows and columns fit the array.
    const std::int64_t on_rows = pick(1, rows), on_cols = pick(1, cols), streamed = pick(1, 30);
    workloads::Gemm g{"g", 1, 1, 1, 1};
    switch (df) {
      case Dataflow::Ws:
        g.k = on_rows, g.n = on_cols, g.m = streamed;
        break;
      case Dataflow::Is:
        g.k = on_rows, g.m = on_cols, g.n = streamed;
        break;
      case Dataflow::Os:
        g.m = on_rows, g.n = on_cols, g.k = streamed;
        break;
    }
    std::int64_t cycles[4] = {};
    GemmOperands op;
    for (int s = 0; s < 4; ++s) {
      const ArchSpec a = slice_arch(pe::BitsliceVariant::Laconic, df, rows, cols, kScopes[s]);
      if (s == 0) op = make_operands(a, g, i);
      cycles[s] = simulate_layer(a, g, i, &op).stats.cycles;
    }
    SCOPED_TRACE(::testing::Message() << "case " << i << " " << enum_name(df) << " " << g.m << "x"
                                      << g.n << "x" << g.k << " on " << rows << "x" << cols);
    EXPECT_LE(cycles[1], cycles[0]);
    EXPECT_LE(cycles[2], cycles[0]);
    EXPECT_LE(cycles[3], cycles[1]);
    EXPECT_LE(cycles[3], cycles[2]);
  }
}

// Every scope, dataflow and serial variant on random shapes (several row and column folds,
// chained K folds), memories and seeds: the fast recurrence and the stepped elastic model give
// the same cycles, stalls, accesses and outputs, equal to the golden GEMM.
TEST(SyncScopeTest, FidelitiesAgreeOnRandomCases) {
  std::mt19937_64 rng(5);
  testing_support::CasePicker pick(rng);
  for (int i = 0; i < 96; ++i) {
    const SyncScope sync = kScopes[i % 4];
    const auto variant =
        i % 8 < 4 ? pe::BitsliceVariant::Laconic : pe::BitsliceVariant::SerialDigit;
    ArchSpec a = slice_arch(variant, static_cast<Dataflow>(pick(0, 2)),
                            static_cast<int>(pick(1, 7)), static_cast<int>(pick(1, 7)), sync);
    auto& spec = std::get<pe::BitsliceSpec>(a.array.pe);
    spec.a_bits = static_cast<int>(pick(2, 8));
    spec.w_bits = static_cast<int>(pick(2, 8));
    spec.acc_bits = spec.a_bits + spec.w_bits + static_cast<int>(pick(0, 8));
    spec.overflow = pick(0, 1) ? pe::Overflow::Wrap : pe::Overflow::Saturate;
    a.run.seed = i;
    if (pick(0, 1)) pick.memory(a.memory);
    const workloads::Gemm g{"g", pick(1, 20), pick(1, 20), pick(1, 20), 1};
    SCOPED_TRACE(::testing::Message()
                 << "case " << i << " " << enum_name(sync) << " " << enum_name(variant) << " "
                 << enum_name(a.array.dataflow) << " " << g.m << "x" << g.n << "x" << g.k << " on "
                 << a.array.rows << "x" << a.array.cols);
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
    EXPECT_EQ(fast.outputs, cycle.outputs);
    EXPECT_LE(cycle.stats.utilization, 1.0);
  }
}

// With one group the elastic model is the rigid lock-step array: the stepped elastic model and
// the register-level array model (arch/systolic_cycle.h) leave every fold's last output on the
// same cycle with the same values.
TEST(SyncScopeTest, ElasticModelWithOneGroupIsTheRigidArray) {
  std::mt19937_64 rng(9);
  testing_support::CasePicker pick(rng);
  for (int i = 0; i < 24; ++i) {
    ArchSpec a = slice_arch(i % 2 ? pe::BitsliceVariant::Laconic : pe::BitsliceVariant::SerialDigit,
                            static_cast<Dataflow>(i % 3), static_cast<int>(pick(1, 6)),
                            static_cast<int>(pick(1, 6)), SyncScope::Array);
    const workloads::Gemm g{"g", pick(1, 16), pick(1, 16), pick(1, 16), 1};
    SCOPED_TRACE(::testing::Message() << "case " << i << " " << enum_name(a.array.dataflow) << " "
                                      << g.m << "x" << g.n << "x" << g.k);
    const GemmOperands codes = make_operands(a, g, i);
    const LayerSchedule plan = plan_layer(a, g, &codes);
    const pe::BitsliceArith arith(std::get<pe::BitsliceSpec>(a.array.pe));
    const auto op = prepare_operands(arith, codes);
    std::int64_t until = 0;
    for (const FoldTimes& t : plan.times) until = std::max({until, t.end, t.occupied_end});
    const auto elastic = run_elastic_array(arith, plan.geometry, SyncScope::Array, op, plan.folds,
                                           plan.times, until);
    const auto rigid =
        a.array.dataflow == Dataflow::Os
            ? run_output_stationary_array(arith, plan.geometry, op, plan.folds, plan.times, until,
                                          plan.offsets)
        : a.array.dataflow == Dataflow::Ws
            ? run_stationary_array<pe::BitsliceArith, false>(arith, plan.geometry, op, plan.folds,
                                                             plan.times, until, plan.offsets)
            : run_stationary_array<pe::BitsliceArith, true>(arith, plan.geometry, op, plan.folds,
                                                            plan.times, until, plan.offsets);
    EXPECT_EQ(elastic.out, rigid.out);
    EXPECT_EQ(elastic.fold_end, rigid.fold_end);
    EXPECT_EQ(elastic.activity, rigid.activity);
    EXPECT_EQ(elastic.traffic.ifmap_reads, rigid.traffic.ifmap_reads);
    EXPECT_EQ(elastic.traffic.filter_reads, rigid.traffic.filter_reads);
    EXPECT_EQ(elastic.traffic.ofmap_writes, rigid.traffic.ofmap_writes);
    EXPECT_EQ(elastic.traffic.ofmap_reads, rigid.traffic.ofmap_reads);
  }
}

// The controller starts a fold's stream at the scheduled cycle and the groups time themselves
// from there: a fold started 5 cycles late ends 5 cycles late. Rewriting a shadow register
// before its fold swapped it in breaks a hazard check: a ModelError.
TEST(SyncScopeTest, TheSteppedModelFollowsTheControllerAndChecksHazards) {
  ArchSpec a = slice_arch(pe::BitsliceVariant::Laconic, Dataflow::Ws, 2, 5, SyncScope::Pe);
  const workloads::Gemm g{"g", 9, 5, 4, 1};  // two chained K folds
  const GemmOperands codes = make_operands(a, g, 0);
  const LayerSchedule plan = plan_layer(a, g, &codes);
  ASSERT_EQ(plan.times.size(), 2u);
  const pe::BitsliceArith arith(std::get<pe::BitsliceSpec>(a.array.pe));
  const auto op = prepare_operands(arith, codes);
  auto ends = [&](const std::vector<FoldTimes>& times) {
    std::int64_t until = 0;
    for (const FoldTimes& t : times) until = std::max({until, t.end, t.occupied_end});
    return run_elastic_array(arith, plan.geometry, SyncScope::Pe, op, plan.folds, times, until + 8)
        .fold_end;
  };
  const std::vector<std::int64_t> planned = {plan.times[0].end, plan.times[1].end};
  EXPECT_EQ(ends(plan.times), planned);
  std::vector<FoldTimes> late = plan.times;
  late[1].stream_start += 5;
  EXPECT_EQ(ends(late), (std::vector<std::int64_t>{planned[0], planned[1] + 5}));
  std::vector<FoldTimes> overwrite = plan.times;
  overwrite[1].load_start = overwrite[0].load_start;
  EXPECT_THROW(ends(overwrite), ModelError);
}

// Uniform PEs step every group alike: the scope changes nothing.
TEST(SyncScopeTest, UniformPesIgnoreTheScope) {
  const workloads::Gemm g{"g", 19, 13, 17, 1};
  std::int64_t cycles[4] = {};
  for (int s = 0; s < 4; ++s) {
    ArchSpec a = slice_arch(pe::BitsliceVariant::BoothCsa, Dataflow::Os, 4, 5, kScopes[s]);
    a.run.fidelity = Fidelity::Cycle;
    cycles[s] = simulate_layer(a, g, 0).stats.cycles;
  }
  EXPECT_EQ(cycles[1], cycles[0]);
  EXPECT_EQ(cycles[2], cycles[0]);
  EXPECT_EQ(cycles[3], cycles[0]);
}

std::vector<Diagnostic> errors_of(const std::string& yaml) {
  try {
    bind_arch(ConfigDoc::from_string(yaml, "arch.yaml"));
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

TEST(SyncScopeTest, ConfigBindsAndRejectsWhatCannotBeSynchronized) {
  auto d = errors_of(
      "array:\n"
      "  sync: column\n"
      "  pe: {kind: bitslice, variant: laconic}\n"
      "run:\n"
      "  timing: scalesim\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "array.sync");
  EXPECT_EQ(d[0].loc.line, 2);
  EXPECT_EQ(d[0].loc.col, 9);
  EXPECT_NE(d[0].message.find("supports only sync: array"), std::string::npos) << d[0].message;
  d = errors_of("array: {kind: adder_tree, sync: row}\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "array.sync");
  EXPECT_EQ(d[0].loc.col, 27);
  d = errors_of("array: {sync: rows}\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "array.sync");
  const ArchSpec ok = bind_arch(ConfigDoc::from_string(
      "array: {sync: pe, pe: {kind: bitslice, variant: serial_digit}}\n", "ok.yaml"));
  EXPECT_EQ(ok.array.sync, SyncScope::Pe);
}

}  // namespace
}  // namespace tpesim::arch
