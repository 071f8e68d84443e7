// SPDX-License-Identifier: Apache-2.0
// What a GPU golden vector (tests/golden/<kind>/*.txt, gpu_ref/golden_file.h) asks of the RTL:
// the PE its parameters describe, its operands regenerated from the seed (as
// tests/gpu_ref/golden_vectors_test.cpp rebuilds them), and the verilated models whose values it
// checks.
#pragma once

#include <string>
#include <vector>

#include "gpu_ref/golden_file.h"
// arch/gemm_operands.h names pe::LutOperand without including pe/lut_tc.h: the PE kinds first.
#include "pe/pe_config.h"

#include "arch/gemm_operands.h"
#include "sim/cosim/verilated_catalogue.h"

namespace tpesim::cosim {

// The PE the file's parameters describe. Throws UserError naming the file's bad value (an
// unknown format, variant or activation name).
pe::PeConfig golden_pe(const gpu_ref::GoldenVector& g);

// The file's operands: int_mac workloads::uniform_signed(seed, seed + 1), float kinds
// gpu_ref::float_operands, group-quantized kinds gpu_ref::quant_operands.
arch::GemmOperands golden_operands(const gpu_ref::GoldenVector& g);

// One verilated model that computes the file's values, and the PE to drive it as.
struct GoldenRtlCheck {
  const VerilatedPeModel* model = nullptr;  // the catalogue entry
  pe::PeConfig pe;                          // its parameters, with the file's group sizes
};

// The verilated models whose outputs must equal the file's: the one with the file's PE
// parameters (find_verilated_pe), and for an int_mac file every bitslice booth_csa or
// serial_digit set with its a_bits, w_bits, acc_bits and overflow (the same values, any lanes).
// Empty when none has them.
std::vector<GoldenRtlCheck> golden_rtl_checks(const pe::PeConfig& file_pe);

// "pe_fp_mac A_E=5 ..." for the file's PE, or the kind's name and why it has no Verilog module.
std::string describe_rtl_params(const pe::PeConfig& pe);

}  // namespace tpesim::cosim
