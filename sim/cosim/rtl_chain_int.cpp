// SPDX-License-Identifier: Apache-2.0
// Chain drivers of the integer PEs: rtl/pe_int_mac.sv and rtl/pe_bitslice_booth_csa.sv (one MAC
// per edge, k ascending, the accumulator read after the last edge) and
// rtl/pe_bitslice_serial_digit.sv (LANES consecutive k per step, the next step offered when busy
// drops, the accumulator read once the last step is done).
#include <algorithm>

#include "Vpe_bitslice_booth_csa_int8.h"
#include "Vpe_bitslice_booth_csa_narrow.h"
#include "Vpe_bitslice_serial_digit_int8.h"
#include "Vpe_bitslice_serial_digit_lane1.h"
#include "Vpe_bitslice_serial_digit_narrow.h"
#include "Vpe_int_mac_int8.h"
#include "Vpe_int_mac_sat18.h"
#include "Vpe_int_mac_wrap32.h"
#include "sim/cosim/booth_csa_lockstep.h"
#include "sim/cosim/int_mac_lockstep.h"
#include "sim/cosim/rtl_chain.h"
#include "sim/cosim/serial_digit_lockstep.h"

namespace tpesim::cosim {

namespace {

std::int32_t a_at(const arch::GemmOperands& op, std::int64_t i, std::int64_t k) {
  return op.a[static_cast<std::size_t>(i * op.k + k)];
}
std::int32_t w_at(const arch::GemmOperands& op, std::int64_t k, std::int64_t j) {
  return op.w[static_cast<std::size_t>(k * op.n + j)];
}

template <class Model>
class IntMacChain final : public VerilatedChainPe<Model> {
 public:
  IntMacChain(const pe::IntMacSpec& spec, const arch::GemmOperands& op) : m_spec(spec), m_op(op) {}
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      drive_int_mac(this->model(), m_spec, {true, k == 0, a_at(m_op, i, k), w_at(m_op, k, j)});
      this->edge();
    }
    return pe::wrap_signed(static_cast<std::int64_t>(this->model().acc), m_spec.acc_bits);
  }

 private:
  pe::IntMacSpec m_spec;           // the verilated parameter set
  const arch::GemmOperands& m_op;  // the GEMM
};

template <class Model>
class BoothCsaChain final : public VerilatedChainPe<Model> {
 public:
  BoothCsaChain(const pe::BitsliceSpec& spec, const arch::GemmOperands& op)
      : m_spec(spec), m_op(op) {}
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      drive_booth_csa(this->model(), m_spec, {true, k == 0, a_at(m_op, i, k), w_at(m_op, k, j)});
      this->edge();
    }
    return booth_csa_acc(this->model(), m_spec);
  }

 private:
  pe::BitsliceSpec m_spec;         // the verilated parameter set
  const arch::GemmOperands& m_op;  // the GEMM
};

template <class Model>
class SerialDigitChain final : public VerilatedChainPe<Model> {
 public:
  SerialDigitChain(const pe::BitsliceSpec& spec, const arch::GemmOperands& op)
      : m_spec(spec), m_op(op) {}
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    const std::int64_t lanes = m_spec.digit_group;
    SerialDigitInputs in;
    for (std::int64_t k0 = 0; k0 < m_op.k; k0 += lanes) {
      // A partial last group is a full one padded with zero activations (no cycles, no value).
      in.a.assign(static_cast<std::size_t>(lanes), 0);
      in.w.assign(static_cast<std::size_t>(lanes), 0);
      for (std::int64_t l = 0; l < lanes && k0 + l < m_op.k; ++l) {
        in.a[static_cast<std::size_t>(l)] = a_at(m_op, i, k0 + l);
        in.w[static_cast<std::size_t>(l)] = w_at(m_op, k0 + l, j);
      }
      in.valid = true;
      in.clear = k0 == 0;
      drive_serial_digit(this->model(), m_spec, in);
      this->edge();
      this->model().in_valid = 0;
      while (this->model().busy) this->edge();
    }
    return serial_digit_acc(this->model(), m_spec);
  }

 private:
  pe::BitsliceSpec m_spec;         // the verilated parameter set (LANES = digit_group)
  const arch::GemmOperands& m_op;  // the GEMM
};

}  // namespace

std::vector<RtlChainModel> int_chain_models() {
  using pe::BitsliceSpec, pe::IntMacSpec;
  return {{"Vpe_int_mac_wrap32", "", chain_factory<IntMacChain<Vpe_int_mac_wrap32>, IntMacSpec>()},
          {"Vpe_int_mac_sat18", "", chain_factory<IntMacChain<Vpe_int_mac_sat18>, IntMacSpec>()},
          {"Vpe_int_mac_int8", "", chain_factory<IntMacChain<Vpe_int_mac_int8>, IntMacSpec>()},
          {"Vpe_bitslice_booth_csa_int8", "",
           chain_factory<BoothCsaChain<Vpe_bitslice_booth_csa_int8>, BitsliceSpec>()},
          {"Vpe_bitslice_booth_csa_narrow", "",
           chain_factory<BoothCsaChain<Vpe_bitslice_booth_csa_narrow>, BitsliceSpec>()},
          {"Vpe_bitslice_serial_digit_int8", "",
           chain_factory<SerialDigitChain<Vpe_bitslice_serial_digit_int8>, BitsliceSpec>()},
          {"Vpe_bitslice_serial_digit_narrow", "",
           chain_factory<SerialDigitChain<Vpe_bitslice_serial_digit_narrow>, BitsliceSpec>()},
          {"Vpe_bitslice_serial_digit_lane1", "",
           chain_factory<SerialDigitChain<Vpe_bitslice_serial_digit_lane1>, BitsliceSpec>()}};
}

}  // namespace tpesim::cosim
