// SPDX-License-Identifier: Apache-2.0
// The architecture a run simulates: the array, its PE kind, the memory system and run options.
// Bound strictly from YAML; member initializers are the only defaults.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/tech_spec.h"
#include "pe/pe_config.h"
#include "sim/core/bind.h"

namespace tpesim::arch {

enum class Dataflow { Ws, Os, Is };
constexpr auto enum_names(Dataflow) {
  return std::array{std::pair{Dataflow::Ws, "ws"}, std::pair{Dataflow::Os, "os"},
                    std::pair{Dataflow::Is, "is"}};
}

enum class Fidelity { Fast, Cycle };
constexpr auto enum_names(Fidelity) {
  return std::array{std::pair{Fidelity::Fast, "fast"}, std::pair{Fidelity::Cycle, "cycle"}};
}

enum class TimingMode { Overlap, Scalesim };
constexpr auto enum_names(TimingMode) {
  return std::array{std::pair{TimingMode::Overlap, "overlap"},
                    std::pair{TimingMode::Scalesim, "scalesim"}};
}

enum class MemoryKind { Ideal, Buffered };
constexpr auto enum_names(MemoryKind) {
  return std::array{std::pair{MemoryKind::Ideal, "ideal"},
                    std::pair{MemoryKind::Buffered, "buffered"}};
}

enum class ArrayKind { Systolic, AdderTree };
constexpr auto enum_names(ArrayKind) {
  return std::array{std::pair{ArrayKind::Systolic, "systolic"},
                    std::pair{ArrayKind::AdderTree, "adder_tree"}};
}

// systolic, data-dependent PEs: which PEs step together. A group starts an element when its
// slowest member has finished the previous one; groups are decoupled by elastic buffers.
enum class SyncScope { Array, Row, Column, Pe };
constexpr auto enum_names(SyncScope) {
  return std::array{std::pair{SyncScope::Array, "array"}, std::pair{SyncScope::Row, "row"},
                    std::pair{SyncScope::Column, "column"}, std::pair{SyncScope::Pe, "pe"}};
}

// adder_tree: how the columns receive a streamed activation vector.
enum class TreeActivation { Broadcast, Forward };
constexpr auto enum_names(TreeActivation) {
  return std::array{std::pair{TreeActivation::Broadcast, "broadcast"},
                    std::pair{TreeActivation::Forward, "forward"}};
}

// Both kinds hold the weight tile K x N on a grid of `rows` x `cols` multipliers, so rows and
// cols are the grid of either kind; an adder tree names them `k_lanes` and `columns` in YAML.
struct ArraySpec {
  ArrayKind kind = ArrayKind::Systolic;  // array kind; `tpesim list-kinds` lists them
  int rows = 32;                      // systolic: PE rows (R); adder_tree: k_lanes, the multipliers
                                      // of one column unit (the K tile)
  int cols = 32;                      // systolic: PE columns (C); adder_tree: columns, the
                                      // dot-product units (the N tile)
  Dataflow dataflow = Dataflow::Ws;   // systolic: which operand stays in the PEs (adder_tree: ws)
  SyncScope sync = SyncScope::Array;  // systolic: lock-step groups of data-dependent PEs
                                      // (adder_tree: its columns step together, array)
  int tree_stages_per_level = 1;      // adder_tree: register stages per tree level (0: the tree
                                      // is combinational)
  TreeActivation activation = TreeActivation::Broadcast;  // adder_tree: activation delivery
  pe::PeConfig pe;                                        // the PE kind and its parameters
  bool rtl_values = false;  // pe kind rtl_<kind>: output values from the RTL (arch/rtl_values.h)

  int k_lanes() const { return rows; }  // adder_tree: multipliers per column unit
  int columns() const { return cols; }  // adder_tree: dot-product units
};

struct BufferSpec {
  std::int64_t capacity_bytes = 1 << 20;  // on-chip SRAM for this operand
  std::int64_t bytes_per_cycle = 64;      // fill / drain port width towards DRAM
  bool double_buffered = true;            // prefetch the next tile while this one is read

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<BufferSpec, std::int64_t>{"capacity_bytes", &BufferSpec::capacity_bytes,
                                        "SRAM capacity", "bytes",
                                        in_range<std::int64_t>(64, std::int64_t{1} << 40)},
        Field<BufferSpec, std::int64_t>{"bytes_per_cycle", &BufferSpec::bytes_per_cycle,
                                        "fill/drain port width towards DRAM", "bytes/cycle",
                                        in_range<std::int64_t>(1, 1 << 20)},
        Field<BufferSpec, bool>{"double_buffered", &BufferSpec::double_buffered,
                                "two halves: prefetch the next fold's tile during this fold"},
    };
    return kFields;
  }
};

