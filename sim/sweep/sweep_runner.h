// SPDX-License-Identifier: Apache-2.0
// Runs a sweep's points on worker threads, each through the same in-process simulation as
// `tpesim run`, appending one JSON line per finished point to DIR/results.jsonl (append-only,
// one write call per whole line). A killed sweep resumes: rows already there are kept, a torn
// last line is dropped, and only the missing points run. When every point has a row, the final
// reports (sweep_reports.h) are derived from results.jsonl in point order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>

#include "sim/sweep/sweep_plots.h"
#include "sim/sweep/sweep_points.h"
#include "sim/sweep/sweep_spec.h"

namespace tpesim::sweep {

// Where a sweep stands, for progress displays.
struct SweepProgress {
  std::int64_t total = 0;    // points in the sweep
  std::int64_t done = 0;     // points with a row, resumed ones included
  std::int64_t resumed = 0;  // rows that were already in results.jsonl
  std::int64_t errors = 0;   // error rows among `done`
  double elapsed_s = 0;      // wall time since this run started, s
  bool finished = false;     // the last call: every point has a row
};

struct SweepOptions {
  std::filesystem::path out;  // the output folder
  int jobs = 1;               // worker threads, >= 1
  bool resume = false;        // continue a sweep in `out` (else `out` must be empty or absent)
  bool plots = false;         // draw DIR/plots/*.png at the end (sweep_plots.h)
  // Called after every finished point and once at the start and the end, one call at a time
  // (from worker threads; may be empty).
  std::function<void(const SweepProgress&)> progress;
};

struct SweepSummary {
  std::int64_t total = 0;            // points
  std::int64_t ok = 0;               // rows with status ok
  std::int64_t errors = 0;           // rows with status error
  std::int64_t internal_errors = 0;  // error rows from a broken model invariant (a bug)
  std::int64_t resumed = 0;          // rows found in results.jsonl at the start
  std::int64_t ran = 0;              // points run by this call
  std::int64_t pareto = 0;           // points on the Pareto front
  std::string first_error;           // the first error row's id and message, in point order
  PlotOutcome plots;                 // the figures, when SweepOptions::plots
};

// One point through the simulator: a results.jsonl row (without the `run_s` wall time). An
// override or a config that does not bind, an input error or a broken model invariant gives an
// error row (status "error", `error` the message, `error_kind` config | input | internal).
nlohmann::json run_point(const SweepSpec& spec, const SweepPoint& point);

// Runs every point that has no row yet and writes the final reports. Throws UserError for a
// non-empty `out` without `resume`, a results.jsonl that does not belong to this sweep, or a
// folder that cannot be written.
SweepSummary run_sweep(const SweepSpec& spec, const SweepOptions& options);

}  // namespace tpesim::sweep
