// SPDX-License-Identifier: Apache-2.0
// A technology table: published per-operation energy and area, SRAM and DRAM access energy,
// register and logic cells and node-scaling coefficients, each entry with its `source`.
// Loaded strictly from configs/tech/*.yaml; how the entries become per-event costs is in
// arch/unit_costs.h and docs/COST_MODEL.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pe/float_format.h"
#include "sim/core/config_node.h"

namespace tpesim::arch {

// A polynomial in the supply voltage, highest power first: c0 V^(n-1) + ... + c(n-1).
struct VddPolynomial {
  std::vector<double> coeffs;  // coefficients, highest power first
  double at(double vdd_v) const;
};

// The node and supply voltage every energy and area of the table was published for.
struct ProcessEntry {
  int node_nm = 0;     // technology node, nm
  double vdd_v = 0;    // supply voltage, V
  std::string source;  // publication
};

struct IntAddEntry {
  int bits = 0;          // adder width
  double energy_pj = 0;  // one addition, pJ
  double area_um2 = 0;   // one adder, um^2
  std::string source;    // publication
};

struct IntMulEntry {
  int a_bits = 0;        // first operand width
  int w_bits = 0;        // second operand width
  double energy_pj = 0;  // one multiplication, pJ
  double area_um2 = 0;   // one multiplier, um^2
  std::string source;    // publication
};

struct FloatOpEntry {
  pe::FloatFormat format;  // operand and result format
  double energy_pj = 0;    // one operation, pJ
  double area_um2 = 0;     // one unit, um^2
  std::string source;      // publication
};

// A standard cell or small unit characterized at its own node (it may differ from the table's).
struct CellEntry {
  int node_nm = 0;        // node it was characterized at, nm
  int bits = 0;           // width of the characterized unit
  double energy_pj = 0;   // per operation (registers: per clocked cycle) of the whole unit, pJ
  double area_um2 = 0;    // of the whole unit, um^2
  double leakage_mw = 0;  // static power of the whole unit, mW
  std::string source;     // publication
};

struct SramCellEntry {
  int node_nm = 0;      // node, nm
  double area_um2 = 0;  // one 6-T bit cell, um^2
  std::string source;   // publication
};

struct SramAccessEntry {
  std::int64_t capacity_bytes = 0;  // array size
  int access_bits = 0;              // bits moved by one access
  double energy_pj = 0;             // one access, pJ
  std::string source;               // publication
};

struct DramEntry {
  int access_bits = 0;       // bits moved by one access
  double energy_pj_min = 0;  // one access, low end of the published range, pJ
  double energy_pj_max = 0;  // one access, high end, pJ
  std::string source;        // publication
};

// Node-scaling coefficients of one technology node.
struct NodeEntry {
  int node_nm = 0;               // technology node, nm
  double area_vs_reference = 0;  // area of a design at this node / at reference_node_nm
  VddPolynomial delay;           // relative gate delay as a polynomial in VDD
  VddPolynomial energy;          // relative switching energy as a polynomial in VDD
  std::string source;            // publication
};

struct NodeScaling {
  int reference_node_nm = 0;                 // node whose area_vs_reference is 1
  std::string source;                        // publication of the whole table
  std::vector<NodeEntry> nodes;              // ordered from the largest node to the smallest
  const NodeEntry* find(int node_nm) const;  // nullptr when the node is not in the table
};

struct TechTable {
  std::string name;                          // `tech_table:` of the file
  std::string file;                          // where it was loaded from
  ProcessEntry process;                      // node and VDD of the energy and area entries
  std::vector<IntAddEntry> int_add;          // by ascending bits
  std::vector<IntMulEntry> int_mul;          // by ascending a_bits x w_bits
  std::vector<FloatOpEntry> fp_add;          // by ascending significand bits
  std::vector<FloatOpEntry> fp_mul;          // by ascending significand bits
  CellEntry register_bit;                    // a flip-flop register (bits: 1)
  CellEntry logic;                           // a bitwise logic unit (AND/OR/XOR of `bits` bits)
  SramCellEntry sram_cell;                   // the SRAM bit cell
  std::vector<SramAccessEntry> sram_access;  // by ascending capacity
  DramEntry dram;                            // off-chip DRAM
  NodeScaling node_scaling;                  // area / delay / energy factors between nodes
};

// Binds a technology table (strict: unknown keys, wrong types, non-positive values, missing
// `source` are errors, all reported at once). Throws ConfigError.
TechTable bind_tech_table(const ConfigDoc& doc);
TechTable load_tech_table(const std::string& path);

// The file of table `name_or_path`: a value with a '/' or ending in ".yaml" is a path (relative
// to the current directory); anything else is a name, configs/tech/<name>.yaml under the data
// directory ($TPESIM_DATA_DIR, else the source tree tpesim was built from). Empty if not found;
// `searched` gets the places looked at.
std::string find_tech_table(const std::string& name_or_path, std::vector<std::string>* searched);
// The names of the tables under the data directory, for messages.
std::vector<std::string> known_tech_tables();

}  // namespace tpesim::arch
