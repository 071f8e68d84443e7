// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/verify_rtl_command.h"

#include <fmt/format.h>

#include "arch/arch_spec.h"
#include "sim/cosim/lockstep.h"
#include "sim/cosim/verilated_catalogue.h"

namespace tpesim::cosim {

namespace {

// One lock-step check of the configured hardware against its Verilog.
struct RtlCheck {
  std::string title;        // what is compared, for the report
  PeLockstepFactory bench;  // makes the bench, from reset
};

// The checks for `arch`: its PE against the verilated model of the same parameters. The
// Verilog arrays (rtl/arrays/, benches in sim/cosim/array_*, target tpesim_cosim_arrays) add the
// configured array's check here, with tpesim_cosim_arrays linked into tpesim_verify_rtl.
std::vector<RtlCheck> rtl_checks(const arch::ArchSpec& arch, const VerifyRtlOptions& o) {
  const VerilatedPeModel& model = find_verilated_pe(arch.array.pe);
  return {RtlCheck{fmt::format("pe {}: {} (verilated {})", pe::pe_kind_name(model.pe),
                               describe(synth::rtl_target(model.pe)), model.model),
                   model.bench(o.seed, o.cycles)}};
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
  const arch::ArchSpec arch = arch::load_arch(o.arch, o.overrides);
  const std::vector<RtlCheck> checks = rtl_checks(arch, o);
  LockstepOptions lockstep;
  lockstep.vcd_path = o.vcd;
  lockstep.vcd_window = o.vcd_window;
  for (const RtlCheck& check : checks) {
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
