// SPDX-License-Identifier: Apache-2.0
// Speed of the systolic array models on SCALE-Sim's reference job (one 1024^3 GEMM on a 128x128
// weight-stationary array): timing only, timing plus values (fast fidelity), and the cycle
// fidelity in PE-cycles per second.
#include <benchmark/benchmark.h>

#include "arch/simulate.h"

namespace {

using namespace tpesim;

arch::ArchSpec ws_array(int rows, int cols, arch::Fidelity fidelity, bool values) {
  arch::ArchSpec a;
  a.array.rows = rows;
  a.array.cols = cols;
  a.array.dataflow = arch::Dataflow::Ws;
  a.run.fidelity = fidelity;
  a.run.values = values;
  return a;
}

void BM_FastTimingOnly(benchmark::State& state) {
  const auto n = state.range(0);
  const arch::ArchSpec a = ws_array(128, 128, arch::Fidelity::Fast, false);
  const workloads::Gemm g{"g", n, n, n, 1};
  for (auto _ : state) benchmark::DoNotOptimize(arch::simulate_layer(a, g, 0).stats.cycles);
}
BENCHMARK(BM_FastTimingOnly)->Arg(1024)->Arg(8192)->Unit(benchmark::kMillisecond);

void BM_FastTimingAndValues(benchmark::State& state) {
  const auto n = state.range(0);
  const arch::ArchSpec a = ws_array(128, 128, arch::Fidelity::Fast, true);
  const workloads::Gemm g{"g", n, n, n, 1};
  const arch::GemmOperands op = arch::make_operands(a, g, 0);
  for (auto _ : state) benchmark::DoNotOptimize(arch::simulate_layer(a, g, 0, &op).stats.cycles);
  state.counters["MAC/s"] = benchmark::Counter(static_cast<double>(n * n * n),
                                               benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_FastTimingAndValues)->Arg(1024)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_CycleFidelity(benchmark::State& state) {
  const auto n = state.range(0);
  const auto dataflow = static_cast<arch::Dataflow>(state.range(1));
  arch::ArchSpec a = ws_array(128, 128, arch::Fidelity::Cycle, true);
  a.array.dataflow = dataflow;
  const workloads::Gemm g{"g", n, n, n, 1};
  const arch::GemmOperands op = arch::make_operands(a, g, 0);
  std::int64_t cycles = 0;
  for (auto _ : state) cycles = arch::simulate_layer(a, g, 0, &op).stats.cycles;
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["PE-cycles/s"] = benchmark::Counter(static_cast<double>(cycles) * 128 * 128,
                                                     benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_CycleFidelity)
    ->Args({256, 0})
    ->Args({1024, 0})
    ->Args({1024, 1})
    ->Args({1024, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
