// SPDX-License-Identifier: Apache-2.0
// Technology tables: the strict loader (located errors, all at once), the `source` of every
// number in every shipped table, node scaling, and the arch file's `tech:` section.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/node_scaling.h"
#include "arch/tech_table.h"
#include "sim/core/errors.h"

namespace tpesim::arch {
namespace {

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kDefaultTable = kSource + "/configs/tech/horowitz_45nm.yaml";

std::vector<Diagnostic> table_errors(const std::string& text) {
  try {
    bind_tech_table(ConfigDoc::from_string(text, "table.yaml"));
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

std::vector<Diagnostic> arch_errors(const std::string& text,
                                    const std::vector<std::string>& overrides = {}) {
  try {
    ConfigDoc doc = ConfigDoc::from_string(text, "arch.yaml");
    Diag diag;
    for (const auto& o : overrides) doc.apply_override(o, diag);
    diag.throw_if_any();
    bind_arch(doc);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

// A small complete table (test data: the numbers only have to be well formed).
const std::string kSmallTable = R"(tech_table: small
process: {node_nm: 45, vdd_v: 0.9, source: "p"}
int_add:
  - {bits: 8, energy_pj: 0.03, area_um2: 36, source: "a"}
  - {bits: 32, energy_pj: 0.1, area_um2: 137, source: "a"}
int_mul:
  - {a_bits: 8, w_bits: 8, energy_pj: 0.2, area_um2: 282, source: "m"}
fp_add:
  - {format: fp16, energy_pj: 0.4, area_um2: 1360, source: "f"}
fp_mul:
  - {format: fp16, energy_pj: 1.1, area_um2: 1640, source: "g"}
register_bit: {node_nm: 40, bits: 1, energy_pj: 0.009, area_um2: 6, leakage_mw: 7.4e-05, source: "r"}
logic: {node_nm: 40, bits: 32, energy_pj: 0.018, area_um2: 50, leakage_mw: 6.1e-04, source: "l"}
sram_cell: {node_nm: 45, area_um2: 0.346, source: "c"}
sram_access:
  - {capacity_bytes: 8192, access_bits: 64, energy_pj: 10, source: "s"}
dram: {access_bits: 64, energy_pj_min: 1300, energy_pj_max: 2600, source: "d"}
node_scaling:
  reference_node_nm: 45
  source: "n"
  nodes:
    - {node_nm: 45, area_vs_reference: 1, delay: [1], energy: [1], source: "n45"}
)";

std::string replace(std::string text, const std::string& from, const std::string& to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

// The shipped default table loads and holds the published entries the cost model relies on.
TEST(TechTableTest, DefaultTableLoads) {
  const TechTable t = load_tech_table(kDefaultTable);
  EXPECT_EQ(t.name, "horowitz_45nm");
  EXPECT_EQ(t.process.node_nm, 45);
  EXPECT_DOUBLE_EQ(t.process.vdd_v, 0.9);
  ASSERT_EQ(t.int_add.size(), 3u);
  EXPECT_DOUBLE_EQ(t.int_add[0].energy_pj, 0.03);
  ASSERT_EQ(t.int_mul.size(), 2u);
  EXPECT_DOUBLE_EQ(t.int_mul[1].energy_pj, 3.1);
  EXPECT_EQ(t.node_scaling.nodes.front().node_nm, 180);
  EXPECT_EQ(t.node_scaling.nodes.back().node_nm, 7);
  EXPECT_TRUE(bind_tech_table(ConfigDoc::from_string(kSmallTable)).node_scaling.find(45));
}

// Unknown keys, wrong types, non-positive values and a missing `source` are all reported in
// one pass, each at its line and column.
TEST(TechTableTest, LoaderErrorsAreLocatedAndReportedTogether) {
  std::string bad = replace(kSmallTable, "{bits: 8, energy_pj: 0.03,", "{bits: 8, energy_pj: -1,");
  bad = replace(bad, "area_um2: 137, source: \"a\"}", "area_um2: 137}");
  bad = replace(bad, "w_bits: 8,", "w_bits: eight,");
  bad += "colour: red\n";
  const std::vector<Diagnostic> d = table_errors(bad);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].loc.line, 4);
  EXPECT_EQ(d[0].loc.col, 26);
  EXPECT_EQ(d[0].path, "int_add[0].energy_pj");
  EXPECT_EQ(d[0].message, "must be > 0, got -1");
  EXPECT_EQ(d[1].loc.line, 5);
  EXPECT_EQ(d[1].loc.col, 5);
  EXPECT_EQ(d[1].path, "int_add[1].source");
  EXPECT_EQ(d[1].message, "required key is missing");
  EXPECT_EQ(d[2].loc.line, 7);
  EXPECT_EQ(d[2].loc.col, 25);
  EXPECT_EQ(d[2].path, "int_mul[0].w_bits");
  EXPECT_EQ(d[2].message, "expected an integer, got 'eight'");
  EXPECT_EQ(d[3].loc.line, 23);
  EXPECT_EQ(d[3].loc.col, 1);
  EXPECT_EQ(d[3].path, "colour");
  EXPECT_EQ(d[3].message, "unknown key");
  EXPECT_EQ(d[0].loc.file(), "table.yaml");
  EXPECT_EQ(render(d[0]).rfind("table.yaml:4:26: error: int_add[0].energy_pj: must be > 0", 0), 0u)
      << render(d[0]);
}

// Sections are required, sources must name something, entries must be ordered, and the
// table's own node must be in its scaling table.
TEST(TechTableTest, StructuralRules) {
  auto d = table_errors(
      replace(kSmallTable, "sram_cell: {node_nm: 45, area_um2: 0.346, source: \"c\"}\n", ""));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "sram_cell");
  EXPECT_EQ(d[0].message, "required key is missing");

  d = table_errors(replace(kSmallTable, "source: \"m\"", "source: \"  \""));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "int_mul[0].source");
  EXPECT_EQ(d[0].message, "must name the publication");

  d = table_errors(replace(kSmallTable, "{bits: 32, energy_pj: 0.1,", "{bits: 4, energy_pj: 0.1,"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "int_add[1]");
  EXPECT_EQ(d[0].loc.line, 5);
  EXPECT_EQ(d[0].message, "entries must be ordered by ascending bits");

  d = table_errors(replace(kSmallTable, "process: {node_nm: 45,", "process: {node_nm: 40,"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "process.node_nm");
  EXPECT_EQ(d[0].message, "node 40 nm has no entry in node_scaling.nodes");

  d = table_errors(replace(kSmallTable, "delay: [1]", "delay: [1, x]"));
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].path, "node_scaling.nodes[0].delay[1]");
}

// True when a scalar is a number (what YAML would read as an int or a float).
bool is_number(const YAML::Node& n) {
  if (!n.IsScalar() || n.Tag() == "!") return false;
  const std::string& s = n.Scalar();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// Every mapping that holds a number (directly, or in a list of numbers) has a non-empty
// `source` string. Returns the paths of those that do not.
void unsourced(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      unsourced(node[i], path + "[" + std::to_string(i) + "]", out);
    }
    return;
  }
  if (!node.IsMap()) return;
  bool holds_number = false;
  for (const auto& kv : node) {
    const YAML::Node& v = kv.second;
    if (is_number(v)) holds_number = true;
    if (v.IsSequence()) {
      for (const auto& item : v) holds_number = holds_number || is_number(item);
    }
    unsourced(v, path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar(), out);
  }
  const YAML::Node source = node["source"];
  const bool sourced = source && source.IsScalar() && !source.Scalar().empty();
  if (holds_number && !sourced) out.push_back(path.empty() ? "<root>" : path);
}

// The project's rule for technology tables: no number without the publication it came from.
TEST(TechTableTest, EveryNumberInEveryShippedTableHasASource) {
  int tables = 0;
  for (const auto& e : std::filesystem::directory_iterator(kSource + "/configs/tech")) {
    SCOPED_TRACE(e.path().string());
    std::vector<std::string> missing;
    unsourced(YAML::LoadFile(e.path().string()), "", missing);
    EXPECT_TRUE(missing.empty()) << "no source: " << missing.front();
    EXPECT_NO_THROW(load_tech_table(e.path().string()));
    ++tables;
  }
  EXPECT_GE(tables, 1);
  // The walker itself catches a number without a source.
  std::vector<std::string> missing;
  unsourced(YAML::Load("a: {x: 1, source: s}\nb: [{y: [2, 3]}]\n"), "", missing);
  EXPECT_EQ(missing, std::vector<std::string>{"b[0]"});
}

// Node scaling: identity at the table's node; Stillmaker & Baas factors elsewhere.
TEST(NodeScalingTest, FactorsFromTheScalingTable) {
  const TechTable t = load_tech_table(kDefaultTable);
  std::string why;
  const auto same = node_factors(t, 45, 0, &why);
  ASSERT_TRUE(same) << why;
  EXPECT_DOUBLE_EQ(same->area, 1);
  EXPECT_DOUBLE_EQ(same->energy, 1);
  EXPECT_DOUBLE_EQ(same->delay, 1);
  EXPECT_DOUBLE_EQ(same->vdd_v, 0.9);

  // 7 nm at the table's 0.9 V: HP7 over HP45 energy and delay polynomials, both at 0.9 V.
  const auto n7 = node_factors(t, 7, 0, &why);
  ASSERT_TRUE(n7) << why;
  EXPECT_DOUBLE_EQ(n7->area, 0.059);
  const double e7 = 0.1776 * 0.81 - 0.09097 * 0.9 + 0.02447;  // 0.086453
  const double e45 = 1.018 * 0.81 - 0.3107 * 0.9 + 0.1539;    // 0.69885
  EXPECT_NEAR(n7->energy, e7 / e45, 1e-12);
  const double d7 = -28.58 * 0.729 + 76.6 * 0.81 - 70.26 * 0.9 + 24.69;
  const double d45 = -501.6 * 0.729 + 1567 * 0.81 - 1619 * 0.9 + 566.1;
  EXPECT_NEAR(n7->delay, d7 / d45, 1e-12);

  // Another voltage at the target node.
  const auto low = node_factors(t, 7, 0.7, &why);
  ASSERT_TRUE(low) << why;
  EXPECT_NEAR(low->energy, (0.1776 * 0.49 - 0.09097 * 0.7 + 0.02447) / e45, 1e-12);
  EXPECT_LT(low->energy, n7->energy);

  // 180 nm: the area grows 19 x.
  EXPECT_DOUBLE_EQ(node_factors(t, 180, 0, &why)->area, 19);

  // A node the table does not cover.
  EXPECT_FALSE(node_factors(t, 28, 0, &why));
  EXPECT_EQ(why,
            "28 nm is not in the node-scaling table of 'horowitz_45nm' (nodes: 180, 130, 90, 65, "
            "45, 32, 20, 16, 14, 10, 7)");
  // A voltage where the fitted energy is negative (outside the fit).
  EXPECT_FALSE(node_factors(t, 180, 0.5, &why));
  EXPECT_NE(why.find("outside the fitted range"), std::string::npos) << why;
}

// The arch file's `tech:` section: defaults, located errors, the table's range checked.
TEST(TechSpecTest, TechSectionIsBoundAndChecked) {
  const ArchSpec d = bind_arch(ConfigDoc::from_string("name: x\n"));
  EXPECT_EQ(d.tech.table, "horowitz_45nm");
  EXPECT_EQ(d.tech.node_nm, 45);
  EXPECT_DOUBLE_EQ(d.tech.clock_ghz, 1.0);
  EXPECT_DOUBLE_EQ(d.tech.vdd_v, 0);

  const ArchSpec t = bind_arch(ConfigDoc::from_string(
      "tech: {table: horowitz_45nm, node_nm: 7, clock_ghz: 2.5, vdd_v: 0.7}\n"));
  EXPECT_EQ(t.tech.node_nm, 7);
  EXPECT_DOUBLE_EQ(t.tech.clock_ghz, 2.5);
  EXPECT_DOUBLE_EQ(t.tech.vdd_v, 0.7);
  const ArchSpec by_path =
      bind_arch(ConfigDoc::from_string("tech: {table: " + kDefaultTable + "}\n"));
  EXPECT_EQ(by_path.tech.table, kDefaultTable);

  auto e = arch_errors("name: x\ntech:\n  node_nm: 28\n  clock_ghz: 0\n");
  ASSERT_EQ(e.size(), 1u);  // the table is checked only once the section's own keys are valid
  EXPECT_EQ(e[0].path, "tech.clock_ghz");
  EXPECT_EQ(e[0].loc.line, 4);
  EXPECT_EQ(e[0].loc.col, 14);
  EXPECT_EQ(e[0].message, "must be > 0, got 0");

  e = arch_errors("name: x\ntech:\n  node_nm: 28\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].path, "tech.node_nm");
  EXPECT_EQ(e[0].loc.line, 3);
  EXPECT_EQ(e[0].loc.col, 12);
  EXPECT_EQ(e[0].message.rfind("28 nm is not in the node-scaling table of 'horowitz_45nm'", 0), 0u)
      << e[0].message;

  e = arch_errors("tech: {node_nm: 180, vdd_v: 0.5}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].path, "tech.vdd_v");

  e = arch_errors("tech: {table: horowitz_54nm}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].path, "tech.table");
  EXPECT_NE(e[0].message.find("no technology table 'horowitz_54nm'"), std::string::npos)
      << e[0].message;
  EXPECT_NE(e[0].message.find("known tables: horowitz_45nm"), std::string::npos) << e[0].message;

  e = arch_errors("tech: {clock_ghz: 1, nodes_nm: 7}\n");
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].message, "unknown key (did you mean 'node_nm'?)");

  // `--set` reaches the section and its errors point at the command line.
  e = arch_errors("name: x\n", {"tech.node_nm=28"});
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].loc.file(), "<command line>");

