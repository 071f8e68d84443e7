// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_spec.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "sim/core/bind.h"
#include "sim/core/config_node.h"
#include "sim/core/errors.h"
#include "sim/sweep/sweep_area_budget.h"
#include "sim/workload_file.h"
#include "workloads/llm_model.h"

namespace tpesim::sweep {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMaxDim = std::int64_t{1} << 24;  // bound of batch, seq and context

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A point or variant name: letters, digits, `_`, `-`, `.`, `+`.
bool is_label(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return is_name_char(c) || c == '-' || c == '.' || c == '+';
  });
}

// Why `key` is not a key path (`a.b.c`, each part letters, digits and `_`), or "".
std::string key_path_problem(const std::string& key) {
  if (key.empty()) return "expected a key path such as array.rows";
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = key.find('.', start);
    const std::string part = key.substr(start, dot - start);
    if (part.empty()) return fmt::format("'{}' has an empty part", key);
    if (!std::all_of(part.begin(), part.end(), is_name_char)) {
      return fmt::format("'{}' is not a key path (parts are letters, digits and '_')", key);
    }
    if (dot == std::string::npos) return "";
    start = dot + 1;
  }
}

// Reports keys of `node` that are not in `known` (with a suggestion) and duplicated keys.
void check_keys(const ConfigNode& node, const std::vector<std::string>& known, Diag& diag) {
  report_duplicate_keys(node, diag);
  for (const std::string& key : node.keys()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string hint = closest_match(key, known);
    diag.error(node.key_loc(key), node.key_path(key),
               hint.empty() ? std::string("unknown key")
                            : fmt::format("unknown key (did you mean '{}'?)", hint));
  }
}

bool expect_map(const ConfigNode& node, Diag& diag, const char* what) {
  if (node.is_map()) return true;
  diag.error(node.loc(), node.path(), fmt::format("expected a mapping ({})", what));
  return false;
}

// A required non-empty string; false (and an error) when missing or not a string.
bool required_string(const ConfigNode& parent, std::string_view key, std::string& out, Diag& diag) {
  const ConfigNode node = parent.child(key);
  if (!node.present()) {
    diag.error(parent.loc(), parent.key_path(key), "required key is missing");
    return false;
  }
  if (!node.is_scalar()) {
    diag.error(node.loc(), node.path(), "expected a string");
    return false;
  }
  out = node.scalar();
  if (out.empty()) {
    diag.error(node.loc(), node.path(), "must not be empty");
    return false;
  }
  return true;
}

// An integer in [lo, hi]; false (with an error) when present but wrong, or missing.
bool integer_in(const ConfigNode& node, std::int64_t lo, std::int64_t hi, std::int64_t& out,
                Diag& diag) {
  if (!ValueTraits<std::int64_t>::parse(node, out, diag)) return false;
  if (const auto problem = in_range(lo, hi)(out)) {
    diag.error(node.loc(), node.path(), *problem);
    return false;
  }
  return true;
}

std::string resolve(const std::string& sweep_path, const std::string& relative) {
  const fs::path dir = fs::path(sweep_path).parent_path();
  return (dir / fs::path(relative)).lexically_normal().string();
}

std::string read_text(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in) && fs::is_regular_file(path);
  if (!ok) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void merge(const ConfigError& e, Diag& diag) {
  for (const Diagnostic& d : e.diagnostics()) diag.error(d.loc, d.path, d.message);
}

// Paths of the keys already swept, with the axis that sweeps each (for the duplicate check).
using SweptKeys = std::map<std::string, std::string>;

