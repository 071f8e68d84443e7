// SPDX-License-Identifier: Apache-2.0
// Tests of the sweep's figures: a tiny sweep draws four valid PNGs, the same bytes for one and
// two jobs, linked from report.md; without matplotlib the report and the outcome say so.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sim/sweep/sweep_runner.h"
#include "sim/sweep/sweep_spec.h"
#include "tests/support/temp_dir.h"

namespace tpesim::sweep {
namespace {

namespace fs = std::filesystem;

const std::string kSample = std::string(TPESIM_SOURCE_DIR) + "/configs/sweeps/pe_zoo_small.yaml";
const char* const kPlots[] = {"energy_vs_area.png", "latency.png", "energy_breakdown.png",
                              "utilization.png"};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SweepSummary run_with_plots(const fs::path& out, int jobs) {
  SweepOptions options;
  options.out = out;
  options.jobs = jobs;
  options.plots = true;
  return run_sweep(load_sweep(kSample), options);
}

// A PNG: the 8-byte signature, then an IHDR chunk with a non-zero width and height.
void expect_png(const std::string& bytes, const std::string& name) {
  ASSERT_GT(bytes.size(), 33u) << name;
  EXPECT_EQ(bytes.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << name;
  EXPECT_EQ(bytes.substr(12, 4), "IHDR") << name;
  auto be32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = v << 8 | static_cast<unsigned char>(bytes[at + i]);
    return v;
  };
  EXPECT_GT(be32(16), 100u) << name << " width";
  EXPECT_GT(be32(20), 100u) << name << " height";
  EXPECT_EQ(bytes.substr(bytes.size() - 8, 4), "IEND") << name;
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : m_name(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() { ::unsetenv(m_name); }

 private:
  const char* m_name;  // the variable set for this scope
};

// The figures exist, are PNGs, are linked from report.md and do not depend on --jobs.
TEST(SweepPlotsTest, ATinySweepDrawsFourPngsIdenticalForOneAndTwoJobs) {
  if (std::system("/usr/bin/python3 -c 'import matplotlib' >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "matplotlib is not installed for /usr/bin/python3 (scripts/install-deps "
                    "installs python3-matplotlib)";
  }
  const fs::path dir = testing_support::fresh_dir("tpesim_sweep_plots");
  const SweepSummary one = run_with_plots(dir / "one", 1);
  const SweepSummary two = run_with_plots(dir / "two", 2);
  EXPECT_EQ(one.plots.problem, "");
  ASSERT_EQ(one.plots.files.size(), 4u);
  const std::string report = read_file(dir / "one" / "report.md");
  for (const char* name : kPlots) {
    const std::string png = read_file(dir / "one" / "plots" / name);
    expect_png(png, name);
    EXPECT_EQ(png, read_file(dir / "two" / "plots" / name)) << name;
    EXPECT_NE(report.find(std::string("](plots/") + name + ")"), std::string::npos) << name;
  }
  EXPECT_EQ(report, read_file(dir / "two" / "report.md"));
  EXPECT_TRUE(two.plots.problem.empty());
}

// No interpreter, or no matplotlib (the script's exit code 3): the sweep still finishes, and the
// outcome and report.md say why there are no plots.
TEST(SweepPlotsTest, MissingPythonOrMatplotlibIsSaidNotSilent) {
  const fs::path dir = testing_support::fresh_dir("tpesim_sweep_plots");
  {
    const ScopedEnv python("TPESIM_PYTHON", (dir / "no-such-python").string());
    const SweepSummary s = run_with_plots(dir / "no_python", 2);
    EXPECT_EQ(s.ok, s.total);
    EXPECT_NE(s.plots.problem.find("no-such-python is not installed"), std::string::npos)
        << s.plots.problem;
    EXPECT_NE(read_file(dir / "no_python" / "report.md").find("**no plots: "), std::string::npos);
  }
  const fs::path fake = dir / "python-without-matplotlib";
  std::ofstream(fake) << "#!/bin/sh\nexit 3\n";
  fs::permissions(fake, fs::perms::owner_all);
  const ScopedEnv python("TPESIM_PYTHON", fake.string());
  const SweepSummary s = run_with_plots(dir / "no_matplotlib", 2);
  EXPECT_NE(s.plots.problem.find("matplotlib is not installed"), std::string::npos)
      << s.plots.problem;
  EXPECT_TRUE(s.plots.files.empty());
  const std::string report = read_file(dir / "no_matplotlib" / "report.md");
  EXPECT_NE(report.find("matplotlib is not installed"), std::string::npos);
  EXPECT_EQ(report.find("](plots/"), std::string::npos);
}

}  // namespace
}  // namespace tpesim::sweep
