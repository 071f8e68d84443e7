// SPDX-License-Identifier: Apache-2.0
// A whole GEMM O = A x W computed by one verilated PE, output by output: each output's chain is
// cleared, fed its K operand pairs in the kind's canonical order and read at the PE's latency
// (rtl_chain.h). The values every output of the RTL gives, for comparison with the GPU goldens
// (`tpesim verify-rtl --golden`) and for the rtl_<kind> PE kinds.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

// arch/gemm_operands.h names pe::LutOperand without including pe/lut_tc.h: the PE kinds first.
#include "pe/pe_config.h"

#include "arch/gemm_operands.h"
#include "sim/cosim/verilated_catalogue.h"

namespace tpesim::cosim {

struct RtlGemmResult {
  std::string model;                  // the verilated class that computed it
  std::string note;                   // what was not the PE's Verilog (RtlChainModel::note)
  std::vector<std::int64_t> outputs;  // M x N, row-major, coded as pe::output_coding says
  std::uint64_t cycles = 0;           // clock edges stepped (table builds included)
  double seconds = 0;                 // wall time of the run, s
};

// Computes `op` with the verilated model `model`, driven with the parameters of `pe` (the same
// Verilog parameters as model.pe; the run's own group sizes). With `threads` > 1, that many
// instances of the model (each in its own Verilator context) take a share of the outputs
// each, in row-major order (the outputs do not depend on it; cycles are summed over them). Throws
// ModelError when op has K = 0 or the operand vectors do not match its shape.
RtlGemmResult rtl_gemm(const VerilatedPeModel& model, const pe::PeConfig& pe,
                       const arch::GemmOperands& op, int threads = 1);

// The same with the verilated model of pe's parameters (find_verilated_pe: throws UserError
// listing the verilated sets when there is none).
RtlGemmResult rtl_gemm(const pe::PeConfig& pe, const arch::GemmOperands& op);

}  // namespace tpesim::cosim
