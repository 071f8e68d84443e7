// SPDX-License-Identifier: Apache-2.0
// A YAML document with source positions, and a view of one node of it with its key path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sim/core/diag.h"

namespace tpesim {

// Where a `--set key.path=value` wrote its key and its value.
struct OverrideLoc {
  SourceLoc key;    // the key path's first character
  SourceLoc value;  // the value's first character
};
// Locations of values that came from `--set`, keyed by key path.
using OverrideLocs = std::map<std::string, OverrideLoc, std::less<>>;

// A read-only view of one YAML node: its value, its dotted key path and where it came from.
// A missing child is a valid ConfigNode with present() == false that points at its parent.
class ConfigNode {
 public:
  ConfigNode() = default;
  ConfigNode(YAML::Node node, std::string path, std::shared_ptr<const SourceText> source,
             std::shared_ptr<const OverrideLocs> overrides);

  bool present() const { return m_node.IsDefined() && !m_node.IsNull(); }
  bool is_map() const { return m_node.IsMap(); }
  bool is_sequence() const { return m_node.IsSequence(); }
  bool is_scalar() const { return m_node.IsScalar(); }
  // True for a scalar written in quotes ('8' or "8") or tagged !!str: never a number or boolean.
  bool is_quoted() const {
    return m_node.IsScalar() && (m_node.Tag() == "!" || m_node.Tag() == "tag:yaml.org,2002:str");
  }
  const std::string& scalar() const { return m_node.Scalar(); }
  const YAML::Node& yaml() const { return m_node; }

  const std::string& path() const { return m_path; }
  const std::shared_ptr<const SourceText>& source() const { return m_source; }
  std::string key_path(std::string_view key) const;
  // Where this node's value starts; the parent's position when the node is missing.
  SourceLoc loc() const;
  // Where `key` itself is written in this map (this node's position if absent).
  SourceLoc key_loc(std::string_view key) const;

  ConfigNode child(std::string_view key) const;
  std::vector<std::string> keys() const;     // keys of a map, in file order
  std::vector<ConfigNode> elements() const;  // items of a sequence

 private:
  YAML::Node m_node;                                // the value (a zombie node when missing)
  std::string m_path;                               // dotted key path from the document root
  SourceLoc m_fallback;                             // the parent's location, used when missing
  std::shared_ptr<const SourceText> m_source;       // the file this node was read from
  std::shared_ptr<const OverrideLocs> m_overrides;  // `--set` locations, may be null
};

// A key written twice in one mapping is an error at its second occurrence (yaml-cpp keeps both
// and lookups would silently take the first).
void report_duplicate_keys(const ConfigNode& node, Diag& diag);

// A parsed YAML document that owns its text. Parse errors are reported as ConfigError.
class ConfigDoc {
 public:
  static ConfigDoc from_file(const std::string& path);
  static ConfigDoc from_string(std::string text, std::string name = "<string>");

  // Applies `key.path=value` (the value parsed as YAML) at location "<command line>".
  // Malformed assignments are added to `diag`.
  void apply_override(std::string_view assignment, Diag& diag);

  ConfigNode root() const;
  const std::shared_ptr<const SourceText>& source() const { return m_source; }

 private:
  std::shared_ptr<const SourceText> m_source;  // the file's text
  YAML::Node m_root;                           // the parsed document, mutated by overrides
  std::shared_ptr<OverrideLocs> m_overrides;   // where each overridden path came from
};

}  // namespace tpesim
