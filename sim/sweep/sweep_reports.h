// SPDX-License-Identifier: Apache-2.0
// The final files of a sweep, derived from its results.jsonl rows in point order:
// results.csv (every point), pareto.csv (the points no other point beats on area, energy and
// latency at once) and report.md. Byte-identical for any job count and after a resume: they
// depend only on the rows' values, and numbers have a fixed number of significant digits.
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/sweep/sweep_plots.h"
#include "sim/sweep/sweep_points.h"
#include "sim/sweep/sweep_spec.h"

namespace tpesim::sweep {

// One point and its results.jsonl row.
struct SweepRow {
  const SweepPoint* point = nullptr;  // the point (its id, overrides and parameter labels)
  nlohmann::json result;              // its row: status ok with metrics, or status error
};

// A double with 6 significant digits (`%.6g`); "" for null.
std::string format_number(const nlohmann::json& value);

// For each row: true when its status is ok and no other ok row is at least as good on area,
// energy and latency (time_s) and better on one of them. Rows with equal triples are all kept.
std::vector<bool> pareto_front(const std::vector<SweepRow>& rows);

// The file contents (rows in point order).
std::string results_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows);
std::string pareto_csv(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                       const std::vector<bool>& front);
// `plots`: the figures' section (links, or why there are none); nothing when not requested.
std::string sweep_report_md(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                            const std::vector<bool>& front, const PlotOutcome& plots = {});

struct SweepReportFiles {
  std::int64_t pareto = 0;  // points on the Pareto front
  PlotOutcome plots;        // the figures (when requested)
};

// Writes results.csv and pareto.csv, then (when `plots`) the figures (sweep_plots.h), then
// report.md into `dir`, each file through a temporary file and a rename.
SweepReportFiles write_sweep_reports(const SweepSpec& spec, const std::vector<SweepRow>& rows,
                                     const std::filesystem::path& dir, bool plots = false);

}  // namespace tpesim::sweep
