// SPDX-License-Identifier: Apache-2.0
#include "arch/unit_costs.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace tpesim::arch {

double interpolate_proportional(const std::vector<Point>& points, double x) {
  if (x <= points.front().x) return points.front().y * x / points.front().x;
  if (x >= points.back().x) return points.back().y * x / points.back().x;
  for (std::size_t i = 1; i < points.size(); ++i) {
    const Point& lo = points[i - 1];
    const Point& hi = points[i];
    if (x <= hi.x) return lo.y + (hi.y - lo.y) * (x - lo.x) / (hi.x - lo.x);
  }
  return points.back().y;
}

double interpolate_log_log(const std::vector<Point>& points, double x) {
  if (points.size() == 1) return points.front().y;
  std::size_t seg = 1;  // the segment [seg - 1, seg] that holds x, or the nearest one
  while (seg + 1 < points.size() && x > points[seg].x) ++seg;
  const Point& lo = points[seg - 1];
  const Point& hi = points[seg];
  const double slope = std::log(hi.y / lo.y) / std::log(hi.x / lo.x);
  return lo.y * std::pow(x / lo.x, slope);
}

namespace {

int significand_bits(const pe::FloatFormat& f) { return f.man_bits + 1; }

// A positive integer written as the whole of `text`, else nullopt.
std::optional<int> parse_width(std::string_view text) {
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 1 || value > 4096) {
    return std::nullopt;
  }
  return value;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

template <class Entry, class Metric>
UnitCost interpolated(const std::vector<Entry>& entries, Metric metric, double x,
                      const std::string& rule) {
  std::vector<Point> energy, area;
  for (const Entry& e : entries) {
    energy.push_back({metric(e), e.energy_pj});
    area.push_back({metric(e), e.area_um2});
  }
  return UnitCost{interpolate_proportional(energy, x), interpolate_proportional(area, x), rule};
}

}  // namespace

UnitCost UnitCosts::int_add(int bits) const {
  return interpolated(
      m_table.int_add, [](const IntAddEntry& e) { return double(e.bits); }, bits,
      "int_add entries, piecewise linear in the width (proportional outside them)");
}

UnitCost UnitCosts::int_mul(int a_bits, int w_bits) const {
  return interpolated(
      m_table.int_mul, [](const IntMulEntry& e) { return double(e.a_bits) * e.w_bits; },
      double(a_bits) * w_bits,
      "int_mul entries, piecewise linear in a_bits x w_bits (proportional outside them)");
}

UnitCost UnitCosts::fp_add(const pe::FloatFormat& f) const {
  return interpolated(
      m_table.fp_add, [](const FloatOpEntry& e) { return double(significand_bits(e.format)); },
      significand_bits(f),
      "fp_add entries, piecewise linear in the significand width (proportional outside them)");
}

UnitCost UnitCosts::fp_mul(const pe::FloatFormat& a, const pe::FloatFormat& w) const {
  return interpolated(
      m_table.fp_mul,
      [](const FloatOpEntry& e) {
        return double(significand_bits(e.format)) * significand_bits(e.format);
      },
      double(significand_bits(a)) * significand_bits(w),
      "fp_mul entries, piecewise linear in the product of significand widths (proportional "
      "outside them)");
}

UnitCost UnitCosts::full_adder_bit() const {
  const IntAddEntry& widest = m_table.int_add.back();
  return UnitCost{widest.energy_pj / widest.bits, widest.area_um2 / widest.bits,
                  fmt::format("{}-bit int_add entry / {}", widest.bits, widest.bits)};
}

UnitCost UnitCosts::logic_bit() const {
  const CellEntry& l = m_table.logic;
  return UnitCost{l.energy_pj / l.bits, l.area_um2 / l.bits,
                  fmt::format("{}-bit logic entry / {}", l.bits, l.bits)};
}

UnitCost UnitCosts::register_bit() const {
  const CellEntry& r = m_table.register_bit;
  return UnitCost{r.energy_pj / r.bits, r.area_um2 / r.bits, "register_bit entry, per bit"};
}

std::optional<UnitCost> UnitCosts::primitive(const std::string& name) const {
  if (name == "full_adder_bit") return full_adder_bit();
  if (name == "logic_bit") return logic_bit();
  if (name == "register_bit") return register_bit();
  if (starts_with(name, "int_add_")) {
    if (const auto bits = parse_width(std::string_view(name).substr(8))) return int_add(*bits);
    return std::nullopt;
  }
  if (starts_with(name, "int_mul_")) {
    const std::string_view rest = std::string_view(name).substr(8);
    const std::size_t x = rest.find('x');
    if (x == std::string_view::npos) return std::nullopt;
    const auto a = parse_width(rest.substr(0, x));
    const auto w = parse_width(rest.substr(x + 1));
    if (a && w) return int_mul(*a, *w);
    return std::nullopt;
  }
  if (starts_with(name, "fp_add_")) {
    if (const auto f = pe::parse_float_format(std::string_view(name).substr(7))) return fp_add(*f);
    return std::nullopt;
  }
  if (starts_with(name, "fp_mul_")) {
    const std::string_view rest = std::string_view(name).substr(7);
    if (const auto f = pe::parse_float_format(rest)) return fp_mul(*f, *f);
    for (std::size_t x = rest.find('x'); x != std::string_view::npos; x = rest.find('x', x + 1)) {
      const auto a = pe::parse_float_format(rest.substr(0, x));
      const auto w = pe::parse_float_format(rest.substr(x + 1));
      if (a && w) return fp_mul(*a, *w);
    }
  }
  return std::nullopt;
}

double UnitCosts::sram_pj_per_byte(std::int64_t capacity_bytes) const {
  std::vector<Point> points;
  for (const SramAccessEntry& e : m_table.sram_access) {
    points.push_back({double(e.capacity_bytes), e.energy_pj * 8 / e.access_bits});
  }
  return interpolate_log_log(points, double(capacity_bytes));
}

double UnitCosts::sram_area_um2(std::int64_t capacity_bytes) const {
  return double(capacity_bytes) * 8 * m_table.sram_cell.area_um2;
}

double UnitCosts::dram_pj_per_byte() const {
  return m_table.dram.energy_pj_min * 8 / m_table.dram.access_bits;
}

double UnitCosts::leakage_mw_per_um2() const {
  return m_table.register_bit.leakage_mw / m_table.register_bit.area_um2;
}

}  // namespace tpesim::arch
