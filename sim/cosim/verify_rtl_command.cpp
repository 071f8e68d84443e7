// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/verify_rtl_command.h"

#include <fmt/format.h>

#include <optional>
#include <utility>

#include "arch/arch_spec.h"
#include "sim/core/errors.h"
#include "sim/cosim/array_rtl_check.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verify_golden.h"
#include "sim/cosim/verilated_catalogue.h"

namespace tpesim::cosim {

namespace {

// One lock-step check of the configured hardware against its Verilog.
struct RtlCheck {
  std::string title;        // what is compared, for the report
  PeLockstepFactory bench;  // makes the bench, from reset; empty: the title is a note, no check
};

// The checks for `arch`: its PE against the verilated model of the same parameters, then its
// array against the verilated array set of the same parameters (rtl/arrays/,
// sim/cosim/array_rtl_check.h), or a note naming the sets when there is none.
// An array with a verilated set whose PE parameters have no verilated PE model (the adder tree's
// 8 x 8 -> 18 wrap) is checked as an array alone.
std::vector<RtlCheck> rtl_checks(const arch::ArchSpec& arch, const VerifyRtlOptions& o) {
  std::optional<ArrayRtlCheck> array = verilated_array_check(arch.array, o.seed, o.cycles);
  std::vector<RtlCheck> checks;
  try {
    const VerilatedPeModel& model = find_verilated_pe(arch.array.pe);
    checks.push_back(RtlCheck{fmt::format("pe {}: {} (verilated {})", pe::pe_kind_name(model.pe),
                                          describe(synth::rtl_target(model.pe)), model.model),
                              model.bench(o.seed, o.cycles)});
  } catch (const UserError&) {
    if (!array) throw;  // nothing to check: the error lists the verilated PE models
    checks.push_back(RtlCheck{
        "pe: no verilated PE model of these parameters; checked inside the array below", {}});
  }
  if (array) {
    checks.push_back(RtlCheck{std::move(array->title), std::move(array->bench)});
  } else {
    checks.push_back(RtlCheck{no_verilated_array_line(arch.array), {}});
  }
  return checks;
}

std::string counters_line(const std::vector<Counter>& counters) {
  std::string line;
  for (const Counter& c : counters) {
    line += fmt::format("{}{} {}", line.empty() ? "" : ", ", c.name, c.value);
  }
  return line;
}

}  // namespace

int run_verify_rtl_command(const VerifyRtlOptions& o) {
  if (o.arch.empty() && o.golden.empty()) {
    throw UserError("error: verify-rtl: give --arch ARCH.yaml, --golden DIR, or both");
  }
  if (!o.golden.empty()) {
    if (o.arch.empty()) return run_verify_golden(o.golden, nullptr);
    const arch::ArchSpec arch = arch::load_arch(o.arch, o.overrides);
    return run_verify_golden(o.golden, &arch.array.pe);
  }
  const arch::ArchSpec arch = arch::load_arch(o.arch, o.overrides);
  const std::vector<RtlCheck> checks = rtl_checks(arch, o);
  LockstepOptions lockstep;
  lockstep.vcd_path = o.vcd;
  lockstep.vcd_window = o.vcd_window;
  for (const RtlCheck& check : checks) {
    if (!check.bench) {
      fmt::print("{}\n", check.title);
      continue;
    }
    fmt::print("{}, seed {}\n", check.title, o.seed);
    const LockstepResult r = run_lockstep(check.bench, lockstep);
    fmt::print("  cycles compared: {}\n  mismatches: {}\n", r.cycles, r.mismatches());
    fmt::print("  speed: {:.0f} cycles/s ({:.3f} s)\n",
               r.seconds > 0 ? static_cast<double>(r.cycles) / r.seconds : 0.0, r.seconds);
    fmt::print("  coverage: {}\n", counters_line(r.counters));
    if (r.divergence) {
      fmt::print("{}", describe(*r.divergence));
      if (r.vcd) {
        fmt::print(
            "  VCD: {} (cycles {} to {}; time 2c is cycle c before its edge, 2c + 1 after)\n",
            r.vcd->path, r.vcd->first, r.vcd->last);
      }
      return 1;
    }
  }
  return 0;
}

}  // namespace tpesim::cosim
