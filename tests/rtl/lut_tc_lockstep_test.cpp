// SPDX-License-Identifier: Apache-2.0
// Model vs RTL for lut_tc (pe/lut_tc.h) through the cosim library's benches:
// rtl/lut_tc_table.sv against build_half_table (sim/cosim/lut_tc_table_lockstep.h: every stored
// entry's bit pattern after every clock edge), and rtl/pe_lut_tc.sv against LutTcArith::mac_step /
// output (sim/cosim/lut_tc_lockstep.h: busy and done against the W_BITS-cycle schedule after
// every edge; acc_g, S, the dequantized accumulator, the overflow event and the output read port
// whenever no step is in progress), fed the tables build_half_table makes, as the arrays are.
#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vlut_tc_table_kg2_fp16.h"
#include "Vlut_tc_table_kg3_fp32.h"
#include "Vlut_tc_table_kg4_fp16.h"
#include "Vpe_lut_tc_kg2_b4.h"
#include "Vpe_lut_tc_kg3_b1_acc16.h"
#include "Vpe_lut_tc_kg4_b2.h"
#include "Vpe_lut_tc_kg4_b2_acc16.h"
#include "Vpe_lut_tc_kg4_b3_acc16.h"
#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/lut_tc_lockstep.h"
#include "sim/cosim/lut_tc_table_lockstep.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {
namespace {

using pe::kFp16;
using pe::kFp32;
using pe::LutHalfTable;
using pe::LutTableFormat;
using pe::LutTcSpec;

// What one lock-step run compared: the cycles and the bench's counters by name.
struct Counts {
  std::int64_t cycles = 0;                      // clock edges compared
  std::map<std::string, std::int64_t> counter;  // the bench's counters(), by name

  std::int64_t operator[](const std::string& name) const { return counter.at(name); }
  // The counts, in the test's XML output (--gtest_output=xml) for docs/RTL.md.
  void record() const {
    ::testing::Test::RecordProperty("cycles", std::to_string(cycles));
    for (const auto& [name, value] : counter) {
      ::testing::Test::RecordProperty(name, std::to_string(value));
    }
  }
};

// Runs a bench to its end; fails the test at the first divergence with its report.
Counts run(const PeLockstepFactory& make) {
  const LockstepResult r = run_lockstep(make, LockstepOptions{});
  EXPECT_FALSE(r.divergence) << describe(*r.divergence);
  Counts out;
  out.cycles = static_cast<std::int64_t>(r.cycles);
  for (const Counter& k : r.counters) out.counter[k.name] = k.value;
  return out;
}

// ---------------------------------------------------------------------------------------------
// lut_tc_table against build_half_table: `cycles` random edges (LutTableStimulus).

template <class Model>
Counts run_table(const LutTcSpec& spec, std::uint64_t seed, std::uint64_t cycles) {
  return run([&](bool traced) -> std::unique_ptr<PeLockstep> {
    return std::make_unique<LutTableLockstep<Model>>(spec, seed, cycles, traced,
                                                     LutTableCycleModel(spec));
  });
}

void expect_table_coverage(const Counts& c, const LutTcSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c["entries_nan"], 1000);
  EXPECT_GT(c["entries_nan_invalid"], 50);
  EXPECT_EQ(c["nan_not_canonical"], 0);
  EXPECT_GT(c["entries_inf"], 1000);
  EXPECT_GT(c["fp32_rounded"], 1000);
  EXPECT_GT(c["zero_negative"], 50);
  if (spec.table_format == LutTableFormat::Fp16) {
    EXPECT_GT(c["fmt_overflow"], 1000);
    EXPECT_GT(c["fmt_rounded"], 1000);
    EXPECT_GT(c["fmt_subnormal"], 1000);
  }
}

