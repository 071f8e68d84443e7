// SPDX-License-Identifier: Apache-2.0
// Twin kernels of the group-quantized PE kinds: mixpe (pe/mixpe.h) and lut_tc (pe/lut_tc.h).
// mixpe: one thread per output runs twin::mixpe_chain. lut_tc: a table kernel builds each
// (row, LUT group) half table once (twin::lut_table, as the hardware's shared table builder),
// then one thread per output runs twin::lut_tc_chain, reading its row's tables. The chains are
// the host reference's own source (gpu_ref/quant_twin.h), so each output's order is the PE's.
// Both output buffers are poisoned (0xA5 bytes) before each run; every CUDA call is checked.
#include <cuda_runtime.h>

#include "gpu_ref/float_gemm.cuh"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/quant_twin.h"
#include "gpu_ref/quant_twin_host.h"

namespace tpesim::gpu_ref {

namespace {

using detail::check;

struct DeviceOperands {
  const std::int32_t* a;         // M x K activation codes
  const std::int32_t* w;         // K x N weight codes
  const std::int32_t* w_scales;  // ceil(K / G) x N fp16 patterns
  const std::int32_t* w_zeros;   // ceil(K / G) x N zero points
  const std::int32_t* a_scales;  // M fp32 patterns, or null
};

__global__ void mixpe_kernel(QuantGemm g, DeviceOperands op, std::int64_t* __restrict__ acc_out,
                             std::int64_t* __restrict__ out,
                             unsigned long long* __restrict__ overflows) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (i >= g.m || j >= g.n) return;
  const twin::ChainResult r =
      twin::mixpe_chain(g, op.a, op.w, op.w_scales, op.w_zeros, op.a_scales, i, j);
  acc_out[i * g.n + j] = static_cast<std::int64_t>(r.acc);
  out[i * g.n + j] = r.out;
  if (r.overflow) atomicAdd(overflows, static_cast<unsigned long long>(r.overflow));
}

__global__ void lut_table_kernel(QuantGemm g, const std::int32_t* __restrict__ a,
                                 std::int64_t groups, twin::LutTable* __restrict__ tables) {
  const std::int64_t t = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (t >= g.m * groups) return;
  tables[t] = twin::lut_table(g, a, t / groups, t % groups);
}

__global__ void lut_tc_kernel(QuantGemm g, DeviceOperands op, std::int64_t groups,
                              const twin::LutTable* __restrict__ tables,
                              std::int64_t* __restrict__ acc_out, std::int64_t* __restrict__ out,
                              unsigned long long* __restrict__ overflows) {
  const std::int64_t j = static_cast<std::int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::int64_t i = static_cast<std::int64_t>(blockIdx.y) * blockDim.y + threadIdx.y;
  if (i >= g.m || j >= g.n) return;
  const twin::ChainResult r =
      twin::lut_tc_chain(g, tables + i * groups, op.w, op.w_scales, op.w_zeros, op.a_scales, i, j);
  acc_out[i * g.n + j] = static_cast<std::int64_t>(r.acc);
  out[i * g.n + j] = r.out;
  if (r.overflow) atomicAdd(overflows, static_cast<unsigned long long>(r.overflow));
}

// Copies one int32 vector to a fresh device buffer (null for an empty one).
bool upload(const std::vector<std::int32_t>& v, std::int32_t** d, const char* what,
            std::string* error) {
  *d = nullptr;
  if (v.empty()) return true;
  return check(cudaMalloc(d, v.size() * sizeof(std::int32_t)), what, error) &&
         check(cudaMemcpy(*d, v.data(), v.size() * sizeof(std::int32_t), cudaMemcpyHostToDevice),
               what, error);
}

// Uploads the operands, poisons the outputs, runs both kinds' kernels between CUDA events.
std::optional<FloatGemmResult> run_quant(const QuantGemm& g, const QuantOperands& host, bool lut,
                                         std::string* error) {
  if (!quant_operands_valid(g, host, lut, error)) return std::nullopt;
  std::int32_t *d_a = nullptr, *d_w = nullptr, *d_s = nullptr, *d_z = nullptr, *d_sa = nullptr;
  std::int64_t *d_acc = nullptr, *d_out = nullptr;
  unsigned long long* d_ov = nullptr;
  twin::LutTable* d_tables = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  FloatGemmResult result;
  const auto outputs = static_cast<std::size_t>(g.m * g.n);
  result.acc.resize(outputs);
  result.out.resize(outputs);
  const std::size_t out_bytes = outputs * sizeof(std::int64_t);
  const std::int64_t groups = (g.k + g.lut_group - 1) / g.lut_group;
  bool ok =
      upload(host.a, &d_a, "A", error) && upload(host.w, &d_w, "W", error) &&
      upload(host.w_scales, &d_s, "scales", error) && upload(host.w_zeros, &d_z, "zeros", error) &&
      upload(host.a_scales, &d_sa, "activation scales", error) &&
      (!lut ||
       check(cudaMalloc(&d_tables, static_cast<std::size_t>(g.m * groups) * sizeof(twin::LutTable)),
             "cudaMalloc tables", error)) &&
      check(cudaMalloc(&d_acc, out_bytes), "cudaMalloc acc", error) &&
      check(cudaMalloc(&d_out, out_bytes), "cudaMalloc O", error) &&
      check(cudaMalloc(&d_ov, sizeof(unsigned long long)), "cudaMalloc overflows", error) &&
      check(cudaMemset(d_acc, detail::kPoisonByte, out_bytes), "poison acc", error) &&
      check(cudaMemset(d_out, detail::kPoisonByte, out_bytes), "poison O", error) &&
      check(cudaMemset(d_ov, 0, sizeof(unsigned long long)), "clear overflows", error) &&
      check(cudaEventCreate(&start), "event", error) &&
      check(cudaEventCreate(&stop), "event", error);
  if (ok) {
    const DeviceOperands op{d_a, d_w, d_s, d_z, d_sa};
    const dim3 block(32, 8);
    const dim3 grid(static_cast<unsigned>((g.n + 31) / 32), static_cast<unsigned>((g.m + 7) / 8));
    ok = check(cudaEventRecord(start), "event record", error);
    if (ok && lut) {
      const std::int64_t tables = g.m * groups;
      lut_table_kernel<<<static_cast<unsigned>((tables + 127) / 128), 128>>>(g, d_a, groups,
                                                                             d_tables);
      ok = check(cudaGetLastError(), "table kernel launch", error);
      if (ok) lut_tc_kernel<<<grid, block>>>(g, op, groups, d_tables, d_acc, d_out, d_ov);
    } else if (ok) {
      mixpe_kernel<<<grid, block>>>(g, op, d_acc, d_out, d_ov);
    }
    unsigned long long overflows = 0;
    float ms = 0;
    ok = ok && check(cudaGetLastError(), "kernel launch", error) &&
         check(cudaEventRecord(stop), "event record", error) &&
         check(cudaEventSynchronize(stop), "kernel", error) &&
         check(cudaEventElapsedTime(&ms, start, stop), "event time", error) &&
         check(cudaMemcpy(result.acc.data(), d_acc, out_bytes, cudaMemcpyDeviceToHost), "copy acc",
               error) &&
         check(cudaMemcpy(result.out.data(), d_out, out_bytes, cudaMemcpyDeviceToHost), "copy O",
               error) &&
         check(cudaMemcpy(&overflows, d_ov, sizeof(overflows), cudaMemcpyDeviceToHost),
               "copy overflows", error);
    result.overflows = overflows;
    result.kernel_ms = ms;
  }
  for (std::int32_t* p : {d_a, d_w, d_s, d_z, d_sa}) cudaFree(p);
  cudaFree(d_tables);
  cudaFree(d_acc);
  cudaFree(d_out);
  cudaFree(d_ov);
  if (start) cudaEventDestroy(start);
  if (stop) cudaEventDestroy(stop);
  if (!ok) return std::nullopt;
  return result;
}

}  // namespace

std::optional<FloatGemmResult> mixpe_gemm(const QuantGemm& g, const QuantOperands& op,
                                          std::string* error) {
  return run_quant(g, op, false, error);
}

std::optional<FloatGemmResult> lut_tc_gemm(const QuantGemm& g, const QuantOperands& op,
                                           std::string* error) {
  return run_quant(g, op, true, error);
}

}  // namespace tpesim::gpu_ref
