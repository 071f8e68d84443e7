// SPDX-License-Identifier: Apache-2.0
// A workload: a list of GEMM layers O[M x N] = A[M x K] * W[K x N], each run `count` times.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/core/bind.h"

namespace tpesim::workloads {

struct Gemm {
  std::string name;        // layer name, unique within a workload
  std::int64_t m = 0;      // output rows (tokens, or output pixels of a lowered conv)
  std::int64_t n = 0;      // output columns (output features / filters)
  std::int64_t k = 0;      // reduction length
  std::int64_t count = 1;  // how many times the layer runs (e.g. transformer blocks)

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<Gemm, std::string>{"name", &Gemm::name, "layer name", "", {}, true},
        Field<Gemm, std::int64_t>{"m", &Gemm::m, "output rows (tokens)", "",
                                  in_range<std::int64_t>(1, std::int64_t{1} << 24), true},
        Field<Gemm, std::int64_t>{"n", &Gemm::n, "output columns (features)", "",
                                  in_range<std::int64_t>(1, std::int64_t{1} << 24), true},
        Field<Gemm, std::int64_t>{"k", &Gemm::k, "reduction length", "",
                                  in_range<std::int64_t>(1, std::int64_t{1} << 24), true},
        Field<Gemm, std::int64_t>{"count", &Gemm::count, "repetitions of this layer", "",
                                  in_range<std::int64_t>(1, std::int64_t{1} << 40)},
    };
    return kFields;
  }
};

struct Workload {
  std::string source;        // file it was read from
  std::vector<Gemm> layers;  // in execution order
};

// Reads `gemms: [{name, m, n, k, count}, ...]` strictly. Throws ConfigError.
Workload load_gemm_yaml(const std::string& path);

}  // namespace tpesim::workloads
