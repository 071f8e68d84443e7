// SPDX-License-Identifier: Apache-2.0
// SystemC mode, fp_mac: rtl/pe_fp_mac.sv (fp8 e4m3 (OCP) activations x fp8 e5m2 weights,
// binary32 accumulator, bf16 output), Verilated as an sc_module, and FpMacSc (the C++
// arithmetic) on one sc_clock; acc, overflow and out compared on every cycle. Stimulus: every
// operand pattern uniformly half of the time (NaN, infinity, subnormals, zeros included), the
// largest magnitudes a quarter of the time (so the accumulator overflows), small ones otherwise;
// in_valid 3/4 of the time, a new chain 1/64 of the time (an overflowed chain ends).
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_fp_mac_sc_e4m3_e5m2.h"
#include "pe/float_format.h"
#include "tests/systemc/fp_mac_sc.h"
#include "tests/systemc/lockstep_bench.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles

class FpMacBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear;           // driven inputs
  sc_core::sc_out<std::uint32_t> a, w;                // operand patterns
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc;   // binary32 accumulators
  sc_core::sc_in<bool> rtl_overflow, model_overflow;  // numeric events
  sc_core::sc_in<std::uint32_t> rtl_out, model_out;   // bf16 read ports

  FpMacBench(const sc_core::sc_module_name& name, LockstepLog& log)
      : LockstepBench(name, 44, kCycles, log) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_overflows > kCycles / 1000, "overflow events (1 per 1000 cycles)");
    log.require(m_finite_large > kCycles / 100, "finite accumulators past 2^16");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    // fp8 patterns: sign, then a magnitude (e4m3 largest finite 0x7E, e5m2 0x7B).
    auto fp8 = [&](std::uint32_t largest) {
      const std::uint32_t sign = (rng() & 1u) << 7;
      switch (rng() % 4) {
        case 0:
        case 1:
          return static_cast<std::uint32_t>(rng() & 0xFFu);
        case 2:
          return sign | (largest - static_cast<std::uint32_t>(rng() % 4));
        default:
          return sign | static_cast<std::uint32_t>(rng() % 0x40u);
      }
    };
    in_valid.write(rng() % 4 != 0);
    in_clear.write(rng() % 64 == 0);
    a.write(fp8(0x7E));
    w.write(fp8(0x7B));
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    log.compare(cycle, "overflow", rtl_overflow.read(), model_overflow.read());
    log.compare(cycle, "out", rtl_out.read(), model_out.read());
    m_overflows += model_overflow.read();
    const std::uint32_t exponent = (model_acc.read() >> 23) & 0xFFu;
    m_finite_large += exponent >= 127 + 16 && exponent != 0xFF;
  }

 private:
  std::int64_t m_overflows = 0;     // cycles with the overflow event
  std::int64_t m_finite_large = 0;  // cycles with a finite |acc| >= 2^16
};

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  pe::FpMacSpec spec;
  spec.a_format = pe::kFp8E4M3;
  spec.w_format = pe::kFp8E5M2;
  spec.out_format = pe::kBf16;
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear");
  sc_core::sc_signal<std::uint32_t> a("a"), w("w"), rtl_acc("rtl_acc"), model_acc("model_acc");
  sc_core::sc_signal<bool> rtl_overflow("rtl_overflow"), model_overflow("model_overflow");
  sc_core::sc_signal<std::uint32_t> rtl_out("rtl_out"), model_out("model_out");

  Vpe_fp_mac_sc_e4m3_e5m2 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.a(a), rtl.w(w);
  rtl.acc(rtl_acc), rtl.overflow(rtl_overflow), rtl.out(rtl_out);
  sc::FpMacSc model("model", spec);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear);
  model.a(a), model.w(w), model.acc(model_acc), model.overflow(model_overflow);
  model.out(model_out);
  sc::LockstepLog log("fp_mac e4m3 x e5m2 -> bf16");
  sc::FpMacBench bench("bench", log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.a(a), bench.w(w), bench.rtl_acc(rtl_acc), bench.model_acc(model_acc);
  bench.rtl_overflow(rtl_overflow), bench.model_overflow(model_overflow);
  bench.rtl_out(rtl_out), bench.model_out(model_out);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
