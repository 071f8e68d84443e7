// SPDX-License-Identifier: Apache-2.0
// The reports of a run: layers.csv, summary.json, report.md and the resolved config.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "sim/report/staged_output.h"
#include "sim/run.h"

namespace tpesim {

// Column names of layers.csv, in order.
const std::vector<std::string>& layers_csv_columns();

void write_layers_csv(const RunResult& run, const std::filesystem::path& path);
// One row per layer and PE event: count per instance and times the layer's count.
void write_activity_csv(const RunResult& run, const std::filesystem::path& path);
void write_resolved_config(const RunResult& run, const std::filesystem::path& path);
nlohmann::json summary_json(const RunResult& run);
void write_summary_json(const RunResult& run, const std::filesystem::path& path);
void write_report_md(const RunResult& run, const std::filesystem::path& path);

// All of the above into `out` (not committed).
void write_run_reports(const RunResult& run, StagedOutput& out);

// A YAML tree as JSON (scalars that parse as integers, floats or booleans become those).
nlohmann::json yaml_to_json(const YAML::Node& node);

}  // namespace tpesim