// Kg = 4, fp16 entries (the default table): 14 binary32 adders, one fp16 rounding per entry.
TEST(LutTcTableLockstepTest, Kg4Fp16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const Counts c = run_table<Vlut_tc_table_kg4_fp16>(spec, 51, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// Kg = 3, binary32 entries (T32 itself).
TEST(LutTcTableLockstepTest, Kg3Fp32MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(3, 2, LutTableFormat::Fp32, kFp32, kFp32);
  const Counts c = run_table<Vlut_tc_table_kg3_fp32>(spec, 52, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// Kg = 2, fp16 entries: a0 + a1 and a0 - a1.
TEST(LutTcTableLockstepTest, Kg2Fp16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(2, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const Counts c = run_table<Vlut_tc_table_kg2_fp16>(spec, 53, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_table_coverage(c, spec);
}

// ---------------------------------------------------------------------------------------------
// pe_lut_tc against LutTcArith: random cycles, then every pair of fp16 edge scales on two
// consecutive one-group scale groups (LutTcStimulus).

template <class Model>
Counts run_pe(const LutTcSpec& spec, std::uint64_t seed, std::uint64_t random_cycles) {
  return run([&](bool traced) -> std::unique_ptr<PeLockstep> {
    return std::make_unique<LutTcLockstep<Model>>(spec, seed, random_cycles, traced,
                                                  LutTcCycleModel(spec));
  });
}

void expect_pe_coverage(const Counts& c, const LutTcSpec& spec) {
  EXPECT_GE(c.cycles, 100000);
  EXPECT_GT(c["steps"], 10000);
  EXPECT_GT(c["clears"], 300);
  EXPECT_GT(c["groups"], 3000);
  EXPECT_GT(c["tails"], 100);
  EXPECT_GT(c["scale_sub"], 100);
  EXPECT_GT(c["scale_special"], 100);
  EXPECT_GT(c["acc_g_nan"], 100);
  EXPECT_GT(c["acc_g_nan_meets"], 20);
  EXPECT_GT(c["acc_nan"], 1000);
  EXPECT_GT(c["nan_scale"], 100);
  EXPECT_GT(c["nan_invalid"], 20);
  EXPECT_EQ(c["nan_not_canonical"], 0);
  EXPECT_GT(c["acc_inf"], 100);
  if (spec.w_bits > 1) {
    EXPECT_GT(c["ignored"], 1000);
    EXPECT_GT(c["plane_nan_signs"], 100);
  }
  if (spec.acc_format == kFp16) {
    EXPECT_GT(c["acc_g_inf"], 100);
  }
  if (spec.out_format == kFp16) {
    EXPECT_GT(c["out_inf"], 100);
  }
}

// The shared spec's defaults: Kg = 4, 2-bit weights, fp16 table, binary32 accumulator and
// output. 200k random cycles, every edge-scale pair, zero mismatches.
TEST(LutTcLockstepTest, Kg4B2MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const Counts c = run_pe<Vpe_lut_tc_kg4_b2>(spec, 61, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 2, 4-bit weights (four cycles a step, one activation-sum add per cycle), binary32
// table, output rounded to fp16.
TEST(LutTcLockstepTest, Kg2B4MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(2, 4, LutTableFormat::Fp32, kFp32, kFp16);
  const Counts c = run_pe<Vpe_lut_tc_kg2_b4>(spec, 62, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 3, 1-bit weights (one cycle a step: three activation-sum adds in it), fp16 table and
// fp16 accumulator (the published RTL's), output fp16.
TEST(LutTcLockstepTest, Kg3B1Acc16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(3, 1, LutTableFormat::Fp16, kFp16, kFp16);
  const Counts c = run_pe<Vpe_lut_tc_kg3_b1_acc16>(spec, 63, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 4, 3-bit weights (two activation-sum adds per cycle), binary32 table into an fp16
// accumulator, binary32 output.
TEST(LutTcLockstepTest, Kg4B3Acc16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(4, 3, LutTableFormat::Fp32, kFp16, kFp32);
  const Counts c = run_pe<Vpe_lut_tc_kg4_b3_acc16>(spec, 64, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Kg = 4, 2-bit weights, fp16 table and fp16 accumulator (the published RTL's), binary32
// output: the PE of configs/arch/lut_tc_m2n64k4_w2.yaml.
TEST(LutTcLockstepTest, Kg4B2Acc16MatchesModelEveryCycle) {
  const LutTcSpec spec = lut_tc_spec(4, 2, LutTableFormat::Fp16, kFp16, kFp32);
  const Counts c = run_pe<Vpe_lut_tc_kg4_b2_acc16>(spec, 65, 200000);
  c.record();
  ASSERT_FALSE(HasFailure());
  expect_pe_coverage(c, spec);
}

// Reset clears the randomly initialised registers; a step takes w_bits edges, in_valid is
// ignored while busy, done pulses once, and the next step starts on the edge after it.
TEST(LutTcLockstepTest, ResetBusyDoneTiming) {
  VerilatedPe<Vpe_lut_tc_kg4_b2> rtl(9);
  Vpe_lut_tc_kg4_b2& m = rtl.model();
  EXPECT_EQ(m.busy, 0);
  EXPECT_EQ(m.acc, 0u);
  // Activations 1, 1, 1, 1: Ts[h] = 1 + sum of +-1 (fp16); codes 3, 0, 0, 0 (2-bit).
  const LutTcSpec spec = lut_tc_spec(4, 2, LutTableFormat::Fp16, kFp32, kFp32);
  const LutHalfTable table = pe::build_half_table(spec, {1.0f, 1.0f, 1.0f, 1.0f});
  std::vector<std::uint32_t> entries;
  for (int h = 0; h < 8; ++h)
    entries.push_back(
        pe::encode(static_cast<double>(table.entries[static_cast<std::size_t>(h)]), kFp16));
  set_port(m.lut, pack_fields(entries, 16));
  set_port(m.a, pack_fields({0x3C00u, 0x3C00u, 0x3C00u, 0x3C00u}, 16));
  m.count = 4;
  m.q = 3;
  m.w_scale = 0x4000;  // s = 2: s / 2 = 1
  m.z = 0;             // z' = -3
  m.group_end = 1;
  m.in_valid = 1;
  m.in_clear = 1;
  rtl.edge();  // plane 0: p = 0b0001, T = 1 - 1 - 1 - 1 = -2
  EXPECT_EQ(m.busy, 1);
  EXPECT_EQ(m.done, 0);
  m.q = 0;     // ignored while busy
  rtl.edge();  // plane 1: acc_g = -2 + 2 * (-2) = -6; S = 4; d = -6 - (-3 * 4) = 6; acc = 6
  EXPECT_EQ(m.busy, 0);
  EXPECT_EQ(m.done, 1);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.acc)), 6.0f);
  EXPECT_EQ(m.s_g, 0u);
  m.in_valid = 0;
  rtl.edge();
  EXPECT_EQ(m.done, 0);
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(m.acc)), 6.0f);
}

}  // namespace
}  // namespace tpesim::cosim
