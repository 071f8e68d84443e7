// SPDX-License-Identifier: Apache-2.0
// Running the external synthesis tools (Yosys, OpenSTA): a program with arguments, no shell,
// in a working folder, its stdout and stderr into one log file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tpesim::synth {

// The full path of `name` on $PATH (or `name` itself when it contains a '/' and is executable);
// empty when there is none.
std::string find_program(const std::string& name);

// Runs argv[0] (a path, or a name looked up on $PATH) with argv[1..] in `cwd`, stdout and stderr
// appended to `log`. Returns the exit status, or -1 when it could not start or was killed by a
// signal.
int run_process(const std::vector<std::string>& argv, const std::filesystem::path& cwd,
                const std::filesystem::path& log);

}  // namespace tpesim::synth
