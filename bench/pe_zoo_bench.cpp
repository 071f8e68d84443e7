// SPDX-License-Identifier: Apache-2.0
// Speed of the data-dependent PE timing (bitslice laconic on a 128 x 128 ws systolic array, with
// each lock-step scope; the OPT4C serial_digit column) and of the adder-tree array, at both
// fidelities.
#include <benchmark/benchmark.h>

#include "arch/simulate.h"

namespace {

using namespace tpesim;

arch::ArchSpec laconic_systolic(arch::Fidelity fidelity) {
  arch::ArchSpec a;
  a.array.rows = 128;
  a.array.cols = 128;
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::Laconic;
  a.array.pe = spec;
  a.run.fidelity = fidelity;
  return a;
}

arch::ArchSpec adder_tree(int columns, int k_lanes, const pe::PeConfig& pe,
                          arch::Fidelity fidelity) {
  arch::ArchSpec a;
  a.array.kind = arch::ArrayKind::AdderTree;
  a.array.cols = columns;
  a.array.rows = k_lanes;
  a.array.pe = pe;
  a.run.fidelity = fidelity;
  return a;
}

pe::PeConfig serial_digit() {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::SerialDigit;
  return spec;
}

// Runs `a` on an n^3 GEMM with fixed operands; reports the simulated cycles and the rate of
// simulated PE-cycles (cycles x PEs) per second.
void run(benchmark::State& state, const arch::ArchSpec& a, std::int64_t n) {
  const workloads::Gemm g{"g", n, n, n, 1};
  const arch::GemmOperands op = arch::make_operands(a, g, 0);
  std::int64_t cycles = 0;
  for (auto _ : state) cycles = arch::simulate_layer(a, g, 0, &op).stats.cycles;
  const double pes = static_cast<double>(a.array.rows) * a.array.cols;
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["PE-cycles/s"] = benchmark::Counter(static_cast<double>(cycles) * pes,
                                                     benchmark::Counter::kIsIterationInvariantRate);
}

void BM_LaconicSystolic(benchmark::State& state) {
  const auto fidelity = static_cast<arch::Fidelity>(state.range(1));
  run(state, laconic_systolic(fidelity), state.range(0));
}
BENCHMARK(BM_LaconicSystolic)
    ->Args({1024, 0})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Args: N, fidelity, array.sync (0 array, 1 row, 2 column, 3 pe).
void BM_LaconicSync(benchmark::State& state) {
  arch::ArchSpec a = laconic_systolic(static_cast<arch::Fidelity>(state.range(1)));
  a.array.sync = static_cast<arch::SyncScope>(state.range(2));
  run(state, a, state.range(0));
}
BENCHMARK(BM_LaconicSync)
    ->Args({1024, 0, 1})
    ->Args({1024, 0, 2})
    ->Args({1024, 0, 3})
    ->Args({128, 1, 1})
    ->Args({128, 1, 3})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_AdderTreeInt8(benchmark::State& state) {
  const auto fidelity = static_cast<arch::Fidelity>(state.range(1));
  arch::ArchSpec a = adder_tree(64, 16, pe::IntMacSpec{}, fidelity);
  a.run.values = true;
  run(state, a, state.range(0));
}
BENCHMARK(BM_AdderTreeInt8)
    ->Args({1024, 0})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_Opt4cColumn(benchmark::State& state) {
  const auto fidelity = static_cast<arch::Fidelity>(state.range(1));
  run(state, adder_tree(64, 4, serial_digit(), fidelity), state.range(0));
}
BENCHMARK(BM_Opt4cColumn)
    ->Args({1024, 0})
    ->Args({256, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
