// SPDX-License-Identifier: Apache-2.0
#include "sim/core/config_node.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include "sim/core/errors.h"

namespace tpesim {

ConfigNode::ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const SourceText> source,
                       std::shared_ptr<const OverrideLocs> overrides)
    : m_node(std::move(node)),
      m_path(std::move(path)),
      m_source(std::move(source)),
      m_overrides(std::move(overrides)) {
  m_fallback = SourceLoc{m_source, 1, 1};
}

std::string ConfigNode::key_path(std::string_view key) const {
  return m_path.empty() ? std::string(key) : fmt::format("{}.{}", m_path, key);
}

namespace {
// The override that covers `path` (the path itself or one of its prefixes), if any.
const OverrideLoc* override_for(const OverrideLocs* overrides, const std::string& path) {
  if (!overrides) return nullptr;
  for (const auto& [key, loc] : *overrides) {
    if (path == key || (path.size() > key.size() && path.compare(0, key.size(), key) == 0 &&
                        path[key.size()] == '.')) {
      return &loc;
    }
  }
  return nullptr;
}
}  // namespace

SourceLoc ConfigNode::loc() const {
  if (const OverrideLoc* o = override_for(m_overrides.get(), m_path)) return o->value;
  if (!m_node.IsDefined()) return m_fallback;
  const YAML::Mark mark = m_node.Mark();
  if (mark.is_null()) return m_fallback;
  return SourceLoc{m_source, mark.line + 1, mark.column + 1};
}

SourceLoc ConfigNode::key_loc(std::string_view key) const {
  const std::string child_path = key_path(key);
  if (const OverrideLoc* o = override_for(m_overrides.get(), child_path)) {
    return m_overrides->count(child_path) ? o->key : o->value;
  }
  if (m_node.IsMap()) {
    for (auto it = m_node.begin(); it != m_node.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        const YAML::Mark mark = it->first.Mark();
        if (!mark.is_null()) return SourceLoc{m_source, mark.line + 1, mark.column + 1};
      }
    }
  }
  return loc();
}

ConfigNode ConfigNode::child(std::string_view key) const {
  YAML::Node found;  // stays undefined when the key is absent
  if (m_node.IsMap()) {
    const YAML::Node& self = m_node;
    for (auto it = self.begin(); it != self.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) {
        found = it->second;
        break;
      }
    }
  }
  ConfigNode out(found, key_path(key), m_source, m_overrides);
  out.m_fallback = loc();
  if (!found.IsDefined()) out.m_node = YAML::Node(YAML::NodeType::Undefined);
  return out;
}

std::vector<std::string> ConfigNode::keys() const {
  std::vector<std::string> out;
  if (!m_node.IsMap()) return out;
  for (auto it = m_node.begin(); it != m_node.end(); ++it) {
    out.push_back(it->first.IsScalar() ? it->first.Scalar() : std::string("<non-scalar key>"));
  }
  return out;
}

std::vector<ConfigNode> ConfigNode::elements() const {
  std::vector<ConfigNode> out;
  if (!m_node.IsSequence()) return out;
  for (std::size_t i = 0; i < m_node.size(); ++i) {
    ConfigNode item(m_node[i], fmt::format("{}[{}]", m_path, i), m_source, m_overrides);
    item.m_fallback = loc();
    out.push_back(std::move(item));
  }
  return out;
}

void report_duplicate_keys(const ConfigNode& node, Diag& diag) {
  if (!node.is_map()) return;
  std::vector<std::string> seen;
  for (auto it = node.yaml().begin(); it != node.yaml().end(); ++it) {
    if (!it->first.IsScalar()) continue;
    const std::string& key = it->first.Scalar();
    if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
      seen.push_back(key);
      continue;
    }
    const YAML::Mark mark = it->first.Mark();
    diag.error(SourceLoc{node.source(), mark.line + 1, mark.column + 1}, node.key_path(key),
               "duplicate key (it is already set above)");
  }
}

ConfigDoc ConfigDoc::from_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: error: cannot open file", path));
  std::ostringstream text;
  text << in.rdbuf();
  return from_string(text.str(), path);
}

ConfigDoc ConfigDoc::from_string(std::string text, std::string name) {
  ConfigDoc doc;
  auto source = std::make_shared<SourceText>(SourceText{std::move(name), std::move(text)});
  doc.m_source = source;
  doc.m_overrides = std::make_shared<OverrideLocs>();
  try {
    doc.m_root = YAML::Load(source->text);
  } catch (const YAML::Exception& e) {
    Diag diag;
    diag.error(SourceLoc{source, e.mark.line + 1, e.mark.column + 1}, "",
               fmt::format("invalid YAML: {}", e.msg));
    diag.throw_if_any();
  }
  if (!doc.m_root.IsDefined() || doc.m_root.IsNull()) doc.m_root = YAML::Node(YAML::NodeType::Map);
  return doc;
}

void ConfigDoc::apply_override(std::string_view assignment, Diag& diag) {
  auto source = std::make_shared<SourceText>(
      SourceText{"<command line>", fmt::format("--set {}", assignment)});
  const int base_col = 7;  // column of the key after "--set "
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    diag.error(SourceLoc{source, 1, base_col}, "",
               "expected key.path=value (for example array.rows=64)");
    return;
  }
  const std::string path(assignment.substr(0, eq));
  const std::string value(assignment.substr(eq + 1));
  const SourceLoc value_loc{source, 1, base_col + static_cast<int>(eq) + 1};
  YAML::Node parsed;
  try {
    parsed = YAML::Load(value);
  } catch (const YAML::Exception& e) {
    diag.error(value_loc, path, fmt::format("invalid YAML value: {}", e.msg));
    return;
  }
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  YAML::Node node = m_root;
  std::string walked;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    if (part.empty()) {
      diag.error(SourceLoc{source, 1, base_col}, path, "empty key in key path");
      return;
    }
    walked = walked.empty() ? part : walked + "." + part;
    if (node.IsSequence()) {
      std::size_t index = 0;
      const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || ptr != part.data() + part.size() || index >= node.size()) {
        diag.error(SourceLoc{source, 1, base_col}, walked, "no such list element");
        return;
      }
      if (i + 1 == parts.size()) {
        node[index] = parsed;
      } else {
        node.reset(node[index]);
      }
      continue;
    }
    if (!node.IsMap()) {
      diag.error(SourceLoc{source, 1, base_col}, walked, "cannot set a key inside a non-mapping");
      return;
    }
    if (i + 1 == parts.size()) {
      node[part] = parsed;
    } else {
      if (!node[part].IsDefined() || node[part].IsNull())
        node[part] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = node[part];
      node.reset(next);
    }
  }
  (*m_overrides)[path] = OverrideLoc{SourceLoc{source, 1, base_col}, value_loc};
}

ConfigNode ConfigDoc::root() const { return ConfigNode(m_root, "", m_source, m_overrides); }

}  // namespace tpesim