// `{key: K, values: [...]}`: an axis of one column (alone, or one member of a zip).
bool parse_key_axis(const ConfigNode& node, Axis& axis, Diag& diag) {
  check_keys(node, {"key", "values"}, diag);
  std::string key;
  bool ok = required_string(node, "key", key, diag);
  if (ok) {
    if (const std::string problem = key_path_problem(key); !problem.empty()) {
      diag.error(node.child("key").loc(), node.key_path("key"), problem);
      ok = false;
    }
  }
  const ConfigNode values = node.child("values");
  if (!values.present()) {
    diag.error(node.loc(), node.key_path("values"), "required key is missing");
    return false;
  }
  if (!values.is_sequence() || values.elements().empty()) {
    diag.error(values.loc(), values.path(), "expected a non-empty list of values");
    return false;
  }
  std::map<std::string, std::string> seen;  // value text -> path of its first occurrence
  for (const ConfigNode& v : values.elements()) {
    const std::string text = flow_yaml(v.yaml());
    if (const auto it = seen.find(text); it != seen.end()) {
      diag.error(v.loc(), v.path(),
                 fmt::format("duplicate value {} (already {})", text, it->second));
      ok = false;
      continue;
    }
    seen.emplace(text, v.path());
    axis.choices.push_back(AxisChoice{{text}, {Override{key, text}}});
  }
  axis.kind = AxisKind::Key;
  axis.columns = {key};
  return ok;
}

// `{area_budget_mm2: [b1, b2, ...], shape: square | rows_fixed}`: one point per budget, the
// array sized when the point runs (sweep_area_budget.h).
bool parse_area_budget_axis(const ConfigNode& node, Axis& axis, Diag& diag) {
  check_keys(node, {"area_budget_mm2", "shape"}, diag);
  axis.kind = AxisKind::AreaBudget;
  axis.columns = {"area_budget_mm2"};
  bool ok = true;
  AreaBudget budget;
  if (const ConfigNode shape = node.child("shape"); shape.present()) {
    ok = ValueTraits<BudgetShape>::parse(shape, budget.shape, diag);
  }
  const ConfigNode values = node.child("area_budget_mm2");
  if (!values.is_sequence() || values.elements().empty()) {
    diag.error(values.loc(), values.path(), "expected a non-empty list of areas in mm²");
    return false;
  }
  std::map<double, std::string> seen;  // budget -> path of its first occurrence
  for (const ConfigNode& v : values.elements()) {
    double mm2 = 0;
    if (!ValueTraits<double>::parse(v, mm2, diag)) {
      ok = false;
      continue;
    }
    if (!(mm2 > 0) || !std::isfinite(mm2)) {
      diag.error(v.loc(), v.path(), fmt::format("must be a positive area in mm², got {}", mm2));
      ok = false;
      continue;
    }
    if (const auto it = seen.find(mm2); it != seen.end()) {
      diag.error(v.loc(), v.path(),
                 fmt::format("duplicate budget {} (already {})", mm2, it->second));
      ok = false;
      continue;
    }
    seen.emplace(mm2, v.path());
    budget.mm2 = mm2;
    axis.choices.push_back(
        AxisChoice{{fmt::format("{}", mm2)}, {Override{kAreaBudgetKey, budget_value(budget)}}});
  }
  if (ok) {
    for (AxisChoice& c : axis.choices) {
      AreaBudget b = parse_budget_value(c.overrides.front().value);
      b.shape = budget.shape;
      c.overrides.front().value = budget_value(b);
    }
  }
  return ok;
}

bool parse_zip_axis(const ConfigNode& zip, Axis& axis, Diag& diag) {
  if (!zip.is_sequence() || zip.elements().empty()) {
    diag.error(zip.loc(), zip.path(), "expected a non-empty list of {key, values} axes");
    return false;
  }
  axis.kind = AxisKind::Zip;
  std::vector<Axis> members;
  std::string first_path;
  bool ok = true;
  for (const ConfigNode& member : zip.elements()) {
    if (!expect_map(member, diag, "{key: K, values: [...]}")) {
      ok = false;
      continue;
    }
    Axis m;
    if (!parse_key_axis(member, m, diag)) {
      ok = false;
      continue;
    }
    if (!members.empty() && m.choices.size() != members.front().choices.size()) {
      const ConfigNode values = member.child("values");
      diag.error(values.loc(), values.path(),
                 fmt::format("has {} value{} but {} has {} (zipped values advance together, "
                             "so the lengths must be equal)",
                             m.choices.size(), m.choices.size() == 1 ? "" : "s", first_path,
                             members.front().choices.size()));
      ok = false;
      continue;
    }
    if (members.empty()) first_path = member.key_path("values");
    members.push_back(std::move(m));
  }
  if (!ok || members.empty()) return false;
  axis.choices.resize(members.front().choices.size());
  for (const Axis& m : members) {
    axis.columns.push_back(m.columns.front());
    for (std::size_t i = 0; i < m.choices.size(); ++i) {
      axis.choices[i].labels.push_back(m.choices[i].labels.front());
      axis.choices[i].overrides.push_back(m.choices[i].overrides.front());
    }
  }
  return true;
}

