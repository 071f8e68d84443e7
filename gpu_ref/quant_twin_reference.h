// SPDX-License-Identifier: Apache-2.0
// The simulator's own definitions of a group-quantized GEMM (pe/mixpe.h, pe/lut_tc.h through
// arch::prepare_operands and workloads::golden_gemm), in the twins' result form: what the twin
// kernels and their host chains (gpu_ref/quant_twin.h) are checked against. Needs the pe and arch
// libraries (not the nvcc-only scripts/gpu-golden build).
#pragma once

#include <bit>

// arch/gemm_operands.h names pe::LutOperand without including pe/lut_tc.h: the PE kinds first.
#include "pe/lut_tc.h"
#include "pe/mixpe.h"

#include "arch/gemm_operands.h"
#include "gpu_ref/gpu_ref.h"
#include "workloads/golden_gemm.h"

namespace tpesim::gpu_ref {

inline pe::FloatFormat pe_format(const FloatFields& f) {
  return {f.exp_bits, f.man_bits, f.ieee_special};
}

inline pe::MixpeSpec mixpe_spec(const QuantGemm& g) {
  pe::MixpeSpec s;
  s.variant = g.int8_activations ? pe::MixpeVariant::W4A8 : pe::MixpeVariant::W4A16;
  s.w_bits = g.w_bits;
  s.group_size = static_cast<int>(g.group_size);
  s.out_format = pe_format(g.out_format);
  return s;
}

inline pe::LutTcSpec lut_tc_spec(const QuantGemm& g) {
  pe::LutTcSpec s;
  s.activation = g.int8_activations ? pe::LutActivation::Int8 : pe::LutActivation::Fp16;
  s.w_bits = g.w_bits;
  s.lut_group = g.lut_group;
  s.table_format = static_cast<pe::LutTableFormat>(g.table_format);
  s.acc_format = pe_format(g.acc_format);
  s.group_size = static_cast<int>(g.group_size);
  s.out_format = pe_format(g.out_format);
  return s;
}

inline arch::GemmOperands gemm_operands(const QuantGemm& g, const QuantOperands& op) {
  arch::GemmOperands o;
  o.m = g.m;
  o.n = g.n;
  o.k = g.k;
  o.a = op.a;
  o.w = op.w;
  o.quant.group_size = g.group_size;
  o.quant.w_scales = op.w_scales;
  o.quant.w_zeros = op.w_zeros;
  o.quant.a_scales = op.a_scales;
  return o;
}

// Runs Arith's golden GEMM; `acc` is the binary32 accumulator Arith keeps (`acc` or `out`).
template <class Arith, class AccOf>
FloatGemmResult pe_gemm(const Arith& arith, const arch::GemmOperands& o, AccOf acc_of) {
  const auto ops = arch::prepare_operands(arith, o);
  FloatGemmResult r;
  const auto accs = workloads::golden_gemm(arith, ops.m, ops.n, ops.k, ops.a, ops.w, &r.overflows);
  for (const auto& acc : accs) {
    r.acc.push_back(static_cast<std::int64_t>(std::bit_cast<std::uint32_t>(acc_of(acc))));
    r.out.push_back(arith.output(acc));
  }
  return r;
}

inline FloatGemmResult pe_quant_gemm(const QuantGemm& g, const QuantOperands& op, bool lut) {
  const arch::GemmOperands o = gemm_operands(g, op);
  if (!lut) {
    if (g.int8_activations) {
      return pe_gemm(pe::MixpeW4A8Arith(mixpe_spec(g)), o, [](const auto& a) { return a.acc; });
    }
    return pe_gemm(pe::MixpeW4A16Arith(mixpe_spec(g)), o, [](const auto& a) { return a.acc; });
  }
  if (g.int8_activations) {
    return pe_gemm(pe::LutTcInt8Arith(lut_tc_spec(g)), o, [](const auto& a) { return a.out; });
  }
  return pe_gemm(pe::LutTcArith(lut_tc_spec(g)), o, [](const auto& a) { return a.out; });
}

}  // namespace tpesim::gpu_ref
