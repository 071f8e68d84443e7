// SPDX-License-Identifier: Apache-2.0
// The cost model's PE area from synthesis (tech.pe_area: yosys): the PE's Verilog synthesized
// (or read from the synthesis cache), scaled to tech.node_nm / tech.vdd_v, plus the parts of the
// PE that the Verilog lacks, priced with the table.
#pragma once

#include "arch/arch_spec.h"
#include "arch/cost_model.h"
#include "arch/tech_table.h"

namespace tpesim::synth {

// Throws UserError when the PE has no Verilog or Yosys, OpenSTA or the liberty is missing.
arch::SynthesizedPeArea synthesized_pe_area(const arch::ArchSpec& arch,
                                            const arch::TechTable& table);

}  // namespace tpesim::synth
