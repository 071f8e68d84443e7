// SPDX-License-Identifier: Apache-2.0
#include "sim/workload_file.h"

#include <fstream>

#include "workloads/llm_trace.h"
#include "workloads/scalesim_topology.h"

namespace tpesim {

namespace {
bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string header;
  std::getline(in, header);
  return header;
}
}  // namespace

bool csv_is_trace(const std::string& path) { return workloads::is_trace_header(first_line(path)); }

bool csv_is_gemm(const std::string& path) {
  const std::string header = first_line(path);
  int fields = 0;
  for (std::size_t start = 0; start <= header.size();) {
    std::size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    if (header.find_first_not_of(" \t\r", start) < comma) ++fields;
    start = comma + 1;
  }
  return fields == 4;
}

workloads::Workload load_csv_workload(const std::string& path, bool gemm_csv) {
  if (csv_is_trace(path)) return workloads::load_trace_csv(path);
  return workloads::load_scalesim_topology(path, gemm_csv || csv_is_gemm(path)
                                                     ? workloads::TopologyFormat::Gemm
                                                     : workloads::TopologyFormat::Conv);
}

workloads::Workload load_workload_file(const std::string& path, bool gemm_csv) {
  if (ends_with(path, ".csv")) return load_csv_workload(path, gemm_csv);
  return workloads::load_gemm_yaml(path);
}

}  // namespace tpesim
