// SPDX-License-Identifier: Apache-2.0
#include "sim/report/staged_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

#include "sim/core/errors.h"

namespace tpesim {

namespace fs = std::filesystem;

StagedOutput::StagedOutput(fs::path dir) : m_dir(std::move(dir)) {
  const fs::path parent = m_dir.has_parent_path() ? m_dir.parent_path() : fs::path(".");
  m_staging = parent / fmt::format(".{}.partial-{}", m_dir.filename().string(), ::getpid());
  std::error_code ec;
  fs::create_directories(m_staging, ec);
  if (ec)
    throw UserError(
        fmt::format("{}: error: cannot create output folder: {}", m_dir.string(), ec.message()));
}

StagedOutput::~StagedOutput() {
  std::error_code ec;
  fs::remove_all(m_staging, ec);
}

fs::path StagedOutput::file(const std::string& name) {
  if (std::find(m_names.begin(), m_names.end(), name) == m_names.end()) m_names.push_back(name);
  return m_staging / name;
}

void StagedOutput::commit() {
  std::error_code ec;
  fs::create_directories(m_dir, ec);
  if (ec)
    throw UserError(
        fmt::format("{}: error: cannot create output folder: {}", m_dir.string(), ec.message()));
  for (const std::string& name : m_names) {
    fs::rename(m_staging / name, m_dir / name, ec);
    if (ec)
      throw UserError(
          fmt::format("{}: error: cannot write {}: {}", m_dir.string(), name, ec.message()));
  }
  m_committed = true;
}

}  // namespace tpesim