  // A malformed table's own errors are reported with the arch file's.
  const std::filesystem::path bad =
      std::filesystem::path(testing::TempDir()) / "tpesim_bad_tech_table.yaml";
  {
    std::ofstream out(bad);
    out << replace(kSmallTable, "source: \"m\"", "source: \"\"");
  }
  e = arch_errors("tech: {table: " + bad.string() + "}\nrun: {seed: -1}\n");
  ASSERT_EQ(e.size(), 2u);
  std::filesystem::remove(bad);
}

// The resolved config carries `tech` and binds back to the same spec.
TEST(TechSpecTest, ResolvedConfigRoundTrips) {
  const ArchSpec a =
      bind_arch(ConfigDoc::from_string("tech: {node_nm: 16, clock_ghz: 1.5, vdd_v: 0.8}\n"));
  YAML::Emitter e;
  e << emit_arch(a);
  const ArchSpec b = bind_arch(ConfigDoc::from_string(e.c_str()));
  EXPECT_EQ(b.tech.node_nm, 16);
  EXPECT_DOUBLE_EQ(b.tech.clock_ghz, 1.5);
  EXPECT_DOUBLE_EQ(b.tech.vdd_v, 0.8);
  EXPECT_EQ(b.tech.table, "horowitz_45nm");
}

}  // namespace
}  // namespace tpesim::arch
