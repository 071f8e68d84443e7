// SPDX-License-Identifier: Apache-2.0
#include "arch/arch_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "arch/rtl_values.h"

namespace tpesim::arch {

namespace {

// `array:` fields of a systolic array (besides `kind` and `pe`, which are bound by hand).
struct SystolicShape {
  int rows = ArraySpec{}.rows;
  int cols = ArraySpec{}.cols;
  Dataflow dataflow = ArraySpec{}.dataflow;
  SyncScope sync = ArraySpec{}.sync;

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<SystolicShape, int>{"rows", &SystolicShape::rows, "PE rows (R)", "PEs",
                                  in_range(1, 4096)},
        Field<SystolicShape, int>{"cols", &SystolicShape::cols, "PE columns (C)", "PEs",
                                  in_range(1, 4096)},
        Field<SystolicShape, Dataflow>{"dataflow", &SystolicShape::dataflow,
                                       "ws: weights stay; os: outputs stay; is: inputs stay"},
        Field<SystolicShape, SyncScope>{
            "sync", &SystolicShape::sync,
            "data-dependent PEs: which PEs step in lock-step (array, row, column or pe); "
            "groups are decoupled by elastic buffers"},
    };
    return kFields;
  }
};

// `array:` fields of a multiplier-adder-tree array. columns and k_lanes are stored in
// ArraySpec::cols and ArraySpec::rows (the weight tile's grid), so their defaults are those.
struct AdderTreeShape {
  int columns = ArraySpec{}.cols;
  int k_lanes = ArraySpec{}.rows;
  int tree_stages_per_level = ArraySpec{}.tree_stages_per_level;
  TreeActivation activation = ArraySpec{}.activation;

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<AdderTreeShape, int>{"columns", &AdderTreeShape::columns,
                                   "dot-product units, one output column each (the N tile)",
                                   "units", in_range(1, 4096)},
        Field<AdderTreeShape, int>{"k_lanes", &AdderTreeShape::k_lanes,
                                   "multipliers per unit feeding its reduction tree (the K tile)",
                                   "lanes", in_range(1, 4096)},
        Field<AdderTreeShape, int>{"tree_stages_per_level", &AdderTreeShape::tree_stages_per_level,
                                   "register stages per tree level; 0: combinational tree",
                                   "stages", in_range(0, 16)},
        Field<AdderTreeShape, TreeActivation>{
            "activation", &AdderTreeShape::activation,
            "broadcast: every unit gets a row in the same cycle; forward: one cycle per unit"},
    };
    return kFields;
  }
};

// Keys of the other kind: named in a clear error instead of "unknown key".
struct ForeignKey {
  ArrayKind owner;        // the kind the key belongs to
  std::string_view key;   // the key
  std::string_view hint;  // what to write instead, or ""
};
constexpr ForeignKey kForeignKeys[] = {
    {ArrayKind::Systolic, "rows", "k_lanes"},
    {ArrayKind::Systolic, "cols", "columns"},
    {ArrayKind::Systolic, "dataflow", ""},
    {ArrayKind::Systolic, "sync", ""},
    {ArrayKind::AdderTree, "columns", "cols"},
    {ArrayKind::AdderTree, "k_lanes", "rows"},
    {ArrayKind::AdderTree, "tree_stages_per_level", ""},
    {ArrayKind::AdderTree, "activation", ""},
};

