// SPDX-License-Identifier: Apache-2.0
// The energy, area and throughput of a run, priced with a technology table:
//   energy = activity events x per-event energy + PE registers x busy PE-cycles
//          + SRAM bytes x per-byte access energy (by buffer size) + DRAM bytes x per-byte energy
//          + leakage power x run time
//   area   = PE parts x PEs + edge (periphery) parts + SRAM bit cells by buffer capacity
// all at the configured node (tech.node_nm, tech.vdd_v) and clock. Rules: docs/COST_MODEL.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/node_scaling.h"
#include "arch/pe_datapath.h"
#include "arch/simulate.h"
#include "arch/tech_table.h"
#include "arch/unit_costs.h"

namespace tpesim::arch {

struct EnergyBreakdown {
  double pe_arithmetic_pj = 0;  // activity events x their energy
  double pe_registers_pj = 0;   // PE registers clocked on busy PE-cycles
  double buffers_pj = 0;        // SRAM reads and writes
  double dram_pj = 0;           // DRAM reads and writes
  double leakage_pj = 0;        // static power x run time

  double pe_array_pj() const { return pe_arithmetic_pj + pe_registers_pj; }
  double total_pj() const { return pe_array_pj() + buffers_pj + dram_pj + leakage_pj; }
  EnergyBreakdown& add(const EnergyBreakdown& other, double times);
};

struct AreaItem {
  std::string group;      // "pe" (per PE), "periphery" or "buffers"
  std::string component;  // primitive (arch/unit_costs.h) or buffer name
  std::string role;       // what it is for
  double count = 0;       // instances or bits (per PE for group "pe")
  double um2 = 0;         // area of all of them (per PE for group "pe"), um^2
  std::string source;     // where the area came from: "table", or "yosys (...)" (synthesized)
};

// The area of a PE synthesized from its Verilog (tech.pe_area: yosys; sim/synth computes it).
struct SynthesizedPeArea {
  std::string component;          // the Verilog module, e.g. "pe_int_mac"
  std::string role;               // what it contains, for reports
  double um2 = 0;                 // its cell area scaled to the configured node, um^2
  std::string source;             // e.g. "yosys (osu018, scaled 180 -> 45 nm, Stillmaker-Baas)"
  std::vector<Part> table_parts;  // parts of the PE the module lacks, priced with the table
};

struct AreaBreakdown {
  double pe_um2 = 0;            // one PE (one lane of an adder tree), um^2
  std::int64_t pes = 0;         // PEs in the array
  double pe_array_mm2 = 0;      // pe_um2 x pes, mm^2
  double periphery_mm2 = 0;     // edge registers, encoders, table builders, mm^2
  double buffers_mm2 = 0;       // SRAM bit cells of the three buffers, mm^2
  std::vector<AreaItem> items;  // every component, in the order above
  double total_mm2() const { return pe_array_mm2 + periphery_mm2 + buffers_mm2; }
};

struct Throughput {
  double time_s = 0;        // cycles / clock
  double tops = 0;          // 2 x MACs / time, 10^12 operations per second
  double power_w = 0;       // energy / time
  double tops_per_w = 0;    // tops / power_w
  double tops_per_mm2 = 0;  // tops / total area
};

struct LayerCost {
  EnergyBreakdown energy;  // one instance of the layer
  Throughput perf;         // one instance of the layer
};

struct EventEnergy {
  std::string event;       // activity event name
  std::int64_t count = 0;  // over the run (layers x counts)
  double pj_each = 0;      // one event at the configured node, pJ
  bool costed = true;      // false: a count whose energy other events carry
  std::string rule;        // the rule that priced it
};

struct RunCost {
  std::string table;       // technology table name
  int table_node_nm = 0;   // the table's own node, nm
  double table_vdd_v = 0;  // the table's own supply voltage, V
  NodeFactors node;        // configured node and voltage, and the scaling factors to them
  double clock_ghz = 0;    // clock
  AreaBreakdown area;
  EnergyBreakdown energy;           // every layer x its count
  Throughput perf;                  // of the whole run
  std::vector<EventEnergy> events;  // every activity event of the run, by name
  std::vector<LayerCost> layers;    // in workload order, one instance each
};

struct LayerInstance {
  const LayerStats* stats = nullptr;  // one instance of the layer
  std::int64_t count = 1;             // times it runs
};

class CostModel {
 public:
  // Throws UserError when tech.node_nm / tech.vdd_v are outside the table's scaling range.
  // `synthesized` is the PE's area when tech.pe_area is yosys (required then, unused otherwise).
  CostModel(const ArchSpec& arch, TechTable table,
            std::optional<SynthesizedPeArea> synthesized = std::nullopt);
  CostModel(const CostModel&) = delete;
  CostModel& operator=(const CostModel&) = delete;

  // Energy of one `event` at the configured node, pJ, and its rule. Throws ModelError when the
  // event has no rule for this PE kind (never silently 0).
  EventEnergy event_energy(const std::string& event) const;
  LayerCost layer(const LayerStats& stats) const;
  RunCost run(const std::vector<LayerInstance>& layers) const;

  const AreaBreakdown& area() const { return m_area; }
  const NodeFactors& node() const { return m_node; }
  double leakage_w() const { return m_leakage_w; }
  int pe_register_bits() const { return m_register_bits; }

 private:
  UnitCost unit(const std::string& primitive) const;  // throws ModelError for an unknown name
  double parts_energy_pj(const std::vector<Part>& parts) const;  // at the table's node
  void build_area();
  Throughput throughput(std::int64_t macs, double time_s, double energy_pj) const;

  ArchSpec m_arch;          // the design
  TechTable m_table;        // published entries
  UnitCosts m_units;        // primitives derived from m_table
  NodeFactors m_node;       // scaling from the table's node to the configured one
  AreaBreakdown m_area;     // at the configured node
  double m_leakage_w = 0;   // static power of the whole design, W
  int m_register_bits = 0;  // register bits of one PE
  // The PE's area when tech.pe_area is yosys.
  std::optional<SynthesizedPeArea> m_synthesized;
};

}  // namespace tpesim::arch
