// SPDX-License-Identifier: Apache-2.0
// The energy and area of one hardware primitive of any width or format, derived from a
// technology table's published entries by the rules of docs/COST_MODEL.md (at the table's own
// node; node scaling is applied by the cost model). Primitives are named like activity events:
//   int_add_<B>            B-bit integer adder
//   int_mul_<A>x<W>        A x W-bit integer multiplier
//   fp_add_<F>             adder rounding to format F
//   fp_mul_<F>, fp_mul_<F>x<G>  multiplier of F x F or F x G operands
//   full_adder_bit         one full-adder cell (one bit of a carry-save row)
//   logic_bit              one bit of a 2-input logic gate / 2:1 multiplexer
//   register_bit           one flip-flop bit (energy per clocked cycle)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "arch/tech_table.h"

namespace tpesim::arch {

struct UnitCost {
  double energy_pj = 0;  // one operation (register_bit: one clocked cycle), pJ
  double area_um2 = 0;   // one unit, um^2
  std::string rule;      // how the numbers follow from which table entries
};

class UnitCosts {
 public:
  explicit UnitCosts(const TechTable& table) : m_table(table) {}

  // The primitive `name` (see above), or nullopt when the name is not a primitive.
  std::optional<UnitCost> primitive(const std::string& name) const;

  UnitCost int_add(int bits) const;
  UnitCost int_mul(int a_bits, int w_bits) const;
  UnitCost fp_add(const pe::FloatFormat& f) const;
  UnitCost fp_mul(const pe::FloatFormat& a, const pe::FloatFormat& w) const;
  UnitCost full_adder_bit() const;
  UnitCost logic_bit() const;
  UnitCost register_bit() const;

  // One byte read or written in an SRAM array of `capacity_bytes`, pJ.
  double sram_pj_per_byte(std::int64_t capacity_bytes) const;
  // Bit-cell area of `capacity_bytes` of SRAM, um^2.
  double sram_area_um2(std::int64_t capacity_bytes) const;
  // One byte read from or written to DRAM, pJ (low end of the published range).
  double dram_pj_per_byte() const;
  // Static power per unit of logic area, mW/um^2 (the register cell's leakage density).
  double leakage_mw_per_um2() const;

  const TechTable& table() const { return m_table; }

 private:
  const TechTable& m_table;  // the published entries
};

// Piecewise-linear interpolation through points (x ascending); outside the points, the nearest
// point scaled in proportion to x. One point: proportional to it.
struct Point {
  double x = 0;  // size metric (bits, a_bits x w_bits, significand bits)
  double y = 0;  // energy or area at that size
};
double interpolate_proportional(const std::vector<Point>& points, double x);
// Piecewise-linear in log x and log y (a power law per segment); outside, the nearest segment's
// power law continued. One point: that point's value everywhere.
double interpolate_log_log(const std::vector<Point>& points, double x);

}  // namespace tpesim::arch
