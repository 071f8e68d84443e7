// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/lockstep.h"

#include <fmt/format.h>

#include <chrono>

#include "sim/core/errors.h"

namespace tpesim::cosim {

namespace {

// Re-runs the bench from reset and traces the cycles around `cycle` into `path`.
VcdWindow write_vcd_window(const PeLockstepFactory& make, std::uint64_t cycle,
                           const LockstepOptions& options) {
  const std::unique_ptr<PeLockstep> bench = make(true);
  const std::uint64_t first = cycle > options.vcd_window ? cycle - options.vcd_window : 0;
  const std::uint64_t last = cycle + options.vcd_window;
  std::uint64_t next = 0;  // the cycle the next step() takes
  bool reproduced = false;
  while (!bench->done() && next <= last) {
    if (next == first) bench->start_vcd(options.vcd_path);
    const bool differs = !bench->step().empty();
    if (next < cycle) {
      TPESIM_CHECK(!differs, "lock-step re-run diverges at cycle {}, before {}", next, cycle);
    }
    if (next == cycle) reproduced = differs;
    ++next;
  }
  bench->stop_vcd();
  TPESIM_CHECK(reproduced, "lock-step re-run does not diverge at cycle {}", cycle);
  return VcdWindow{options.vcd_path, first, next - 1};
}

}  // namespace

LockstepResult run_lockstep(const PeLockstepFactory& make, const LockstepOptions& options) {
  LockstepResult result;
  {
    const std::unique_ptr<PeLockstep> bench = make(false);
    const auto start = std::chrono::steady_clock::now();
    while (!bench->done()) {
      std::vector<Mismatch> mismatches = bench->step();
      if (!mismatches.empty()) {
        result.divergence = Divergence{result.cycles, bench->inputs(), std::move(mismatches)};
        ++result.cycles;
        break;
      }
      ++result.cycles;
    }
    result.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    result.counters = bench->counters();
  }
  if (result.divergence && !options.vcd_path.empty()) {
    result.vcd = write_vcd_window(make, result.divergence->cycle, options);
  }
  return result;
}

std::string describe(const Divergence& divergence) {
  std::string text = fmt::format("first divergence at cycle {}\n  inputs: {}\n", divergence.cycle,
                                 divergence.inputs);
  for (const Mismatch& m : divergence.mismatches) {
    text += fmt::format("  {}: C++ {}, RTL {}\n", m.signal, m.cpp_value, m.rtl_value);
  }
  return text;
}

}  // namespace tpesim::cosim
