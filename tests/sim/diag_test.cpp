// SPDX-License-Identifier: Apache-2.0
// Tests for located diagnostics: compiler-style rendering, source lines, sorting, suggestions.
#include "sim/core/diag.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace tpesim {
namespace {

std::shared_ptr<const SourceText> make_source(std::string name, std::string text) {
  return std::make_shared<const SourceText>(SourceText{std::move(name), std::move(text)});
}

// render() writes "file:line:col: error: path: message", the source line and a caret at col.
TEST(DiagTest, RenderShowsLocationPathMessageSourceLineAndCaret) {
  const auto src = make_source("cfg.yaml", "array:\n  rows: 64\n  colz: 8\n");
  const Diagnostic d{SourceLoc{src, 3, 3}, "array.colz", "unknown key (did you mean 'cols'?)"};
  EXPECT_EQ(render(d),
            "cfg.yaml:3:3: error: array.colz: unknown key (did you mean 'cols'?)\n"
            "    colz: 8\n"
            "    ^");
}

// The caret sits under column `col` of the source line (col - 1 spaces after the indent).
TEST(DiagTest, RenderPutsCaretUnderTheColumn) {
  const auto src = make_source("x.yaml", "key: value\n");
  for (int col = 1; col <= 10; ++col) {
    const std::string out = render(Diagnostic{SourceLoc{src, 1, col}, "key", "bad"});
    const std::size_t last_newline = out.rfind('\n');
    ASSERT_NE(last_newline, std::string::npos);
    const std::string caret_line = out.substr(last_newline + 1);
    EXPECT_EQ(caret_line, "  " + std::string(static_cast<std::size_t>(col - 1), ' ') + "^")
        << "col " << col;
  }
}

// Tabs before the column are copied into the caret line so the caret lines up in a terminal.
TEST(DiagTest, RenderKeepsTabsInCaretIndent) {
  const auto src = make_source("t.csv", "\tx,\ty\n");
  EXPECT_EQ(render(Diagnostic{SourceLoc{src, 1, 5}, "", "oops"}),
            "t.csv:1:5: error: oops\n  \tx,\ty\n  \t  \t^");
}

// An empty path is left out rather than rendered as ": ".
TEST(DiagTest, RenderOmitsEmptyPath) {
  const auto src = make_source("a.yaml", "x: [\n");
  EXPECT_EQ(render(Diagnostic{SourceLoc{src, 1, 4}, "", "invalid YAML"}),
            "a.yaml:1:4: error: invalid YAML\n  x: [\n     ^");
}

// Without a known line there is neither line:col nor a source excerpt.
TEST(DiagTest, RenderWithoutLineHasNoPositionOrExcerpt) {
  const auto src = make_source("w.csv", "a,b\n");
  EXPECT_EQ(render(Diagnostic{SourceLoc{src, 0, 0}, "p", "m"}), "w.csv: error: p: m");
  EXPECT_EQ(render(Diagnostic{SourceLoc{}, "", "m"}), "<unknown>: error: m");
}

// A location past the end of the text keeps its position but has no excerpt to show.
TEST(DiagTest, RenderPastLastLineHasNoExcerpt) {
  const auto src = make_source("short.yaml", "a: 1\n");
  EXPECT_EQ(render(Diagnostic{SourceLoc{src, 7, 2}, "a", "m"}), "short.yaml:7:2: error: a: m");
}

// SourceText::line returns the first, middle and last lines, and "" out of range.
TEST(DiagTest, SourceTextLineFirstLastAndOutOfRange) {
  const SourceText s{"f", "first\nsecond\nlast"};
  EXPECT_EQ(s.line(1), "first");
  EXPECT_EQ(s.line(2), "second");
  EXPECT_EQ(s.line(3), "last");
  EXPECT_EQ(s.line(4), "");
  EXPECT_EQ(s.line(0), "");
  EXPECT_EQ(s.line(-3), "");
  const SourceText empty{"e", ""};
  EXPECT_EQ(empty.line(1), "");
  EXPECT_EQ(empty.line(2), "");
}

// A trailing newline does not add a phantom line with content.
TEST(DiagTest, SourceTextLineWithTrailingNewline) {
  const SourceText s{"f", "a\nb\n"};
  EXPECT_EQ(s.line(2), "b");
  EXPECT_EQ(s.line(3), "");
}

// CRLF line endings: the '\r' is not part of the line, so carets and excerpts stay clean.
TEST(DiagTest, SourceTextLineStripsCarriageReturn) {
  const SourceText s{"win.yaml", "a: 1\r\nbb: 2\r\nc: 3"};
  EXPECT_EQ(s.line(1), "a: 1");
  EXPECT_EQ(s.line(2), "bb: 2");
  EXPECT_EQ(s.line(3), "c: 3");
  const auto src = make_source("win.yaml", "a: 1\r\nbb: 2\r\n");
  EXPECT_EQ(render(Diagnostic{SourceLoc{src, 2, 5}, "bb", "bad"}),
            "win.yaml:2:5: error: bb: bad\n  bb: 2\n      ^");
}

// closest_match suggests a near miss (typo, transposition, missing letter).
TEST(DiagTest, ClosestMatchSuggestsCloseWords) {
  const std::vector<std::string> keys = {"rows", "cols", "dataflow", "acc_bits"};
  EXPECT_EQ(closest_match("rowz", keys), "rows");
  EXPECT_EQ(closest_match("clos", keys), "cols");
  EXPECT_EQ(closest_match("dataflw", keys), "dataflow");
  EXPECT_EQ(closest_match("acc_bit", keys), "acc_bits");
  EXPECT_EQ(closest_match("acc-bits", keys), "acc_bits");
}

// closest_match suggests nothing for unrelated words or an empty candidate list.
TEST(DiagTest, ClosestMatchRejectsFarWords) {
  const std::vector<std::string> keys = {"rows", "cols", "dataflow"};
  EXPECT_EQ(closest_match("frequency", keys), "");
  EXPECT_EQ(closest_match("xyzzy", keys), "");
  EXPECT_EQ(closest_match("rows", {}), "");
}

// The suggestion threshold grows with the word: 2 edits for short words, size/3 for long ones.
TEST(DiagTest, ClosestMatchThresholdScalesWithLength) {
  EXPECT_EQ(closest_match("abcd", {"abxy"}), "abxy");  // 2 edits, threshold 2
  EXPECT_EQ(closest_match("abcd", {"axyz"}), "");      // 3 edits
  // 12 letters: threshold 4.
  EXPECT_EQ(closest_match("abcdefghijkl", {"abcdefghwxyz"}), "abcdefghwxyz");
  EXPECT_EQ(closest_match("abcdefghijkl", {"abcdefgvwxyz"}), "");
}

// Among several candidates the closest wins; ties keep the first listed.
TEST(DiagTest, ClosestMatchPicksNearestCandidate) {
  EXPECT_EQ(closest_match("cat", {"cart", "cats", "at"}), "cart");
  EXPECT_EQ(closest_match("a_bits", {"acc_bits", "w_bits", "a_bits2"}), "w_bits");
}

// ConfigError sorts by (file, line, col) whatever the reporting order, and what() renders all.
TEST(DiagTest, ConfigErrorSortsByPositionAndRendersAll) {
  const auto src = make_source("s.yaml", "a: 1\nb: 2\nc: 3\n");
  Diag diag;
  EXPECT_TRUE(diag.empty());
  EXPECT_NO_THROW(diag.throw_if_any());
  diag.error(SourceLoc{src, 3, 4}, "c", "third");
  diag.error(SourceLoc{src, 1, 4}, "a", "first");
  diag.error(SourceLoc{src, 2, 1}, "b", "second");
  diag.error(SourceLoc{src, 1, 1}, "a", "zeroth");
  EXPECT_EQ(diag.size(), 4u);
  try {
    diag.throw_if_any();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 4u);
    EXPECT_EQ(e.diagnostics()[0].message, "zeroth");
    EXPECT_EQ(e.diagnostics()[1].message, "first");
    EXPECT_EQ(e.diagnostics()[2].message, "second");
    EXPECT_EQ(e.diagnostics()[3].message, "third");
    const std::string what = e.what();
    EXPECT_EQ(what,
              "s.yaml:1:1: error: a: zeroth\n  a: 1\n  ^\n"
              "s.yaml:1:4: error: a: first\n  a: 1\n     ^\n"
              "s.yaml:2:1: error: b: second\n  b: 2\n  ^\n"
              "s.yaml:3:4: error: c: third\n  c: 3\n     ^");
  }
}

// Diagnostics of different files group by file name first.
TEST(DiagTest, ConfigErrorSortsByFileBeforeLine) {
  const auto a = make_source("a.yaml", "x\n");
  const auto b = make_source("b.yaml", "x\n");
  Diag diag;
  diag.error(SourceLoc{b, 1, 1}, "", "in b");
  diag.error(SourceLoc{a, 9, 1}, "", "in a");
  try {
    diag.throw_if_any();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 2u);
    EXPECT_EQ(e.diagnostics()[0].message, "in a");
    EXPECT_EQ(e.diagnostics()[1].message, "in b");
  }
}

}  // namespace
}  // namespace tpesim
