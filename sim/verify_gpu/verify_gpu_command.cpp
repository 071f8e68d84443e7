// SPDX-License-Identifier: Apache-2.0
#include "sim/verify_gpu/verify_gpu_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "arch/arch_spec.h"
#include "sim/core/errors.h"
#include "sim/report/staged_output.h"
#include "sim/workload_file.h"

#include "gpu_ref/gpu_ref.h"
#include "sim/verify_gpu/gpu_layer_check.h"

namespace tpesim::verify_gpu {

namespace {

// Tera-operations per second of a GEMM (2 M N K) that took `ms`, or 0 when not timed.
double tops(const LayerCheck& c, double ms) {
  return ms > 0 ? 2.0 * static_cast<double>(c.m) * static_cast<double>(c.n) *
                      static_cast<double>(c.k) / (ms * 1e-3) / 1e12
                : 0.0;
}

void write_csv(const std::vector<LayerCheck>& checks, const std::filesystem::path& path) {
  std::ofstream out(path);
  out << "layer,m,n,k,twin,twin_tensor_cores,twin_ms,twin_tops,sampled_outputs,sim_mismatches,"
         "sim_first_mismatch,industry,industry_ms,industry_tops,industry_exact,"
         "industry_mismatches,industry_first_mismatch,twin_vs_f64,industry_vs_f64,"
         "twin_vs_industry,non_finite,ok,note\n";
  for (const LayerCheck& c : checks) {
    out << fmt::format(
        "{},{},{},{},{},{},{:.4f},{:.3f},{},{},{},{},{:.4f},{:.2f},{},{},{},{:.3g},{:.3g},{:.3g},"
        "{},{},\"{}\"\n",
        c.layer, c.m, c.n, c.k, c.twin, c.twin_tensor_cores, c.twin_ms, tops(c, c.twin_ms),
        c.sampled, c.sim_mismatches, c.sim_first_mismatch, c.industry, c.industry_ms,
        tops(c, c.industry_ms), c.industry_exact, c.industry_mismatches, c.industry_first_mismatch,
        c.twin_vs_f64, c.industry_vs_f64, c.twin_vs_industry, c.non_finite, c.ok(),
        c.industry_note);
  }
}

std::string summary_line(const LayerCheck& c, bool time) {
  std::string s = fmt::format(
      "{:<12} {:>5}x{:<6}x{:<6} {}: simulator vs twin on {} sampled outputs: "
      "{} mismatches (first {})",
      c.layer, c.m, c.n, c.k, c.twin, c.sampled, c.sim_mismatches, c.sim_first_mismatch);
  if (c.industry_exact) {
    s += fmt::format("; {} vs twin: {} of {} differ (first {})", c.industry, c.industry_mismatches,
                     c.m * c.n, c.industry_first_mismatch);
  } else if (c.approximate) {
    s += fmt::format("; error / sum|aw| vs binary64: twin {:.3g}", c.twin_vs_f64);
    if (!c.industry.empty()) {
      s += fmt::format(", {} {:.3g}, twin vs {} {:.3g}", c.industry, c.industry_vs_f64, c.industry,
                       c.twin_vs_industry);
    }
  }
  if (c.industry.empty() && !c.industry_note.empty()) s += " (" + c.industry_note + ")";
  if (time) {
    s += fmt::format("; twin {:.3f} ms ({:.2f} TOPS)", c.twin_ms, tops(c, c.twin_ms));
    if (!c.industry.empty()) {
      s += fmt::format(", {} {:.4f} ms ({:.1f} TOPS)", c.industry, c.industry_ms,
                       tops(c, c.industry_ms));
    }
  }
  return s + (c.ok() ? " OK" : " FAIL");
}

}  // namespace

int run_verify_gpu_command(const VerifyGpuOptions& o) {
  const arch::ArchSpec spec = arch::load_arch(o.arch, o.overrides);
  const workloads::Workload workload = load_workload_file(o.workload, false);
  for (const std::string& name : o.layers) {
    const bool known = std::any_of(workload.layers.begin(), workload.layers.end(),
                                   [&](const workloads::Gemm& g) { return g.name == name; });
    if (!known)
      throw UserError(fmt::format("error: --layers: no layer '{}' in {}", name, o.workload));
  }
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) {
    fmt::print(stderr, "tpesim verify-gpu: no usable CUDA device ({}); it needs an NVIDIA GPU\n",
               dev.name);
    return 1;
  }
  fmt::print("device: {} (sm_{}{}), arch {}, workload {}\n", dev.name, dev.sm_major, dev.sm_minor,
             spec.name, o.workload);
  SampleSpec sample;
  sample.seed = o.seed;
  sample.tiles = o.tiles;
  sample.time = o.time;
  std::vector<LayerCheck> checks;
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const workloads::Gemm& g = workload.layers[i];
    if (!o.layers.empty() &&
        std::find(o.layers.begin(), o.layers.end(), g.name) == o.layers.end()) {
      continue;
    }
    checks.push_back(check_layer_on_gpu(spec, g, static_cast<std::int64_t>(i), sample));
    fmt::print("{}\n", summary_line(checks.back(), o.time));
  }
  const bool ok =
      std::all_of(checks.begin(), checks.end(), [](const LayerCheck& c) { return c.ok(); });
  StagedOutput out{std::filesystem::path(o.out)};
  write_csv(checks, out.file("verify_gpu.csv"));
  {
    std::ofstream md(out.file("report.md"));
    md << "# tpesim verify-gpu\n\ndevice: " << dev.name << "; arch: " << spec.name
       << "; workload: " << o.workload << "; seed: " << o.seed << "\n\n";
    for (const LayerCheck& c : checks) md << "- " << summary_line(c, o.time) << "\n";
    md << "\n" << (ok ? "every bit-exact check held" : "A BIT-EXACT CHECK FAILED") << "\n";
  }
  out.commit();
  fmt::print("{}: {} layers; report: {}\n", ok ? "every bit-exact check held" : "FAILED",
             checks.size(), (std::filesystem::path(o.out) / "report.md").string());
  return ok ? 0 : 1;
}

}  // namespace tpesim::verify_gpu
