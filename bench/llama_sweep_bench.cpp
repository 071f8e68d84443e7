// SPDX-License-Identifier: Apache-2.0
// Sweep throughput on a real model: configs/sweeps/llama2_7b_64_points.yaml, a full Llama-2-7B
// prefill step (S = 2048) and decode step (context 128) on 64 architecture points at fast
// fidelity, through run_sweep (results.jsonl, results.csv, pareto.csv, report.md; no plots) on
// two worker threads. Figures and the command: docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <string>

#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"

namespace {

namespace fs = std::filesystem;

void BM_Llama2_7bSweep64Points(benchmark::State& state) {
  const tpesim::sweep::SweepSpec spec = tpesim::sweep::load_sweep(
      std::string(TPESIM_SOURCE_DIR) + "/configs/sweeps/llama2_7b_64_points.yaml");
  const fs::path out = fs::temp_directory_path() / "tpesim_llama_sweep_bench";
  std::int64_t points = 0;
  for (auto _ : state) {
    state.PauseTiming();
    fs::remove_all(out);
    state.ResumeTiming();
    tpesim::sweep::SweepOptions options;
    options.out = out;
    options.jobs = static_cast<int>(state.range(0));
    const tpesim::sweep::SweepSummary summary = tpesim::sweep::run_sweep(spec, options);
    if (summary.ok != summary.total) state.SkipWithError(summary.first_error.c_str());
    points += summary.total;
  }
  fs::remove_all(out);
  state.counters["points"] = static_cast<double>(points);
  state.counters["points_per_s"] =
      benchmark::Counter(static_cast<double>(points), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Llama2_7bSweep64Points)
    ->Arg(2)
    ->ArgName("jobs")
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
