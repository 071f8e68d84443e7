// SPDX-License-Identifier: Apache-2.0
#include "sim/run.h"

#include <optional>
#include <utility>

#include "sim/synth/pe_area.h"

namespace tpesim {

RunResult run_workload(const arch::ArchSpec& arch, const workloads::Workload& workload) {
  RunResult result;
  result.arch = arch;
  result.workload = workload;
  double busy_weighted = 0;  // sum of layer utilization x layer cycles: busy PE-cycles / PEs
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const workloads::Gemm& gemm = workload.layers[i];
    const arch::LayerRun run = arch::simulate_layer(arch, gemm, static_cast<std::int64_t>(i));
    result.layers.push_back(LayerResult{gemm, run.stats});
    RunTotals& t = result.totals;
    t.cycles += run.stats.cycles * gemm.count;
    t.compute_cycles += run.stats.compute_cycles * gemm.count;
    t.stall_cycles += run.stats.stall_cycles * gemm.count;
    t.macs += run.stats.macs * gemm.count;
    for (const auto& [name, n] : run.stats.activity.events) t.activity[name] += n * gemm.count;
    t.activity_data_counted = t.activity_data_counted && run.stats.activity.data_counted;
    busy_weighted += run.stats.utilization * static_cast<double>(run.stats.cycles * gemm.count);
  }
  RunTotals& t = result.totals;
  t.utilization = t.cycles > 0 ? busy_weighted / static_cast<double>(t.cycles) : 0;
  arch::TechTable table = arch::load_tech_for(arch.tech);
  std::optional<arch::SynthesizedPeArea> synthesized;
  if (arch.tech.pe_area == arch::PeAreaSource::Yosys) {
    synthesized = synth::synthesized_pe_area(arch, table);
  }
  const arch::CostModel cost(arch, std::move(table), std::move(synthesized));
  std::vector<arch::LayerInstance> instances;
  for (const LayerResult& l : result.layers) instances.push_back({&l.stats, l.gemm.count});
  result.cost = cost.run(instances);
  return result;
}

}  // namespace tpesim