bool parse_variants_axis(const ConfigNode& node, Axis& axis, Diag& diag) {
  axis.kind = AxisKind::Variants;
  std::string column = "variant";
  bool ok = true;
  if (const ConfigNode name = node.child("name"); name.present()) {
    if (!name.is_scalar() || !is_label(name.scalar())) {
      diag.error(name.loc(), name.path(),
                 "expected a column name (letters, digits, '_', '-', '.', '+')");
      ok = false;
    } else {
      column = name.scalar();
    }
  }
  axis.columns = {column};
  const ConfigNode variants = node.child("variants");
  if (!variants.is_sequence() || variants.elements().empty()) {
    diag.error(variants.loc(), variants.path(), "expected a non-empty list of {name, set}");
    return false;
  }
  std::map<std::string, std::string> names;  // variant name -> path of its first use
  for (const ConfigNode& v : variants.elements()) {
    if (!expect_map(v, diag, "{name: N, set: {key.path: value, ...}}")) {
      ok = false;
      continue;
    }
    check_keys(v, {"name", "set"}, diag);
    AxisChoice choice;
    std::string name;
    if (required_string(v, "name", name, diag)) {
      const ConfigNode name_node = v.child("name");
      if (!is_label(name)) {
        diag.error(
            name_node.loc(), name_node.path(),
            fmt::format("'{}' is not a variant name (letters, digits, '_', '-', '.', '+')", name));
        ok = false;
      } else if (const auto it = names.find(name); it != names.end()) {
        diag.error(name_node.loc(), name_node.path(),
                   fmt::format("duplicate variant name '{}' (already {})", name, it->second));
        ok = false;
      } else {
        names.emplace(name, name_node.path());
      }
    } else {
      ok = false;
    }
    const ConfigNode set = v.child("set");
    if (!set.present()) {
      diag.error(v.loc(), v.key_path("set"), "required key is missing");
      ok = false;
      continue;
    }
    if (!set.is_map() || set.keys().empty()) {
      diag.error(set.loc(), set.path(), "expected a non-empty mapping of key.path: value");
      ok = false;
      continue;
    }
    report_duplicate_keys(set, diag);
    for (const std::string& key : set.keys()) {
      if (const std::string problem = key_path_problem(key); !problem.empty()) {
        diag.error(set.key_loc(key), set.key_path(key), problem);
        ok = false;
        continue;
      }
      choice.overrides.push_back(Override{key, flow_yaml(set.child(key).yaml())});
    }
    choice.labels = {name};
    axis.choices.push_back(std::move(choice));
  }
  return ok;
}

