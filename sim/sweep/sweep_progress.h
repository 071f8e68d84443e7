// SPDX-License-Identifier: Apache-2.0
// Progress of a running sweep on stderr: on a terminal one line rewritten in place, otherwise
// plain lines (at most one a second, plus the first and the last).
#pragma once

#include <cstdio>
#include <string>

#include "sim/sweep/sweep_runner.h"

namespace tpesim::sweep {

// "12/24 points, 1 error, 3.2 points/s, ETA 4s" (rate and ETA of the points run this time).
std::string progress_text(const SweepProgress& p);

class ProgressPrinter {
 public:
  ProgressPrinter(std::FILE* stream, bool terminal, std::string name);
  void operator()(const SweepProgress& p);

 private:
  std::FILE* m_stream;        // where the progress goes (stderr)
  bool m_terminal;            // rewrite one line with \r instead of printing lines
  std::string m_name;         // the sweep's name, leading each line
  double m_last_line_s = -1;  // elapsed time of the last line or redraw, s; < 0: none yet
};

}  // namespace tpesim::sweep