struct DramSpec {
  std::int64_t bytes_per_cycle = 32;  // read bandwidth (writes have their own queue, same width)
  std::int64_t latency_cycles = 100;  // request to first data

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<DramSpec, std::int64_t>{"bytes_per_cycle", &DramSpec::bytes_per_cycle,
                                      "DRAM bandwidth per direction", "bytes/cycle",
                                      in_range<std::int64_t>(1, 1 << 20)},
        Field<DramSpec, std::int64_t>{"latency_cycles", &DramSpec::latency_cycles,
                                      "request-to-data latency", "cycles",
                                      in_range<std::int64_t>(0, 1 << 20)},
    };
    return kFields;
  }
};

struct MemorySpec {
  MemoryKind kind = MemoryKind::Ideal;  // ideal: no stalls, every operand fetched once
  BufferSpec ifmap;                     // activations (A)
  BufferSpec filter;                    // weights (W)
  BufferSpec ofmap;                     // outputs and partial sums (O)
  DramSpec dram;                        // off-chip memory

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<MemorySpec, MemoryKind>{"kind", &MemorySpec::kind,
                                      "ideal (compute-only cycles) or buffered (stalls)"},
        Field<MemorySpec, BufferSpec>{"ifmap", &MemorySpec::ifmap, "activation buffer"},
        Field<MemorySpec, BufferSpec>{"filter", &MemorySpec::filter, "weight buffer"},
        Field<MemorySpec, BufferSpec>{"ofmap", &MemorySpec::ofmap, "output/partial-sum buffer"},
        Field<MemorySpec, DramSpec>{"dram", &MemorySpec::dram, "off-chip memory"},
    };
    return kFields;
  }
};

struct RunSpec {
  Fidelity fidelity = Fidelity::Fast;       // fast: formulas + blocked GEMM; cycle: stepped PEs
  TimingMode timing = TimingMode::Overlap;  // overlap: double-buffered stationary operand
  bool values = false;                      // compute output values in fast fidelity
  bool verify = false;                      // compare outputs with the CPU golden GEMM
  std::int64_t seed = 1;                    // operand generator seed

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<RunSpec, Fidelity>{"fidelity", &RunSpec::fidelity,
                                 "fast (analytic timing) or cycle (every PE every cycle)"},
        Field<RunSpec, TimingMode>{"timing", &RunSpec::timing,
                                   "overlap (true last-output cycle) or scalesim (SCALE-Sim v2)"},
        Field<RunSpec, bool>{"values", &RunSpec::values,
                             "compute output values in fast fidelity (cycle always does)"},
        Field<RunSpec, bool>{"verify", &RunSpec::verify,
                             "check every output against the CPU golden GEMM (implies values)"},
        Field<RunSpec, std::int64_t>{"seed", &RunSpec::seed, "seed of the operand generator", "",
                                     in_range<std::int64_t>(0, std::int64_t{1} << 62)},
    };
    return kFields;
  }
};

struct ArchSpec {
  std::string name = "unnamed";  // label used in reports
  ArraySpec array;               // PE array and PE kind
  MemorySpec memory;             // buffers and DRAM
  RunSpec run;                   // fidelity, timing model, functional options
  TechSpec tech;                 // technology table, node and clock of the cost model
};

// Binds an architecture file (plus `--set` overrides). Throws ConfigError with every problem.
ArchSpec load_arch(const std::string& path, const std::vector<std::string>& overrides = {});
ArchSpec bind_arch(const ConfigDoc& doc);
// The fully resolved config (every default filled in), loadable again by load_arch().
YAML::Node emit_arch(const ArchSpec& spec);

struct ArrayKindInfo {
  ArrayKind kind;    // the kind
  std::string name;  // its `array.kind` string
  std::string doc;   // one line for list-kinds
};
// Every array kind, for `tpesim list-kinds` and `tpesim describe`.
std::vector<ArrayKindInfo> array_kinds();
// The keys under `array:` of one kind (besides `kind` and `pe`), with their defaults.
std::vector<FieldInfo> describe_array_fields(ArrayKind kind = ArrayKind::Systolic);
// One line naming the array for reports, e.g. "32 x 32 systolic, dataflow `ws`".
std::string array_summary(const ArraySpec& array);
// The array's `pe.kind` as the config names it: "int_mac", or "rtl_int_mac" for RTL values.
std::string pe_kind_label(const ArraySpec& array);

}  // namespace tpesim::arch