// One element of `axes`. Adds the keys it sweeps to `swept` (a key swept by two axes is an
// error: the later axis would silently win).
bool parse_axis(const ConfigNode& node, Axis& axis, SweptKeys& swept, Diag& diag) {
  if (!expect_map(node, diag,
                  "{key, values}, {zip: [...]}, {variants: [...]} or {area_budget_mm2: [...]}")) {
    return false;
  }
  std::vector<std::string> forms;
  for (const char* form : {"key", "zip", "variants", "area_budget_mm2"}) {
    if (node.child(form).present()) forms.emplace_back(form);
  }
  if (forms.empty()) {
    check_keys(node, {"key", "values", "zip", "variants", "name", "area_budget_mm2", "shape"},
               diag);
    diag.error(node.loc(), node.path(),
               "an axis is {key: K, values: [...]}, {zip: [...]}, {variants: [...]} or "
               "{area_budget_mm2: [...]}");
    return false;
  }
  if (forms.size() > 1) {
    diag.error(node.key_loc(forms[1]), node.key_path(forms[1]),
               fmt::format(
                   "an axis has one of key, zip, variants or area_budget_mm2; this one also has {}",
                   forms[0]));
    return false;
  }
  bool ok = false;
  if (forms[0] == "key") {
    ok = parse_key_axis(node, axis, diag);
  } else if (forms[0] == "zip") {
    check_keys(node, {"zip"}, diag);
    ok = parse_zip_axis(node.child("zip"), axis, diag);
  } else if (forms[0] == "variants") {
    check_keys(node, {"variants", "name"}, diag);
    ok = parse_variants_axis(node, axis, diag);
  } else {
    ok = parse_area_budget_axis(node, axis, diag);
  }
  if (!ok) return false;
  // Keys set by this axis (every choice of a variants axis), each reported once.
  std::vector<std::string> keys;
  for (const AxisChoice& c : axis.choices) {
    for (const Override& o : c.overrides) {
      if (std::find(keys.begin(), keys.end(), o.key) == keys.end()) keys.push_back(o.key);
    }
  }
  if (axis.kind == AxisKind::AreaBudget) {
    // The keys the budget sets when the point runs.
    const bool square = parse_budget_value(axis.choices.front().overrides.front().value).shape ==
                        BudgetShape::Square;
    keys = square ? std::vector<std::string>{kAreaBudgetKey, "array.rows", "array.cols"}
                  : std::vector<std::string>{kAreaBudgetKey, "array.cols"};
  }
  for (const std::string& key : keys) {
    if (const auto it = swept.find(key); it != swept.end()) {
      diag.error(node.loc(), node.path(),
                 key == kAreaBudgetKey
                     ? fmt::format("a second area-budget axis (the first is {})", it->second)
                     : fmt::format("key '{}' is already swept by {} (each key belongs to one "
                                   "axis; use zip or variants to move keys together)",
                                   key, it->second));
      ok = false;
    } else {
      swept.emplace(key, node.path());
    }
  }
  return ok;
}

// A preset key, or (a name ending in .json, or an existing file next to the sweep) a Hugging
// Face config.json. Problems are reported at `node`.
bool resolve_model(const ConfigNode& node, const std::string& sweep_path, workloads::LlmShape& out,
                   Diag& diag) {
  const std::string& model = node.scalar();
  if (const auto preset = workloads::find_llm_preset(model)) {
    out = *preset;
    return true;
  }
  const std::string file = resolve(sweep_path, model);
  std::error_code ec;
  const bool json_name = model.size() >= 5 && model.compare(model.size() - 5, 5, ".json") == 0;
  if (json_name || fs::is_regular_file(file, ec)) {
    try {
      out = workloads::load_hf_config(file);
      return true;
    } catch (const UserError& e) {
      diag.error(node.loc(), node.path(), e.what());
      return false;
    }
  }
  std::vector<std::string> names;
  for (const workloads::LlmShape& s : workloads::llm_presets()) names.push_back(s.name);
  const std::string hint = closest_match(model, names);
  diag.error(node.loc(), node.path(),
             fmt::format("unknown model '{}'{}; presets: {} (or the path of a Hugging Face "
                         "config.json, relative to the sweep file)",
                         model, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                         fmt::join(names, ", ")));
  return false;
}

