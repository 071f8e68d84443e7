// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/pe_area.h"

#include <fmt/format.h>

#include "sim/core/errors.h"
#include "sim/synth/node_scaled.h"
#include "sim/synth/rtl_target.h"
#include "sim/synth/synth_flow.h"

namespace tpesim::synth {

arch::SynthesizedPeArea synthesized_pe_area(const arch::ArchSpec& arch,
                                            const arch::TechTable& table) {
  RtlTarget target;
  SynthResult r;
  try {
    target = rtl_target(arch.array.pe);
    r = synthesize(target, default_synth_env());
  } catch (const UserError& e) {
    const std::string why = e.what();
    const std::string prefix = "error: ";
    throw UserError("error: tech.pe_area: yosys: " +
                    (why.starts_with(prefix) ? why.substr(prefix.size()) : why));
  }
  const NodeScaled s = scale_to_node(r, table, arch.tech.node_nm, arch.tech.vdd_v);
  return {target.module,
          fmt::format("synthesized Verilog: {} ({} cells, {} flip-flops)", target.scope,
                      r.cell_count, r.flip_flops),
          s.area_um2, s.source, target.outside};
}

}  // namespace tpesim::synth
