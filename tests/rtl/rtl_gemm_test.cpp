// SPDX-License-Identifier: Apache-2.0
// The RTL GEMM driver (sim/cosim/rtl_gemm.h): every verilated PE of the catalogue has a chain
// driver, and a whole GEMM on it equals the CPU golden GEMM of its C++ arithmetic, output for
// output (shapes with partial digit, LUT and scale groups).
#include <gtest/gtest.h>

#include "arch/simulate.h"
#include "sim/cosim/rtl_chain.h"
#include "sim/cosim/rtl_gemm.h"
#include "sim/cosim/verilated_catalogue.h"
#include "tests/support/random_cases.h"

namespace tpesim {
namespace {

// Every catalogue entry has a chain driver and every driver a catalogue entry.
TEST(RtlGemmTest, EveryVerilatedModelHasAChainDriver) {
  for (const cosim::VerilatedPeModel& m : cosim::verilated_pe_models()) {
    EXPECT_NO_THROW(cosim::find_rtl_chain(m.model)) << m.model;
  }
  EXPECT_EQ(cosim::rtl_chain_models().size(), cosim::verilated_pe_models().size());
}

// A 7 x 5 x 37 GEMM (K a multiple of no lane, LUT or scale group) on every verilated model
// equals the C++ golden GEMM of the same operands (run.seed's uniform operands).
TEST(RtlGemmTest, EveryModelMatchesCppGoldenGemm) {
  const workloads::Gemm gemm{"rtl", 7, 5, 37, 1};
  for (const cosim::VerilatedPeModel& m : cosim::verilated_pe_models()) {
    SCOPED_TRACE(m.model);
    arch::ArchSpec a;
    a.array.pe = m.pe;
    a.run.seed = 3;
    const arch::GemmOperands codes = arch::make_operands(a, gemm, 0);
    const cosim::RtlGemmResult r = cosim::rtl_gemm(m, m.pe, codes);
    const auto golden = testing_support::golden_outputs(m.pe, codes).first;
    ASSERT_EQ(r.outputs.size(), golden.size());
    for (std::size_t i = 0; i < golden.size(); ++i) {
      ASSERT_EQ(r.outputs[i], golden[i]) << "output " << i;
    }
    EXPECT_GE(r.cycles, static_cast<std::uint64_t>(gemm.m * gemm.n * pe::array_k(m.pe, gemm.k)));
  }
}

// The outputs split over 3 instances in 3 threads (shares that start and end inside rows) are
// those of one instance (lut_tc: tables built per row; serial_digit: a multi-cycle PE).
TEST(RtlGemmTest, ThreadsDoNotChangeTheOutputs) {
  const workloads::Gemm gemm{"rtl", 10, 6, 29, 1};
  for (const char* model :
       {"Vpe_int_mac_int8", "Vpe_lut_tc_kg4_b2", "Vpe_bitslice_serial_digit_int8"}) {
    SCOPED_TRACE(model);
    const cosim::VerilatedPeModel* m = nullptr;
    for (const cosim::VerilatedPeModel& e : cosim::verilated_pe_models()) {
      if (e.model == model) m = &e;
    }
    ASSERT_NE(m, nullptr);
    arch::ArchSpec a;
    a.array.pe = m->pe;
    const arch::GemmOperands codes = arch::make_operands(a, gemm, 0);
    const cosim::RtlGemmResult one = cosim::rtl_gemm(*m, m->pe, codes, 1);
    const cosim::RtlGemmResult three = cosim::rtl_gemm(*m, m->pe, codes, 3);
    EXPECT_EQ(three.outputs, one.outputs);
    EXPECT_EQ(three.outputs, testing_support::golden_outputs(m->pe, codes).first);
  }
}

// A PE with no verilated set: the catalogue's UserError, naming the sets that exist.
TEST(RtlGemmTest, UnverilatedParametersAreAUserError) {
  arch::GemmOperands op;
  op.m = op.n = op.k = 1;
  op.a = {1};
  op.w = {1};
  EXPECT_THROW(cosim::rtl_gemm(pe::IntMacSpec{4, 4, 8, pe::Overflow::Wrap}, op), UserError);
}

}  // namespace
}  // namespace tpesim