void parse_model_workload(const ConfigNode& node, SweepSpec& spec, Diag& diag) {
  WorkloadRef& ref = spec.workload_ref;
  ref.source = WorkloadSource::Model;
  bool ok = required_string(node, "model", ref.model, diag);
  workloads::LlmShape shape;
  if (ok) ok = resolve_model(node.child("model"), spec.path, shape, diag);
  std::string phase;
  if (required_string(node, "phase", phase, diag)) {
    if (phase == "prefill" || phase == "decode") {
      ref.phase = phase == "prefill" ? workloads::Phase::Prefill : workloads::Phase::Decode;
    } else {
      diag.error(node.child("phase").loc(), node.key_path("phase"),
                 fmt::format("'{}' is not one of prefill | decode", phase));
      ok = false;
    }
  } else {
    ok = false;
  }
  for (auto [key, member] :
       {std::pair{"batch", &WorkloadRef::batch}, std::pair{"seq", &WorkloadRef::seq}}) {
    const ConfigNode n = node.child(key);
    if (!n.present()) {
      diag.error(node.loc(), node.key_path(key), "required key is missing");
      ok = false;
    } else if (!integer_in(n, 1, kMaxDim, ref.*member, diag)) {
      ok = false;
    }
  }
  const ConfigNode context = node.child("context");
  if (!ok) return;
  if (ref.phase == workloads::Phase::Prefill) {
    if (context.present()) {
      diag.error(node.key_loc("context"), context.path(),
                 "applies to phase decode only (the KV cache length)");
      return;
    }
  } else {
    if (!context.present()) {
      diag.error(node.loc(), node.key_path("context"),
                 "required key is missing (phase decode needs the KV cache length)");
      return;
    }
    if (!integer_in(context, 1, kMaxDim, ref.context, diag)) return;
    if (ref.seq != 1) {
      diag.error(
          node.child("seq").loc(), node.key_path("seq"),
          fmt::format("must be 1 for phase decode (one new token per sequence), got {}", ref.seq));
      return;
    }
  }
  try {
    const std::vector<workloads::TraceRow> rows =
        workloads::make_trace(shape, ref.phase, ref.batch, ref.seq, ref.context, {});
    spec.workload.source = fmt::format("{} {}", shape.name, workloads::phase_name(ref.phase));
    for (const workloads::TraceRow& r : rows) {
      spec.workload.layers.push_back(workloads::Gemm{r.name, r.m, r.n, r.k, r.count});
      spec.layer_phases.push_back(r.phase);
    }
  } catch (const UserError& e) {
    diag.error(node.loc(), node.path(), e.what());
  }
}

void parse_file_workload(const ConfigNode& node, SweepSpec& spec, Diag& diag) {
  WorkloadRef& ref = spec.workload_ref;
  ref.source = WorkloadSource::File;
  for (const char* key : {"phase", "batch", "seq", "context"}) {
    if (node.child(key).present()) {
      diag.error(node.key_loc(key), node.key_path(key), "applies to `model:` workloads only");
    }
  }
  if (!required_string(node, "file", ref.file, diag)) return;
  const std::string path = resolve(spec.path, ref.file);
  const ConfigNode file = node.child("file");
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) {
    diag.error(file.loc(), file.path(), fmt::format("cannot open '{}'", path));
    return;
  }
  try {
    spec.workload = load_workload_file(path, false);
    spec.layer_phases.assign(spec.workload.layers.size(), "");
    if (path.size() >= 4 && path.compare(path.size() - 4, 4, ".csv") == 0 && csv_is_trace(path)) {
      const std::vector<workloads::TraceRow> rows = workloads::read_trace_csv(path);
      for (std::size_t i = 0; i < rows.size() && i < spec.layer_phases.size(); ++i) {
        spec.layer_phases[i] = rows[i].phase;
      }
    }
  } catch (const ConfigError& e) {
    merge(e, diag);
  } catch (const UserError& e) {
    diag.error(file.loc(), file.path(), e.what());
  }
}

void parse_workload(const ConfigNode& node, SweepSpec& spec, Diag& diag) {
  if (!node.present()) {
    diag.error(node.loc(), node.path(), "required key is missing");
    return;
  }
  if (!expect_map(node, diag, "{file: PATH} or {model: M, phase: P, batch: B, seq: S}")) return;
  check_keys(node, {"file", "model", "phase", "batch", "seq", "context"}, diag);
  const bool file = node.child("file").present();
  const bool model = node.child("model").present();
  if (file && model) {
    diag.error(node.key_loc("model"), node.key_path("model"),
               "a workload is either `file:` or `model:`, not both");
  } else if (file) {
    parse_file_workload(node, spec, diag);
  } else if (model) {
    parse_model_workload(node, spec, diag);
  } else {
    diag.error(node.loc(), node.path(),
               "expected `file: PATH` or `model: NAME` with phase, batch and seq");
  }
}

void parse_base(const ConfigNode& root, SweepSpec& spec, Diag& diag) {
  if (!required_string(root, "base", spec.base, diag)) return;
  spec.base_path = resolve(spec.path, spec.base);
  bool ok = false;
  spec.base_text = read_text(spec.base_path, ok);
  if (!ok) {
    diag.error(root.child("base").loc(), "base", fmt::format("cannot open '{}'", spec.base_path));
    return;
  }
  try {
    spec.base_arch = arch::bind_arch(ConfigDoc::from_string(spec.base_text, spec.base_path));
  } catch (const ConfigError& e) {
    merge(e, diag);
  } catch (const UserError& e) {
    diag.error(root.child("base").loc(), "base", e.what());
  }
}

