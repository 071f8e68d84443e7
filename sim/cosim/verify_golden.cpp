// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/verify_golden.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "gpu_ref/golden_file.h"
#include "sim/core/errors.h"
#include "sim/cosim/golden_case.h"
#include "sim/cosim/rtl_gemm.h"
#include "sim/synth/rtl_target.h"

namespace tpesim::cosim {

namespace {

namespace fs = std::filesystem;

// The *.txt files directly in `dir`, sorted.
std::vector<fs::path> golden_files(const fs::path& dir) {
  std::vector<fs::path> files;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".txt") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The folders to check: DIR itself when it holds golden files, else its sub-folders that do.
std::vector<fs::path> kind_dirs(const std::string& dir) {
  if (!fs::is_directory(dir)) {
    throw UserError(fmt::format("error: verify-rtl: --golden {}: not a folder", dir));
  }
  if (!golden_files(dir).empty()) return {fs::path(dir)};
  std::vector<fs::path> dirs;
  for (const fs::directory_entry& e : fs::directory_iterator(dir)) {
    if (e.is_directory() && !golden_files(e.path()).empty()) dirs.push_back(e.path());
  }
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) {
    throw UserError(fmt::format(
        "error: verify-rtl: --golden {}: no golden files (*.txt) in it or its sub-folders", dir));
  }
  return dirs;
}

// True when the verilated model computes golden files of `kind` (int_mac files: int_mac and the
// bitslice sets, which compute int_mac's values).
bool model_of_kind(const VerilatedPeModel& m, gpu_ref::GoldenKind kind) {
  const std::string name = pe::pe_kind_name(m.pe);
  if (kind == gpu_ref::GoldenKind::IntMac) return name == "int_mac" || name == "bitslice";
  return name == gpu_ref::golden_kind_name(kind);
}

std::string models_of_kind(gpu_ref::GoldenKind kind) {
  std::string lines;
  for (const VerilatedPeModel& m : verilated_pe_models()) {
    if (!model_of_kind(m, kind)) continue;
    lines += fmt::format("  {:<12} {} ({})\n", pe::pe_kind_name(m.pe),
                         describe(synth::rtl_target(m.pe)), m.model);
  }
  return lines.empty() ? "  (none)\n" : lines;
}

// True when the arch's PE selects the check: the same verilated model, and the value parameters
// outside the Verilog module equal (lmul's accumulator format, lut_tc's scale group size).
bool arch_selects(const pe::PeConfig& arch_pe, const VerilatedPeModel& arch_model,
                  const GoldenRtlCheck& c) {
  if (c.model != &arch_model) return false;
  if (const auto* a = std::get_if<pe::LmulSpec>(&arch_pe)) {
    return a->acc_format == std::get<pe::LmulSpec>(c.pe).acc_format;
  }
  if (const auto* a = std::get_if<pe::LutTcSpec>(&arch_pe)) {
    return a->group_size == std::get<pe::LutTcSpec>(c.pe).group_size;
  }
  return true;
}

std::string value_text(std::int64_t v, bool hex) {
  return hex ? fmt::format("{:#x}", static_cast<std::uint64_t>(v)) : fmt::format("{}", v);
}

// Totals over the run, for the summary line.
struct GoldenTotals {
  int files = 0;                    // golden files read
  int checks = 0;                   // (file, verilated model) pairs run
  int unmatched = 0;                // files without a verilated model of their parameters
  std::int64_t outputs = 0;         // outputs compared
  std::int64_t mismatches = 0;      // outputs that differ
  std::uint64_t cycles = 0;         // clock edges stepped
  bool kind_without_check = false;  // a kind's folder had no checkable file
};

// Runs one check and prints its figures; returns the outputs that differ.
std::int64_t run_check(const gpu_ref::GoldenVector& g, const arch::GemmOperands& op,
                       const GoldenRtlCheck& c, GoldenTotals& totals) {
  const RtlGemmResult r = rtl_gemm(*c.model, c.pe, op);
  const bool hex = g.kind != gpu_ref::GoldenKind::IntMac;
  fmt::print("  rtl: {} {} (verilated {}){}\n", pe::pe_kind_name(c.pe),
             describe(synth::rtl_target(c.pe)), r.model, r.note.empty() ? "" : "; " + r.note);
  std::int64_t bad = 0;
  std::size_t first = r.outputs.size();
  for (std::size_t i = 0; i < r.outputs.size(); ++i) {
    if (r.outputs[i] == g.out[i]) continue;
    if (bad++ == 0) first = i;
  }
  fmt::print("  outputs compared: {}\n  mismatches: {}\n", r.outputs.size(), bad);
  if (bad > 0) {
    const auto n = static_cast<std::size_t>(g.n);
    fmt::print("  first mismatch: output {} (row {}, column {}): RTL {}, GPU {}\n", first,
               first / n, first % n, value_text(r.outputs[first], hex),
               value_text(g.out[first], hex));
  }
  fmt::print("  cycles stepped: {}\n  speed: {:.0f} cycles/s ({:.3f} s)\n", r.cycles,
             r.seconds > 0 ? static_cast<double>(r.cycles) / r.seconds : 0.0, r.seconds);
  ++totals.checks;
  totals.outputs += static_cast<std::int64_t>(r.outputs.size());
  totals.mismatches += bad;
  totals.cycles += r.cycles;
  return bad;
}

gpu_ref::GoldenVector read(const fs::path& file) {
  try {
    gpu_ref::GoldenVector g = gpu_ref::read_golden(file.string());
    if (g.out.size() != static_cast<std::size_t>(g.m * g.n)) {
      throw std::runtime_error(fmt::format("{} outputs for {} x {}", g.out.size(), g.m, g.n));
    }
    return g;
  } catch (const std::runtime_error& e) {
    throw UserError(fmt::format("error: verify-rtl: golden file {}: {}", file.string(), e.what()));
  }
}

// Checks one kind's folder; returns the checks run.
int check_dir(const fs::path& dir, const pe::PeConfig* arch_pe, const VerilatedPeModel* arch_model,
              GoldenTotals& totals) {
  int checks = 0;
  std::optional<gpu_ref::GoldenKind> kind;
  for (const fs::path& file : golden_files(dir)) {
    const gpu_ref::GoldenVector g = read(file);
    ++totals.files;
    kind = g.kind;
    const pe::PeConfig file_pe = golden_pe(g);
    std::vector<GoldenRtlCheck> all = golden_rtl_checks(file_pe);
    std::vector<GoldenRtlCheck> selected;
    for (const GoldenRtlCheck& c : all) {
      if (!arch_pe || arch_selects(*arch_pe, *arch_model, c)) selected.push_back(c);
    }
    if (all.empty()) {
      ++totals.unmatched;
      fmt::print("{}: not checked: no verilated model of {}\n", file.string(),
                 describe_rtl_params(file_pe));
      continue;
    }
    if (selected.empty()) {
      fmt::print("{}: not checked: not the --arch PE ({})\n", file.string(),
                 describe_rtl_params(file_pe));
      continue;
    }
    fmt::print("{}: {} x {} x {}, from {}\n", file.string(), g.m, g.n, g.k, g.device);
    const arch::GemmOperands op = golden_operands(g);
    for (const GoldenRtlCheck& c : selected) {
      run_check(g, op, c, totals);
      ++checks;
    }
  }
  if (checks == 0 && !arch_pe && kind) {
    totals.kind_without_check = true;
    fmt::print(stderr,
               "error: verify-rtl: no golden file in {} has the parameters of a verilated model; "
               "verilated {} sets:\n{}add a parameter set matching one of the files to "
               "rtl/CMakeLists.txt (tpesim_verilate_pe) and sim/cosim/\n",
               dir.string(), gpu_ref::golden_kind_name(*kind), models_of_kind(*kind));
  }
  return checks;
}

}  // namespace

int run_verify_golden(const std::string& dir, const pe::PeConfig* arch_pe) {
  const VerilatedPeModel* arch_model = arch_pe ? &find_verilated_pe(*arch_pe) : nullptr;
  GoldenTotals totals;
  int checks = 0;
  for (const fs::path& kind_dir : kind_dirs(dir)) {
    checks += check_dir(kind_dir, arch_pe, arch_model, totals);
  }
  fmt::print(
      "golden: {} files, {} checks, {} outputs compared, {} mismatches, {} cycles stepped, {} "
      "files without a verilated model\n",
      totals.files, totals.checks, totals.outputs, totals.mismatches, totals.cycles,
      totals.unmatched);
  if (arch_pe && checks == 0) {
    fmt::print(stderr,
               "error: verify-rtl: no golden file in {} has the --arch PE's parameters ({})\n", dir,
               describe_rtl_params(*arch_pe));
    return 2;
  }
  if (totals.kind_without_check) return 2;
  return totals.mismatches > 0 ? 1 : 0;
}

}  // namespace tpesim::cosim
