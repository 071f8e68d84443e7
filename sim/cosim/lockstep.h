// SPDX-License-Identifier: Apache-2.0
// The lock-step runner: a verilated PE and its C++ definition driven by the same seeded stimulus,
// compared on every output after every clock edge; at the first divergence it stops, reports the
// cycle, that cycle's inputs and both values, and writes a VCD of the cycles around it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace tpesim::cosim {

// One output that differs between the two sides.
struct Mismatch {
  std::string signal;     // the output, e.g. "acc" (the RTL port name)
  std::string cpp_value;  // the C++ model's value, as text
  std::string rtl_value;  // the RTL's value, as text
};

// A coverage count a bench keeps (MACs, overflows, ...), reported next to the cycle count.
struct Counter {
  std::string name;        // e.g. "overflows"
  std::int64_t value = 0;  // events seen over the run
};

// One PE kind's bench: a verilated model and its C++ reference, fed the same stimulus from a
// seed. Deterministic: two benches made with the same arguments step through the same cycles.
class PeLockstep {
 public:
  virtual ~PeLockstep() = default;
  // True once the stimulus schedule is over.
  virtual bool done() const = 0;
  // Drives the next cycle's stimulus into both sides, takes one clock edge, compares every
  // output. Returns the outputs that differ (empty: all equal).
  virtual std::vector<Mismatch> step() = 0;
  // The inputs of the last step, "name=value ...".
  virtual std::string inputs() const = 0;
  // What the stimulus exercised so far.
  virtual std::vector<Counter> counters() const = 0;
  // Starts writing the RTL's signals to a VCD file from the next step on (times 2c and 2c + 1
  // are cycle c with the clock low and high); throws UserError when the file cannot be opened.
  virtual void start_vcd(const std::string& path) = 0;
  // Flushes and closes the VCD file.
  virtual void stop_vcd() = 0;
};

// Makes a fresh bench, from reset; called again to re-run a divergence with tracing on.
using PeLockstepFactory = std::function<std::unique_ptr<PeLockstep>(bool traced)>;

// The first cycle whose outputs differ.
struct Divergence {
  std::uint64_t cycle = 0;           // clock edges after reset before it (0: the first edge)
  std::string inputs;                // that cycle's inputs
  std::vector<Mismatch> mismatches;  // every output that differs at that cycle
};

// The VCD written around a divergence.
struct VcdWindow {
  std::string path;         // the file
  std::uint64_t first = 0;  // first cycle in it
  std::uint64_t last = 0;   // last cycle in it
};

struct LockstepOptions {
  std::string vcd_path;           // where to write the VCD on a divergence; empty: none
  std::uint64_t vcd_window = 16;  // cycles traced on each side of the divergence
};

struct LockstepResult {
  std::uint64_t cycles = 0;              // clock edges compared
  double seconds = 0;                    // wall time of the compared run (not the VCD re-run)
  std::optional<Divergence> divergence;  // the first divergence; none: every cycle matched
  std::optional<VcdWindow> vcd;          // the VCD written for the divergence
  std::vector<Counter> counters;         // the bench's coverage counts at the end
  // Cycles with a mismatch: 0, or 1 because the run stops at the first.
  std::uint64_t mismatches() const { return divergence ? 1 : 0; }
};

// Runs a bench until its stimulus ends or the first divergence. On a divergence with
// options.vcd_path set, re-runs a fresh traced bench from reset and writes cycles
// [c - window, c + window] to the VCD; throws ModelError if the re-run does not diverge at the
// same cycle (the bench would not be deterministic).
LockstepResult run_lockstep(const PeLockstepFactory& make, const LockstepOptions& options);

// A divergence as lines of text: the cycle, the inputs, each signal's C++ and RTL values.
std::string describe(const Divergence& divergence);

}  // namespace tpesim::cosim