void bind_array(const ConfigNode& node, ArraySpec& out, Diag& diag) {
  if (node.present() && !node.is_map()) {
    diag.error(node.loc(), node.path(), "expected a mapping");
    return;
  }
  bool kind_known = true;
  if (const ConfigNode kind = node.child("kind"); kind.present()) {
    std::string name;
    kind_known = ValueTraits<std::string>::parse(kind, name, diag);
    std::vector<std::string> names;
    for (const auto& [value, value_name] : enum_names(ArrayKind{})) {
      if (name == value_name) out.kind = value;
      names.emplace_back(value_name);
    }
    if (kind_known && std::find(names.begin(), names.end(), name) == names.end()) {
      kind_known = false;
      const std::string hint = closest_match(name, names);
      diag.error(kind.loc(), kind.path(),
                 fmt::format("unknown array kind '{}'{}; known kinds: {}", name,
                             hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                             fmt::join(names, ", ")));
    }
  }
  // A key of the other kind is an error of its own (only when the kind is known for sure).
  for (const std::string& key : kind_known ? node.keys() : std::vector<std::string>{}) {
    const auto* f = std::find_if(std::begin(kForeignKeys), std::end(kForeignKeys),
                                 [&](const ForeignKey& e) { return e.key == key; });
    if (f == std::end(kForeignKeys) || f->owner == out.kind) continue;
    diag.error(node.key_loc(key), node.key_path(key),
               fmt::format("does not apply to array kind '{}' (only to {}){}", enum_name(out.kind),
                           enum_name(f->owner),
                           f->hint.empty() ? "" : fmt::format("; did you mean '{}'?", f->hint)));
  }
  if (out.kind == ArrayKind::AdderTree && kind_known) {
    AdderTreeShape shape;
    bind_fields(node, AdderTreeShape::fields(), shape, diag,
                {"kind", "pe", "rows", "cols", "dataflow", "sync"});
    out.cols = shape.columns;
    out.rows = shape.k_lanes;
    out.tree_stages_per_level = shape.tree_stages_per_level;
    out.activation = shape.activation;
    out.dataflow = Dataflow::Ws;  // the weight tile stays in the units' register files
  } else {
    SystolicShape shape;
    bind_fields(node, SystolicShape::fields(), shape, diag,
                {"kind", "pe", "columns", "k_lanes", "tree_stages_per_level", "activation"});
    out.rows = shape.rows;
    out.cols = shape.cols;
    out.dataflow = shape.dataflow;
    out.sync = shape.sync;
  }
  out.pe = pe::bind_pe(node.child("pe"), diag, &out.rtl_values);
}

// An rtl_<kind> needs the verilated models linked in and a verilated set of the kind's parameters.
void validate_rtl_values(const ConfigNode& root, const ArraySpec& array, Diag& diag) {
  const ConfigNode kind = root.child("array").child("pe").child("kind");
  const RtlValueEngine* engine = rtl_value_engine();
  const std::string why =
      engine == nullptr
          ? std::string(
                "rtl_ PE kinds need the verilated models, which this program does not "
                "link (the tpesim binary does)")
          : engine->unsupported(array);
  if (!why.empty()) diag.error(kind.loc(), "array.pe.kind", why);
}

// Rules that span sections.
void validate_arch(const ConfigNode& root, const ArchSpec& spec, Diag& diag) {
  if (spec.array.kind == ArrayKind::AdderTree && spec.run.timing == TimingMode::Scalesim) {
    const ConfigNode timing = root.child("run").child("timing");
    diag.error(timing.loc(), "run.timing",
               "scalesim timing reproduces SCALE-Sim's systolic arrays; array kind adder_tree "
               "supports only overlap");
  }
  if (spec.array.sync != SyncScope::Array && spec.run.timing == TimingMode::Scalesim) {
    const ConfigNode sync = root.child("array").child("sync");
    diag.error(sync.loc(), "array.sync",
               fmt::format("sync: {} decouples PE groups with elastic buffers; scalesim timing "
                           "has fixed fold lengths and supports only sync: array",
                           enum_name(spec.array.sync)));
  }
  if (spec.array.rtl_values) validate_rtl_values(root, spec.array, diag);
  const auto* slice = std::get_if<pe::BitsliceSpec>(&spec.array.pe);
  if (slice && slice->variant == pe::BitsliceVariant::SameBwTree &&
      spec.array.kind != ArrayKind::AdderTree) {
    const ConfigNode variant = root.child("array").child("pe").child("variant");
    diag.error(variant.loc(), "array.pe.variant",
               "same_bw_tree sums a column's same-bit-weight partial products in an adder tree; "
               "it needs array kind adder_tree");
  }
}

}  // namespace

