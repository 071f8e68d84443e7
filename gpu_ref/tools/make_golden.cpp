// SPDX-License-Identifier: Apache-2.0
// Runs on a GPU machine (scripts/gpu-golden): checks the int_mac twin kernel against the CPU
// golden GEMM bit for bit on fresh random shapes, times it on a large GEMM, and writes the
// golden-vector files that tests/golden/ commits. Exit 0 only if every check held.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "gpu_ref/golden_file.h"
#include "gpu_ref/gpu_ref.h"
#include "pe/int_mac_arith.h"
#include "workloads/golden_gemm.h"
#include "workloads/operands.h"

namespace {

using namespace tpesim;

struct Case {
  const char* name;
  int a_bits, w_bits, acc_bits;
  bool saturate;
  std::int64_t m, n, k;
  std::uint64_t seed;
};

// The committed set: wrap and saturate, accumulators narrow enough to overflow often and wide
// ones, the 32- and 64-bit storage paths, odd shapes and a GEMV.
const Case kGolden[] = {
    {"w8a8_acc32_wrap_37x53x129", 8, 8, 32, false, 37, 53, 129, 11},
    {"w8a8_acc16_saturate_64x64x300", 8, 8, 16, true, 64, 64, 300, 12},
    {"w4a4_acc8_wrap_17x31x70", 4, 4, 8, false, 17, 31, 70, 13},
    {"w16a16_acc32_wrap_20x30x50", 16, 16, 32, false, 20, 30, 50, 16},
    {"w16a16_acc40_wrap_9x130x33", 16, 16, 40, false, 9, 130, 33, 14},
    {"w8a8_acc32_wrap_gemv_1x4096x64", 8, 8, 32, false, 1, 4096, 64, 15},
};

bool run_case(const Case& c, const std::string& device, const std::string& out_dir, bool write) {
  const auto a = workloads::uniform_signed(c.m * c.k, c.a_bits, c.seed);
  const auto w = workloads::uniform_signed(c.k * c.n, c.w_bits, c.seed + 1);
  std::string error;
  const auto gpu = gpu_ref::int_mac_gemm(gpu_ref::IntMacGemm{c.acc_bits, c.saturate, c.m, c.n, c.k},
                                         a, w, &error);
  if (!gpu) {
    std::printf("%-34s CUDA error: %s\n", c.name, error.c_str());
    return false;
  }
  const pe::IntMacArith arith(c.acc_bits, c.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap);
  std::uint64_t cpu_overflows = 0;
  const auto cpu = workloads::golden_gemm(arith, c.m, c.n, c.k, a, w, &cpu_overflows);
  std::int64_t mismatches = 0, first = -1;
  for (std::size_t i = 0; i < cpu.size(); ++i) {
    if (cpu[i] != gpu->out[i]) {
      if (first < 0) first = static_cast<std::int64_t>(i);
      ++mismatches;
    }
  }
  const bool ok = mismatches == 0 && cpu_overflows == gpu->overflows;
  std::printf(
      "%-34s %6lldx%-5lldx%-5lld mismatches %lld (first %lld) overflows gpu %llu cpu %llu %s\n",
      c.name, static_cast<long long>(c.m), static_cast<long long>(c.n), static_cast<long long>(c.k),
      static_cast<long long>(mismatches), static_cast<long long>(first),
      static_cast<unsigned long long>(gpu->overflows),
      static_cast<unsigned long long>(cpu_overflows), ok ? "OK" : "FAIL");
  if (ok && write) {
    gpu_ref::GoldenIntMac g{c.a_bits, c.w_bits, c.acc_bits, c.saturate,     c.m,     c.n,
                            c.k,      c.seed,   device,     gpu->overflows, gpu->out};
    gpu_ref::write_golden(g, out_dir + "/" + c.name + ".txt");
  }
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string out_dir = argc > 1 ? argv[1] : ".";
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) {
    std::printf("no GPU: %s\n", dev.name.c_str());
    return 2;
  }
  std::printf("device: %s (sm_%d%d)\n", dev.name.c_str(), dev.sm_major, dev.sm_minor);
  bool ok = true;
  for (const Case& c : kGolden) ok &= run_case(c, dev.name, out_dir, true);
  // Fresh random odd shapes and parameters: the twin must match on any valid input.
  std::mt19937_64 rng(
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 24; ++i) {
    Case c{"random",
           static_cast<int>(pick(2, 16)),
           static_cast<int>(pick(2, 16)),
           0,
           pick(0, 1) != 0,
           pick(1, 300),
           pick(1, 300),
           pick(1, 700),
           rng()};
    c.acc_bits = static_cast<int>(pick(c.a_bits + c.w_bits, 62));
    if (pick(0, 1)) c.acc_bits = std::min(c.acc_bits, c.a_bits + c.w_bits + 4);
    ok &= run_case(c, dev.name, out_dir, false);
  }
  // Throughput on a large int8 GEMM (first call warms up; median of 5), spot-checked on CPU.
  const std::int64_t n = 4096;
  const auto a = workloads::uniform_signed(n * n, 8, 99);
  const auto w = workloads::uniform_signed(n * n, 8, 100);
  std::vector<double> times;
  std::string error;
  std::optional<gpu_ref::IntMacGemmResult> big;
  for (int rep = 0; rep < 6; ++rep) {
    big = gpu_ref::int_mac_gemm(gpu_ref::IntMacGemm{32, false, n, n, n}, a, w, &error);
    if (!big) {
      std::printf("4096^3: CUDA error %s\n", error.c_str());
      return 1;
    }
    if (rep) times.push_back(big->kernel_ms);
  }
  std::sort(times.begin(), times.end());
  const pe::IntMacArith arith(32, pe::Overflow::Wrap);
  std::int64_t spot_bad = 0;
  for (int s = 0; s < 256; ++s) {
    const std::int64_t i = pick(0, n - 1), j = pick(0, n - 1);
    std::int64_t acc = 0;
    std::uint64_t ov = 0;
    for (std::int64_t p = 0; p < n; ++p) acc = arith.mac(acc, a[i * n + p], w[p * n + j], ov);
    spot_bad += acc != big->out[static_cast<std::size_t>(i * n + j)];
  }
  const double median = times[times.size() / 2];
  std::printf("int_mac twin 4096^3 int8: median %.3f ms = %.1f TOPS; 256 spot checks, %lld bad\n",
              median, 2.0 * n * n * n / (median * 1e-3) / 1e12, static_cast<long long>(spot_bad));
  ok &= spot_bad == 0;

