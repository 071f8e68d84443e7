// SPDX-License-Identifier: Apache-2.0
// How a GEMM folds onto an R x C systolic array for each dataflow (SCALE-Sim's mapping).
//
//   dataflow | stationary on rows x cols | streamed (T) | fold order
//   ws       | W: K x N                  | A rows (M)   | column folds outer, K folds inner
//   is       | A^T: K x M                | W cols (N)   | column folds outer, K folds inner
//   os       | O: M x N (accumulators)   | K            | column folds outer, row folds inner
#pragma once

#include <cstdint>
#include <vector>

#include "arch/arch_spec.h"
#include "workloads/gemm.h"

namespace tpesim::arch {

struct FoldGeometry {
  Dataflow dataflow = Dataflow::Ws;  // which operand is stationary
  int rows = 1;                      // R, PE rows
  int cols = 1;                      // C, PE columns
  std::int64_t sr = 1;               // extent mapped onto rows (K for ws/is, M for os)
  std::int64_t sc = 1;               // extent mapped onto columns (N for ws/os, M for is)
  std::int64_t t = 1;                // streamed length per fold (M for ws, N for is, K for os)
  std::int64_t row_folds = 1;        // ceil(sr / R)
  std::int64_t col_folds = 1;        // ceil(sc / C)
  int interval = 1;                  // II: cycles between streamed elements (multi-cycle PEs)

  static FoldGeometry of(const ArraySpec& array, const workloads::Gemm& gemm);
  std::int64_t folds() const { return row_folds * col_folds; }
  // Cycles from a fold's first streamed element to its last at one edge port: (T - 1) II + 1.
  std::int64_t stream_cycles() const { return (t - 1) * interval + 1; }
  // Cycles an edge port is busy with one fold's stream: T II.
  std::int64_t stream_busy() const { return t * interval; }
  // True when the stationary operand is written into the PEs before streaming (ws, is).
  bool has_load() const { return dataflow != Dataflow::Os; }
};

struct Fold {
  std::int64_t index = 0;  // position in execution order
  std::int64_t fr = 0;     // row-fold index
  std::int64_t fc = 0;     // column-fold index
  int rows_used = 0;       // PE rows holding real data (<= R)
  int cols_used = 0;       // PE columns holding real data (<= C)
  bool chained = false;    // ws/is: partial sums of the previous K fold enter the column tops
  bool final_k = true;     // its outputs are final (not partial sums)
  std::int64_t stream_cycles = 1;  // TE: first to last streamed element at one port, cycles
  std::int64_t stream_busy = 1;    // TB: cycles one port is busy with the stream
};

// Data-dependent PEs (pe::data_dependent): when each streamed element of one fold enters its
// edge port, relative to the fold's stream start. offsets[e] for e = 0..T; element e's slot is
// offsets[e + 1] - offsets[e] cycles, and offsets[T] is when the port is free again. Empty for
// a uniform stream (element e at e * II).
using StreamOffsets = std::vector<std::int64_t>;

// Sets a fold's TE and TB from its offsets.
void apply_offsets(Fold& fold, const StreamOffsets& offsets);

Fold fold_at(const FoldGeometry& g, std::int64_t index);

// Elements each fold moves between the buffers and the array edge.
struct FoldTraffic {
  std::int64_t ifmap_reads = 0;   // A elements read into the array
  std::int64_t filter_reads = 0;  // W elements read into the array
  std::int64_t ofmap_writes = 0;  // outputs / partial sums written by the array
  std::int64_t ofmap_reads = 0;   // partial sums read back into the array (chained folds)
};
FoldTraffic fold_traffic(const FoldGeometry& g, const Fold& f);

}  // namespace tpesim::arch
