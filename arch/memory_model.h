// SPDX-License-Identifier: Apache-2.0
// Fold-level model of the operand buffers and DRAM: which tiles must come from DRAM, when they
// arrive, and when outputs drain. Shared by both fidelities. Model and rules: docs/TIMING.md.
//
// NOTE(model): stalls are inserted only at fold boundaries (a fold starts when its operands can
// be delivered in time); DRAM reads and writes are two in-order queues (DMA engines), each with
// dram.bytes_per_cycle; a fold's tile may stream in while it is consumed once the first buffer
// half is filled.
#pragma once

#include <cstdint>
#include <vector>

#include "arch/access_counts.h"
#include "arch/fold_geometry.h"
#include "arch/fold_scheduler.h"

namespace tpesim::arch {

class MemoryModel {
 public:
  MemoryModel(const MemorySpec& spec, const FoldGeometry& geometry, const pe::OperandBits& bits);

  // Call once per fold, in order, before scheduling it: issues the fold's DRAM reads and returns
  // the first cycle the fold may start.
  std::int64_t data_ready(const Fold& fold);
  // Call once per fold after scheduling it: records when it frees its buffers, drains outputs.
  void fold_scheduled(const Fold& fold, const FoldTimes& times);
  // One past the cycle the last DRAM write completes (0 with ideal memory or no writes).
  std::int64_t finish() const { return m_finish; }
  // DRAM traffic and the buffer fills and drains it causes (array-side accesses not included).
  const AccessCounts& counts() const { return m_counts; }

 private:
  struct Operand {
    BufferSpec spec;              // capacity, port width, double buffering
    int bits = 8;                 // element width
    bool whole_fits = false;      // the whole matrix fits: each tile is fetched once
    std::vector<bool> loaded;     // whole_fits: tiles already on chip, by tile id
    std::int64_t last_tile = -1;  // otherwise: tile currently held
  };
  struct Tile {
    std::int64_t id = 0;        // identity for reuse
    std::int64_t elements = 0;  // size
    std::int64_t consume = 0;   // cycles the array spends reading it
  };
  Tile ifmap_tile(const Fold& f) const;
  Tile filter_tile(const Fold& f) const;
  // Issues one read on the read queue; returns when the fold may start as far as it goes.
  std::int64_t read(Operand& op, OperandTraffic& counts, const Tile& tile, std::int64_t not_before);
  std::int64_t release_before(std::int64_t fold_index, int distance) const;

  MemorySpec m_spec;                       // sizes and bandwidths
  FoldGeometry m_geometry;                 // the GEMM's mapping
  bool m_ideal = true;                     // memory.kind == ideal
  Operand m_ifmap, m_filter, m_ofmap;      // per-operand state
  bool m_spill = false;                    // partial sums do not fit on chip: they go through DRAM
  std::int64_t m_read_free = 0;            // read queue busy until
  std::int64_t m_write_free = 0;           // write queue busy until
  std::int64_t m_finish = 0;               // last write completion
  std::vector<std::int64_t> m_release;     // per scheduled fold: input buffers free from
  std::vector<std::int64_t> m_spill_done;  // per scheduled fold: its partial sums are in DRAM
  AccessCounts m_counts;                   // DRAM side traffic
};

}  // namespace tpesim::arch
