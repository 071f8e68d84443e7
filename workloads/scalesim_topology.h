// SPDX-License-Identifier: Apache-2.0
// SCALE-Sim v2 topology CSVs (conv layers, or `Layer, M, N, K` GEMMs), lowered to GEMMs exactly
// as SCALE-Sim v2 lowers them.
#pragma once

#include <cstdint>
#include <string>

#include "workloads/gemm.h"

namespace tpesim::workloads {

enum class TopologyFormat { Conv, Gemm };

// One conv layer as SCALE-Sim describes it; to_gemm() lowers it (no padding).
// NOTE(model): ofmap = ceil((ifmap - filter + stride) / stride), SCALE-Sim v2's rule
// (topology_utils.py), so cycle counts match it. That is one more than the number of windows
// that fit, floor((ifmap - filter) / stride) + 1, whenever the stride does not divide
// (ifmap - filter): AlexNet conv1 is 55 x 55 (SCALE-Sim), not 54 x 54.
struct ConvLayer {
  std::string name;
  std::int64_t ifmap_h = 0, ifmap_w = 0;    // input feature map, pixels
  std::int64_t filter_h = 0, filter_w = 0;  // filter window, pixels
  std::int64_t channels = 0;                // input channels
  std::int64_t num_filters = 0;             // output channels
  std::int64_t stride_h = 1;                // vertical stride, pixels (CSV field 8)
  std::int64_t stride_w = 1;                // horizontal stride, pixels (field 9, else stride_h)
  std::int64_t ofmap_h() const { return (ifmap_h - filter_h + 2 * stride_h - 1) / stride_h; }
  std::int64_t ofmap_w() const { return (ifmap_w - filter_w + 2 * stride_w - 1) / stride_w; }
  Gemm to_gemm() const;
};

// Reads a topology CSV; every malformed field is reported with line and column (ConfigError).
//
// Conv rows: `name, ifmap_h, ifmap_w, filter_h, filter_w, channels, num_filters, stride[, x]`.
// The optional 9th field x is either an integer (the horizontal stride; the 8th field is then
// the vertical one, as in SCALE-Sim v2.0) or an N:M sparsity ratio (newer SCALE-Sim v2).
// A layer whose name contains "DP" is depth-wise: like SCALE-Sim, it becomes `channels`
// layers named `<name>Channel_<i>`, each with one channel.
// GEMM rows: `name, M, N, K[, N:M]`.
// NOTE(model): only dense ratios (N == M) are accepted; N:M sparsity is not modelled.
// The first non-blank row is the header and is skipped. A trailing comma is optional.
// A missing file is a UserError.
Workload load_scalesim_topology(const std::string& path, TopologyFormat format);

}  // namespace tpesim::workloads
