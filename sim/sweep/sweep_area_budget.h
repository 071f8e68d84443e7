// SPDX-License-Identifier: Apache-2.0
// The area-budget axis (docs/SWEEPS.md): sizes a point's systolic array to the largest one whose
// PE array and periphery fit an area budget, priced by the point's own cost model, so PE kinds
// can be compared at equal silicon area.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "sim/core/bind.h"
#include "sim/sweep/sweep_spec.h"

namespace tpesim::sweep {

// How the array grows into the budget.
enum class BudgetShape {
  Square,     // rows = cols = n, the largest n that fits
  RowsFixed,  // rows as configured, cols the largest that fits
};
constexpr auto enum_names(BudgetShape) {
  return std::array{std::pair{BudgetShape::Square, "square"},
                    std::pair{BudgetShape::RowsFixed, "rows_fixed"}};
}

struct AreaBudget {
  double mm2 = 0;                           // PE array + periphery area allowed, mm^2
  BudgetShape shape = BudgetShape::Square;  // which dimensions grow
};

// The pseudo key of an area-budget choice among a point's overrides: its value is the budget as
// flow YAML, `{mm2: 2, shape: square}`. Never applied to the config; no key path can equal it.
inline constexpr const char* kAreaBudgetKey = "@area_budget";

std::string budget_value(const AreaBudget& budget);
AreaBudget parse_budget_value(const std::string& value);

// The area the budget limits: PE array + periphery (buffers are sized by memory.*), mm^2.
double array_area_mm2(const arch::ArchSpec& arch);

// The largest array (dimensions the shape grows, each in [1, 4096]) whose array_area_mm2 is at
// most the budget, as `array.rows` / `array.cols` overrides. `bind` binds the point's config with
// extra overrides appended. Throws UserError when the array kind is not systolic, a 1-PE step
// does not fit, or the 4096 limit fits with room to spare.
std::vector<Override> size_to_budget(
    const AreaBudget& budget,
    const std::function<arch::ArchSpec(const std::vector<Override>&)>& bind);

}  // namespace tpesim::sweep
