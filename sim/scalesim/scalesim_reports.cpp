// SPDX-License-Identifier: Apache-2.0
#include "sim/scalesim/scalesim_reports.h"

#include <fmt/format.h>

#include <fstream>

#include "sim/core/errors.h"

namespace tpesim::scalesim {

std::string python_float(double value) {
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // "n": inf / nan
  return s;
}

ScalesimLayerMetrics scalesim_metrics(const arch::ArchSpec& arch, const LayerResult& layer) {
  using arch::Dataflow;
  const arch::LayerSchedule plan = arch::plan_layer(arch, layer.gemm);
  const arch::FoldGeometry& g = plan.geometry;
  const std::int64_t R = g.rows, C = g.cols, T = g.t, RC = R * C;
  ScalesimLayerMetrics m;
  const workloads::Gemm& gm = layer.gemm;
  m.overall_util =
      static_cast<double>(gm.m * gm.n * gm.k * 100) / static_cast<double>(layer.stats.cycles * RC);
  // SCALE-Sim's per-fold length used for compute utilization.
  const std::int64_t util_cycles =
      g.dataflow == Dataflow::Os ? R + C + T - 2 : 2 * R + 2 * C + T - 3;
  double mapping = 0, compute = 0;
  for (const arch::Fold& f : plan.folds) {
    const std::int64_t used = std::int64_t{f.rows_used} * f.cols_used;
    mapping += static_cast<double>(used) / static_cast<double>(RC);
    compute += static_cast<double>(used * T) / static_cast<double>(RC * util_cycles);
    const arch::FoldTraffic t = arch::fold_traffic(g, f);
    m.ifmap_reads += t.ifmap_reads;
    m.filter_reads += t.filter_reads;
    m.ofmap_writes += t.ofmap_writes;
    if (g.dataflow == Dataflow::Os) m.ofmap_writes += R + C;  // SCALE-Sim v2 counts this per fold
  }
  const auto folds = static_cast<double>(plan.folds.size());
  m.mapping_efficiency = mapping / folds * 100;
  m.compute_util = compute / folds * 100;
  // First and last serviced cycle of each operand's SRAM demand (reads have latency 1).
  const arch::Fold& f0 = plan.folds.front();
  const arch::Fold& fl = plan.folds.back();
  const auto F0 = static_cast<double>(plan.times.front().start);
  const auto Fl = static_cast<double>(plan.times.back().start);
  const double Rd = static_cast<double>(R), Td = static_cast<double>(T);
  auto stream_window = [&](double& start, double& stop) {  // skewed rows after an R-row prefix
    start = F0 + Rd + 1;
    stop = Fl + Rd + Td + fl.rows_used - 1;
  };
  auto stationary_window = [&](double& start, double& stop) {  // flipped rows, R-row prefix
    start = F0 + (Rd - f0.rows_used) + 1;
    stop = Fl + Rd;
  };
  switch (g.dataflow) {
    case Dataflow::Ws:
      stream_window(m.ifmap_sram_start, m.ifmap_sram_stop);
      stationary_window(m.filter_sram_start, m.filter_sram_stop);
      break;
    case Dataflow::Is:
      stationary_window(m.ifmap_sram_start, m.ifmap_sram_stop);
      stream_window(m.filter_sram_start, m.filter_sram_stop);
      break;
    case Dataflow::Os:
      m.ifmap_sram_start = F0 + 1;
      m.ifmap_sram_stop = Fl + Td + fl.rows_used - 1;
      m.filter_sram_start = F0 + 1;
      m.filter_sram_stop = Fl + Td + fl.cols_used - 1;
      m.ofmap_sram_start = F0 + Td - 1 + Rd - f0.rows_used;
      m.ofmap_sram_stop = Fl + Td + Rd + fl.cols_used - 3;
      return m;
  }
  m.ofmap_sram_start = F0 + 2 * Rd - 1;
  m.ofmap_sram_stop = Fl + 2 * Rd + Td + fl.cols_used - 3;
  return m;
}

namespace {

std::ofstream open_for_write(const std::filesystem::path& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw UserError(fmt::format("{}: error: cannot write file", path.string()));
  return out;
}

std::string row(std::size_t id, const std::vector<std::string>& items) {
  return fmt::format("{}, {},\n", id, fmt::join(items, ", "));
}

}  // namespace

void write_scalesim_reports(const RunResult& run, StagedOutput& out) {
  std::ofstream compute = open_for_write(out.file("COMPUTE_REPORT.csv"));
  std::ofstream bandwidth = open_for_write(out.file("BANDWIDTH_REPORT.csv"));
  std::ofstream detail = open_for_write(out.file("DETAILED_ACCESS_REPORT.csv"));
  compute << "LayerID, Total Cycles, Stall Cycles, Overall Util %, Mapping Efficiency %, "
             "Compute Util %,\n";
  bandwidth << "LayerID, Avg IFMAP SRAM BW, Avg FILTER SRAM BW, Avg OFMAP SRAM BW, "
               "Avg IFMAP DRAM BW, Avg FILTER DRAM BW, Avg OFMAP DRAM BW,\n";
  detail << "LayerID, "
            "SRAM IFMAP Start Cycle, SRAM IFMAP Stop Cycle, SRAM IFMAP Reads, "
            "SRAM Filter Start Cycle, SRAM Filter Stop Cycle, SRAM Filter Reads, "
            "SRAM OFMAP Start Cycle, SRAM OFMAP Stop Cycle, SRAM OFMAP Writes, "
            "DRAM IFMAP Start Cycle, DRAM IFMAP Stop Cycle, DRAM IFMAP Reads, "
            "DRAM Filter Start Cycle, DRAM Filter Stop Cycle, DRAM Filter Reads, "
            "DRAM OFMAP Start Cycle, DRAM OFMAP Stop Cycle, DRAM OFMAP Writes,\n";
  for (std::size_t id = 0; id < run.layers.size(); ++id) {
    const LayerResult& layer = run.layers[id];
    const arch::LayerStats& s = layer.stats;
    const ScalesimLayerMetrics m = scalesim_metrics(run.arch, layer);
    compute << row(
        id, {std::to_string(s.cycles), std::to_string(s.stall_cycles), python_float(m.overall_util),
             python_float(m.mapping_efficiency), python_float(m.compute_util)});
    const auto cycles = static_cast<double>(s.cycles);
    auto dram_bw = [](const arch::OperandTraffic& t, std::int64_t elements) {
      if (t.dram_first_cycle < 0) return 0.0;
      return static_cast<double>(elements) /
             static_cast<double>(t.dram_last_cycle - t.dram_first_cycle + 1);
    };
    const arch::AccessCounts& a = s.access;
    bandwidth << row(id, {python_float(static_cast<double>(m.ifmap_reads) / cycles),
                          python_float(static_cast<double>(m.filter_reads) / cycles),
                          python_float(static_cast<double>(m.ofmap_writes) / cycles),
                          python_float(dram_bw(a.ifmap, a.ifmap.dram_reads)),
                          python_float(dram_bw(a.filter, a.filter.dram_reads)),
                          python_float(dram_bw(a.ofmap, a.ofmap.dram_writes))});
    auto window = [](const arch::OperandTraffic& t) {
      return std::pair{
          python_float(static_cast<double>(std::max<std::int64_t>(0, t.dram_first_cycle))),
          python_float(static_cast<double>(std::max<std::int64_t>(0, t.dram_last_cycle)))};
    };
    const auto [di0, di1] = window(a.ifmap);
    const auto [df0, df1] = window(a.filter);
    const auto [do0, do1] = window(a.ofmap);
    detail << row(
        id, {python_float(m.ifmap_sram_start), python_float(m.ifmap_sram_stop),
             std::to_string(m.ifmap_reads), python_float(m.filter_sram_start),
             python_float(m.filter_sram_stop), std::to_string(m.filter_reads),
             python_float(m.ofmap_sram_start), python_float(m.ofmap_sram_stop),
             std::to_string(m.ofmap_writes), di0, di1, std::to_string(a.ifmap.dram_reads), df0, df1,
             std::to_string(a.filter.dram_reads), do0, do1, std::to_string(a.ofmap.dram_writes)});
  }
}

}  // namespace tpesim::scalesim
