// SPDX-License-Identifier: Apache-2.0
// SystemC mode, bitslice booth_csa: rtl/pe_bitslice_booth_csa.sv (6 x 5 -> 14 bits, wrapping
// often), Verilated as an sc_module, and BoothCsaSc (the C++ arithmetic) on one sc_clock. Every
// cycle: acc, nonzero_digits, and the RTL's redundant pair (acc_sum + acc_carry mod 2^14 must be
// the model's acc). Stimulus: edge operands a quarter of the time, in_valid 3/4 of the time, a
// new chain 1/512 of the time.
#include <array>
#include <cstdint>
#include <random>
#include <systemc>

#include "Vpe_bitslice_booth_csa_sc_narrow.h"
#include "tests/systemc/bitslice_booth_csa_sc.h"
#include "tests/systemc/lockstep_bench.h"

namespace tpesim::sc {
namespace {

constexpr std::int64_t kCycles = 200000;  // compared cycles

class BoothBench : public LockstepBench {
 public:
  sc_core::sc_out<bool> in_valid, in_clear;                // driven inputs
  sc_core::sc_out<std::uint32_t> a, w;                     // operand patterns
  sc_core::sc_in<std::uint32_t> rtl_acc, model_acc;        // the two accumulators
  sc_core::sc_in<std::uint32_t> rtl_sum, rtl_carry;        // the RTL's redundant pair
  sc_core::sc_in<std::uint32_t> model_sum, model_carry;    // the model's (acc, 0)
  sc_core::sc_in<std::uint32_t> rtl_digits, model_digits;  // partial products
  sc_core::sc_in<bool> rtl_overflow, model_overflow;       // the MAC was clamped (saturate)

  BoothBench(const sc_core::sc_module_name& name, const pe::BitsliceSpec& spec, LockstepLog& log)
      : LockstepBench(name, 21, kCycles, log), m_spec(spec) {}

  void coverage(LockstepLog& log) const override {
    log.require(m_redundant > kCycles / 4, "a non-zero carry vector a quarter of the time");
    for (std::size_t n = 0; n < m_digit_counts.size(); ++n)
      log.require(m_digit_counts[n] > 0, "a MAC with " + std::to_string(n) + " Booth digits");
  }

 protected:
  void drive(std::mt19937_64& rng) override {
    in_valid.write(rng() % 4 != 0);
    in_clear.write(rng() % 512 == 0);
    a.write(static_cast<std::uint32_t>(pattern(operand(rng, m_spec.a_bits), m_spec.a_bits)));
    w.write(static_cast<std::uint32_t>(pattern(operand(rng, m_spec.w_bits), m_spec.w_bits)));
  }
  void check(std::int64_t cycle, LockstepLog& log) override {
    const auto mask = static_cast<std::uint32_t>(pe::uint_max(m_spec.acc_bits));
    log.compare(cycle, "acc", rtl_acc.read(), model_acc.read());
    log.compare(cycle, "acc_sum + acc_carry", (rtl_sum.read() + rtl_carry.read()) & mask,
                (model_sum.read() + model_carry.read()) & mask);
    log.compare(cycle, "nonzero_digits", rtl_digits.read(), model_digits.read());
    log.compare(cycle, "overflow", rtl_overflow.read(), model_overflow.read());
    m_redundant += rtl_carry.read() != 0;
    if (model_digits.read() < m_digit_counts.size()) ++m_digit_counts[model_digits.read()];
  }

 private:
  pe::BitsliceSpec m_spec;                       // the verilated parameter set
  std::int64_t m_redundant = 0;                  // cycles with a non-zero RTL carry vector
  std::array<std::int64_t, 4> m_digit_counts{};  // cycles by nonzero_digits (0..3 for 5 bits)
};

pe::BitsliceSpec narrow_spec() {
  pe::BitsliceSpec spec;
  spec.variant = pe::BitsliceVariant::BoothCsa;
  spec.a_bits = 6;
  spec.w_bits = 5;
  spec.acc_bits = 14;
  spec.overflow = pe::Overflow::Wrap;
  return spec;
}

}  // namespace
}  // namespace tpesim::sc

int sc_main(int, char*[]) {
  using namespace tpesim;
  const pe::BitsliceSpec spec = sc::narrow_spec();
  sc_core::sc_clock clk("clk", 1, sc_core::SC_NS);
  sc_core::sc_signal<bool> rst("rst", true), in_valid("in_valid"), in_clear("in_clear");
  sc_core::sc_signal<std::uint32_t> a("a"), w("w");
  sc_core::sc_signal<std::uint32_t> rtl_sum("rtl_sum"), rtl_carry("rtl_carry"), rtl_acc("rtl_acc"),
      rtl_digits("rtl_digits");
  sc_core::sc_signal<std::uint32_t> model_sum("model_sum"), model_carry("model_carry"),
      model_acc("model_acc"), model_digits("model_digits");
  sc_core::sc_signal<bool> rtl_overflow("rtl_overflow"), model_overflow("model_overflow");

  Vpe_bitslice_booth_csa_sc_narrow rtl("rtl");
  rtl.clk(clk), rtl.rst(rst), rtl.in_valid(in_valid), rtl.in_clear(in_clear), rtl.a(a), rtl.w(w);
  rtl.acc_sum(rtl_sum), rtl.acc_carry(rtl_carry), rtl.acc(rtl_acc);
  rtl.nonzero_digits(rtl_digits), rtl.overflow(rtl_overflow);
  sc::BoothCsaSc model("model", spec);
  model.clk(clk), model.rst(rst), model.in_valid(in_valid), model.in_clear(in_clear);
  model.a(a), model.w(w), model.acc_sum(model_sum), model.acc_carry(model_carry);
  model.acc(model_acc), model.nonzero_digits(model_digits), model.overflow(model_overflow);
  sc::LockstepLog log("bitslice booth_csa narrow (6 x 5 -> 14, wrap)");
  sc::BoothBench bench("bench", spec, log);
  bench.clk(clk), bench.rst(rst), bench.in_valid(in_valid), bench.in_clear(in_clear);
  bench.a(a), bench.w(w), bench.rtl_acc(rtl_acc), bench.model_acc(model_acc);
  bench.rtl_sum(rtl_sum), bench.rtl_carry(rtl_carry), bench.model_sum(model_sum);
  bench.model_carry(model_carry), bench.rtl_digits(rtl_digits), bench.model_digits(model_digits);
  bench.rtl_overflow(rtl_overflow), bench.model_overflow(model_overflow);
  return sc::run_lockstep(bench, log, sc::kCycles);
}
