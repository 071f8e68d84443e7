// SPDX-License-Identifier: Apache-2.0
// Co-simulation speed: lock-step cycles per second of the verilated arrays (rtl/arrays/) against
// the C++ register-level array models, on the random GEMM stream of the lock-step tests. A
// lock-step cycle is one RTL edge with its inputs driven and every output compared, plus the
// share of the C++ model's run that produced it.
#include <benchmark/benchmark.h>

#include <string>

#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/array_lockstep.h"

namespace {

using namespace tpesim::cosim;

constexpr std::int64_t kCycles = 20000;  // lock-step cycles per iteration

// Lock-step cycles per second, and the cycles with a mismatch over all iterations (0, or the run
// is also marked as an error).
void report(benchmark::State& state, std::int64_t cycles, std::int64_t mismatches) {
  state.counters["cycles/s"] =
      benchmark::Counter(static_cast<double>(cycles), benchmark::Counter::kIsRate);
  state.counters["mismatches"] = static_cast<double>(mismatches);
  if (mismatches > 0) state.SkipWithError("lock-step mismatch");
}

void BM_SystolicLockstep(benchmark::State& state, const std::string& name) {
  const SystolicRtlSet& set = systolic_rtl_set(name);
  ArrayStimulus stimulus;
  stimulus.cycles = kCycles;
  stimulus.max_m = 3 * set.shape.rows;
  stimulus.max_n = 3 * set.shape.cols;
  stimulus.max_k = 3 * set.shape.rows;
  std::int64_t cycles = 0, mismatches = 0;
  for (auto _ : state) {
    SystolicLockstep bench(set.make(stimulus.seed, false), stimulus);
    while (!bench.done()) {
      mismatches += bench.step().empty() ? 0 : 1;
      ++cycles;
    }
  }
  report(state, cycles, mismatches);
}

void BM_AdderTreeLockstep(benchmark::State& state, const std::string& name) {
  const AdderTreeRtlSet& set = adder_tree_rtl_set(name);
  ArrayStimulus stimulus;
  stimulus.cycles = kCycles;
  stimulus.max_n = 3 * set.shape.columns;
  stimulus.max_k = 4 * set.shape.k_lanes;
  std::int64_t cycles = 0, mismatches = 0;
  for (auto _ : state) {
    AdderTreeLockstep bench(set.make(stimulus.seed, false), stimulus);
    while (!bench.done()) {
      mismatches += bench.step().empty() ? 0 : 1;
      ++cycles;
    }
  }
  report(state, cycles, mismatches);
}

BENCHMARK_CAPTURE(BM_SystolicLockstep, ws_16x16, std::string("systolic_ws_16x16_sat18"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SystolicLockstep, os_16x16, std::string("systolic_os_16x16_wrap32"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_SystolicLockstep, ws_4x4, std::string("systolic_ws_4x4_wrap32"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_AdderTreeLockstep, tree_4x8, std::string("adder_tree_4x8"))
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
