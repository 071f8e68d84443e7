// SPDX-License-Identifier: Apache-2.0
// Report files are written into a hidden staging folder and moved into the output folder only
// when the whole run succeeded, so a failed run leaves no partial reports behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tpesim {

class StagedOutput {
 public:
  explicit StagedOutput(std::filesystem::path dir);
  ~StagedOutput();  // removes the staging folder unless committed
  StagedOutput(const StagedOutput&) = delete;
  StagedOutput& operator=(const StagedOutput&) = delete;

  // Path to write `name` to (inside the staging folder).
  std::filesystem::path file(const std::string& name);
  // Moves every staged file into the output folder (replacing older files of the same name).
  void commit();
  const std::filesystem::path& dir() const { return m_dir; }

 private:
  std::filesystem::path m_dir;       // final output folder
  std::filesystem::path m_staging;   // hidden sibling folder holding files until commit
  std::vector<std::string> m_names;  // files staged so far
  bool m_committed = false;
};

}  // namespace tpesim
