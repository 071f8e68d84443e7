// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_area_budget.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <optional>

#include "arch/cost_model.h"
#include "sim/core/errors.h"
#include "sim/synth/pe_area.h"

namespace tpesim::sweep {

namespace {

constexpr int kMaxDim = 4096;  // the binder's bound on array.rows and array.cols

}  // namespace

std::string budget_value(const AreaBudget& budget) {
  return fmt::format("{{mm2: {}, shape: {}}}", budget.mm2, enum_name(budget.shape));
}

AreaBudget parse_budget_value(const std::string& value) {
  const YAML::Node node = YAML::Load(value);
  AreaBudget out;
  out.mm2 = node["mm2"].as<double>();
  const std::string shape = node["shape"].as<std::string>();
  out.shape = shape == "rows_fixed" ? BudgetShape::RowsFixed : BudgetShape::Square;
  return out;
}

double array_area_mm2(const arch::ArchSpec& arch) {
  arch::TechTable table = arch::load_tech_for(arch.tech);
  std::optional<arch::SynthesizedPeArea> synthesized;
  if (arch.tech.pe_area == arch::PeAreaSource::Yosys) {
    synthesized = synth::synthesized_pe_area(arch, table);
  }
  const arch::CostModel cost(arch, std::move(table), std::move(synthesized));
  return cost.area().pe_array_mm2 + cost.area().periphery_mm2;
}

std::vector<Override> size_to_budget(
    const AreaBudget& budget,
    const std::function<arch::ArchSpec(const std::vector<Override>&)>& bind) {
  const arch::ArchSpec as_configured = bind({});
  if (as_configured.array.kind != arch::ArrayKind::Systolic) {
    throw UserError("the area-budget axis sizes systolic arrays (array.rows, array.cols) only");
  }
  const int rows = as_configured.array.rows;
  auto overrides = [&](int n) {
    std::vector<Override> out;
    if (budget.shape == BudgetShape::Square) out.push_back({"array.rows", std::to_string(n)});
    out.push_back({"array.cols", std::to_string(n)});
    return out;
  };
  auto area = [&](int n) { return array_area_mm2(bind(overrides(n))); };
  const double smallest = area(1);
  if (smallest > budget.mm2) {
    throw UserError(fmt::format(
        "area budget {} mm² is smaller than the smallest array of this PE ({} x 1: {:.6g} mm²)",
        budget.mm2, budget.shape == BudgetShape::Square ? 1 : rows, smallest));
  }
  if (area(kMaxDim) <= budget.mm2) {
    throw UserError(fmt::format(
        "area budget {} mm² holds more than the largest array ({} x {}); lower the budget",
        budget.mm2, budget.shape == BudgetShape::Square ? kMaxDim : rows, kMaxDim));
  }
  // Array area grows with every added row or column: the largest n that fits is a boundary.
  int lo = 1, hi = kMaxDim;  // area(lo) fits, area(hi) does not
  while (hi - lo > 1) {
    const int mid = lo + (hi - lo) / 2;
    (area(mid) <= budget.mm2 ? lo : hi) = mid;
  }
  return overrides(lo);
}

}  // namespace tpesim::sweep
