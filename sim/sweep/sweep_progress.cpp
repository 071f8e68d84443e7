// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_progress.h"

#include <fmt/format.h>

#include <cmath>

namespace tpesim::sweep {

namespace {

constexpr double kLineInterval_s = 1.0;    // least time between two plain progress lines, s
constexpr double kRedrawInterval_s = 0.1;  // least time between two terminal redraws, s

std::string duration(double seconds) {
  const auto s = static_cast<long long>(std::llround(seconds));
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

}  // namespace

std::string progress_text(const SweepProgress& p) {
  std::string out = fmt::format("{}/{} points", p.done, p.total);
  if (p.resumed > 0) out += fmt::format(" ({} from an earlier run)", p.resumed);
  if (p.errors > 0) out += fmt::format(", {} error{}", p.errors, p.errors == 1 ? "" : "s");
  const std::int64_t ran = p.done - p.resumed;
  if (ran > 0 && p.elapsed_s > 0) {
    const double rate = static_cast<double>(ran) / p.elapsed_s;  // points per second
    out += fmt::format(", {:.1f} points/s", rate);
    if (p.done < p.total) {
      out += fmt::format(", ETA {}", duration(static_cast<double>(p.total - p.done) / rate));
    }
  }
  if (p.finished) out += fmt::format(", {}", duration(p.elapsed_s));
  return out;
}

ProgressPrinter::ProgressPrinter(std::FILE* stream, bool terminal, std::string name)
    : m_stream(stream), m_terminal(terminal), m_name(std::move(name)) {}

void ProgressPrinter::operator()(const SweepProgress& p) {
  const double interval_s = m_terminal ? kRedrawInterval_s : kLineInterval_s;
  if (!p.finished && m_last_line_s >= 0 && p.elapsed_s - m_last_line_s < interval_s) return;
  m_last_line_s = p.elapsed_s;
  const std::string text = fmt::format("sweep {}: {}", m_name, progress_text(p));
  if (m_terminal) {
    fmt::print(m_stream, "\r\x1b[K{}{}", text, p.finished ? "\n" : "");
  } else {
    fmt::print(m_stream, "{}\n", text);
  }
  std::fflush(m_stream);
}

}  // namespace tpesim::sweep
