// SPDX-License-Identifier: Apache-2.0
#include "arch/tech_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arch/node_scaling.h"
#include "sim/core/errors.h"

namespace tpesim::arch {

namespace {

std::string not_found_message(const std::string& table, const std::vector<std::string>& searched) {
  return fmt::format("no technology table '{}' (looked for {}); known tables: {}", table,
                     fmt::join(searched, ", "), fmt::join(known_tech_tables(), ", "));
}

}  // namespace

void bind_tech(const ConfigNode& node, TechSpec& out, Diag& diag) {
  const std::size_t before = diag.size();
  bind_fields(node, TechSpec::fields(), out, diag);
  if (!node.present() || diag.size() != before) return;
  std::vector<std::string> searched;
  const std::string file = find_tech_table(out.table, &searched);
  if (file.empty()) {
    diag.error(node.child("table").loc(), node.key_path("table"),
               not_found_message(out.table, searched));
    return;
  }
  TechTable table;
  try {
    table = load_tech_table(file);
  } catch (const ConfigError& e) {
    for (const Diagnostic& d : e.diagnostics()) diag.error(d.loc, d.path, d.message);
    return;
  }
  std::string why;
  if (!node_factors(table, out.node_nm, out.vdd_v, &why)) {
    const char* key = table.node_scaling.find(out.node_nm) ? "vdd_v" : "node_nm";
    diag.error(node.child(key).loc(), node.key_path(key), why);
  }
}

TechTable load_tech_for(const TechSpec& spec) {
  std::vector<std::string> searched;
  const std::string file = find_tech_table(spec.table, &searched);
  if (file.empty()) {
    throw UserError(fmt::format("error: tech.table: {}", not_found_message(spec.table, searched)));
  }
  return load_tech_table(file);
}

}  // namespace tpesim::arch
