// SPDX-License-Identifier: Apache-2.0
// Test helper: runs a program with arguments in a folder through the shell, capturing its exit
// status, stdout and stderr, for end-to-end tests of the tpesim binaries.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace tpesim::testing_support {

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `s` as one single-quoted shell word.
inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out.append(c == '\'' ? std::string("'\\''") : std::string(1, c));
  return out.append("'");
}

struct CliResult {
  int status = -1;   // exit status (-1: killed by a signal)
  std::string out;   // stdout
  std::string err;   // stderr
  std::string both;  // the command line, stdout and stderr, for failure messages
};

// Runs `program args...` in `cwd`; `shown` names the program in CliResult::both. The captured
// streams go through two files in `cwd`, removed afterwards.
inline CliResult run_cli(const std::string& program, const std::string& shown,
                         const std::vector<std::string>& args, const std::filesystem::path& cwd) {
  std::string cmd = "cd " + shell_quote(cwd.string()) + " && " + shell_quote(program);
  std::string line = shown;
  for (const std::string& a : args) {
    cmd.append(" ").append(shell_quote(a));
    line.append(" ").append(a);
  }
  cmd.append(" >.cli_stdout 2>.cli_stderr");
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(cwd / ".cli_stdout");
  r.err = read_file(cwd / ".cli_stderr");
  std::filesystem::remove(cwd / ".cli_stdout");
  std::filesystem::remove(cwd / ".cli_stderr");
  r.both = "$ " + line + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
  return r;
}

}  // namespace tpesim::testing_support
