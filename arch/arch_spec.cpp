// SPDX-License-Identifier: Apache-2.0
#include "arch/arch_spec.h"

#include <fmt/format.h>

namespace tpesim::arch {

namespace {

// `array:` fields other than `kind` and `pe`, which are bound by hand.
struct ArrayShape {
  int rows = ArraySpec{}.rows;
  int cols = ArraySpec{}.cols;
  Dataflow dataflow = ArraySpec{}.dataflow;

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<ArrayShape, int>{"rows", &ArrayShape::rows, "PE rows (R)", "PEs", in_range(1, 4096)},
        Field<ArrayShape, int>{"cols", &ArrayShape::cols, "PE columns (C)", "PEs",
                               in_range(1, 4096)},
        Field<ArrayShape, Dataflow>{"dataflow", &ArrayShape::dataflow,
                                    "ws: weights stay; os: outputs stay; is: inputs stay"},
    };
    return kFields;
  }
};

void bind_array(const ConfigNode& node, ArraySpec& out, Diag& diag) {
  if (node.present() && !node.is_map()) {
    diag.error(node.loc(), node.path(), "expected a mapping");
    return;
  }
  ArrayShape shape;
  bind_fields(node, ArrayShape::fields(), shape, diag, {"kind", "pe"});
  out.rows = shape.rows;
  out.cols = shape.cols;
  out.dataflow = shape.dataflow;
  const ConfigNode kind = node.child("kind");
  if (kind.present()) {
    std::string name;
    if (ValueTraits<std::string>::parse(kind, name, diag) && name != "systolic") {
      diag.error(kind.loc(), kind.path(),
                 fmt::format("unknown array kind '{}'; known kinds: systolic", name));
    }
  }
  out.pe = pe::bind_pe(node.child("pe"), diag);
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
  const std::vector<std::string> top = {"name", "array", "memory", "run"};
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
  array["kind"] = spec.array.kind;
  const ArrayShape shape{spec.array.rows, spec.array.cols, spec.array.dataflow};
  for (auto it : emit_fields(ArrayShape::fields(), shape)) array[it.first.Scalar()] = it.second;
  array["pe"] = pe::emit_pe(spec.array.pe);
  out["array"] = array;
  out["memory"] = emit_fields(MemorySpec::fields(), spec.memory);
  out["run"] = emit_fields(RunSpec::fields(), spec.run);
  return out;
}

std::vector<FieldInfo> describe_array_fields() {
  return describe_fields(ArrayShape::fields(), ArrayShape{});
}

}  // namespace tpesim::arch
