// SPDX-License-Identifier: Apache-2.0
// Tests for SCALE-Sim v2 topology CSVs: conv lowering to GEMM, GEMM rows, located errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "workloads/gemm.h"
#include "workloads/scalesim_topology.h"

namespace tpesim::workloads {
namespace {

constexpr const char* kConvHeader =
    "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
    "Strides,\n";
constexpr const char* kGemmHeader = "Layer, M, N, K,\n";

// Writes `text` to a fresh file under the test temp dir and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/tpesim_topology_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return path;
}

Workload load(const std::string& name, const std::string& text,
              TopologyFormat format = TopologyFormat::Conv) {
  return load_scalesim_topology(write_temp(name, text), format);
}

// The diagnostics of the ConfigError the load throws; fails the test when it does not throw.
std::vector<Diagnostic> load_errors(const std::string& name, const std::string& text,
                                    TopologyFormat format = TopologyFormat::Conv) {
  try {
    load(name, text, format);
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ConfigError for " << name;
  return {};
}

// 1-based column of the `nth` (0-based) occurrence of `token` in `line`.
int col_of(const std::string& line, const std::string& token, int nth = 0) {
  std::size_t pos = line.find(token);
  for (int i = 0; i < nth; ++i) pos = line.find(token, pos + 1);
  EXPECT_NE(pos, std::string::npos) << token;
  return static_cast<int>(pos) + 1;
}

void expect_gemm(const Gemm& g, const std::string& name, std::int64_t m, std::int64_t n,
                 std::int64_t k) {
  EXPECT_EQ(g.name, name);
  EXPECT_EQ(g.m, m) << name;
  EXPECT_EQ(g.n, n) << name;
  EXPECT_EQ(g.k, k) << name;
  EXPECT_EQ(g.count, 1) << name;
}

// Conv lowers to M = ofmap_h * ofmap_w with SCALE-Sim's ofmap = ceil((H - F + S) / S);
// N = filters; K = Fh*Fw*C.
TEST(TopologyTest, ConvRowLowersToGemm) {
  const Workload w = load("alexnet1.csv", std::string(kConvHeader) +
                                              "Conv1, 224, 224, 11, 11, 3, 96, 4,\n"
                                              "Conv2, 27, 27, 5, 5, 96, 256, 1,\n"
                                              "Odd, 10, 7, 3, 2, 4, 8, 2,\n");
  ASSERT_EQ(w.layers.size(), 3u);
  expect_gemm(w.layers[0], "Conv1", 3025, 96, 363);  // AlexNet conv1: 55 x 55, 11 * 11 * 3
  expect_gemm(w.layers[1], "Conv2", 23 * 23, 256, 5 * 5 * 96);
  expect_gemm(w.layers[2], "Odd", 5 * 4, 8, 3 * 2 * 4);  // ceil((10-3+2)/2) = 5, ceil(7/2) = 4
  EXPECT_EQ(w.source, testing::TempDir() + "/tpesim_topology_alexnet1.csv");
}

// Window placements 0, S, 2S, ... as SCALE-Sim counts them (counted, not divided): every start
// before size - filter + S, i.e. the whole windows plus a last one that may hang over the edge.
std::int64_t placements(std::int64_t size, std::int64_t filter, std::int64_t stride) {
  std::int64_t count = 0;
  for (std::int64_t start = 0; start + filter < size + stride; start += stride) ++count;
  return count;
}

// Random conv shapes (fixed seed): M counts window placements as SCALE-Sim does (no padding).
TEST(TopologyTest, ConvLoweringCountsWindowPlacements) {
  std::mt19937_64 rng(20240601);  // fixed seed
  std::uniform_int_distribution<std::int64_t> size(1, 300), filt(1, 12), chan(1, 64), stride(1, 7);
  struct Shape {
    std::int64_t h, w, fh, fw, c, n, s;
  };
  std::vector<Shape> shapes;
  std::string text = kConvHeader;
  for (int i = 0; i < 200; ++i) {
    Shape s{size(rng), size(rng), filt(rng), filt(rng), chan(rng), chan(rng), stride(rng)};
    s.fh = std::min(s.fh, s.h);
    s.fw = std::min(s.fw, s.w);
    shapes.push_back(s);
    text += "L" + std::to_string(i) + "," + std::to_string(s.h) + "," + std::to_string(s.w) + "," +
            std::to_string(s.fh) + "," + std::to_string(s.fw) + "," + std::to_string(s.c) + "," +
            std::to_string(s.n) + "," + std::to_string(s.s) + ",\n";
  }
  const Workload w = load("random.csv", text);
  ASSERT_EQ(w.layers.size(), shapes.size());
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const Shape& s = shapes[i];
    expect_gemm(w.layers[i], "L" + std::to_string(i),
                placements(s.h, s.fh, s.s) * placements(s.w, s.fw, s.s), s.n, s.fh * s.fw * s.c);
  }
}

// Spaces, tabs, trailing commas, rows without a trailing comma and blank lines are all fine.
TEST(TopologyTest, ConvToleratesLayoutVariations) {
  const Workload w = load("layout.csv", "\n\n" + std::string(kConvHeader) +
                                            "\n"
                                            "  A ,\t8,8 , 3, 3 ,2,4,1,,  \n"
                                            "B,8,8,3,3,2,4,1\n"
                                            "   \n"
                                            " ,  , \n"
                                            "C, 8, 8, 1, 1, 1, 1, 2  ,\n");
  ASSERT_EQ(w.layers.size(), 3u);
  expect_gemm(w.layers[0], "A", 36, 4, 18);
  expect_gemm(w.layers[1], "B", 36, 4, 18);
  expect_gemm(w.layers[2], "C", 25, 1, 1);  // ceil((8-1+2)/2) = 5 per side
}

// The first non-blank row is the header whatever it contains, and is never parsed.
TEST(TopologyTest, HeaderRowIsSkippedUnread) {
  const Workload w = load("header.csv", "not, a, real, header, 0, -1\nX, 4, 4, 2, 2, 1, 1, 1,\n");
  ASSERT_EQ(w.layers.size(), 1u);
  expect_gemm(w.layers[0], "X", 9, 1, 4);
}

// CRLF files parse, and the '\r' does not shift the column of a "too few fields" error.
TEST(TopologyTest, CrlfLineEndings) {
  const Workload w =
      load("crlf.csv", "h,\r\nA, 8, 8, 3, 3, 2, 4, 1,\r\nB, 8, 8, 3, 3, 2, 4, 1\r\n");
  ASSERT_EQ(w.layers.size(), 2u);
  expect_gemm(w.layers[1], "B", 36, 4, 18);

  const auto errs = load_errors("crlf_bad.csv", "h,\r\nA, 8, 8\r\nB, 8, x, 3, 3, 2, 4, 1,\r\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 8);  // just past "A, 8, 8"
  EXPECT_EQ(errs[1].loc.line, 3);
  EXPECT_EQ(errs[1].loc.col, 7);
  EXPECT_EQ(render(errs[1]),
            testing::TempDir() +
                "/tpesim_topology_crlf_bad.csv:3:7: error: IFMAP Width: expected a positive "
                "integer, got 'x'\n  B, 8, x, 3, 3, 2, 4, 1,\n        ^");
}

// A non-integer field is reported at its own line:col with the column's name.
TEST(TopologyTest, NonIntegerFieldLocated) {
  const std::string row = "Conv1, 224, 2x4, 11, 11, 3.0, 96, 4,";
  const auto errs = load_errors("nonint.csv", std::string(kConvHeader) + row + "\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 13);
  EXPECT_EQ(errs[0].path, "IFMAP Width");
  EXPECT_EQ(errs[0].message, "expected a positive integer, got '2x4'");
  EXPECT_EQ(errs[1].loc.col, col_of(row, "3.0"));
  EXPECT_EQ(errs[1].path, "Channels");
  EXPECT_EQ(errs[1].message, "expected a positive integer, got '3.0'");
}

// Zero, negative and too-large values are range errors at the value.
TEST(TopologyTest, OutOfRangeFieldLocated) {
  const std::string row1 = "A, 224, 224, 11, 11, 0, 96, 4,";
  const std::string row2 = "B, 224, 224, 11, 11, 3, -96, 4,";
  const std::string row3 = "C, 224, 224, 11, 11, 3, 96, 16777217,";
  const std::string row4 = "D, 16777216, 1, 1, 1, 1, 1, 16777216,";  // the bounds themselves
  const auto errs = load_errors("range.csv", std::string(kConvHeader) + row1 + "\n" + row2 + "\n" +
                                                 row3 + "\n" + row4 + "\n");
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, col_of(row1, "0,"));
  EXPECT_EQ(errs[0].path, "Channels");
  EXPECT_EQ(errs[0].message, "must be in [1, 16777216], got 0");
  EXPECT_EQ(errs[1].loc.line, 3);
  EXPECT_EQ(errs[1].loc.col, col_of(row2, "-96"));
  EXPECT_EQ(errs[1].path, "Num Filter");
  EXPECT_EQ(errs[1].message, "must be in [1, 16777216], got -96");
  EXPECT_EQ(errs[2].loc.line, 4);
  EXPECT_EQ(errs[2].loc.col, col_of(row3, "16777217"));
  EXPECT_EQ(errs[2].path, "Strides");
}

// A filter larger than the IFMAP is reported at the filter field, height and width both.
TEST(TopologyTest, FilterLargerThanIfmapLocated) {
  const std::string row = "Big, 5, 6, 7, 9, 1, 1, 1,";
  const auto errs = load_errors("filter.csv", std::string(kConvHeader) + row + "\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, col_of(row, "7"));
  EXPECT_EQ(errs[0].path, "Filter Height");
  EXPECT_EQ(errs[0].message, "filter height 7 exceeds IFMAP height 5");
  EXPECT_EQ(errs[1].loc.col, col_of(row, "9"));
  EXPECT_EQ(errs[1].path, "Filter Width");
  EXPECT_EQ(errs[1].message, "filter width 9 exceeds IFMAP width 6");
  // Equal sizes are fine: a single output pixel.
  const Workload w = load("filter_eq.csv", std::string(kConvHeader) + "Eq, 5, 6, 5, 6, 2, 3, 1,\n");
  ASSERT_EQ(w.layers.size(), 1u);
  expect_gemm(w.layers[0], "Eq", 1, 3, 60);
}

// Too few fields is reported just past the end of the row and lists the expected columns.
TEST(TopologyTest, TooFewFieldsLocatedAtEndOfRow) {
  const std::string row = "Conv1, 224, 224, 11,";
  const auto errs = load_errors("few.csv", std::string(kConvHeader) + "\n" + row + "\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].loc.col, static_cast<int>(row.size()) + 1);
  EXPECT_EQ(errs[0].path, "row 3");
  EXPECT_EQ(errs[0].message,
            "expected 8 fields (Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter "
            "Width, Channels, Num Filter, Strides), got 4");
}

// A repeated layer name is reported at the second occurrence's name.
TEST(TopologyTest, DuplicateNameLocated) {
  const auto errs = load_errors("dup.csv", std::string(kConvHeader) +
                                               "Conv1, 8, 8, 3, 3, 1, 1, 1,\n"
                                               "Conv2, 8, 8, 3, 3, 1, 1, 1,\n"
                                               "  Conv1, 8, 8, 3, 3, 1, 1, 1,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 4);
  EXPECT_EQ(errs[0].loc.col, 3);
  EXPECT_EQ(errs[0].path, "Layer name");
  EXPECT_EQ(errs[0].message, "duplicate layer name 'Conv1'");
}

// An empty name is an error at the name's position.
TEST(TopologyTest, EmptyNameLocated) {
  const auto errs =
      load_errors("noname.csv", std::string(kConvHeader) + " , 8, 8, 3, 3, 1, 1, 1,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "Layer name");
  EXPECT_EQ(errs[0].message, "layer name is empty");
}

// Every problem in the file comes in one ConfigError, sorted by line and column.
TEST(TopologyTest, AllErrorsCollectedAtOnce) {
  const auto errs = load_errors("many.csv", std::string(kConvHeader) +
                                                "Ok, 8, 8, 3, 3, 1, 1, 1,\n"     // 2: fine
                                                "A, 8, eight, 3, 3, 1, 1, 1,\n"  // 3
                                                "B, 8, 8,\n"                     // 4
                                                "C, 8, 8, 3, 3, 0, 1, 0,\n"      // 5: two
                                                "D, 4, 4, 5, 3, 1, 1, 1,\n"      // 6
                                                "Ok, 8, 8, 3, 3, 1, 1, 1,\n");   // 7
  ASSERT_EQ(errs.size(), 6u);
  const std::vector<std::pair<int, std::string>> expected = {
      {3, "IFMAP Width"}, {4, "row 4"},         {5, "Channels"},
      {5, "Strides"},     {6, "Filter Height"}, {7, "Layer name"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(errs[i].loc.line, expected[i].first) << i;
    EXPECT_EQ(errs[i].path, expected[i].second) << i;
  }
  EXPECT_LT(errs[2].loc.col, errs[3].loc.col);
}

// An empty file and a header without rows are both errors.
TEST(TopologyTest, EmptyFileAndHeaderOnly) {
  auto errs = load_errors("empty.csv", "");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "empty topology file");
  errs = load_errors("blank.csv", "\n \n,,,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "empty topology file");
  errs = load_errors("header_only.csv", std::string(kConvHeader) + "\n\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "no layers after the header row");
}

// A missing file is a UserError (no location to point at), not a ConfigError.
TEST(TopologyTest, MissingFileIsUserError) {
  const std::string path = testing::TempDir() + "/tpesim_topology_does_not_exist.csv";
  EXPECT_THROW(load_scalesim_topology(path, TopologyFormat::Conv), UserError);
  EXPECT_THROW(load_scalesim_topology(path, TopologyFormat::Gemm), UserError);
}

// GEMM rows `Layer, M, N, K` map one to one onto Gemm{name, m, n, k}.
TEST(TopologyTest, GemmRowsLoad) {
  const Workload w = load("gemm.csv",
                          std::string(kGemmHeader) +
                              "QKV, 512, 2304, 768,\n"
                              "\n"
                              "Proj ,128,768, 768\n"
                              "FFN1, 1, 16777216, 3,\n",
                          TopologyFormat::Gemm);
  ASSERT_EQ(w.layers.size(), 3u);
  expect_gemm(w.layers[0], "QKV", 512, 2304, 768);
  expect_gemm(w.layers[1], "Proj", 128, 768, 768);
  expect_gemm(w.layers[2], "FFN1", 1, 16777216, 3);
}

// GEMM rows are never lowered as conv rows: "DP" in a GEMM name means nothing special.
TEST(TopologyTest, GemmNamesAreNotDepthwise) {
  const Workload w =
      load("gemm_dp.csv", std::string(kGemmHeader) + "DP1, 4, 5, 6,\n", TopologyFormat::Gemm);
  ASSERT_EQ(w.layers.size(), 1u);
  expect_gemm(w.layers[0], "DP1", 4, 5, 6);
}

// GEMM rows are checked like conv rows: located field errors, duplicates, too few fields.
TEST(TopologyTest, GemmErrorsLocated) {
  const auto errs = load_errors("gemm_bad.csv",
                                std::string(kGemmHeader) +
                                    "A, 64, 0, 64,\n"
                                    "B, 64, 64\n"
                                    "C, 6.4, 64, 64,\n"
                                    "A, 1, 1, 1,\n",
                                TopologyFormat::Gemm);
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 8);
  EXPECT_EQ(errs[0].path, "N");
  EXPECT_EQ(errs[0].message, "must be in [1, 16777216], got 0");
  EXPECT_EQ(errs[1].loc.line, 3);
  EXPECT_EQ(errs[1].message, "expected 4 fields (Layer, M, N, K), got 3");
  EXPECT_EQ(errs[2].loc.line, 4);
  EXPECT_EQ(errs[2].loc.col, 4);
  EXPECT_EQ(errs[2].path, "M");
  EXPECT_EQ(errs[3].loc.line, 5);
  EXPECT_EQ(errs[3].message, "duplicate layer name 'A'");
}

// A 5th GEMM field is an N:M sparsity ratio: dense ratios pass, others are located errors.
TEST(TopologyTest, GemmSparsityField) {
  const Workload w =
      load("gemm_nm.csv", std::string(kGemmHeader) + "A, 8, 9, 10, 1:1,\nB, 8, 9, 10, 4 : 4\n",
           TopologyFormat::Gemm);
  ASSERT_EQ(w.layers.size(), 2u);
  expect_gemm(w.layers[0], "A", 8, 9, 10);
  expect_gemm(w.layers[1], "B", 8, 9, 10);

  const std::string sparse = "S, 8, 9, 10, 2:4,";
  const auto errs = load_errors("gemm_nm_bad.csv",
                                std::string(kGemmHeader) + sparse +
                                    "\nT, 8, 9, 10, 4:2,\nU, 8, 9, 10, 7,\nV, 8, 9, 10, 1:,\n",
                                TopologyFormat::Gemm);
  ASSERT_EQ(errs.size(), 4u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, col_of(sparse, "2:4"));
  EXPECT_EQ(errs[0].path, "Sparsity");
  EXPECT_EQ(errs[0].message.rfind("N:M sparsity is not modelled", 0), 0u) << errs[0].message;
  EXPECT_NE(errs[0].message.find("2:4"), std::string::npos);
  EXPECT_EQ(errs[1].message, "expected an N:M sparsity ratio with 1 <= N <= M, got '4:2'");
  EXPECT_EQ(errs[2].message, "expected an N:M sparsity ratio, got '7'");
  EXPECT_EQ(errs[3].message, "expected an N:M sparsity ratio with 1 <= N <= M, got '1:'");
}

// An integer 9th conv field is the horizontal stride; the 8th is then the vertical one.
TEST(TopologyTest, ConvNinthFieldIntegerIsStrideWidth) {
  const Workload w = load("stride2.csv", std::string(kConvHeader) +
                                             "R, 10, 10, 3, 3, 1, 5, 1, 2,\n"
                                             "T, 10, 10, 3, 3, 1, 5, 2, 1\n"
                                             "Same, 10, 10, 3, 3, 1, 5, 2,\n");
  ASSERT_EQ(w.layers.size(), 3u);
  expect_gemm(w.layers[0], "R", 8 * 5, 5, 9);  // ofmap 8 rows x ceil(9 / 2) = 5 cols
  expect_gemm(w.layers[1], "T", 5 * 8, 5, 9);
  expect_gemm(w.layers[2], "Same", 5 * 5, 5, 9);
  const auto errs =
      load_errors("stride2_bad.csv", std::string(kConvHeader) + "R, 10, 10, 3, 3, 1, 5, 1, 0,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "Stride Width");
  EXPECT_EQ(errs[0].message, "must be in [1, 16777216], got 0");
}

// A 9th conv field with ':' is an N:M ratio: dense accepted, sparse a located error.
TEST(TopologyTest, ConvNinthFieldRatioIsSparsity) {
  const Workload w =
      load("conv_nm.csv", std::string(kConvHeader) + "A, 10, 10, 3, 3, 2, 5, 2, 1:1,\n");
  ASSERT_EQ(w.layers.size(), 1u);
  expect_gemm(w.layers[0], "A", 25, 5, 18);  // stride 2 both ways: ceil(9 / 2) = 5
  const std::string row = "B, 10, 10, 3, 3, 2, 5, 2, 2:4,";
  const auto errs = load_errors("conv_nm_bad.csv", std::string(kConvHeader) + row + "\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, col_of(row, "2:4"));
  EXPECT_EQ(errs[0].path, "Sparsity");
  EXPECT_EQ(errs[0].message.rfind("N:M sparsity is not modelled", 0), 0u) << errs[0].message;
}

// More fields than the optional one are an error at the first extra field.
TEST(TopologyTest, TooManyFieldsLocated) {
  const std::string conv = "A, 10, 10, 3, 3, 2, 5, 2, 2, 1:1,";
  auto errs = load_errors("conv_many.csv", std::string(kConvHeader) + conv + "\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.col, col_of(conv, "1:1"));
  EXPECT_EQ(errs[0].message, "expected at most 9 fields, got 10");
  errs = load_errors("gemm_many.csv", std::string(kGemmHeader) + "G, 1, 2, 3, 1:1, 5,\n",
                     TopologyFormat::Gemm);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.col, 18);
  EXPECT_EQ(errs[0].message, "expected at most 5 fields, got 6");
}

// A depth-wise row ("DP" in the name) becomes one 1-channel layer <name>Channel_<i> per channel.
TEST(TopologyTest, DepthwiseRowSplitsPerChannel) {
  const Workload w = load("dw.csv", std::string(kConvHeader) +
                                        "Conv1, 10, 10, 3, 3, 4, 6, 1,\n"
                                        "Conv2_DP, 10, 10, 3, 3, 3, 1, 2,\n"
                                        "Conv3, 10, 10, 1, 1, 3, 7, 1,\n");
  ASSERT_EQ(w.layers.size(), 5u);
  expect_gemm(w.layers[0], "Conv1", 64, 6, 36);
  expect_gemm(w.layers[1], "Conv2_DPChannel_0", 25, 1, 9);
  expect_gemm(w.layers[2], "Conv2_DPChannel_1", 25, 1, 9);
  expect_gemm(w.layers[3], "Conv2_DPChannel_2", 25, 1, 9);
  expect_gemm(w.layers[4], "Conv3", 100, 7, 3);
  // "dp" in lower case is not depth-wise (SCALE-Sim's test is case-sensitive).
  const Workload lower =
      load("dw_lower.csv", std::string(kConvHeader) + "dp, 4, 4, 2, 2, 3, 2, 1,\n");
  ASSERT_EQ(lower.layers.size(), 1u);
  expect_gemm(lower.layers[0], "dp", 9, 2, 12);
}

// Names produced by a depth-wise expansion take part in the duplicate check.
TEST(TopologyTest, DepthwiseExpansionNamesMustBeUnique) {
  const auto errs = load_errors("dw_dup.csv", std::string(kConvHeader) +
                                                  "DP, 4, 4, 2, 2, 3, 2, 1,\n"
                                                  "DPChannel_1, 4, 4, 2, 2, 1, 2, 1,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].message, "duplicate layer name 'DPChannel_1'");
  // The other way round: an expansion that hits an earlier name is reported at the DP row.
  const auto errs2 = load_errors("dw_dup2.csv", std::string(kConvHeader) +
                                                    "DPChannel_1, 4, 4, 2, 2, 1, 2, 1,\n"
                                                    "DP, 4, 4, 2, 2, 3, 2, 1,\n");
  ASSERT_EQ(errs2.size(), 1u);
  EXPECT_EQ(errs2[0].loc.line, 3);
  EXPECT_EQ(errs2[0].loc.col, 1);
  EXPECT_EQ(errs2[0].message, "duplicate layer name 'DPChannel_1' (from depth-wise expansion)");
}

// A depth-wise row may expand to at most 65536 layers; more is an error at the channel count.
TEST(TopologyTest, DepthwiseChannelCountBounded) {
  const std::string row = "DW_DP, 4, 4, 2, 2, 65537, 2, 1,";
  const auto errs = load_errors("dw_many.csv", std::string(kConvHeader) + row + "\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.col, col_of(row, "65537"));
  EXPECT_EQ(errs[0].path, "Channels");
  EXPECT_EQ(errs[0].message,
            "a depth-wise layer expands to one layer per channel; at most 65536 channels are "
            "supported, got 65537");
}

// A lowered GEMM must stay within the GEMM bounds (2^24), with no integer overflow on the way.
TEST(TopologyTest, LoweredDimensionsBounded) {
  const std::string big_m = "BigM, 8192, 4096, 1, 1, 1, 1, 1,";  // M = 2^25
  const std::string big_k = "BigK, 16777216, 16777216, 16777216, 16777216, 16777216, 1, 1,";
  const auto errs = load_errors("huge.csv", std::string(kConvHeader) + big_m + "\n" + big_k + "\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].path, "IFMAP Height");
  EXPECT_EQ(errs[0].message, "lowered GEMM M = 8192 x 4096 OFMAP pixels exceeds 16777216");
  EXPECT_EQ(errs[1].loc.line, 3);
  EXPECT_EQ(errs[1].path, "Filter Height");
  EXPECT_EQ(errs[1].message, "lowered GEMM K = 16777216 x 16777216 x 16777216 exceeds 16777216");
  // Exactly at the bound is accepted.
  const Workload w = load("bound.csv", std::string(kConvHeader) +
                                           "M, 4096, 4096, 1, 1, 1, 1, 1,\n"
                                           "K, 4096, 4096, 4096, 4096, 1, 1, 1,\n");
  ASSERT_EQ(w.layers.size(), 2u);
  EXPECT_EQ(w.layers[0].m, std::int64_t{1} << 24);
  EXPECT_EQ(w.layers[1].k, std::int64_t{1} << 24);
}

// ConvLayer lowers with separate vertical and horizontal strides.
TEST(TopologyTest, ConvLayerToGemmUsesBothStrides) {
  ConvLayer c;
  c.name = "c";
  c.ifmap_h = 11;
  c.ifmap_w = 20;
  c.filter_h = 3;
  c.filter_w = 5;
  c.channels = 2;
  c.num_filters = 7;
  c.stride_h = 4;
  c.stride_w = 3;
  EXPECT_EQ(c.ofmap_h(), 3);  // ceil((11-3+4)/4)
  EXPECT_EQ(c.ofmap_w(), 6);  // ceil((20-5+3)/3)
  c.ifmap_w = 21;
  EXPECT_EQ(c.ofmap_w(), 7);  // ceil((21-5+3)/3): SCALE-Sim counts a partial last window
  c.ifmap_w = 20;
  const Gemm g = c.to_gemm();
  expect_gemm(g, "c", 18, 7, 30);
}

}  // namespace
}  // namespace tpesim::workloads
