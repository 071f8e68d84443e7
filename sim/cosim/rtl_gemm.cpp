// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/rtl_gemm.h"

#include <chrono>

#include "sim/core/errors.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

RtlGemmResult rtl_gemm(const VerilatedPeModel& model, const pe::PeConfig& pe,
                       const arch::GemmOperands& op) {
  TPESIM_CHECK(op.m > 0 && op.n > 0 && op.k > 0, "RTL GEMM of shape {} x {} x {}", op.m, op.n,
               op.k);
  TPESIM_CHECK(op.a.size() == static_cast<std::size_t>(op.m * op.k) &&
                   op.w.size() == static_cast<std::size_t>(op.k * op.n),
               "operands of {} and {} codes for a {} x {} x {} GEMM", op.a.size(), op.w.size(),
               op.m, op.n, op.k);
  const RtlChainModel& chain = find_rtl_chain(model.model);
  RtlGemmResult r;
  r.model = model.model;
  r.note = chain.note;
  r.outputs.reserve(static_cast<std::size_t>(op.m * op.n));
  const auto start = std::chrono::steady_clock::now();
  const std::unique_ptr<RtlChainPe> rtl = chain.make(pe, op);
  for (std::int64_t i = 0; i < op.m; ++i) {
    for (std::int64_t j = 0; j < op.n; ++j) r.outputs.push_back(rtl->output(i, j));
  }
  r.cycles = rtl->cycles();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

RtlGemmResult rtl_gemm(const pe::PeConfig& pe, const arch::GemmOperands& op) {
  return rtl_gemm(find_verilated_pe(pe), pe, op);
}

}  // namespace tpesim::cosim