ArchSpec bind_arch(const ConfigDoc& doc) {
  const ConfigNode root = doc.root();
  Diag diag;
  ArchSpec spec;
  if (!root.is_map()) {
    diag.error(root.loc(), "", "expected a mapping with `array`, `memory` and `run`");
    diag.throw_if_any();
  }
  report_duplicate_keys(root, diag);
  const std::vector<std::string> top = {"name", "array", "memory", "run", "tech"};
  for (const std::string& key : root.keys()) {
    if (std::find(top.begin(), top.end(), key) != top.end()) continue;
    const std::string hint = closest_match(key, top);
    diag.error(root.key_loc(key), key,
               hint.empty() ? std::string("unknown key")
                            : fmt::format("unknown key (did you mean '{}'?)", hint));
  }
  if (const ConfigNode name = root.child("name"); name.present()) {
    ValueTraits<std::string>::parse(name, spec.name, diag);
  }
  bind_array(root.child("array"), spec.array, diag);
  bind_fields(root.child("memory"), MemorySpec::fields(), spec.memory, diag);
  bind_fields(root.child("run"), RunSpec::fields(), spec.run, diag);
  bind_tech(root.child("tech"), spec.tech, diag);
  validate_arch(root, spec, diag);
  diag.throw_if_any();
  return spec;
}

ArchSpec load_arch(const std::string& path, const std::vector<std::string>& overrides) {
  ConfigDoc doc = ConfigDoc::from_file(path);
  Diag diag;
  for (const auto& o : overrides) doc.apply_override(o, diag);
  diag.throw_if_any();
  return bind_arch(doc);
}

YAML::Node emit_arch(const ArchSpec& spec) {
  YAML::Node out(YAML::NodeType::Map);
  out["name"] = spec.name;
  YAML::Node array(YAML::NodeType::Map);
  array["kind"] = std::string(enum_name(spec.array.kind));
  const ArraySpec& a = spec.array;
  const YAML::Node shape =
      a.kind == ArrayKind::AdderTree
          ? emit_fields(AdderTreeShape::fields(),
                        AdderTreeShape{a.cols, a.rows, a.tree_stages_per_level, a.activation})
          : emit_fields(SystolicShape::fields(), SystolicShape{a.rows, a.cols, a.dataflow, a.sync});
  for (auto it : shape) array[it.first.Scalar()] = it.second;
  array["pe"] = pe::emit_pe(spec.array.pe);
  array["pe"]["kind"] = pe_kind_label(spec.array);
  out["array"] = array;
  out["memory"] = emit_fields(MemorySpec::fields(), spec.memory);
  out["run"] = emit_fields(RunSpec::fields(), spec.run);
  out["tech"] = emit_fields(TechSpec::fields(), spec.tech);
  return out;
}

std::string pe_kind_label(const ArraySpec& array) {
  return (array.rtl_values ? std::string(pe::kRtlKindPrefix) : std::string()) +
         pe::pe_kind_name(array.pe);
}

std::vector<ArrayKindInfo> array_kinds() {
  return {{ArrayKind::Systolic, "systolic", "R x C systolic array, dataflow ws | os | is"},
          {ArrayKind::AdderTree, "adder_tree",
           "columns x k_lanes multipliers, one pipelined adder tree per column, weights "
           "stationary"}};
}

std::vector<FieldInfo> describe_array_fields(ArrayKind kind) {
  if (kind == ArrayKind::AdderTree)
    return describe_fields(AdderTreeShape::fields(), AdderTreeShape{});
  return describe_fields(SystolicShape::fields(), SystolicShape{});
}

std::string array_summary(const ArraySpec& array) {
  if (array.kind == ArrayKind::AdderTree) {
    return fmt::format("{} x {} adder tree ({} stage(s) per tree level, {} activations)",
                       array.columns(), array.k_lanes(), array.tree_stages_per_level,
                       enum_name(array.activation));
  }
  return fmt::format("{} x {} systolic, dataflow `{}`", array.rows, array.cols,
                     enum_name(array.dataflow));
}

}  // namespace tpesim::arch
