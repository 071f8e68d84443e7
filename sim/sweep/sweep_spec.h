// SPDX-License-Identifier: Apache-2.0
// A sweep file (docs/SWEEPS.md): a base architecture, one workload, and axes of `--set`-style
// overrides whose product is the set of design points. Bound strictly: unknown keys, wrong types
// and bad values are reported all at once at their line:col (ConfigError).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "workloads/gemm.h"
#include "workloads/llm_trace.h"

namespace tpesim::sweep {

// One `key.path=value` assignment, applied exactly as `tpesim run --set` applies it.
struct Override {
  std::string key;    // dotted key path, e.g. "array.rows"
  std::string value;  // the value as flow YAML, e.g. "16" or "{kind: mixpe, variant: w4a8}"

  std::string assignment() const { return key + "=" + value; }
  bool operator==(const Override&) const = default;
};

// One position along an axis: the overrides it applies and what results.csv shows for it.
struct AxisChoice {
  std::vector<std::string> labels;  // one per column of the axis
  std::vector<Override> overrides;  // applied in this order
};

enum class AxisKind { Key, Zip, Variants, AreaBudget };

struct Axis {
  AxisKind kind = AxisKind::Key;
  std::vector<std::string> columns;  // key axis: its key; zip: its keys; variants: the axis name;
                                     // area budget: "area_budget_mm2"
  std::vector<AxisChoice> choices;   // in file order; every axis has at least one
};

enum class WorkloadSource { File, Model };

// Where the workload comes from, as written in the sweep file.
struct WorkloadRef {
  WorkloadSource source = WorkloadSource::File;
  std::string file;                                   // `file:` as written (relative to the sweep)
  std::string model;                                  // `model:` preset key or config.json
  workloads::Phase phase = workloads::Phase::Decode;  // `phase:`
  std::int64_t batch = 0;                             // `batch:`, sequences
  std::int64_t seq = 0;                               // `seq:`, tokens per sequence
  std::int64_t context = 0;                           // `context:`, KV cache tokens (decode)

  // One line for report.md, e.g. "model `llama2-7b` decode, batch 1, seq 1, context 128".
  std::string describe() const;
};

// At most this many points per sweep.
inline constexpr std::int64_t kMaxPoints = 1'000'000;

struct SweepSpec {
  std::string path;                       // the sweep file as given
  std::string text;                       // its contents, quoted in report.md
  std::string name;                       // `name:`
  std::string base;                       // `base:` as written
  std::string base_path;                  // `base:` resolved against the sweep file's folder
  std::string base_text;                  // the base architecture YAML, every point starts from it
  arch::ArchSpec base_arch;               // the base bound without overrides
  WorkloadRef workload_ref;               // `workload:`
  workloads::Workload workload;           // the GEMMs every point runs
  std::vector<std::string> layer_phases;  // per workload layer: "prefill", "decode" or ""
  std::vector<Axis> axes;                 // in file order

  // results.csv columns of the swept parameters, axis by axis.
  std::vector<std::string> param_columns() const;
};

// Reads and validates a sweep file. Problems in the sweep file, the base architecture and the
// workload are thrown together as one ConfigError (each at its own file:line:col); a sweep
// file that cannot be read is a UserError.
SweepSpec load_sweep(const std::string& path);

// The flow-YAML text of a value (quoted scalars stay quoted, so `'8'` stays a string).
std::string flow_yaml(const YAML::Node& node);

}  // namespace tpesim::sweep
