// SPDX-License-Identifier: Apache-2.0
#include "sim/core/diag.h"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>

namespace tpesim {

std::string_view SourceText::line(int line_1based) const {
  if (line_1based < 1) return {};
  std::size_t start = 0;
  for (int i = 1; i < line_1based; ++i) {
    start = text.find('\n', start);
    if (start == std::string::npos) return {};
    ++start;
  }
  std::size_t end = text.find('\n', start);
  if (end == std::string::npos) end = text.size();
  std::string_view out(text.data() + start, end - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

std::string render(const Diagnostic& d) {
  std::string out;
  if (d.loc.line > 0) {
    out = fmt::format("{}:{}:{}: error: ", d.loc.file(), d.loc.line, d.loc.col);
  } else {
    out = fmt::format("{}: error: ", d.loc.file());
  }
  if (!d.path.empty()) out += d.path + ": ";
  out += d.message;
  if (d.loc.source && d.loc.line > 0) {
    const std::string_view text = d.loc.source->line(d.loc.line);
    if (!text.empty()) {
      std::string caret;
      for (int i = 1; i < d.loc.col && i <= static_cast<int>(text.size()); ++i) {
        caret += text[i - 1] == '\t' ? '\t' : ' ';
      }
      out += fmt::format("\n  {}\n  {}^", text, caret);
    }
  }
  return out;
}

namespace {
std::string join_rendered(const std::vector<Diagnostic>& ds) {
  std::string out;
  for (const auto& d : ds) {
    if (!out.empty()) out += '\n';
    out += render(d);
  }
  return out;
}
}  // namespace

ConfigError::ConfigError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_rendered(diagnostics)), m_diagnostics(std::move(diagnostics)) {}

void Diag::error(SourceLoc loc, std::string path, std::string message) {
  m_items.push_back(Diagnostic{std::move(loc), std::move(path), std::move(message)});
}

void Diag::throw_if_any() const {
  if (m_items.empty()) return;
  std::vector<Diagnostic> sorted = m_items;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tuple(a.loc.file(), a.loc.line, a.loc.col) <
           std::tuple(b.loc.file(), b.loc.line, b.loc.col);
  });
  throw ConfigError(std::move(sorted));
}

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, word.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    // A suggestion must share more than it changes: never "did you mean 'n'?" for "cnt".
    if (d >= std::min(word.size(), c.size())) continue;
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace tpesim
