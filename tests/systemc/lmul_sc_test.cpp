// SPDX-License-Identifier: Apache-2.0
// SystemC mode, lmul: rtl/pe_lmul.sv (fp8 e4m3, OCP: no infinity), Verilated as an sc_module,
// and LmulSc (lmul_multiply) on one sc_clock; out_valid, p, flushed, saturated and nan compared
// on every cycle. Stimulus: uniform operand patterns (every pair of the 2^16 occurs several times
// in 2 * 10^5 cycles on average), in_valid 3/4 of the time.
#include <array>
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_lmul_sc_e4m3.h"
#include "pe/float_format.h"
#include "tests/systemc/lmul_sc.h"
#include "tests/systemc/lockstep_bench.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles

class LmulBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid;                   // driven input
  sc_core::sc_out<std::uint32_t> x, y;              // operand patterns
  sc_core::sc_in<bool> rtl_valid, model_valid;      // out_valid
  sc_core::sc_in<std::uint32_t> rtl_p, model_p;     // products
  sc_core::sc_in<bool> rtl_flushed, model_flushed;  // events
  sc_core::sc_in<bool> rtl_saturated, model_saturated;
  sc_core::sc_in<bool> rtl_nan, model_nan;

  LmulBench(const sc_core::sc_module_name& name, LockstepLog& log)
      : LockstepBench(name, 55, kCycles, log) {}

  void coverage(LockstepLog& log) const override {
    const char* names[] = {"flushed", "saturated", "nan"};
    for (std::size_t i = 0; i < m_events.size(); ++i)
      log.require(m_events[i] > kCycles / 1000, std::string(names[i]) + " events");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    in_valid.write(rng() % 4 != 0);
    x.write(static_cast<std::uint32_t>(rng() & 0xFFu));
    y.write(static_cast<std::uint32_t>(rng() & 0xFFu));
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "out_valid", rtl_valid.read(), model_valid.read());
    log.compare(cycle, "p", rtl_p.read(), model_p.read());
    log.compare(cycle, "flushed", rtl_flushed.read(), model_flushed.read());
    log.compare(cycle, "saturated", rtl_saturated.read(), model_saturated.read());
    log.compare(cycle, "nan", rtl_nan.read(), model_nan.read());
    m_events[0] += model_flushed.read();
    m_events[1] += model_saturated.read();
    m_events[2] += model_nan.read();
  }

 private:
  std::array<std::int64_t, 3> m_events{};  // cycles with flushed, saturated, nan
};

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid");
  sc_core::sc_signal<std::uint32_t> x("x"), y("y"), rtl_p("rtl_p"), model_p("model_p");
  sc_core::sc_signal<bool> rtl_valid("rtl_valid"), model_valid("model_valid");
  sc_core::sc_signal<bool> rtl_flushed("rtl_flushed"), model_flushed("model_flushed");
  sc_core::sc_signal<bool> rtl_saturated("rtl_saturated"), model_saturated("model_saturated");
  sc_core::sc_signal<bool> rtl_nan("rtl_nan"), model_nan("model_nan");

  Vpe_lmul_sc_e4m3 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.x(x), rtl.y(y);
  rtl.out_valid(rtl_valid), rtl.p(rtl_p), rtl.flushed(rtl_flushed);
  rtl.saturated(rtl_saturated), rtl.nan(rtl_nan);
  sc::LmulSc model("model", pe::kFp8E4M3);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.x(x), model.y(y);
  model.out_valid(model_valid), model.p(model_p), model.flushed(model_flushed);
  model.saturated(model_saturated), model.nan(model_nan);
  sc::LockstepLog log("lmul fp8 e4m3");
  sc::LmulBench bench("bench", log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.x(x), bench.y(y);
  bench.rtl_valid(rtl_valid), bench.model_valid(model_valid), bench.rtl_p(rtl_p);
  bench.model_p(model_p), bench.rtl_flushed(rtl_flushed), bench.model_flushed(model_flushed);
  bench.rtl_saturated(rtl_saturated), bench.model_saturated(model_saturated);
  bench.rtl_nan(rtl_nan), bench.model_nan(model_nan);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
