// SPDX-License-Identifier: Apache-2.0
// Tests of what a sweep point adds to a plain run: the area-budget axis (strict file, arrays
// sized to the largest that fits), the numeric error column and the per-layer breakdown.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/core/config_node.h"
#include "sim/core/errors.h"
#include "sim/sweep/sweep_accuracy.h"
#include "sim/sweep/sweep_area_budget.h"
#include "sim/sweep/sweep_points.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/support/temp_dir.h"

namespace tpesim::sweep {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSource = TPESIM_SOURCE_DIR;
const std::string kBase = kSource + "/configs/arch/systolic_32x32_ws.yaml";
const std::string kGemm64 = kSource + "/configs/workloads/gemm_64.yaml";
const std::string kPeVariants =
    "  - name: pe\n"
    "    variants:\n"
    "      - {name: int8, set: {array.pe: {kind: int_mac, a_bits: 8, w_bits: 8, acc_bits: 32}}}\n"
    "      - {name: fp16, set: {array.pe: {kind: fp_mac, a_format: fp16, w_format: fp16}}}\n"
    "      - {name: lmul, set: {array.pe: {kind: lmul, format: bf16, acc_format: fp32}}}\n";

fs::path write_sweep(const std::string& axes) {
  const fs::path file = testing_support::fresh_dir("tpesim_sweep_point") / "sweep.yaml";
  std::ofstream(file) << "name: t\nbase: " << kBase << "\nworkload: {file: " << kGemm64
                      << "}\naxes:\n"
                      << axes;
  return file;
}

std::vector<Diagnostic> errors_for(const std::string& axes) {
  try {
    load_sweep(write_sweep(axes).string());
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

// The point's config with extra overrides, bound (what run_point binds).
arch::ArchSpec bind_point(const SweepPoint& p, const std::vector<Override>& extra) {
  ConfigDoc doc = ConfigDoc::from_file(kBase);
  Diag diag;
  for (const Override& o : p.overrides) {
    if (o.key != kAreaBudgetKey) doc.apply_override(o.assignment(), diag);
  }
  for (const Override& o : extra) doc.apply_override(o.assignment(), diag);
  diag.throw_if_any();
  return arch::bind_arch(doc);
}

// Every problem of an area-budget axis is reported at its line:col, all at once.
TEST(SweepAreaBudgetTest, BadAxesAreReportedAtTheirPlace) {
  const auto ds = errors_for(
      "  - {area_budget_mm2: [1, -2, 1, x], shape: squre}\n"
      "  - {area_budget_mm2: []}\n");
  ASSERT_EQ(ds.size(), 5u);
  EXPECT_EQ(ds[0].loc.line, 5);
  EXPECT_EQ(ds[0].loc.col, 27);
  EXPECT_EQ(ds[0].message, "must be a positive area in mm², got -2");
  EXPECT_EQ(ds[1].path, "axes[0].area_budget_mm2[2]");
  EXPECT_EQ(ds[1].message, "duplicate budget 1 (already axes[0].area_budget_mm2[0])");
  EXPECT_EQ(ds[2].path, "axes[0].area_budget_mm2[3]");
  EXPECT_EQ(ds[3].path, "axes[0].shape");
  EXPECT_NE(ds[3].message.find("did you mean 'square'?"), std::string::npos) << ds[3].message;
  EXPECT_EQ(ds[4].path, "axes[1].area_budget_mm2");
}

// A budget sets array.cols (and array.rows when square): a second axis on them is an error.
TEST(SweepAreaBudgetTest, KeysTheBudgetSetsCannotBeSweptAgain) {
  const auto square = errors_for(
      "  - {area_budget_mm2: [1]}\n"
      "  - {key: array.rows, values: [8]}\n"
      "  - {area_budget_mm2: [2], shape: rows_fixed}\n");
  ASSERT_EQ(square.size(), 3u);
  EXPECT_NE(square[0].message.find("key 'array.rows' is already swept by axes[0]"),
            std::string::npos);
  EXPECT_EQ(square[1].message, "a second area-budget axis (the first is axes[0])");
  EXPECT_TRUE(errors_for("  - {area_budget_mm2: [1], shape: rows_fixed}\n"
                         "  - {key: array.rows, values: [8, 16]}\n")
                  .empty());
}

// Each point's array is the largest whose PE array + periphery fits: one more row and column
// (or column, rows_fixed) would not; cheaper PEs get larger arrays at the same budget.
TEST(SweepAreaBudgetTest, ArraysAreTheLargestThatFit) {
  for (const char* shape : {"square", "rows_fixed"}) {
    const SweepSpec spec =
        load_sweep(write_sweep(std::string("  - {area_budget_mm2: [0.25, 1], shape: ") + shape +
                               "}\n" + kPeVariants)
                       .string());
    const std::vector<SweepPoint> points = enumerate_points(spec);
    ASSERT_EQ(points.size(), 6u);
    std::vector<int> cols;
    for (const SweepPoint& p : points) {
      const json row = run_point(spec, p);
      ASSERT_EQ(row["status"], "ok") << row.dump();
      const double budget = parse_budget_value(p.overrides.front().value).mm2;
      const int r = row["array_rows"], c = row["array_cols"];
      const double area =
          row["area"]["pe_array_mm2"].get<double>() + row["area"]["periphery_mm2"].get<double>();
      EXPECT_LE(area, budget) << p.id;
      const bool square = std::string(shape) == "square";
      EXPECT_EQ(r, square ? c : 32) << p.id;
      std::vector<Override> bigger = {{"array.cols", std::to_string(c + 1)}};
      if (square) bigger.push_back({"array.rows", std::to_string(r + 1)});
      EXPECT_GT(array_area_mm2(bind_point(p, bigger)), budget) << p.id;
      cols.push_back(c);
    }
    // int8 (0.25 mm²) is larger than fp16 at the same budget; 1 mm² larger than 0.25 mm².
    EXPECT_GT(cols[0], cols[1]);
    EXPECT_GT(cols[3], cols[0]);
  }
}

// A budget below one PE step is an error row that says so; the sweep goes on.
TEST(SweepAreaBudgetTest, ABudgetTooSmallIsAnErrorRow) {
  const SweepSpec spec =
      load_sweep(write_sweep("  - {area_budget_mm2: [0.0001]}\n" + kPeVariants).string());
  const json row = run_point(spec, enumerate_points(spec)[1]);
  EXPECT_EQ(row["status"], "error");
  EXPECT_EQ(row["error_kind"], "input");
  EXPECT_NE(row["error"].get<std::string>().find("is smaller than the smallest array"),
            std::string::npos)
      << row["error"];
}

// numeric_error: exact integer MACs have none; fp16 MACs (fp32 accumulation) a little; L-Mul's
// approximate multiply much more. K is the workload's dominant K.
TEST(SweepAccuracyTest, NumericErrorOrdersThePeKinds) {
  const SweepSpec spec = load_sweep(write_sweep(kPeVariants).string());
  std::vector<double> error;
  for (const SweepPoint& p : enumerate_points(spec)) {
    const json row = run_point(spec, p);
    ASSERT_EQ(row["status"], "ok") << row.dump();
    EXPECT_EQ(row["numeric_error_k"], 64);
    error.push_back(row["numeric_error"].get<double>());
  }
  EXPECT_EQ(error[0], 0.0);
  EXPECT_GT(error[1], 0.0);
  EXPECT_LT(error[1], 1e-5);
  EXPECT_GT(error[2], 100 * error[1]);
  workloads::Workload w;
  w.layers = {{"a", 64, 64, 64, 4}, {"b", 8, 8, 4096, 2}, {"c", 8, 8, 2048, 4}};
  EXPECT_EQ(dominant_k(w), 64);
  w.layers[0].count = 1;
  EXPECT_EQ(dominant_k(w), 4096);
}

// model_error adds the operands' quantization: int8 absmax codes are coarser than fp16's 11-bit
// significands, and 4-bit group-quantized weights coarser still; it never undercuts the
// arithmetic's own error by much (the quantization errors are independent of it).
TEST(SweepAccuracyTest, ModelErrorIncludesTheQuantization) {
  const SweepSpec spec = load_sweep(
      write_sweep(kPeVariants +
                  "      - {name: mixpe, set: {array.pe: {kind: mixpe, variant: w4a8, w_bits: 4, "
                  "group_size: 32}}}\n")
          .string());
  std::vector<double> model, numeric;
  for (const SweepPoint& p : enumerate_points(spec)) {
    const json row = run_point(spec, p);
    ASSERT_EQ(row["status"], "ok") << row.dump();
    model.push_back(row["model_error"].get<double>());
    numeric.push_back(row["numeric_error"].get<double>());
  }
  ASSERT_EQ(model.size(), 4u);
  EXPECT_GT(model[0], 1e-4);  // int8: 8-bit codes, exact MACs
  EXPECT_LT(model[0], 0.05);
  EXPECT_GT(model[1], 0.0);  // fp16: RNE operands, fp32 accumulation
  EXPECT_LT(model[1], model[0]);
  EXPECT_GT(model[2], 0.5 * numeric[2]);  // L-Mul: the approximate multiply dominates
  EXPECT_GT(model[3], 2 * model[0]);      // 4-bit weights
  for (std::size_t i = 0; i < model.size(); ++i) EXPECT_GE(model[i], numeric[i] * 0.5) << i;
}

// `layers`: one entry per workload layer with its totals over its instances.
TEST(SweepAccuracyTest, RowsBreakDownPerLayer) {
  const SweepSpec spec = load_sweep(write_sweep("  - {key: array.rows, values: [16]}\n").string());
  const json row = run_point(spec, enumerate_points(spec)[0]);
  ASSERT_EQ(row["layers"].size(), spec.workload.layers.size());
  std::int64_t cycles = 0, macs = 0;
  for (const json& l : row["layers"]) {
    cycles += l["cycles"].get<std::int64_t>();
    macs += l["macs"].get<std::int64_t>();
    EXPECT_TRUE(l["phase"].is_null());
    EXPECT_GT(l["utilization"].get<double>(), 0.0);
  }
  EXPECT_EQ(cycles, row["cycles"].get<std::int64_t>());
  EXPECT_EQ(macs, row["macs"].get<std::int64_t>());
}

}  // namespace
}  // namespace tpesim::sweep