void parse_axes(const ConfigNode& root, SweepSpec& spec, Diag& diag) {
  const ConfigNode axes = root.child("axes");
  if (!axes.present()) {
    diag.error(root.loc(), "axes", "required key is missing (an empty list runs the base alone)");
    return;
  }
  if (!axes.is_sequence()) {
    diag.error(axes.loc(), axes.path(), "expected a list of axes");
    return;
  }
  SweptKeys swept;
  std::map<std::string, std::string> columns;  // column -> the axis that owns it
  std::int64_t points = 1;
  bool ok = true;
  for (const ConfigNode& node : axes.elements()) {
    Axis axis;
    if (!parse_axis(node, axis, swept, diag)) {
      ok = false;
      continue;
    }
    for (const std::string& column : axis.columns) {
      if (const auto it = columns.find(column); it != columns.end()) {
        diag.error(
            node.loc(), node.path(),
            fmt::format(
                "column '{}' is already used by {}{}", column, it->second,
                axis.kind == AxisKind::Variants ? " (give this variants axis a `name:`)" : ""));
        ok = false;
      } else {
        columns.emplace(column, node.path());
      }
    }
    points = std::min<std::int64_t>(points * static_cast<std::int64_t>(axis.choices.size()),
                                    kMaxPoints + 1);
    spec.axes.push_back(std::move(axis));
  }
  if (ok && points > kMaxPoints) {
    diag.error(axes.loc(), axes.path(),
               fmt::format("more than {} points; split the sweep", kMaxPoints));
  }
}

void emit_flow(YAML::Emitter& e, const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Map:
      e << YAML::BeginMap;
      for (auto it = n.begin(); it != n.end(); ++it) {
        e << YAML::Key;
        emit_flow(e, it->first);
        e << YAML::Value;
        emit_flow(e, it->second);
      }
      e << YAML::EndMap;
      break;
    case YAML::NodeType::Sequence:
      e << YAML::BeginSeq;
      for (const YAML::Node& item : n) emit_flow(e, item);
      e << YAML::EndSeq;
      break;
    case YAML::NodeType::Scalar:
      if (n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str") {
        e << YAML::DoubleQuoted << n.Scalar();
      } else {
        e << n.Scalar();
      }
      break;
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      e << YAML::Null;
      break;
  }
}

}  // namespace

std::string flow_yaml(const YAML::Node& node) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  emit_flow(e, node);
  return e.c_str();
}

std::string WorkloadRef::describe() const {
  if (source == WorkloadSource::File) return fmt::format("file `{}`", file);
  std::string out = fmt::format("model `{}` {}, batch {}, seq {}", model,
                                workloads::phase_name(phase), batch, seq);
  if (phase == workloads::Phase::Decode) out += fmt::format(", context {}", context);
  return out;
}

std::vector<std::string> SweepSpec::param_columns() const {
  std::vector<std::string> out;
  for (const Axis& a : axes) out.insert(out.end(), a.columns.begin(), a.columns.end());
  return out;
}

SweepSpec load_sweep(const std::string& path) {
  SweepSpec spec;
  spec.path = path;
  bool ok = false;
  spec.text = read_text(path, ok);
  if (!ok) throw UserError(fmt::format("{}: error: cannot open file", path));
  const ConfigDoc doc = ConfigDoc::from_string(spec.text, path);
  const ConfigNode root = doc.root();
  Diag diag;
  if (!root.is_map()) {
    diag.error(root.loc(), "", "expected a mapping with name, base, workload and axes");
    diag.throw_if_any();
  }
  check_keys(root, {"name", "base", "workload", "axes"}, diag);
  if (required_string(root, "name", spec.name, diag) && !is_label(spec.name)) {
    diag.error(
        root.child("name").loc(), "name",
        fmt::format("'{}' is not a sweep name (letters, digits, '_', '-', '.', '+')", spec.name));
  }
  parse_base(root, spec, diag);
  parse_workload(root.child("workload"), spec, diag);
  parse_axes(root, spec, diag);
  diag.throw_if_any();
  return spec;
}

}  // namespace tpesim::sweep
