// SPDX-License-Identifier: Apache-2.0
// Located diagnostics for configs and traces: collected in one pass, rendered compiler-style.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace tpesim {

// The text of one input (a config file, a trace, the command line), kept for caret rendering.
struct SourceText {
  std::string name;  // file path as given, or "<command line>"
  std::string text;  // full contents
  std::string_view line(int line_1based) const;
};

struct SourceLoc {
  std::shared_ptr<const SourceText> source;  // null when the location is unknown
  int line = 0;                              // 1-based; 0 when unknown
  int col = 0;                               // 1-based; 0 when unknown
  std::string file() const { return source ? source->name : std::string("<unknown>"); }
};

struct Diagnostic {
  SourceLoc loc;        // where the offending key or value is
  std::string path;     // dotted key path, e.g. "array.pe.acc_bits"
  std::string message;  // what is wrong, lower case, no trailing period
};

// Renders "file:line:col: error: path: message", then the source line and a caret.
std::string render(const Diagnostic& d);

// Every error of one input, sorted by position. main() prints them and exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return m_diagnostics; }

 private:
  std::vector<Diagnostic> m_diagnostics;  // at least one, sorted by (file, line, col)
};

// Collects diagnostics during binding and validation.
class Diag {
 public:
  void error(SourceLoc loc, std::string path, std::string message);
  bool empty() const { return m_items.empty(); }
  std::size_t size() const { return m_items.size(); }
  const std::vector<Diagnostic>& items() const { return m_items; }
  // Throws ConfigError with everything collected so far, if anything was.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> m_items;  // in the order reported; sorted when thrown
};

// Closest candidate by edit distance, or "" when none is close enough to suggest.
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace tpesim
