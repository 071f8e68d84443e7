// SPDX-License-Identifier: Apache-2.0
// Tests for the `gemms:` YAML workload format: strict keys, required fields, located errors.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "workloads/gemm.h"

namespace tpesim::workloads {
namespace {

// Writes `text` to a fresh file under the test temp dir and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/tpesim_gemm_yaml_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return path;
}

// The diagnostics of the ConfigError the load throws; fails the test when it does not throw.
std::vector<Diagnostic> load_errors(const std::string& name, const std::string& text) {
  try {
    load_gemm_yaml(write_temp(name, text));
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ConfigError for " << name;
  return {};
}

// A good file: every GEMM is read in order; count defaults to 1.
TEST(GemmYamlTest, GoodFileLoadsInOrder) {
  const std::string path = write_temp("good.yaml",
                                      "gemms:\n"
                                      "  - {name: qkv, m: 512, n: 2304, k: 768}\n"
                                      "  - name: ffn\n"
                                      "    m: 128\n"
                                      "    n: 3072\n"
                                      "    k: 768\n"
                                      "    count: 12\n");
  const Workload w = load_gemm_yaml(path);
  EXPECT_EQ(w.source, path);
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[0].name, "qkv");
  EXPECT_EQ(w.layers[0].m, 512);
  EXPECT_EQ(w.layers[0].n, 2304);
  EXPECT_EQ(w.layers[0].k, 768);
  EXPECT_EQ(w.layers[0].count, 1);
  EXPECT_EQ(w.layers[1].name, "ffn");
  EXPECT_EQ(w.layers[1].m, 128);
  EXPECT_EQ(w.layers[1].n, 3072);
  EXPECT_EQ(w.layers[1].k, 768);
  EXPECT_EQ(w.layers[1].count, 12);
}

// An unknown key inside an item is reported at the key with a suggestion and an indexed path.
TEST(GemmYamlTest, UnknownItemKeySuggests) {
  const auto errs = load_errors("unknown_item_key.yaml",
                                "gemms:\n"
                                "  - name: a\n"
                                "    m: 1\n"
                                "    n: 1\n"
                                "    k: 1\n"
                                "  - name: b\n"
                                "    m: 1\n"
                                "    n: 1\n"
                                "    k: 1\n"
                                "    counts: 4\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 10);
  EXPECT_EQ(errs[0].loc.col, 5);
  EXPECT_EQ(errs[0].path, "gemms[1].counts");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'count'?)");
}

// A missing required field is reported at the item (the mapping that lacks it).
TEST(GemmYamlTest, MissingRequiredFieldAtItem) {
  const auto errs = load_errors("missing_m.yaml",
                                "gemms:\n"
                                "  - name: a\n"
                                "    m: 4\n"
                                "    n: 4\n"
                                "    k: 4\n"
                                "  - name: b\n"
                                "    n: 4\n"
                                "    k: 4\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 6);
  EXPECT_EQ(errs[0].loc.col, 5);
  EXPECT_EQ(errs[0].path, "gemms[1].m");
  EXPECT_EQ(errs[0].message, "required key is missing");
}

// Each missing required field is its own error; an empty item misses all four.
TEST(GemmYamlTest, EveryMissingFieldReported) {
  const auto errs = load_errors("empty_item.yaml", "gemms:\n  - {}\n");
  ASSERT_EQ(errs.size(), 4u);
  std::vector<std::string> paths;
  for (const auto& e : errs) {
    paths.push_back(e.path);
    EXPECT_EQ(e.message, "required key is missing");
    EXPECT_EQ(e.loc.line, 2);
  }
  EXPECT_EQ(paths,
            (std::vector<std::string>{"gemms[0].name", "gemms[0].m", "gemms[0].n", "gemms[0].k"}));
}

// A repeated layer name is reported at the second item's name value.
TEST(GemmYamlTest, DuplicateNamesLocated) {
  const auto errs = load_errors("dup.yaml",
                                "gemms:\n"
                                "  - {name: x, m: 1, n: 1, k: 1}\n"
                                "  - {name: y, m: 1, n: 1, k: 1}\n"
                                "  - {name: x, m: 2, n: 2, k: 2}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 4);
  EXPECT_EQ(errs[0].loc.col, 12);
  EXPECT_EQ(errs[0].path, "gemms[2].name");
  EXPECT_EQ(errs[0].message, "duplicate layer name 'x'");
}

// An empty list, a non-list and a missing `gemms` are all rejected.
TEST(GemmYamlTest, EmptyOrMissingListRejected) {
  auto errs = load_errors("empty_list.yaml", "gemms: []\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 1);
  EXPECT_EQ(errs[0].loc.col, 8);
  EXPECT_EQ(errs[0].path, "gemms");
  EXPECT_EQ(errs[0].message, "expected a non-empty list of GEMMs");

  errs = load_errors("not_list.yaml", "gemms: {name: a}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "expected a non-empty list of GEMMs");

  errs = load_errors("no_gemms.yaml", "");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "gemms");
  EXPECT_EQ(errs[0].message, "required key is missing");

  errs = load_errors("scalar_root.yaml", "just a string\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "expected a mapping with a `gemms` list");
}

// An unknown top-level key is reported at the key; a near miss of `gemms` is suggested.
TEST(GemmYamlTest, TopLevelUnknownKey) {
  auto errs = load_errors("typo_top.yaml", "gemm:\n  - {name: a, m: 1, n: 1, k: 1}\n");
  ASSERT_EQ(errs.size(), 2u);  // the typo, and `gemms` is then missing
  EXPECT_EQ(errs[0].loc.line, 1);
  EXPECT_EQ(errs[0].loc.col, 1);
  EXPECT_EQ(errs[0].path, "gemm");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'gemms'?)");
  EXPECT_EQ(errs[1].path, "gemms");
  EXPECT_EQ(errs[1].message, "required key is missing");

  errs = load_errors("extra_top.yaml",
                     "gemms:\n  - {name: a, m: 1, n: 1, k: 1}\nsimulator_version: 3\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].path, "simulator_version");
  EXPECT_EQ(errs[0].message, "unknown key");
}

// Dimensions are in [1, 2^24] and count in [1, 2^40], reported at the value.
TEST(GemmYamlTest, DimensionRanges) {
  auto errs = load_errors("m_zero.yaml", "gemms:\n  - {name: a, m: 0, n: 1, k: 1}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 18);
  EXPECT_EQ(errs[0].path, "gemms[0].m");
  EXPECT_EQ(errs[0].message, "must be in [1, 16777216], got 0");

  errs = load_errors("k_big.yaml", "gemms:\n  - {name: a, m: 1, n: 1, k: 16777217}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "gemms[0].k");

  errs = load_errors("count_zero.yaml", "gemms:\n  - {name: a, m: 1, n: 1, k: 1, count: 0}\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "gemms[0].count");
  EXPECT_EQ(errs[0].message, "must be in [1, 1099511627776], got 0");

  const Workload w =
      load_gemm_yaml(write_temp("bounds.yaml",
                                "gemms:\n  - {name: a, m: 16777216, n: 1, k: 16777216, "
                                "count: 1099511627776}\n"));
  ASSERT_EQ(w.layers.size(), 1u);
  EXPECT_EQ(w.layers[0].m, 16777216);
  EXPECT_EQ(w.layers[0].count, std::int64_t{1} << 40);
}

// Errors across items are all reported together, in file order.
TEST(GemmYamlTest, AllItemErrorsReportedTogether) {
  const auto errs = load_errors("many.yaml",
                                "gemms:\n"
                                "  - {name: a, m: x, n: 1, k: 1}\n"
                                "  - {name: b, m: 1, n: 1, k: 1, kk: 2}\n"
                                "  - {name: c, m: 1, n: -4, k: 1}\n"
                                "extra: 1\n");
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0].path, "gemms[0].m");
  EXPECT_EQ(errs[0].message, "expected an integer, got 'x'");
  EXPECT_EQ(errs[1].path, "gemms[1].kk");
  EXPECT_EQ(errs[2].path, "gemms[2].n");
  EXPECT_EQ(errs[3].path, "extra");
  for (std::size_t i = 0; i < errs.size(); ++i)
    EXPECT_EQ(errs[i].loc.line, static_cast<int>(i) + 2);
}

// Invalid YAML and a missing file are reported as ConfigError and UserError respectively.
TEST(GemmYamlTest, BadSyntaxAndMissingFile) {
  const auto errs = load_errors("syntax.yaml", "gemms:\n  - {name: a, m: 1\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message.rfind("invalid YAML", 0), 0u) << errs[0].message;
  EXPECT_THROW(load_gemm_yaml(testing::TempDir() + "/tpesim_gemm_yaml_missing.yaml"), UserError);
}

}  // namespace
}  // namespace tpesim::workloads
