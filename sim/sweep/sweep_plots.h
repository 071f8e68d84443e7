// SPDX-License-Identifier: Apache-2.0
// The figures of a finished sweep: runs scripts/plot-sweep (matplotlib through /usr/bin/python3)
// on the output folder, which writes DIR/plots/*.png. A missing python3 or matplotlib is not an
// error of the sweep: the outcome says why there are no plots, for stderr and report.md.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tpesim::sweep {

struct PlotOutcome {
  bool requested = false;          // plots were asked for (else report.md says nothing of them)
  std::vector<std::string> files;  // PNGs made, relative to the sweep folder ("plots/x.png")
  std::string problem;             // why there are none (empty when they were made)
};

// The interpreter and the script: $TPESIM_PYTHON or /usr/bin/python3, and $TPESIM_PLOT_SCRIPT
// or the source tree's scripts/plot-sweep.
std::string plot_python();
std::string plot_script();

// Runs the script on `dir` (results.jsonl, results.csv and pareto.csv already written) and waits.
PlotOutcome make_plots(const std::filesystem::path& dir);

}  // namespace tpesim::sweep
