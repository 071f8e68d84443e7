// SPDX-License-Identifier: Apache-2.0
// Error types that separate bad user input (exit 2) from broken model invariants (exit 3).
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace tpesim {

// Bad user input that has no file location (a CLI flag, a missing file, a malformed .npy).
// main() maps it to exit code 2.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A model invariant broke: a simulator bug, never the user's fault. main() maps it to exit 3.
class ModelError : public std::logic_error {
 public:
  ModelError(const char* file, int line, const std::string& message)
      : std::logic_error(fmt::format("{}:{}: model invariant broken: {}", file, line, message)) {}
};

}  // namespace tpesim

// Always-on model invariant check (every build type). Throws tpesim::ModelError.
#define TPESIM_CHECK(cond, ...)                                                         \
  do {                                                                                  \
    if (!(cond)) [[unlikely]] {                                                         \
      throw ::tpesim::ModelError(__FILE__, __LINE__,                                    \
                                 std::string(#cond) + ": " + fmt::format(__VA_ARGS__)); \
    }                                                                                   \
  } while (false)
