// SPDX-License-Identifier: Apache-2.0
// SystemC mode, mixpe W4A8: rtl/pe_mixpe_w4a8.sv (2-bit weights in groups of up to 3, fp16
// output), Verilated as an sc_module, and MixpeW4A8Sc (MixpeW4A8Arith) on one sc_clock; p, s,
// acc, s_a, overflow and out compared on every cycle. Stimulus: edge activations a quarter of
// the time; scales near 1 mostly, any pattern (NaN, infinity, subnormal) 1/16 of the time, large
// 1/8 (fp16 outputs overflow); groups of 1 to 3 k; in_valid 3/4, a new chain 1/32 of the time.
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_mixpe_w4a8_sc_g3_fp16.h"
#include "tests/systemc/lockstep_bench.h"
#include "tests/systemc/mixpe_w4a8_sc.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles
constexpr int kGroup = 3;                 // GROUP_SIZE

class MixpeBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear, group_end;                 // driven controls
  sc_core::sc_out<std::uint32_t> a, a_scale, q, z, w_scale;            // driven operands
  sc_core::sc_in<std::uint32_t> rtl_p, model_p, rtl_s, model_s;        // partial sums
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc, rtl_sa, model_sa;  // binary32 state
  sc_core::sc_in<bool> rtl_overflow, model_overflow;                   // D past int32
  sc_core::sc_in<std::uint32_t> rtl_out, model_out;                    // fp16 outputs

  MixpeBench(const sc_core::sc_module_name& name, const pe::MixpeSpec& spec, LockstepLog& log)
      : LockstepBench(name, 66, kCycles, log), m_spec(spec) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_group_ends > kCycles / 8, "group ends (dequantizations)");
    log.require(m_nan_out > kCycles / 1000, "NaN outputs (0x7E00)");
    log.require(m_inf_out > kCycles / 1000, "infinite fp16 outputs");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    const bool valid = rng() % 4 != 0;
    if (valid) ++m_in_group;
    const bool end = m_in_group == kGroup || rng() % 3 == 0;
    // A float pattern near `one` (man_bits fraction bits, sign at bit sign_bit): exponents
    // within +-span, `rare` more 1/8 of the time; any pattern 1/16 of the time.
    auto scale = [&](std::uint32_t one, int man_bits, int sign_bit, int span, int rare) {
      if (rng() % 16 == 0) return static_cast<std::uint32_t>(rng()) & ((2u << sign_bit) - 1);
      const std::uint32_t sign = static_cast<std::uint32_t>(rng() & 1u) << sign_bit;
      const std::uint32_t biased = (one >> man_bits) - static_cast<std::uint32_t>(span) +
                                   static_cast<std::uint32_t>(rng() % (2 * span + 1)) +
                                   (rng() % 8 == 0 ? static_cast<std::uint32_t>(rare) : 0u);
      return sign | (biased << man_bits) |
             static_cast<std::uint32_t>(rng() & ((1u << man_bits) - 1));
    };
    in_valid.write(valid);
    in_clear.write(rng() % 32 == 0);
    group_end.write(end);
    a.write(static_cast<std::uint32_t>(pattern(operand(rng, 8), 8)));
    a_scale.write(scale(0x3F800000u, 23, 31, 4, 12));  // binary32 around 1, 2^12 up rarely
    q.write(static_cast<std::uint32_t>(rng() % 4));
    z.write(static_cast<std::uint32_t>(rng() % 4));
    w_scale.write(scale(0x3C00u, 10, 15, 4, 8));  // fp16 around 1
    if (valid && end) m_in_group = 0;
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    log.compare(cycle, "p", rtl_p.read(), model_p.read());
    log.compare(cycle, "s", rtl_s.read(), model_s.read());
    log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    log.compare(cycle, "s_a", rtl_sa.read(), model_sa.read());
    log.compare(cycle, "overflow", rtl_overflow.read(), model_overflow.read());
    log.compare(cycle, "out", rtl_out.read(), model_out.read());
    m_group_ends += model_p.read() == 0 && model_s.read() == 0;
    m_nan_out += model_out.read() == 0x7E00u;
    m_inf_out += (model_out.read() & 0x7FFFu) == 0x7C00u;
  }

 private:
  pe::MixpeSpec m_spec;           // the verilated parameter set
  int m_in_group = 0;             // k driven in the open group
  std::int64_t m_group_ends = 0;  // cycles with P = S = 0 (after a group end, mostly)
  std::int64_t m_nan_out = 0;     // cycles with a NaN output
  std::int64_t m_inf_out = 0;     // cycles with an infinite output
};

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  pe::MixpeSpec spec;
  spec.w_bits = 2;
  spec.group_size = sc::kGroup;
  spec.out_format = pe::kFp16;
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear"),
      group_end("group_end");
  sc_core::sc_signal<std::uint32_t> a("a"), a_scale("a_scale"), q("q"), z("z"), w_scale("w_scale");
  sc_core::sc_signal<std::uint32_t> rtl_p("rtl_p"), model_p("model_p"), rtl_s("rtl_s"),
      model_s("model_s"), rtl_acc("rtl_acc"), model_acc("model_acc"), rtl_sa("rtl_sa"),
      model_sa("model_sa"), rtl_out("rtl_out"), model_out("model_out");
  sc_core::sc_signal<bool> rtl_overflow("rtl_overflow"), model_overflow("model_overflow");

  Vpe_mixpe_w4a8_sc_g3_fp16 rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.a(a);
  rtl.a_scale(a_scale), rtl.q(q), rtl.z(z), rtl.w_scale(w_scale), rtl.group_end(group_end);
  rtl.p(rtl_p), rtl.s(rtl_s), rtl.acc(rtl_acc), rtl.s_a(rtl_sa), rtl.overflow(rtl_overflow);
  rtl.out(rtl_out);
  sc::MixpeW4A8Sc model("model", spec);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear), model.a(a);
  model.a_scale(a_scale), model.q(q), model.z(z), model.w_scale(w_scale);
  model.group_end(group_end), model.p(model_p), model.s(model_s), model.acc(model_acc);
  model.s_a(model_sa), model.overflow(model_overflow), model.out(model_out);
  sc::LockstepLog log("mixpe w4a8 (2-bit weights, groups of 3, fp16 out)");
  sc::MixpeBench bench("bench", spec, log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.group_end(group_end), bench.a(a), bench.a_scale(a_scale), bench.q(q), bench.z(z);
  bench.w_scale(w_scale), bench.rtl_p(rtl_p), bench.model_p(model_p), bench.rtl_s(rtl_s);
  bench.model_s(model_s), bench.rtl_acc(rtl_acc), bench.model_acc(model_acc);
  bench.rtl_sa(rtl_sa), bench.model_sa(model_sa), bench.rtl_overflow(rtl_overflow);
  bench.model_overflow(model_overflow), bench.rtl_out(rtl_out), bench.model_out(model_out);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
