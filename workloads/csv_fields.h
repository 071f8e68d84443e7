// SPDX-License-Identifier: Apache-2.0
// Splitting one CSV line into fields that remember their column, for located errors. Shared by
// the SCALE-Sim topology and LLM trace readers (plain comma separation, no quoting).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tpesim::workloads {

struct CsvField {
  std::string text;  // without surrounding blanks
  int col = 1;       // 1-based column of its first non-blank character
};

// Every comma-separated field of `line`, empty ones (a trailing comma) included; blanks and a
// carriage return around each field are dropped.
inline std::vector<CsvField> split_csv_fields(std::string_view line) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  std::vector<CsvField> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    std::size_t b = start, e = end;
    while (b < e && blank(line[b])) ++b;
    while (e > b && blank(line[e - 1])) --e;
    out.push_back(CsvField{std::string(line.substr(b, e - b)), static_cast<int>(b) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace tpesim::workloads
