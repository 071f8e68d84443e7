// SPDX-License-Identifier: Apache-2.0
// SystemC mode, lut_tc: rtl/pe_lut_tc.sv (the spec's defaults: KG = 4, 2-bit weights, fp16
// table, binary32 accumulator and output), Verilated as an sc_module, and LutTcSc (LutTcArith)
// on one sc_clock. Every cycle: busy, done, acc, overflow and out, and acc_g and s_g whenever
// busy is 0. Stimulus: fp16 activations near 1 mostly, any pattern (NaN, infinity, subnormal)
// 1/32 of the time, a tail group (count < 4, the rest +0) 1/8 of the time; the table is
// build_half_table() of the activations, or random fp16 patterns 1/16 of the time; scale near
// 1 mostly; scale groups of a few LUT groups; in_valid 3/4 (also while busy: ignored), a new
// chain 1/32 of the time.
#include <array>
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_lut_tc_sc_kg4_b2.h"
#include "pe/float_format.h"
#include "pe/lut_tc.h"
#include "tests/systemc/lockstep_bench.h"
#include "tests/systemc/lut_tc_sc.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;                 // compared cycles
constexpr int kGroup = 4;                                // KG
constexpr int kWBits = 2;                                // W_BITS
using LutWord = sc_dt::sc_bv<(1 << (kGroup - 1)) * 16>;  // 8 fp16 entries

class LutTcBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear, group_end;                       // driven controls
  sc_core::sc_out<LutWord> lut;                                              // the half table
  sc_core::sc_out<std::uint64_t> a;                                          // 4 fp16 activations
  sc_core::sc_out<std::uint32_t> count, q, w_scale, z;                       // the rest
  sc_core::sc_in<bool> rtl_busy, model_busy, rtl_done, model_done;           // step control
  sc_core::sc_in<std::uint32_t> rtl_acc_g, model_acc_g, rtl_s_g, model_s_g;  // group sums
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc, rtl_out, model_out;      // results
  sc_core::sc_in<bool> rtl_overflow, model_overflow;                         // acc not finite

  LutTcBench(const sc_core::sc_module_name& name, const pe::LutTcSpec& spec, LockstepLog& log)
      : LockstepBench(name, 77, kCycles, log), m_spec(spec) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_done > kCycles / 4, "completed steps (a quarter of the cycles)");
    log.require(m_overflow > kCycles / 1000, "overflow events (acc not finite)");
    log.require(m_finite_out > kCycles / 4, "finite non-zero outputs");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    auto fp16 = [&](int span) {
      if (rng() % 32 == 0) return static_cast<std::uint32_t>(rng() & 0xFFFFu);
      const auto biased =
          static_cast<std::uint32_t>(15 - span + static_cast<int>(rng() % (2 * span + 1)));
      return static_cast<std::uint32_t>((rng() & 1u) << 15) | (biased << 10) |
             static_cast<std::uint32_t>(rng() & 0x3FFu);
    };
    const int n = rng() % 8 == 0 ? 1 + static_cast<int>(rng() % (kGroup - 1)) : kGroup;
    std::array<float, 4> values{};
    std::uint64_t packed = 0;
    for (int t = 0; t < n; ++t) {
      const std::uint32_t bits = fp16(6);
      values[static_cast<std::size_t>(t)] = static_cast<float>(pe::decode(bits, pe::kFp16));
      packed |= std::uint64_t{bits} << (16 * t);
    }
    const pe::LutHalfTable table = pe::build_half_table(m_spec, values);
    const bool random_table = rng() % 16 == 0;
    LutWord word;
    for (int h = 0; h < (1 << (kGroup - 1)); ++h) {
      const std::uint32_t entry =
          random_table ? static_cast<std::uint32_t>(rng() & 0xFFFFu)
                       : pe::encode(static_cast<double>(table.entries[static_cast<std::size_t>(h)]),
                                    pe::kFp16);
      word.range(16 * h + 15, 16 * h) = entry;
    }
    in_valid.write(rng() % 4 != 0);
    in_clear.write(rng() % 32 == 0);
    group_end.write(rng() % 3 == 0);
    lut.write(word);
    a.write(packed);
    count.write(static_cast<std::uint32_t>(n));
    q.write(static_cast<std::uint32_t>(rng() & 0xFFu));
    w_scale.write(fp16(4));
    z.write(static_cast<std::uint32_t>(rng() % (1u << kWBits)));
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "busy", rtl_busy.read(), model_busy.read());
    log.compare(cycle, "done", rtl_done.read(), model_done.read());
    if (!model_busy.read()) {
      log.compare(cycle, "acc_g", rtl_acc_g.read(), model_acc_g.read());
      log.compare(cycle, "s_g", rtl_s_g.read(), model_s_g.read());
    }
    log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    log.compare(cycle, "overflow", rtl_overflow.read(), model_overflow.read());
    log.compare(cycle, "out", rtl_out.read(), model_out.read());
    m_done += model_done.read();
    m_overflow += model_overflow.read();
    const std::uint32_t exponent = (model_out.read() >> 23) & 0xFFu;
    m_finite_out += exponent != 0 && exponent != 0xFF;
  }

 private:
  pe::LutTcSpec m_spec;           // the verilated parameter set
  std::int64_t m_done = 0;        // completed steps
  std::int64_t m_overflow = 0;    // overflow events
  std::int64_t m_finite_out = 0;  // cycles with a finite normal output
};

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  pe::LutTcSpec spec;  // the defaults: KG = 4, 2-bit weights, fp16 table, binary32 acc and out
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear"),
      group_end("group_end");
  sc_core::sc_signal<sc::LutWord> lut("lut");
  sc_core::sc_signal<std::uint64_t> a("a");
  sc_core::sc_signal<std::uint32_t> count("count"), q("q"), w_scale("w_scale"), z("z");
  sc_core::sc_signal<bool> rtl_busy("rtl_busy"), model_busy("model_busy"), rtl_done("rtl_done"),
      model_done("model_done"), rtl_overflow("rtl_overflow"), model_overflow("model_overflow");
  sc_core::sc_signal<std::uint32_t> rtl_acc_g("rtl_acc_g"), model_acc_g("model_acc_g"),
      rtl_s_g("rtl_s_g"), model_s_g("model_s_g"), rtl_acc("rtl_acc"), model_acc("model_acc"),
      rtl_out("rtl_out"), model_out("model_out");

  Vpe_lut_tc_sc_kg4_b2 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.lut(lut);
  rtl.a(a), rtl.count(count), rtl.q(q), rtl.w_scale(w_scale), rtl.z(z);
  rtl.group_end(group_end), rtl.busy(rtl_busy), rtl.done(rtl_done), rtl.acc_g(rtl_acc_g);
  rtl.s_g(rtl_s_g), rtl.acc(rtl_acc), rtl.overflow(rtl_overflow), rtl.out(rtl_out);
  sc::LutTcSc<sc::LutWord, std::uint64_t> model("model", spec);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear);
  model.lut(lut), model.a(a), model.count(count), model.q(q), model.w_scale(w_scale);
  model.z(z), model.group_end(group_end), model.busy(model_busy), model.done(model_done);
  model.acc_g(model_acc_g), model.s_g(model_s_g), model.acc(model_acc);
  model.overflow(model_overflow), model.out(model_out);
  sc::LockstepLog log("lut_tc kg4 b2 (fp16 table, binary32 acc and out)");
  sc::LutTcBench bench("bench", spec, log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.group_end(group_end), bench.lut(lut), bench.a(a), bench.count(count), bench.q(q);
  bench.w_scale(w_scale), bench.z(z), bench.rtl_busy(rtl_busy), bench.model_busy(model_busy);
  bench.rtl_done(rtl_done), bench.model_done(model_done), bench.rtl_acc_g(rtl_acc_g);
  bench.model_acc_g(model_acc_g), bench.rtl_s_g(rtl_s_g), bench.model_s_g(model_s_g);
  bench.rtl_acc(rtl_acc), bench.model_acc(model_acc), bench.rtl_out(rtl_out);
  bench.model_out(model_out), bench.rtl_overflow(rtl_overflow);
  bench.model_overflow(model_overflow);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
