// SPDX-License-Identifier: Apache-2.0
// Lock-step benches for the verilated arrays (rtl/arrays/) against the C++ register-level array
// models (arch/systolic_cycle.h, arch/adder_tree_cycle.h), for run_lockstep (lockstep.h).
//
// A bench draws random int_mac GEMMs from its seed (random shapes with partial folds, edge
// operands, a third with products of one sign so the accumulators overflow, every other GEMM with
// buffered memory so folds wait for DRAM), runs the C++ cycle model of each with an observer that
// records what the controller applied at the array's edges and what left the array, every cycle,
// and replays that cycle by cycle into the RTL: the same edge inputs, one rising edge, then every
// output compared, the valid bits (the cycle an output leaves) and the values. GEMMs run back to
// back on the RTL without a reset; the cycles the model skips (idle stretches) are idle edges for
// the RTL, whose outputs must stay invalid.
//
// NOTE(model): the RTL is the array's datapath (PE grid, registers, tree); the controller's
// schedule and the buffers are the C++ model's, taken over through the observer.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "arch/arch_spec.h"
#include "arch/gemm_operands.h"
#include "arch/simulate.h"
#include "pe/int_mac.h"
#include "sim/cosim/array_rtl.h"
#include "sim/cosim/lockstep.h"

namespace tpesim::cosim {

// What a bench runs: at least `cycles` RTL cycles (whole GEMMs), GEMM extents drawn uniformly
// from [1, max_*].
struct ArrayStimulus {
  std::uint64_t seed = 1;                  // operands, shapes and the RTL's random register init
  std::int64_t cycles = 10000;             // RTL cycles to run at least (the last GEMM is finished)
  int max_m = 40, max_n = 40, max_k = 40;  // GEMM extents
};

// Makes the verilated array (fresh from reset; `traced`: VCD-capable).
using SystolicRtlFactory =
    std::function<std::unique_ptr<SystolicRtl>(std::uint64_t seed, bool traced)>;
using AdderTreeRtlFactory =
    std::function<std::unique_ptr<AdderTreeRtl>(std::uint64_t seed, bool traced)>;

// One recorded model cycle: flat values and flags in a per-kind layout (array_lockstep.cpp).
struct RecordedCycles {
  int value_stride = 0, flag_stride = 0;  // per cycle
  std::vector<std::int64_t> values;       // cycles x value_stride
  std::vector<std::uint8_t> flags;        // cycles x flag_stride
  std::size_t size() const {
    return value_stride == 0 ? 0 : values.size() / static_cast<std::size_t>(value_stride);
  }
};

// An output the RTL gave, in the order they left the array.
struct RtlArrayOutput {
  int column = 0;         // the output column (WS/OS: PE column; tree: column unit)
  std::int64_t row = -1;  // OS: the PE row on the result bus; else -1
  std::int64_t value = 0;
};

// Shared by both array kinds: the GEMM stream, the recorded model cycles, the counters.
class ArrayLockstepBase : public PeLockstep {
 public:
  bool done() const override;
  std::vector<Mismatch> step() override;
  std::string inputs() const override;
  std::vector<Counter> counters() const override;

  // Runs this one GEMM instead of the random stream, from reset (`arch`'s array must be the
  // verilated set's, its PE int_mac): each model cycle is replayed into the RTL as it is
  // recorded, so memory does not grow with the GEMM. Throws ModelError at the first cycle whose
  // outputs differ, naming it, its inputs and both values.
  void run_given(const arch::ArchSpec& arch, const arch::GemmOperands& codes);
  // Replays the recorded cycles not yet replayed, then drops them (the recorders call it for a
  // given GEMM after each cycle).
  void replay_recorded();
  // RTL edges taken since reset.
  std::int64_t rtl_cycles() const { return m_rtl_cycle; }
  // The given GEMM's outputs as the RTL gave them.
  const std::vector<RtlArrayOutput>& rtl_outputs() const { return m_rtl_outputs; }
  // The given GEMM's final outputs as the C++ cycle model computed them, M x N.
  const std::vector<std::int64_t>& model_outputs() const { return m_model_outputs; }

 protected:
  explicit ArrayLockstepBase(const ArrayStimulus& stimulus);
  // Runs the next GEMM's C++ cycle model into m_log (m_log is empty before the call).
  virtual void run_model_gemm(std::int64_t index) = 0;
  // Replays recorded cycle i (or an idle edge when i < 0) into the RTL and compares.
  virtual void replay(std::int64_t i, std::vector<Mismatch>& mismatches) = 0;
  // Recorded cycle i's inputs (i < 0: an idle edge), as text.
  virtual std::string describe_inputs(std::int64_t i) const = 0;
  // A random operand of `bits` (extremes and zero often); `sign` > 0 / < 0 restricts its sign.
  std::int32_t operand(int bits, int sign);
  // GEMM `index`'s shape and operand codes.
  arch::GemmOperands draw_gemm(std::int64_t index, int a_bits, int w_bits);
  // GEMM `index`'s architecture apart from the array: the PE, cycle fidelity, and (every other
  // GEMM) buffered memory with a slow DRAM.
  arch::ArchSpec arch_for(std::int64_t index, const pe::IntMacSpec& pe) const;

