// SPDX-License-Identifier: Apache-2.0
// SystemC mode, int_mac: rtl/pe_int_mac.sv (8 x 8 -> 18 bits, saturating), Verilated as an
// sc_module, and IntMacSc (the C++ arithmetic) on one sc_clock; acc and overflow compared on
// every cycle. Stimulus: edge operands a quarter of the time, in_valid 3/4 of the time, a new
// chain 1/1024 of the time (long chains, so the accumulator saturates both ways).
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_int_mac_sc_sat18.h"
#include "tests/systemc/int_mac_sc.h"
#include "tests/systemc/lockstep_bench.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles

class IntMacBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear;           // driven inputs
  sc_core::sc_out<std::uint32_t> a, w;                // operand patterns
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc;   // the two accumulators
  sc_core::sc_in<bool> rtl_overflow, model_overflow;  // the two overflow flags

  IntMacBench(const sc_core::sc_module_name& name, const pe::IntMacSpec& spec, LockstepLog& log)
      : LockstepBench(name, 18, kCycles, log), m_spec(spec) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_overflows > kCycles / 1000, "overflows (at least 1 per 1000 cycles)");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    in_valid.write(rng() % 4 != 0);
    in_clear.write(rng() % 1024 == 0);
    a.write(static_cast<std::uint32_t>(pattern(operand(rng, m_spec.a_bits), m_spec.a_bits)));
    w.write(static_cast<std::uint32_t>(pattern(operand(rng, m_spec.w_bits), m_spec.w_bits)));
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    log.compare(cycle, "overflow", rtl_overflow.read(), model_overflow.read());
    m_overflows += model_overflow.read();
  }

 private:
  pe::IntMacSpec m_spec;         // the verilated parameter set
  std::int64_t m_overflows = 0;  // cycles with an overflow
};

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  const pe::IntMacSpec spec{8, 8, 18, pe::Overflow::Saturate};
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear");
  sc_core::sc_signal<std::uint32_t> a("a"), w("w"), rtl_acc("rtl_acc"), model_acc("model_acc");
  sc_core::sc_signal<bool> rtl_overflow("rtl_overflow"), model_overflow("model_overflow");

  Vpe_int_mac_sc_sat18 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.a(a), rtl.w(w);
  rtl.acc(rtl_acc), rtl.overflow(rtl_overflow);
  sc::IntMacSc model("model", spec);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear);
  model.a(a), model.w(w), model.acc(model_acc), model.overflow(model_overflow);
  sc::LockstepLog log("int_mac sat18");
  sc::IntMacBench bench("bench", spec, log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.a(a), bench.w(w), bench.rtl_acc(rtl_acc), bench.model_acc(model_acc);
  bench.rtl_overflow(rtl_overflow), bench.model_overflow(model_overflow);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
