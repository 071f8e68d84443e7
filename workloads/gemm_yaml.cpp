// SPDX-License-Identifier: Apache-2.0
#include <fmt/format.h>

#include <set>

#include "sim/core/config_node.h"
#include "workloads/gemm.h"

namespace tpesim::workloads {

Workload load_gemm_yaml(const std::string& path) {
  const ConfigDoc doc = ConfigDoc::from_file(path);
  const ConfigNode root = doc.root();
  Diag diag;
  Workload out;
  out.source = path;
  if (!root.is_map()) {
    diag.error(root.loc(), "", "expected a mapping with a `gemms` list");
    diag.throw_if_any();
  }
  report_duplicate_keys(root, diag);
  for (const std::string& key : root.keys()) {
    if (key != "gemms") {
      const std::string hint = closest_match(key, {"gemms"});
      diag.error(root.key_loc(key), key,
                 hint.empty() ? "unknown key" : "unknown key (did you mean 'gemms'?)");
    }
  }
  const ConfigNode gemms = root.child("gemms");
  if (!gemms.present()) {
    diag.error(root.loc(), "gemms", "required key is missing");
  } else if (!gemms.is_sequence() || gemms.elements().empty()) {
    diag.error(gemms.loc(), gemms.path(), "expected a non-empty list of GEMMs");
  } else {
    std::set<std::string> names;
    for (const ConfigNode& item : gemms.elements()) {
      Gemm g;
      const std::size_t before = diag.size();
      bind_fields(item, Gemm::fields(), g, diag);
      if (diag.size() == before && !names.insert(g.name).second) {
        diag.error(item.child("name").loc(), item.key_path("name"),
                   fmt::format("duplicate layer name '{}'", g.name));
      }
      out.layers.push_back(g);
    }
  }
  diag.throw_if_any();
  return out;
}

}  // namespace tpesim::workloads
