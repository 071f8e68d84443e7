// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_plots.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace tpesim::sweep {

namespace {

namespace fs = std::filesystem;

constexpr int kExitNoMatplotlib = 3;  // scripts/plot-sweep: matplotlib is not installed

std::string env_or(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : fallback;
}

}  // namespace

std::string plot_python() { return env_or("TPESIM_PYTHON", "/usr/bin/python3"); }

std::string plot_script() { return env_or("TPESIM_PLOT_SCRIPT", TPESIM_PLOT_SCRIPT); }

PlotOutcome make_plots(const fs::path& dir) {
  PlotOutcome out;
  out.requested = true;
  const std::string python = plot_python();
  const std::string script = plot_script();
  if (::access(python.c_str(), X_OK) != 0) {
    out.problem = fmt::format(
        "no plots: {} is not installed (apt-get install python3 "
        "python3-matplotlib, or scripts/install-deps)",
        python);
    return out;
  }
  if (::access(script.c_str(), R_OK) != 0) {
    out.problem = fmt::format("no plots: the plotting script {} is missing", script);
    return out;
  }
  const fs::path log = dir / fmt::format(".plot-sweep.log-{}", ::getpid());
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string folder = dir.string();
  std::vector<char*> argv = {const_cast<char*>(python.c_str()), const_cast<char*>(script.c_str()),
                             const_cast<char*>(folder.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, python.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  if (spawned == 0) {
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  std::ostringstream messages;
  messages << std::ifstream(log).rdbuf();
  std::error_code ec;
  fs::remove(log, ec);
  std::string detail = messages.str();
  while (!detail.empty() && (detail.back() == '\n' || detail.back() == '\r')) detail.pop_back();
  if (spawned != 0) {
    out.problem = fmt::format("no plots: cannot start {}: {}", python, std::strerror(spawned));
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoMatplotlib) {
    out.problem = "no plots: matplotlib is not installed for " + python +
                  " (apt-get install python3-matplotlib, or scripts/install-deps)";
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    out.problem = fmt::format("no plots: {} failed{}{}", script,
                              WIFEXITED(status) ? fmt::format(" (exit {})", WEXITSTATUS(status))
                                                : std::string(" (killed)"),
                              detail.empty() ? "" : ": " + detail);
  }
  if (!out.problem.empty()) return out;
  for (const char* name :
       {"energy_vs_area.png", "latency.png", "energy_breakdown.png", "utilization.png"}) {
    if (fs::is_regular_file(dir / "plots" / name, ec))
      out.files.push_back(fmt::format("plots/{}", name));
  }
  return out;
}

}  // namespace tpesim::sweep
