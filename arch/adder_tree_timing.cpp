// SPDX-License-Identifier: Apache-2.0
#include "arch/adder_tree_timing.h"

#include "sim/core/errors.h"

namespace tpesim::arch {

FoldGeometry adder_tree_geometry(const ArraySpec& array, const workloads::Gemm& gemm) {
  ArraySpec grid = array;
  grid.dataflow = Dataflow::Ws;  // K tile on the lanes, N tile on the columns, M streams
  return FoldGeometry::of(grid, gemm);
}

AdderTreeTiming::AdderTreeTiming(const ArraySpec& array, const FoldGeometry& geometry,
                                 const std::vector<StreamOffsets>* offsets)
    : m_geometry(geometry),
      m_stages_per_level(array.tree_stages_per_level),
      m_forward(array.activation == TreeActivation::Forward),
      m_offsets(offsets && !offsets->empty() ? offsets : nullptr) {
  TPESIM_CHECK(geometry.dataflow == Dataflow::Ws && geometry.rows == array.k_lanes() &&
                   geometry.cols == array.columns(),
               "adder tree timing built over a geometry that is not its k_lanes x columns grid");
  while ((std::int64_t{1} << m_levels) < array.k_lanes()) ++m_levels;
}

}  // namespace tpesim::arch
