// SPDX-License-Identifier: Apache-2.0
// `tpesim verify-rtl --golden DIR [--arch ARCH.yaml]`: the verilated PEs run on the committed GPU
// golden vectors (tests/golden/<kind>/*.txt) and compared bit for bit with the outputs the GPU
// twin kernels produced (docs/RTL.md, "RTL against the GPU goldens").
#pragma once

#include <string>

#include "pe/pe_config.h"

namespace tpesim::cosim {

// Checks every golden file of DIR (or, when DIR holds none, of each of its sub-folders: one per
// kind) against every verilated model that computes its values (golden_rtl_checks). With
// `arch_pe`, only the files and models of that PE. Prints, per check, the file, the model,
// outputs compared, mismatches (the first with both values), cycles stepped and cycles/s; one
// line per file without a verilated model. Returns 0 when every compared output matched, 1 on a
// mismatch, 2 when a kind's folder has no checkable file (naming the verilated sets of that
// kind), or, with `arch_pe`, when no file has its parameters. Throws UserError for a missing
// folder, an unreadable or malformed file, or an arch PE without a verilated model.
int run_verify_golden(const std::string& dir, const pe::PeConfig* arch_pe);

}  // namespace tpesim::cosim
