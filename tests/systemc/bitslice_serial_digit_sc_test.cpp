// SPDX-License-Identifier: Apache-2.0
// SystemC mode, bitslice serial_digit: rtl/pe_bitslice_serial_digit.sv (int8 x int8 -> 32, 4
// lanes per step), Verilated as an sc_module, and SerialDigitSc (BitsliceArith values and
// step_cycles() timing) on one sc_clock. Every cycle: busy and done (so every step's length),
// and acc whenever busy is 0. Stimulus: edge operands a quarter of the time, a zero lane 1/4 of
// the time and all four 1/16 (short steps), in_valid 3/4 of the time (also while busy: ignored), a
// new chain 1/64.
#include <cstdint>
#include <random>
#include <set>
#include <systemc>

#include "Vpe_bitslice_serial_digit_sc_int8.h"
#include "tests/systemc/bitslice_serial_digit_sc.h"
#include "tests/systemc/lockstep_bench.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles
constexpr int kLanes = 4;                 // lanes per step (LANES)

class SerialBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear;                      // driven inputs
  sc_core::sc_out<std::uint32_t> a, w;                           // packed lane patterns
  sc_core::sc_in<bool> rtl_busy, model_busy;                     // step in progress
  sc_core::sc_in<bool> rtl_done, model_done;                     // step completed
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc;              // the two accumulators
  sc_core::sc_in<std::uint32_t> rtl_overflows, model_overflows;  // lanes clamped (saturate)

  SerialBench(const sc_core::sc_module_name& name, const pe::BitsliceSpec& spec, LockstepLog& log)
      : LockstepBench(name, 33, kCycles, log), m_spec(spec) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_lengths.size() >= 8, "steps of at least 8 different lengths");
    log.require(m_lengths.count(4) == 1, "steps of all-zero lanes (one cycle per bit weight)");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    const bool all_zero = rng() % 16 == 0;
    std::uint32_t pa = 0, pw = 0;
    for (int l = 0; l < kLanes; ++l) {
      const std::int64_t av = all_zero || rng() % 4 == 0 ? 0 : operand(rng, m_spec.a_bits);
      pa |= static_cast<std::uint32_t>(pattern(av, m_spec.a_bits) << (l * m_spec.a_bits));
      pw |= static_cast<std::uint32_t>(pattern(operand(rng, m_spec.w_bits), m_spec.w_bits)
                                       << (l * m_spec.w_bits));
    }
    in_valid.write(rng() % 4 != 0);
    in_clear.write(rng() % 64 == 0);
    a.write(pa);
    w.write(pw);
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "busy", rtl_busy.read(), model_busy.read());
    log.compare(cycle, "done", rtl_done.read(), model_done.read());
    log.compare(cycle, "overflows", rtl_overflows.read(), model_overflows.read());
    if (!model_busy.read()) log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    ++m_running;
    if (model_done.read()) {
      m_lengths.insert(m_running);
      m_running = 0;
    } else if (!model_busy.read()) {
      m_running = 0;
    }
  }

 private:
  pe::BitsliceSpec m_spec;           // the verilated parameter set
  std::int64_t m_running = 0;        // cycles of the step in progress (cycles)
  std::set<std::int64_t> m_lengths;  // step lengths seen (cycles)
};

pe::BitsliceSpec int8_spec() {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::SerialDigit;
  spec.digit_group = kLanes;
  spec.overflow = pe::Overflow::Wrap;
  return spec;
}

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  const pe::BitsliceSpec spec = sc::int8_spec();
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear");
  sc_core::sc_signal<std::uint32_t> a("a"), w("w"), rtl_acc("rtl_acc"), model_acc("model_acc");
  sc_core::sc_signal<std::uint32_t> rtl_overflows("rtl_overflows"),
      model_overflows("model_overflows");
  sc_core::sc_signal<bool> rtl_busy("rtl_busy"), model_busy("model_busy"), rtl_done("rtl_done"),
      model_done("model_done");

  Vpe_bitslice_serial_digit_sc_int8 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.a(a), rtl.w(w);
  rtl.busy(rtl_busy), rtl.done(rtl_done), rtl.acc(rtl_acc), rtl.overflows(rtl_overflows);
  sc::SerialDigitSc model("model", spec, sc::kLanes);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear);
  model.a(a), model.w(w), model.busy(model_busy), model.done(model_done), model.acc(model_acc);
  model.overflows(model_overflows);
  sc::LockstepLog log("bitslice serial_digit int8 (4 lanes)");
  sc::SerialBench bench("bench", spec, log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.a(a), bench.w(w), bench.rtl_busy(rtl_busy), bench.model_busy(model_busy);
  bench.rtl_done(rtl_done), bench.model_done(model_done), bench.rtl_acc(rtl_acc);
  bench.model_acc(model_acc), bench.rtl_overflows(rtl_overflows);
  bench.model_overflows(model_overflows);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
