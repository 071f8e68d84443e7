// SPDX-License-Identifier: Apache-2.0
// The cost model: a rule for every activity event of every PE kind, a model error for an event
// without one, the width / format rules, node scaling, and a small int_mac run priced by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "arch/cost_model.h"
#include "arch/simulate.h"
#include "pe/activity.h"
#include "sim/core/errors.h"

namespace tpesim::arch {
namespace {

const std::string kTable = std::string(TPESIM_SOURCE_DIR) + "/configs/tech/horowitz_45nm.yaml";

ArchSpec arch_with(const pe::PeConfig& pe, ArrayKind kind = ArrayKind::Systolic) {
  ArchSpec a;
  a.array.kind = kind;
  a.array.rows = 4;
  a.array.cols = 4;
  a.array.pe = pe;
  return a;
}

// One PE config of every kind and variant, with the options that change its events.
std::vector<ArchSpec> every_kind() {
  std::vector<ArchSpec> out;
  out.push_back(arch_with(pe::IntMacSpec{}));
  out.push_back(arch_with(pe::IntMacSpec{4, 4, 16, pe::Overflow::Saturate}));
  for (const auto& f : {pe::kFp16, pe::kBf16, pe::kFp8E4M3, pe::kFp8E5M2}) {
    pe::FpMacSpec s;
    s.a_format = f;
    s.w_format = pe::kFp8E4M3;
    out.push_back(arch_with(s));
  }
  for (const auto& f : {pe::kBf16, pe::kFp8E4M3, pe::kFp32}) {
    pe::LmulSpec s;
    s.format = f;
    s.acc_format = pe::kBf16;
    out.push_back(arch_with(s));
  }
  for (const auto v : {pe::MixpeVariant::W4A8, pe::MixpeVariant::W4A16}) {
    for (const bool skip : {true, false}) {
      pe::MixpeSpec s;
      s.variant = v;
      s.skip_zero_bits = skip;
      s.group_size = 8;
      out.push_back(arch_with(s));
    }
  }
  for (const auto act : {pe::LutActivation::Fp16, pe::LutActivation::Int8}) {
    for (const auto table :
         {pe::LutTableFormat::Fp16, pe::LutTableFormat::Fp32, pe::LutTableFormat::Int8}) {
      if (act == pe::LutActivation::Int8 && table != pe::LutTableFormat::Fp16) continue;
      pe::LutTcSpec s;
      s.activation = act;
      s.table_format = table;
      s.group_size = 8;
      out.push_back(arch_with(s));
    }
  }
  for (const auto v : {pe::BitsliceVariant::BoothCsa, pe::BitsliceVariant::SameBwTree,
                       pe::BitsliceVariant::SerialDigit, pe::BitsliceVariant::Laconic}) {
    pe::BitsliceSpec s;
    s.variant = v;
    out.push_back(arch_with(
        s, v == pe::BitsliceVariant::SameBwTree ? ArrayKind::AdderTree : ArrayKind::Systolic));
  }
  return out;
}

pe::PeActivity activity_with_data(const pe::PeConfig& pe, std::int64_t m, std::int64_t n,
                                  std::int64_t k) {
  const auto a = pe::random_operands(pe, pe::OperandSide::A, m * k, 7);
  const auto w = pe::random_operands(pe, pe::OperandSide::W, k * n, 8);
  return pe::gemm_activity(pe, pe::GemmShape{m, n, k, 1}, a, w);
}

// Every event any PE kind counts has a rule; a costed event costs something; the rule says how.
TEST(CostModelTest, EveryEventOfEveryKindHasARule) {
  std::set<std::string> seen;
  for (const ArchSpec& a : every_kind()) {
    SCOPED_TRACE(pe::pe_kind_name(a.array.pe) + " " + YAML::Dump(pe::emit_pe(a.array.pe)));
    const CostModel model(a, load_tech_table(kTable));
    for (const auto& [event, n] : activity_with_data(a.array.pe, 3, 5, 16).events) {
      SCOPED_TRACE(event);
      EventEnergy e;
      ASSERT_NO_THROW(e = model.event_energy(event));
      EXPECT_FALSE(e.rule.empty());
      if (e.costed) {
        EXPECT_GT(e.pj_each, 0);
      } else {
        EXPECT_EQ(e.pj_each, 0);
      }
      std::string family = event;  // arithmetic events by their prefix
      for (const char* prefix : {"int_add_", "int_mul_", "fp_add_", "fp_mul_"}) {
        if (event.rfind(prefix, 0) == 0) family = prefix;
      }
      seen.insert(family);
    }
    EXPECT_GT(model.area().pe_um2, 0);
  }
  // Every event name of pe/activity.h occurred (the arithmetic ones by their prefix).
  for (const char* name :
       {"macs", "int_mul_", "fp_mul_", "int_add_", "fp_add_", "shifts", "partial_products",
        "csa_steps", "table_builds", "table_entry_adds", "table_entry_quantizations",
        "table_lookups", "group_sums", "dequant_ops", "digits", "nonzero_digits"}) {
    EXPECT_TRUE(seen.count(name)) << name;
  }
}

// An event without a rule is a model error, never a silent zero.
TEST(CostModelTest, EventWithoutARuleIsAModelError) {
  const CostModel model(arch_with(pe::IntMacSpec{}), load_tech_table(kTable));
  EXPECT_THROW(model.event_energy("warp_drive"), ModelError);
  EXPECT_THROW(model.event_energy("shifts"), ModelError);  // int_mac has no shifter
  EXPECT_THROW(model.event_energy("table_lookups"), ModelError);
  EXPECT_THROW(model.event_energy("int_add_x"), ModelError);
  EXPECT_THROW(model.event_energy("fp_mul_fp99"), ModelError);
  try {
    model.event_energy("csa_steps");
    FAIL() << "no ModelError";
  } catch (const ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("no energy rule for activity event 'csa_steps' of PE "
                                         "kind int_mac"),
              std::string::npos)
        << e.what();
  }
  // A layer carrying such an event fails the same way.
  LayerStats s;
  s.activity.add("warp_drive", 1);
  EXPECT_THROW(model.layer(s), ModelError);
}

// The width and format rules between and beyond the published entries.
TEST(CostModelTest, WidthAndFormatRules) {
  const TechTable t = load_tech_table(kTable);
  const UnitCosts u(t);
  EXPECT_DOUBLE_EQ(u.int_add(8).energy_pj, 0.03);
  EXPECT_DOUBLE_EQ(u.int_add(12).energy_pj, 0.04);          // linear between 8 and 16 bits
  EXPECT_DOUBLE_EQ(u.int_add(24).area_um2, 67 + 70 * 0.5);  // between 16 and 32 bits
  EXPECT_DOUBLE_EQ(u.int_add(48).energy_pj, 0.15);          // proportional past 32 bits
  EXPECT_DOUBLE_EQ(u.int_add(4).energy_pj, 0.015);          // proportional below 8 bits
  EXPECT_DOUBLE_EQ(u.int_mul(8, 8).energy_pj, 0.2);
  EXPECT_DOUBLE_EQ(u.int_mul(4, 32).energy_pj, 0.2 + 2.9 * 64 / 960);  // in a_bits x w_bits
  EXPECT_DOUBLE_EQ(u.int_mul(4, 4).area_um2, 282.0 * 16 / 64);
  EXPECT_DOUBLE_EQ(u.fp_add(pe::kFp32).energy_pj, 0.9);
  EXPECT_DOUBLE_EQ(u.fp_add(pe::kBf16).energy_pj, 0.4 * 8 / 11);  // significand 8 vs 11 bits
  EXPECT_DOUBLE_EQ(u.fp_add(pe::kFp8E4M3).energy_pj, 0.4 * 4 / 11);
  EXPECT_DOUBLE_EQ(u.fp_mul(pe::kFp16, pe::kFp16).energy_pj, 1.1);
  EXPECT_DOUBLE_EQ(u.fp_mul(pe::kBf16, pe::kBf16).energy_pj, 1.1 * 64 / 121);
  EXPECT_DOUBLE_EQ(u.fp_mul(pe::kFp16, pe::kFp8E5M2).energy_pj, 1.1 * 33 / 121);
  EXPECT_NEAR(u.fp_mul(pe::kFp32, pe::kFp16).energy_pj, 1.1 + 2.6 * (264.0 - 121) / (576 - 121),
              1e-12);
  EXPECT_DOUBLE_EQ(u.full_adder_bit().energy_pj, 0.1 / 32);
  EXPECT_DOUBLE_EQ(u.logic_bit().area_um2, 50.36996 / 32);
  EXPECT_DOUBLE_EQ(u.register_bit().energy_pj, 0.008999495);
  // SRAM: 64-bit access energy, a power law between the published sizes.
  EXPECT_DOUBLE_EQ(u.sram_pj_per_byte(8192), 10.0 / 8);
  EXPECT_NEAR(u.sram_pj_per_byte(16384), 10 * std::sqrt(2.0) / 8, 1e-12);
  EXPECT_NEAR(u.sram_pj_per_byte(1 << 20), 100.0 / 8, 1e-12);
  EXPECT_NEAR(u.sram_pj_per_byte(2 << 20), 100 * std::pow(2.0, std::log(5.0) / std::log(32.0)) / 8,
              1e-12);
  EXPECT_NEAR(u.sram_pj_per_byte(2048), 10 * std::sqrt(0.25) / 8, 1e-12);
  EXPECT_DOUBLE_EQ(u.sram_area_um2(1024), 1024 * 8 * 0.346);
  EXPECT_DOUBLE_EQ(u.dram_pj_per_byte(), 1300.0 / 8);
  // Primitive names are parsed like activity events.
  EXPECT_DOUBLE_EQ(u.primitive("fp_mul_fp8_e4m3xfp16")->energy_pj, 1.1 * 44 / 121);
  EXPECT_DOUBLE_EQ(u.primitive("int_mul_8x8")->area_um2, 282);
  EXPECT_FALSE(u.primitive("int_mul_8"));
}

// A 4 x 4 int8 systolic array on a 4 x 4 x 4 GEMM, every term computed by hand from the table.
TEST(CostModelTest, SmallIntMacRunByHand) {
  ArchSpec a = arch_with(pe::IntMacSpec{});
  for (BufferSpec* b : {&a.memory.ifmap, &a.memory.filter, &a.memory.ofmap}) {
    b->capacity_bytes = 8192;
    b->double_buffered = false;
  }
  const workloads::Gemm gemm{"g", 4, 4, 4};
  const LayerRun run = simulate_layer(a, gemm, 0);
  const LayerStats& s = run.stats;
  // What the simulator counted (memory.kind ideal: each operand fetched once).
  ASSERT_EQ(s.cycles, 11);
  ASSERT_EQ(s.pe_busy_cycles, 64);
  ASSERT_EQ(s.activity.get("int_mul_8x8"), 64);
  ASSERT_EQ(s.activity.get("int_add_32"), 64);
  const std::int64_t sram_bytes = (16 + 16) + (16 + 16) + 4 * (16 + 16);  // ofmap: 32-bit
  const std::int64_t dram_bytes = 16 + 16 + 4 * 16;

  const CostModel model(a, load_tech_table(kTable));
  const LayerCost c = model.layer(s);
  EXPECT_NEAR(c.energy.pe_arithmetic_pj, 64 * (0.2 + 0.1), 1e-9);
  // Registers: 8 + 8 operand bits and a 32-bit accumulator, clocked on each busy PE-cycle.
  EXPECT_NEAR(c.energy.pe_registers_pj, 64 * 48 * 0.008999495, 1e-9);
  // An 8 KiB single-buffered SRAM: 10 pJ per 64-bit access.
  EXPECT_NEAR(c.energy.buffers_pj, double(sram_bytes) * 10 / 8, 1e-9);
  EXPECT_NEAR(c.energy.dram_pj, double(dram_bytes) * 1300 / 8, 1e-9);
  // Area: 16 PEs (multiplier, adder, 48 register bits), skew registers of 6 rows x 8 bits and
  // 6 columns x 32 bits, three 8 KiB buffers of 0.346 um^2 cells.
  const double pe_um2 = 282 + 137 + 48 * 5.981433;
  const double edge_um2 = (6 * 8 + 6 * 32) * 5.981433;
  const double sram_um2 = 3 * 8192 * 8 * 0.346;
  EXPECT_NEAR(model.area().pe_um2, pe_um2, 1e-9);
  EXPECT_NEAR(model.area().pe_array_mm2, 16 * pe_um2 / 1e6, 1e-12);
  EXPECT_NEAR(model.area().periphery_mm2, edge_um2 / 1e6, 1e-12);
  EXPECT_NEAR(model.area().buffers_mm2, sram_um2 / 1e6, 1e-12);
  // Leakage: the register cell's leakage per um^2 over all of it, for 11 ns at 1 GHz.
  const double leak_w = (16 * pe_um2 + edge_um2 + sram_um2) * 7.395312e-05 / 5.981433 * 1e-3;
  EXPECT_NEAR(model.leakage_w(), leak_w, 1e-15);
  EXPECT_NEAR(c.energy.leakage_pj, leak_w * 11e-9 * 1e12, 1e-9);
  const double total = 64 * 0.3 + 64 * 48 * 0.008999495 + double(sram_bytes) * 1.25 +
                       double(dram_bytes) * 162.5 + leak_w * 11e3;
  EXPECT_NEAR(c.energy.total_pj(), total, 1e-9);
  // Throughput: 128 operations in 11 ns.
  EXPECT_NEAR(c.perf.time_s, 11e-9, 1e-21);
  EXPECT_NEAR(c.perf.tops, 128 / 11e-9 / 1e12, 1e-12);
  EXPECT_NEAR(c.perf.tops_per_w, 128 / total, 1e-12);
  EXPECT_NEAR(c.perf.tops_per_mm2, c.perf.tops / model.area().total_mm2(), 1e-12);

  // A run of the layer three times: energies and time add up; the event table has the totals.
  const RunCost r = model.run({{&s, 3}});
  EXPECT_NEAR(r.energy.total_pj(), 3 * total, 1e-6);
  EXPECT_NEAR(r.perf.time_s, 33e-9, 1e-21);
  ASSERT_EQ(r.events.size(), 3u);
  EXPECT_EQ(r.events[0].event, "int_add_32");
  EXPECT_EQ(r.events[0].count, 192);
  EXPECT_EQ(r.events[2].event, "macs");
  EXPECT_FALSE(r.events[2].costed);
}

// The configured node and clock: energy x the energy factor (DRAM excepted), area x the area
// factor, time from the clock.
TEST(CostModelTest, NodeAndClockScaleTheCosts) {
  ArchSpec a = arch_with(pe::IntMacSpec{});
  const LayerStats s = simulate_layer(a, workloads::Gemm{"g", 8, 8, 8}, 0).stats;
  const CostModel base(a, load_tech_table(kTable));
  a.tech.node_nm = 7;
  a.tech.clock_ghz = 2;
  const CostModel scaled(a, load_tech_table(kTable));
  const double ef = scaled.node().energy;
  EXPECT_LT(ef, 1);
  const LayerCost b = base.layer(s), c = scaled.layer(s);
  EXPECT_NEAR(c.energy.pe_arithmetic_pj, b.energy.pe_arithmetic_pj * ef, 1e-9);
  EXPECT_NEAR(c.energy.pe_registers_pj, b.energy.pe_registers_pj * ef, 1e-9);
  EXPECT_NEAR(c.energy.buffers_pj, b.energy.buffers_pj * ef, 1e-9);
  EXPECT_NEAR(c.energy.dram_pj, b.energy.dram_pj, 1e-9);
  EXPECT_NEAR(scaled.area().total_mm2(), base.area().total_mm2() * 0.059, 1e-12);
  EXPECT_NEAR(c.perf.time_s, b.perf.time_s / 2, 1e-21);
  EXPECT_NEAR(scaled.leakage_w(), base.leakage_w() * ef, 1e-15);
  // A node outside the table is a user error.
  a.tech.node_nm = 28;
  EXPECT_THROW(CostModel(a, load_tech_table(kTable)), UserError);
}

// Areas come from the PE's Spec: wider operands cost more, and every item names its source.
TEST(CostModelTest, AreaFollowsTheSpec) {
  const CostModel int8(arch_with(pe::IntMacSpec{}), load_tech_table(kTable));
  const CostModel int4(arch_with(pe::IntMacSpec{4, 4, 16, pe::Overflow::Wrap}),
                       load_tech_table(kTable));
  EXPECT_LT(int4.area().pe_um2, int8.area().pe_um2);
  EXPECT_NEAR(int4.area().pe_um2, 282.0 * 16 / 64 + 67 + 24 * 5.981433, 1e-9);
  for (const AreaItem& i : int8.area().items) EXPECT_EQ(i.source, "table") << i.component;
  pe::FpMacSpec fp;
  const CostModel fp16(arch_with(fp), load_tech_table(kTable));
  EXPECT_NEAR(fp16.area().pe_um2, 1640 + 4184 + (16 + 16 + 32) * 5.981433, 1e-9);
}

}  // namespace
}  // namespace tpesim::arch
