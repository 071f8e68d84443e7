// SPDX-License-Identifier: Apache-2.0
#include "arch/memory_model.h"

#include <algorithm>

namespace tpesim::arch {

namespace {
std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }
}  // namespace

MemoryModel::MemoryModel(const MemorySpec& spec, const FoldGeometry& geometry,
                         const pe::OperandBits& bits)
    : m_spec(spec), m_geometry(geometry), m_ideal(spec.kind == MemoryKind::Ideal) {
  m_ifmap.spec = spec.ifmap;
  m_ifmap.bits = bits.a;
  m_filter.spec = spec.filter;
  m_filter.bits = bits.w;
  m_ofmap.spec = spec.ofmap;
  m_ofmap.bits = bits.out;
  m_counts.ifmap.bits = bits.a;
  m_counts.filter.bits = bits.w;
  m_counts.ofmap.bits = bits.out;
  const FoldGeometry& g = geometry;
  // Matrix sizes in elements, by operand (A is M x K, W is K x N).
  std::int64_t a_elems = 0, w_elems = 0;
  switch (g.dataflow) {
    case Dataflow::Ws:
      a_elems = g.t * g.sr, w_elems = g.sr * g.sc;
      break;
    case Dataflow::Is:
      a_elems = g.sc * g.sr, w_elems = g.sr * g.t;
      break;
    case Dataflow::Os:
      a_elems = g.sr * g.t, w_elems = g.t * g.sc;
      break;
  }
  auto whole_fits = [&](const Operand& op, std::int64_t elems) {
    return m_ideal || OperandTraffic::bytes(elems, op.bits) <= op.spec.capacity_bytes;
  };
  m_ifmap.whole_fits = whole_fits(m_ifmap, a_elems);
  m_filter.whole_fits = whole_fits(m_filter, w_elems);
  m_ifmap.loaded.assign(static_cast<std::size_t>(g.folds()), false);
  m_filter.loaded.assign(static_cast<std::size_t>(g.folds()), false);
  if (g.has_load() && g.row_folds > 1 && !m_ideal) {
    // Partial sums of one column block: T x C elements must stay on chip between K folds.
    const std::int64_t psum_bytes = OperandTraffic::bytes(g.t * g.cols, m_ofmap.bits);
    m_spill = psum_bytes > m_ofmap.spec.capacity_bytes;
  }
}

MemoryModel::Tile MemoryModel::ifmap_tile(const Fold& f) const {
  const FoldGeometry& g = m_geometry;
  switch (g.dataflow) {
    case Dataflow::Ws:
      return Tile{f.fr, g.t * f.rows_used, f.stream_cycles};
    case Dataflow::Is:
      return Tile{f.index, std::int64_t{f.rows_used} * f.cols_used, g.rows};
    case Dataflow::Os:
      return Tile{f.fr, g.t * f.rows_used, f.stream_cycles};
  }
  return {};
}

MemoryModel::Tile MemoryModel::filter_tile(const Fold& f) const {
  const FoldGeometry& g = m_geometry;
  switch (g.dataflow) {
    case Dataflow::Ws:
      return Tile{f.index, std::int64_t{f.rows_used} * f.cols_used, g.rows};
    case Dataflow::Is:
      return Tile{f.fr, g.t * f.rows_used, f.stream_cycles};
    case Dataflow::Os:
      return Tile{f.fc, g.t * f.cols_used, f.stream_cycles};
  }
  return {};
}

std::int64_t MemoryModel::release_before(std::int64_t fold_index, int distance) const {
  const std::int64_t i = fold_index - distance;
  return i < 0 ? 0 : m_release[static_cast<std::size_t>(i)];
}

namespace {
void note_busy(OperandTraffic& counts, std::int64_t first, std::int64_t last) {
  if (last < first) return;
  if (counts.dram_first_cycle < 0) counts.dram_first_cycle = first;
  counts.dram_last_cycle = std::max(counts.dram_last_cycle, last);
}
}  // namespace

