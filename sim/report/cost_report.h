// SPDX-License-Identifier: Apache-2.0
// The energy, area and throughput parts of a run's reports (summary.json, report.md,
// layers.csv), from arch::RunCost.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "arch/cost_model.h"

namespace tpesim {

// The `cost` object of summary.json.
nlohmann::json cost_json(const arch::RunCost& cost);
// The "Energy, area and throughput" section of report.md.
std::string cost_markdown(const arch::RunCost& cost);
// Column names appended to layers.csv, and one layer's values for them (one instance).
const std::vector<std::string>& cost_csv_columns();
std::vector<std::string> cost_csv_row(const arch::LayerCost& layer,
                                      const arch::AreaBreakdown& area);

}  // namespace tpesim
