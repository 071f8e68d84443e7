// SPDX-License-Identifier: Apache-2.0
#include "arch/fold_geometry.h"

#include <algorithm>

namespace tpesim::arch {

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

FoldGeometry FoldGeometry::of(const ArraySpec& array, const workloads::Gemm& gemm) {
  FoldGeometry g;
  g.dataflow = array.dataflow;
  g.rows = array.rows;
  g.cols = array.cols;
  switch (array.dataflow) {
    case Dataflow::Ws:
      g.sr = gemm.k, g.sc = gemm.n, g.t = gemm.m;
      break;
    case Dataflow::Is:
      g.sr = gemm.k, g.sc = gemm.m, g.t = gemm.n;
      break;
    case Dataflow::Os:
      g.sr = gemm.m, g.sc = gemm.n, g.t = gemm.k;
      break;
  }
  g.interval = pe::initiation_interval(array.pe);
  g.row_folds = ceil_div(g.sr, g.rows);
  g.col_folds = ceil_div(g.sc, g.cols);
  return g;
}

Fold fold_at(const FoldGeometry& g, std::int64_t index) {
  Fold f;
  f.index = index;
  f.fc = index / g.row_folds;
  f.fr = index % g.row_folds;
  f.rows_used = static_cast<int>(std::min<std::int64_t>(g.rows, g.sr - f.fr * g.rows));
  f.cols_used = static_cast<int>(std::min<std::int64_t>(g.cols, g.sc - f.fc * g.cols));
  if (g.has_load()) {
    f.chained = f.fr > 0;
    f.final_k = f.fr == g.row_folds - 1;
  }
  f.stream_cycles = g.stream_cycles();
  f.stream_busy = g.stream_busy();
  return f;
}

void apply_offsets(Fold& fold, const StreamOffsets& offsets) {
  const std::size_t t = offsets.size() - 1;
  fold.stream_cycles = offsets[t - 1] + 1;
  fold.stream_busy = offsets[t];
}

FoldTraffic fold_traffic(const FoldGeometry& g, const Fold& f) {
  const std::int64_t ru = f.rows_used, cu = f.cols_used;
  FoldTraffic t;
  switch (g.dataflow) {
    case Dataflow::Ws:
      t.ifmap_reads = g.t * ru;
      t.filter_reads = ru * cu;
      break;
    case Dataflow::Is:
      t.ifmap_reads = ru * cu;
      t.filter_reads = g.t * ru;
      break;
    case Dataflow::Os:
      t.ifmap_reads = g.t * ru;
      t.filter_reads = g.t * cu;
      t.ofmap_writes = ru * cu;
      return t;
  }
  t.ofmap_writes = g.t * cu;
  t.ofmap_reads = f.chained ? g.t * cu : 0;
  return t;
}

}  // namespace tpesim::arch
