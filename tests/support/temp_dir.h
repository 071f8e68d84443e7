// SPDX-License-Identifier: Apache-2.0
// Test helper: fresh, empty folders under the test temp dir, removed when the test program ends
// unless a test failed (then they are kept to look at).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

namespace tpesim::testing_support {

namespace detail {
struct TempFolders {
  std::vector<std::filesystem::path> dirs;  // made by this process
  ~TempFolders() {
    if (testing::UnitTest::GetInstance()->Failed()) return;
    std::error_code ec;
    for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
  }
};
inline TempFolders& temp_folders() {
  static TempFolders folders;
  return folders;
}
}  // namespace detail

// A fresh folder named after `prefix`, the running test, the process and a counter.
inline std::filesystem::path fresh_dir(const std::string& prefix) {
  static std::atomic<int> counter{0};
  const testing::TestInfo* info = testing::UnitTest::GetInstance()->current_test_info();
  const std::filesystem::path dir = std::filesystem::path(testing::TempDir()) /
                                    (prefix + "_" + std::string(info->name()) + "_" +
                                     std::to_string(::getpid()) + "_" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  detail::temp_folders().dirs.push_back(dir);
  return dir;
}

}  // namespace tpesim::testing_support