  // The next GEMM (the given one, or a random one kept in m_drawn) with its architecture.
  std::pair<arch::ArchSpec, const arch::GemmOperands*> next_gemm(std::int64_t index,
                                                                 const pe::IntMacSpec& pe);
  // Counts a model GEMM that ran (`plan` its schedule) and keeps a given GEMM's final outputs.
  template <class Result, class Arith>
  void model_gemm_ran(const Result& r, const Arith& arith, const arch::LayerSchedule& plan) {
    m_macs += r.activity.macs;
    m_overflows += static_cast<std::int64_t>(r.activity.overflows);
    m_folds += static_cast<std::int64_t>(plan.folds.size());
    if (!m_given) return;
    for (const auto& acc : r.out) m_model_outputs.push_back(arith.output(acc));
  }

  ArrayStimulus m_stimulus;                   // what to run
  std::mt19937_64 m_rng;                      // shapes and operands
  RecordedCycles m_log;                       // the current GEMM's model cycles
  std::string m_gemm_text;                    // the current GEMM, as text
  std::int64_t m_outputs = 0;                 // output values compared
  std::int64_t m_macs = 0;                    // MACs of the GEMMs run
  std::int64_t m_overflows = 0;               // model accumulator overflows
  std::int64_t m_folds = 0;                   // folds run
  std::int64_t m_idle_edges = 0;              // edges of cycles the model skipped
  bool m_given = false;                       // one given GEMM instead of the random stream
  std::vector<RtlArrayOutput> m_rtl_outputs;  // given: what the RTL gave
  std::vector<std::int64_t> m_model_outputs;  // given: the model's final outputs

 private:
  const arch::ArchSpec* m_given_arch = nullptr;       // given: its architecture
  const arch::GemmOperands* m_given_codes = nullptr;  // given: its operands
  arch::GemmOperands m_drawn;                         // the current random GEMM
  std::int64_t m_gemms = 0;                           // GEMMs started
  std::int64_t m_rtl_cycle = 0;                       // RTL edges taken
  std::size_t m_next = 0;                             // next recorded cycle to replay
  std::int64_t m_model_cycle = 0;                     // model cycle the next edge stands for
  std::int64_t m_last = -1;      // recorded cycle of the last step (-1: an idle edge)
  std::int64_t m_last_gemm = 0;  // the GEMM of the last step
};

// rtl/arrays/systolic_array.sv (WS or OS) against run_stationary_array /
// run_output_stationary_array.
class SystolicLockstep final : public ArrayLockstepBase {
 public:
  SystolicLockstep(std::unique_ptr<SystolicRtl> rtl, const ArrayStimulus& stimulus);
  void start_vcd(const std::string& path) override { m_rtl->start_vcd(path); }
  void stop_vcd() override { m_rtl->stop_vcd(); }

 private:
  void run_model_gemm(std::int64_t index) override;
  void replay(std::int64_t i, std::vector<Mismatch>& mismatches) override;
  std::string describe_inputs(std::int64_t i) const override;

  std::unique_ptr<SystolicRtl> m_rtl;  // the verilated array
  SystolicShape m_shape;               // its parameters
  SystolicPorts m_ports;               // one cycle's port values
};

// rtl/arrays/adder_tree_array.sv against run_adder_tree_array.
class AdderTreeLockstep final : public ArrayLockstepBase {
 public:
  AdderTreeLockstep(std::unique_ptr<AdderTreeRtl> rtl, const ArrayStimulus& stimulus);
  void start_vcd(const std::string& path) override { m_rtl->start_vcd(path); }
  void stop_vcd() override { m_rtl->stop_vcd(); }

 private:
  void run_model_gemm(std::int64_t index) override;
  void replay(std::int64_t i, std::vector<Mismatch>& mismatches) override;
  std::string describe_inputs(std::int64_t i) const override;

  std::unique_ptr<AdderTreeRtl> m_rtl;  // the verilated array
  AdderTreeShape m_shape;               // its parameters
  AdderTreePorts m_ports;               // one cycle's port values
};

// Factories for run_lockstep.
PeLockstepFactory systolic_lockstep(SystolicRtlFactory make, const ArrayStimulus& stimulus);
PeLockstepFactory adder_tree_lockstep(AdderTreeRtlFactory make, const ArrayStimulus& stimulus);

}  // namespace tpesim::cosim
