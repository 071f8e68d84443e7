// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/golden_case.h"

#include <fmt/format.h>

#include "gpu_ref/golden_operands.h"
#include "gpu_ref/quant_twin_reference.h"
#include "pe/float_format.h"
#include "sim/core/errors.h"
#include "sim/synth/rtl_target.h"
#include "workloads/operands.h"

namespace tpesim::cosim {

namespace {

pe::FloatFormat format_named(const std::string& name, const char* key) {
  const auto f = pe::parse_float_format(name);
  if (!f)
    throw UserError(fmt::format("error: golden file: {}: unknown float format '{}'", key, name));
  return *f;
}

gpu_ref::FloatFields fields_of(const pe::FloatFormat& f) {
  return {f.exp_bits, f.man_bits, f.ieee_special};
}

gpu_ref::QuantGemm quant_gemm(const gpu_ref::GoldenVector& g) {
  std::string error;
  const auto q = gpu_ref::golden_quant_gemm(g, &error);
  if (!q) throw UserError(fmt::format("error: golden file: {}", error));
  return *q;
}

// The value parameters of an int_mac or bitslice PE: a_bits, w_bits, acc_bits, overflow.
struct IntValues {
  int a_bits = 0, w_bits = 0, acc_bits = 0;    // widths, bits
  pe::Overflow overflow = pe::Overflow::Wrap;  // past acc_bits: wrap or saturate
  bool operator==(const IntValues&) const = default;
};

std::optional<IntValues> int_values(const pe::PeConfig& pe) {
  if (const auto* s = std::get_if<pe::IntMacSpec>(&pe)) {
    return IntValues{s->a_bits, s->w_bits, s->acc_bits, s->overflow};
  }
  if (const auto* s = std::get_if<pe::BitsliceSpec>(&pe)) {
    return IntValues{s->a_bits, s->w_bits, s->acc_bits, s->overflow};
  }
  return std::nullopt;
}

}  // namespace

pe::PeConfig golden_pe(const gpu_ref::GoldenVector& g) {
  switch (g.kind) {
    case gpu_ref::GoldenKind::IntMac:
      return pe::IntMacSpec{g.a_bits, g.w_bits, g.acc_bits,
                            g.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap};
    case gpu_ref::GoldenKind::FpMac:
      return pe::FpMacSpec{format_named(g.a_format, "a_format"),
                           format_named(g.w_format, "w_format"),
                           format_named(g.out_format, "out_format")};
    case gpu_ref::GoldenKind::Lmul:
      return pe::LmulSpec{format_named(g.format, "format"),
                          format_named(g.acc_format, "acc_format")};
    case gpu_ref::GoldenKind::Mixpe:
      return gpu_ref::mixpe_spec(quant_gemm(g));
    case gpu_ref::GoldenKind::LutTc:
      return gpu_ref::lut_tc_spec(quant_gemm(g));
  }
  throw UserError("error: golden file: unknown kind");
}

arch::GemmOperands golden_operands(const gpu_ref::GoldenVector& g) {
  if (g.kind == gpu_ref::GoldenKind::Mixpe || g.kind == gpu_ref::GoldenKind::LutTc) {
    const gpu_ref::QuantGemm q = quant_gemm(g);
    return gpu_ref::gemm_operands(q, gpu_ref::quant_operands(q, g.seed, g.edge_per_mille));
  }
  arch::GemmOperands op;
  op.m = g.m;
  op.n = g.n;
  op.k = g.k;
  const pe::PeConfig pe = golden_pe(g);
  if (const auto* s = std::get_if<pe::IntMacSpec>(&pe)) {
    op.a = workloads::uniform_signed(g.m * g.k, s->a_bits, g.seed);
    op.w = workloads::uniform_signed(g.k * g.n, s->w_bits, g.seed + 1);
  } else if (const auto* f = std::get_if<pe::FpMacSpec>(&pe)) {
    op.a = gpu_ref::float_operands(fields_of(f->a_format), g.m * g.k, g.seed, g.edge_per_mille);
    op.w = gpu_ref::float_operands(fields_of(f->w_format), g.k * g.n, g.seed + 1, g.edge_per_mille);
  } else {
    const auto& l = std::get<pe::LmulSpec>(pe);
    op.a = gpu_ref::float_operands(fields_of(l.format), g.m * g.k, g.seed, g.edge_per_mille);
    op.w = gpu_ref::float_operands(fields_of(l.format), g.k * g.n, g.seed + 1, g.edge_per_mille);
  }
  return op;
}

std::vector<GoldenRtlCheck> golden_rtl_checks(const pe::PeConfig& file_pe) {
  std::vector<GoldenRtlCheck> checks;
  if (const std::optional<IntValues> values = int_values(file_pe)) {
    // int_mac, booth_csa and serial_digit compute the same values (docs/PE_SEMANTICS.md).
    for (const VerilatedPeModel& m : verilated_pe_models()) {
      if (int_values(m.pe) == values) checks.push_back({&m, m.pe});
    }
    return checks;
  }
  try {
    checks.push_back({&find_verilated_pe(file_pe), file_pe});
  } catch (const UserError&) {
    // No verilated set has these parameters: the caller reports the file as not checked.
  }
  return checks;
}

std::string describe_rtl_params(const pe::PeConfig& pe) {
  try {
    return describe(synth::rtl_target(pe));
  } catch (const UserError& e) {
    // synth's message: "error: synth maps no Verilog module to WHAT; synthesizable PEs: ...".
    const std::string text = e.what();
    const std::string lead = "error: synth maps no Verilog module to ";
    const std::size_t end = text.find("; synthesizable PEs");
    if (text.starts_with(lead) && end != std::string::npos) {
      return text.substr(lead.size(), end - lead.size()) + " (no Verilog module)";
    }
    return fmt::format("{} with these parameters (no Verilog module)", pe::pe_kind_name(pe));
  }
}

}  // namespace tpesim::cosim
