// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/rtl_gemm.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "sim/core/errors.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

RtlGemmResult rtl_gemm(const VerilatedPeModel& model, const pe::PeConfig& pe,
                       const arch::GemmOperands& op, int threads) {
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
  r.outputs.resize(static_cast<std::size_t>(op.m * op.n));
  const auto start = std::chrono::steady_clock::now();
  // Instance t of P computes outputs [MN t / P, MN (t + 1) / P) in row-major order (decode GEMMs
  // have one row). They are made here, one after the other, before any thread starts
  // (Verilator seeds their registers' initial values).
  const std::int64_t outputs = op.m * op.n;
  const auto parts = static_cast<std::size_t>(std::clamp<std::int64_t>(threads, 1, outputs));
  std::vector<std::unique_ptr<RtlChainPe>> pes;
  for (std::size_t t = 0; t < parts; ++t) pes.push_back(chain.make(pe, op));
  auto run_share = [&](std::size_t t) {
    const std::int64_t first = outputs * static_cast<std::int64_t>(t) / std::ssize(pes);
    const std::int64_t last = outputs * static_cast<std::int64_t>(t + 1) / std::ssize(pes);
    for (std::int64_t o = first; o < last; ++o) {
      r.outputs[static_cast<std::size_t>(o)] = pes[t]->output(o / op.n, o % op.n);
    }
  };
  std::vector<std::thread> workers;
  for (std::size_t t = 1; t < parts; ++t) workers.emplace_back(run_share, t);
  run_share(0);
  for (std::thread& w : workers) w.join();
  for (const auto& rtl : pes) r.cycles += rtl->cycles();
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

RtlGemmResult rtl_gemm(const pe::PeConfig& pe, const arch::GemmOperands& op) {
  return rtl_gemm(find_verilated_pe(pe), pe, op);
}

}  // namespace tpesim::cosim
