// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/rtl_value_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "sim/core/errors.h"
#include "sim/cosim/array_rtl_gemm.h"
#include "sim/cosim/rtl_chain.h"
#include "sim/cosim/rtl_gemm.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/synth/rtl_target.h"

namespace tpesim::cosim {

std::string VerilatedValueEngine::unsupported(const arch::ArraySpec& array) const {
  if (match_verilated_array(array).found() || match_verilated_pe(array.pe) != nullptr) return {};
  const std::string kind = pe::pe_kind_name(array.pe);
  std::string wanted;
  try {
    wanted = fmt::format("no verilated model of {}", describe(synth::rtl_target(array.pe)));
  } catch (const UserError&) {
    wanted = fmt::format("{} with these parameters has no Verilog", kind);
  }
  return fmt::format("{}; verilated sets of {}: {} (docs/RTL.md lists every verilated set)", wanted,
                     kind, verilated_sets_of(kind));
}

arch::RtlValues VerilatedValueEngine::compute(const arch::ArchSpec& arch,
                                              const arch::GemmOperands& codes) const {
  const VerilatedArraySet set = match_verilated_array(arch.array);
  if (set.found()) return rtl_array_gemm(set, arch, codes);
  const VerilatedPeModel* model = match_verilated_pe(arch.array.pe);
  TPESIM_CHECK(model != nullptr, "rtl_{} bound with no verilated model of its parameters",
               pe::pe_kind_name(arch.array.pe));
  const int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  RtlGemmResult r = rtl_gemm(*model, arch.array.pe, codes, threads);
  arch::RtlValues values;
  values.outputs = std::move(r.outputs);
  values.source = fmt::format("verilated PE {}, one output chain at a time{}", r.model,
                              r.note.empty() ? "" : fmt::format(" ({})", r.note));
  values.cycles = r.cycles;
  return values;
}

void install_verilated_values() {
  static const VerilatedValueEngine engine;
  arch::set_rtl_value_engine(&engine);
}

}  // namespace tpesim::cosim