  // The industry kernel: cuBLASLt INT8 -> INT32 on the same operands, every output compared with
  // the twin (exact: |sum| <= 4096 * 2^14 < 2^31), then odd shapes against the CPU golden GEMM.
  const std::vector<std::int8_t> a8(a.begin(), a.end()), w8(w.begin(), w.end());
  const auto blas = gpu_ref::cublaslt_int8_gemm(n, n, n, a8, w8, 5, &error);
  if (!blas) {
    std::printf("cuBLASLt int8: %s\n", error.c_str());
    return 1;
  }
  std::int64_t blas_bad = 0;
  for (std::size_t i = 0; i < blas->out.size(); ++i) blas_bad += blas->out[i] != big->out[i];
  std::printf(
      "cuBLASLt int8 4096^3: median %.3f ms = %.1f TOPS; twin vs cuBLASLt: %lld of %zu "
      "outputs differ; twin reaches %.1f %% of cuBLASLt\n",
      blas->median_ms, 2.0 * n * n * n / (blas->median_ms * 1e-3) / 1e12,
      static_cast<long long>(blas_bad), blas->out.size(), 100.0 * blas->median_ms / median);
  ok &= blas_bad == 0;
  for (int i = 0; i < 8; ++i) {
    const std::int64_t m = pick(1, 300), nn = pick(1, 300), kk = 4 * pick(1, 200);
    const auto sa = workloads::uniform_signed(m * kk, 8, rng());
    const auto sw = workloads::uniform_signed(kk * nn, 8, rng());
    const auto r =
        gpu_ref::cublaslt_int8_gemm(m, nn, kk, std::vector<std::int8_t>(sa.begin(), sa.end()),
                                    std::vector<std::int8_t>(sw.begin(), sw.end()), 0, &error);
    if (!r) {
      std::printf("cuBLASLt int8 %lldx%lldx%lld: %s\n", static_cast<long long>(m),
                  static_cast<long long>(nn), static_cast<long long>(kk), error.c_str());
      ok = false;
      continue;
    }
    std::uint64_t ov = 0;
    const auto cpu = workloads::golden_gemm(arith, m, nn, kk, sa, sw, &ov);
    std::int64_t bad = 0;
    for (std::size_t j = 0; j < cpu.size(); ++j) bad += cpu[j] != r->out[j];
    std::printf("cuBLASLt int8 %4lldx%-4lldx%-4lld vs CPU golden: %lld mismatches %s\n",
                static_cast<long long>(m), static_cast<long long>(nn), static_cast<long long>(kk),
                static_cast<long long>(bad), bad == 0 ? "OK" : "FAIL");
    ok &= bad == 0;
  }
  std::printf("%s\n", ok ? "ALL CHECKS PASSED" : "CHECKS FAILED");
  return ok ? 0 : 1;
}