std::int64_t MemoryModel::read(Operand& op, OperandTraffic& counts, const Tile& tile,
                               std::int64_t not_before) {
  const std::int64_t bytes = OperandTraffic::bytes(tile.elements, op.bits);
  const std::int64_t half =
      op.spec.double_buffered ? op.spec.capacity_bytes / 2 : op.spec.capacity_bytes;
  const std::int64_t rate = std::min(m_spec.dram.bytes_per_cycle, op.spec.bytes_per_cycle);
  const std::int64_t start = std::max(m_read_free, not_before);
  const std::int64_t transfer = ceil_div(bytes, rate);
  m_read_free = start + transfer;
  note_busy(counts, start, start + transfer - 1);
  const std::int64_t done = start + m_spec.dram.latency_cycles + transfer;
  const std::int64_t first_half =
      start + m_spec.dram.latency_cycles + ceil_div(std::min(bytes, half), rate);
  return std::max(first_half, done - tile.consume);
}

std::int64_t MemoryModel::data_ready(const Fold& fold) {
  std::int64_t ready = 0;
  auto fetch = [&](Operand& op, OperandTraffic& counts, const Tile& tile) {
    bool needed = false;
    if (op.whole_fits) {
      const std::size_t id = static_cast<std::size_t>(tile.id);
      needed = !op.loaded[id];
      op.loaded[id] = true;
    } else {
      needed = tile.id != op.last_tile;
      op.last_tile = tile.id;
    }
    if (!needed) return;
    counts.dram_reads += tile.elements;
    counts.sram_writes += tile.elements;
    if (m_ideal) return;
    const std::int64_t bytes = OperandTraffic::bytes(tile.elements, op.bits);
    const bool fits_half = op.spec.double_buffered && bytes <= op.spec.capacity_bytes / 2;
    const std::int64_t buffer_free = release_before(fold.index, fits_half ? 2 : 1);
    ready = std::max(ready, read(op, counts, tile, buffer_free));
  };
  fetch(m_ifmap, m_counts.ifmap, ifmap_tile(fold));
  fetch(m_filter, m_counts.filter, filter_tile(fold));
  if (m_spill && fold.chained) {
    // The previous K fold's partial sums come back from DRAM.
    const Tile psums{fold.index, m_geometry.t * fold.cols_used, fold.stream_cycles};
    m_counts.ofmap.dram_reads += psums.elements;
    m_counts.ofmap.sram_writes += psums.elements;
    const std::int64_t written = m_spill_done[static_cast<std::size_t>(fold.index - 1)];
    ready = std::max(ready, read(m_ofmap, m_counts.ofmap, psums, written));
  }
  return ready;
}

void MemoryModel::fold_scheduled(const Fold& fold, const FoldTimes& times) {
  m_release.push_back(times.release);
  m_spill_done.push_back(0);
  const FoldGeometry& g = m_geometry;
  const std::int64_t outputs =
      g.has_load() ? g.t * fold.cols_used : std::int64_t{fold.rows_used} * fold.cols_used;
  if (!fold.final_k && !m_spill) return;  // partial sums stay in the ofmap buffer
  m_counts.ofmap.dram_writes += outputs;
  m_counts.ofmap.sram_reads += outputs;
  if (m_ideal) return;
  const std::int64_t rate = std::min(m_spec.dram.bytes_per_cycle, m_ofmap.spec.bytes_per_cycle);
  const std::int64_t start = std::max(m_write_free, times.end);
  m_write_free = start + ceil_div(OperandTraffic::bytes(outputs, m_ofmap.bits), rate);
  note_busy(m_counts.ofmap, start, m_write_free - 1);
  const std::int64_t done = m_write_free + m_spec.dram.latency_cycles;
  m_spill_done.back() = done;
  m_finish = std::max(m_finish, done);
}

}  // namespace tpesim::arch
