// SPDX-License-Identifier: Apache-2.0
// One verilated PE computing whole output chains of a GEMM O = A x W, one output at a time: for
// O[i][j] it starts a new chain, feeds the K operand pairs in the kind's canonical order (k
// ascending, in the LUT groups or digit groups its steps take; docs/PE_SEMANTICS.md), waits out
// the PE's documented latency and reads the output port. rtl_gemm.h runs one over every output.
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

// arch/gemm_operands.h names pe::LutOperand without including pe/lut_tc.h: the PE kinds first.
#include "pe/pe_config.h"

#include "arch/gemm_operands.h"
#include "sim/core/errors.h"
#include "sim/cosim/verilated_pe.h"

namespace tpesim::cosim {

class RtlChainPe {
 public:
  virtual ~RtlChainPe() = default;
  // O[i][j] of the operands the PE was made for, coded as the C++ kinds write outputs
  // (pe::output_coding): integer kinds the accumulator sign-extended, float kinds the output
  // format's bit pattern.
  virtual std::int64_t output(std::int64_t i, std::int64_t j) = 0;
  // Clock edges taken since reset, over every output computed so far (table builds included).
  virtual std::uint64_t cycles() const = 0;
};

// Makes the PE for `pe` (a spec with the verilated set's parameters) and the GEMM `op`, which it
// holds by reference (op must outlive it).
using RtlChainFactory = std::function<std::unique_ptr<RtlChainPe>(const pe::PeConfig& pe,
                                                                  const arch::GemmOperands& op)>;

// The chain driver of one verilated parameter set.
struct RtlChainModel {
  std::string model;     // the verilated class, as VerilatedPeModel::model names it
  std::string note;      // what is not the PE's Verilog (lmul's adds, C++ tables); empty: none
  RtlChainFactory make;  // the driver
};

// Every verilated PE model's chain driver (rtl_chain_*.cpp, one per family of kinds).
std::vector<RtlChainModel> rtl_chain_models();
// The driver of the verilated class `model`; throws ModelError when it has none (a catalogue
// entry without a chain driver is a simulator bug: rtl_chain_models() must list them all).
const RtlChainModel& find_rtl_chain(const std::string& model);

// The per-family lists rtl_chain_models() joins.
std::vector<RtlChainModel> int_chain_models();     // int_mac, bitslice booth_csa, serial_digit
std::vector<RtlChainModel> float_chain_models();   // fp_mac, lmul
std::vector<RtlChainModel> mixpe_chain_models();   // mixpe W4A8
std::vector<RtlChainModel> lut_tc_chain_models();  // lut_tc (fp16 activations)

// The seed of the verilated registers' random initial values (reset clears them).
inline constexpr std::uint64_t kRtlChainSeed = 1;

// The shared part of a chain driver: the verilated model, its clock and reset, and the edges
// counted.
template <class Model>
class VerilatedChainPe : public RtlChainPe {
 public:
  std::uint64_t cycles() const override { return m_pe.cycle(); }

 protected:
  VerilatedChainPe() : m_pe(kRtlChainSeed) {}
  Model& model() { return m_pe.model(); }
  void edge() { m_pe.edge(); }

 private:
  VerilatedPe<Model> m_pe;  // the verilated module, reset
};

// The spec of kind Spec in `pe`; throws ModelError for another kind (a driver registered for the
// wrong kind).
template <class Spec>
const Spec& chain_spec(const pe::PeConfig& pe) {
  const Spec* spec = std::get_if<Spec>(&pe);
  TPESIM_CHECK(spec != nullptr, "RTL chain driver for {} given a {} PE", Spec::kKind,
               pe::pe_kind_name(pe));
  return *spec;
}

// A factory making Driver (constructed from the kind's spec and the operands).
template <class Driver, class Spec>
RtlChainFactory chain_factory() {
  return [](const pe::PeConfig& pe, const arch::GemmOperands& op) -> std::unique_ptr<RtlChainPe> {
    return std::make_unique<Driver>(chain_spec<Spec>(pe), op);
  };
}

}  // namespace tpesim::cosim
