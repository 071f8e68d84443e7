// SPDX-License-Identifier: Apache-2.0
// Chain drivers of the float PEs: rtl/pe_fp_mac.sv (one MAC per edge, k ascending, the output
// read port after the last edge) and rtl/pe_lmul.sv, which is the L-Mul multiplier only: each
// product's pattern and events come from the Verilog one edge after its operands, and the
// accumulation (LmulArith::add_product, RNE into acc_format) stays in C++, as in the cost model.
#include <type_traits>

#include "Vpe_fp_mac_bf16.h"
#include "Vpe_fp_mac_e4m3.h"
#include "Vpe_fp_mac_e4m3_e5m2.h"
#include "Vpe_fp_mac_e5m2.h"
#include "Vpe_fp_mac_fp16.h"
#include "Vpe_fp_mac_fp16_bf16.h"
#include "Vpe_fp_mac_fp16_fp32.h"
#include "Vpe_lmul_bf16.h"
#include "Vpe_lmul_e4m3.h"
#include "Vpe_lmul_e5m2.h"
#include "Vpe_lmul_fp16.h"
#include "pe/lmul.h"
#include "sim/cosim/fp_mac_lockstep.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

namespace {

std::uint32_t a_at(const arch::GemmOperands& op, std::int64_t i, std::int64_t k) {
  return static_cast<std::uint32_t>(op.a[static_cast<std::size_t>(i * op.k + k)]);
}
std::uint32_t w_at(const arch::GemmOperands& op, std::int64_t k, std::int64_t j) {
  return static_cast<std::uint32_t>(op.w[static_cast<std::size_t>(k * op.n + j)]);
}

template <class Model>
class FpMacChain final : public VerilatedChainPe<Model> {
 public:
  FpMacChain(const pe::FpMacSpec&, const arch::GemmOperands& op) : m_op(op) {}
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      FpMacInputs in;
      in.valid = true;
      in.clear = k == 0;
      in.a = a_at(m_op, i, k);
      in.w = w_at(m_op, k, j);
      drive_fp_mac(this->model(), in);
      this->edge();
    }
    return static_cast<std::uint32_t>(this->model().out);
  }

 private:
  const arch::GemmOperands& m_op;  // the GEMM
};

template <class Model>
class LmulChain final : public VerilatedChainPe<Model> {
 public:
  LmulChain(const pe::LmulSpec& spec, const arch::GemmOperands& op) : m_arith(spec), m_op(op) {}
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    Model& m = this->model();
    pe::LmulArith::Acc acc = pe::LmulArith::zero();
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      m.in_valid = 1;
      m.x = static_cast<std::remove_reference_t<decltype(m.x)>>(a_at(m_op, i, k));
      m.y = static_cast<std::remove_reference_t<decltype(m.y)>>(w_at(m_op, k, j));
      this->edge();
      const pe::LmulProduct p{static_cast<std::uint32_t>(m.p), m.flushed != 0, m.saturated != 0,
                              m.nan != 0};
      acc = m_arith.add_product(acc, p).value;
    }
    return m_arith.output(acc);
  }

 private:
  pe::LmulArith m_arith;           // the accumulation (formats)
  const arch::GemmOperands& m_op;  // the GEMM
};

template <class Model>
RtlChainModel fp_mac(const char* name) {
  return {name, "", chain_factory<FpMacChain<Model>, pe::FpMacSpec>()};
}
template <class Model>
RtlChainModel lmul(const char* name) {
  return {name, "products from the Verilog multiplier; the adds in C++ (LmulArith::add_product)",
          chain_factory<LmulChain<Model>, pe::LmulSpec>()};
}

}  // namespace

std::vector<RtlChainModel> float_chain_models() {
  return {fp_mac<Vpe_fp_mac_fp16>("Vpe_fp_mac_fp16"),
          fp_mac<Vpe_fp_mac_bf16>("Vpe_fp_mac_bf16"),
          fp_mac<Vpe_fp_mac_e4m3>("Vpe_fp_mac_e4m3"),
          fp_mac<Vpe_fp_mac_e5m2>("Vpe_fp_mac_e5m2"),
          fp_mac<Vpe_fp_mac_e4m3_e5m2>("Vpe_fp_mac_e4m3_e5m2"),
          fp_mac<Vpe_fp_mac_fp16_bf16>("Vpe_fp_mac_fp16_bf16"),
          fp_mac<Vpe_fp_mac_fp16_fp32>("Vpe_fp_mac_fp16_fp32"),
          lmul<Vpe_lmul_e4m3>("Vpe_lmul_e4m3"),
          lmul<Vpe_lmul_e5m2>("Vpe_lmul_e5m2"),
          lmul<Vpe_lmul_bf16>("Vpe_lmul_bf16"),
          lmul<Vpe_lmul_fp16>("Vpe_lmul_fp16")};
}

}  // namespace tpesim::cosim
