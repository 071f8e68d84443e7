// SPDX-License-Identifier: Apache-2.0
#include "arch/cost_model.h"

#include <fmt/format.h>

#include "sim/core/errors.h"

namespace tpesim::arch {

namespace {

constexpr double kUm2PerMm2 = 1e6;
constexpr double kPjPerJ = 1e12;

struct BufferOf {
  const char* name;                       // for reports
  BufferSpec MemorySpec::*spec;           // its size
  OperandTraffic AccessCounts::*traffic;  // its accesses
};
constexpr BufferOf kBuffers[] = {{"ifmap", &MemorySpec::ifmap, &AccessCounts::ifmap},
                                 {"filter", &MemorySpec::filter, &AccessCounts::filter},
                                 {"ofmap", &MemorySpec::ofmap, &AccessCounts::ofmap}};

// The SRAM array one access goes to: half the buffer when it is double-buffered.
std::int64_t bank_bytes(const BufferSpec& b) {
  return b.double_buffered ? b.capacity_bytes / 2 : b.capacity_bytes;
}

}  // namespace

EnergyBreakdown& EnergyBreakdown::add(const EnergyBreakdown& o, double times) {
  pe_arithmetic_pj += o.pe_arithmetic_pj * times;
  pe_registers_pj += o.pe_registers_pj * times;
  buffers_pj += o.buffers_pj * times;
  dram_pj += o.dram_pj * times;
  leakage_pj += o.leakage_pj * times;
  return *this;
}

CostModel::CostModel(const ArchSpec& arch, TechTable table,
                     std::optional<SynthesizedPeArea> synthesized)
    : m_arch(arch), m_table(std::move(table)), m_units(m_table) {
  if (arch.tech.pe_area == PeAreaSource::Yosys) {
    TPESIM_CHECK(synthesized.has_value(), "tech.pe_area is yosys but no synthesized PE area");
    m_synthesized = std::move(synthesized);
  }
  std::string why;
  const auto factors = node_factors(m_table, arch.tech.node_nm, arch.tech.vdd_v, &why);
  if (!factors) throw UserError("error: tech: " + why);
  m_node = *factors;
  m_register_bits = arch::pe_register_bits(arch.array.pe);
  build_area();
}

UnitCost CostModel::unit(const std::string& primitive) const {
  const auto u = m_units.primitive(primitive);
  if (!u) {
    throw ModelError(__FILE__, __LINE__,
                     fmt::format("'{}' is not a priced hardware primitive", primitive));
  }
  return *u;
}

double CostModel::parts_energy_pj(const std::vector<Part>& parts) const {
  double pj = 0;
  for (const Part& p : parts) pj += p.count * unit(p.primitive).energy_pj;
  return pj;
}

void CostModel::build_area() {
  const double af = m_node.area;
  double unscaled_um2 = 0;  // at the table's node, for leakage
  if (m_synthesized) {
    const SynthesizedPeArea& s = *m_synthesized;
    m_area.items.push_back({"pe", s.component, s.role, 1, s.um2, s.source});
    m_area.pe_um2 += s.um2;
  }
  for (const Part& p : m_synthesized ? m_synthesized->table_parts : pe_parts(m_arch.array.pe)) {
    const double um2 = p.count * unit(p.primitive).area_um2;
    m_area.items.push_back({"pe", p.primitive, p.role, p.count, um2 * af, "table"});
    m_area.pe_um2 += um2 * af;
  }
  m_area.pes = std::int64_t{m_arch.array.rows} * m_arch.array.cols;
  m_area.pe_array_mm2 = m_area.pe_um2 * double(m_area.pes) / kUm2PerMm2;
  unscaled_um2 += m_area.pe_um2 / af * double(m_area.pes);
  for (const Part& p : periphery_parts(m_arch.array)) {
    const double um2 = p.count * unit(p.primitive).area_um2;
    m_area.items.push_back({"periphery", p.primitive, p.role, p.count, um2 * af, "table"});
    m_area.periphery_mm2 += um2 * af / kUm2PerMm2;
    unscaled_um2 += um2;
  }
  for (const BufferOf& b : kBuffers) {
    const std::int64_t bytes = (m_arch.memory.*b.spec).capacity_bytes;
    const double um2 = m_units.sram_area_um2(bytes);
    m_area.items.push_back(
        {"buffers", b.name, "SRAM bit cells", double(bytes) * 8, um2 * af, "table"});
    m_area.buffers_mm2 += um2 * af / kUm2PerMm2;
    unscaled_um2 += um2;
  }
  m_leakage_w = unscaled_um2 * m_units.leakage_mw_per_um2() * 1e-3 * m_node.energy;
}

EventEnergy CostModel::event_energy(const std::string& event) const {
  const EventRule r = event_rule(event, m_arch.array.pe);
  std::string rule = r.rule;
  for (const Part& p : r.parts)
    rule += fmt::format(" [{}: {}]", p.primitive, unit(p.primitive).rule);
  return EventEnergy{event, 0, parts_energy_pj(r.parts) * m_node.energy, r.costed, rule};
}

Throughput CostModel::throughput(std::int64_t macs, double time_s, double energy_pj) const {
  Throughput t;
  t.time_s = time_s;
  if (time_s <= 0) return t;
  t.tops = 2.0 * double(macs) / time_s / 1e12;
  t.power_w = energy_pj / kPjPerJ / time_s;
  t.tops_per_w = t.power_w > 0 ? t.tops / t.power_w : 0;
  t.tops_per_mm2 = t.tops / m_area.total_mm2();
  return t;
}

LayerCost CostModel::layer(const LayerStats& s) const {
  LayerCost c;
  EnergyBreakdown& e = c.energy;
  for (const auto& [name, n] : s.activity.events) {
    e.pe_arithmetic_pj += double(n) * event_energy(name).pj_each;
  }
  e.pe_registers_pj =
      double(s.pe_busy_cycles) * m_register_bits * m_units.register_bit().energy_pj * m_node.energy;
  std::int64_t dram_bytes = 0;
  for (const BufferOf& b : kBuffers) {
    const OperandTraffic& t = s.access.*b.traffic;
    const std::int64_t sram_bytes =
        OperandTraffic::bytes(t.sram_reads, t.bits) + OperandTraffic::bytes(t.sram_writes, t.bits);
    e.buffers_pj += double(sram_bytes) *
                    m_units.sram_pj_per_byte(bank_bytes(m_arch.memory.*b.spec)) * m_node.energy;
    dram_bytes +=
        OperandTraffic::bytes(t.dram_reads, t.bits) + OperandTraffic::bytes(t.dram_writes, t.bits);
  }
  // NOTE(model): DRAM is off-chip: its energy does not scale with the accelerator's node.
  e.dram_pj = double(dram_bytes) * m_units.dram_pj_per_byte();
  const double time_s = double(s.cycles) / (m_arch.tech.clock_ghz * 1e9);
  e.leakage_pj = m_leakage_w * time_s * kPjPerJ;
  c.perf = throughput(s.macs, time_s, e.total_pj());
  return c;
}

RunCost CostModel::run(const std::vector<LayerInstance>& layers) const {
  RunCost r;
  r.table = m_table.name;
  r.table_node_nm = m_table.process.node_nm;
  r.table_vdd_v = m_table.process.vdd_v;
  r.node = m_node;
  r.clock_ghz = m_arch.tech.clock_ghz;
  r.area = m_area;
  std::int64_t cycles = 0, macs = 0;
  std::map<std::string, std::int64_t> events;
  for (const LayerInstance& l : layers) {
    r.layers.push_back(layer(*l.stats));
    r.energy.add(r.layers.back().energy, double(l.count));
    cycles += l.stats->cycles * l.count;
    macs += l.stats->macs * l.count;
    for (const auto& [name, n] : l.stats->activity.events) events[name] += n * l.count;
  }
  for (const auto& [name, n] : events) {
    EventEnergy e = event_energy(name);
    e.count = n;
    r.events.push_back(e);
  }
  r.perf = throughput(macs, double(cycles) / (m_arch.tech.clock_ghz * 1e9), r.energy.total_pj());
  return r;
}

}  // namespace tpesim::arch
