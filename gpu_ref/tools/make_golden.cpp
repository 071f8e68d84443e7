// SPDX-License-Identifier: Apache-2.0
// Runs on a GPU machine (scripts/gpu-golden): checks the twin kernels (int_mac, fp_mac, lmul,
// bitslice) against CPU references bit for bit on the committed cases and on fresh random odd
// shapes, times them on large GEMMs, and writes the golden-vector files that tests/golden/<kind>/
// commits. Exit 0 only if every check held.
//
// Built by nvcc alone (C++17, no Debian packages), so the CPU references are what compiles
// without fmt / yaml-cpp: pe/int_mac_arith.h and pe/digit_encoding.h themselves, and for the
// float kinds gpu_ref/twin_arith.h compiled for the host. tests/gpu_ref/twin_arith_test.cpp
// (CI) shows that host code equal to pe/fp_mac.h and pe/lmul.h bit for bit, and
// tests/gpu_ref/golden_vectors_test.cpp checks the simulator against the files written here.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "gpu_ref/golden_file.h"
#include "gpu_ref/golden_operands.h"
#include "gpu_ref/gpu_ref.h"
#include "gpu_ref/quant_twin.h"
#include "gpu_ref/quant_twin_host.h"
#include "gpu_ref/twin_arith.h"
#include "pe/digit_encoding.h"
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
      "%-34s w%da%d acc %d %s %6lldx%-5lldx%-5lld %s mismatches %lld (first %lld) overflows gpu "
      "%llu cpu %llu %s\n",
      c.name, c.w_bits, c.a_bits, c.acc_bits, c.saturate ? "sat " : "wrap",
      static_cast<long long>(c.m), static_cast<long long>(c.n), static_cast<long long>(c.k),
      gpu->used_tensor_cores ? "tensor-core" : "scalar     ", static_cast<long long>(mismatches),
      static_cast<long long>(first), static_cast<unsigned long long>(gpu->overflows),
      static_cast<unsigned long long>(cpu_overflows), ok ? "OK" : "FAIL");
  if (ok && write) {
    gpu_ref::GoldenVector g;
    g.a_bits = c.a_bits;
    g.w_bits = c.w_bits;
    g.acc_bits = c.acc_bits;
    g.saturate = c.saturate;
    g.m = c.m;
    g.n = c.n;
    g.k = c.k;
    g.seed = c.seed;
    g.device = device;
    g.overflows = gpu->overflows;
    g.out = gpu->out;
    gpu_ref::write_golden(g, out_dir + "/int_mac/" + c.name + ".txt");
  }
  return ok;
}

// ---- float kinds: fp_mac and lmul ----

using gpu_ref::FloatFields;
namespace twin = gpu_ref::twin;

enum class FloatKind { FpMac, Lmul };

struct FloatCase {
  const char* name;
  FloatKind kind;
  FloatFields a_format, w_format;  // lmul: both the operand format
  FloatFields out_format;          // fp_mac: output rounding; lmul: the accumulator format
  std::int64_t m, n, k;
  std::uint64_t seed;
  int edge_per_mille;  // edge operands (zeros, subnormals, max finite, inf, NaN) per 1000
};

constexpr FloatFields kFp32 = gpu_ref::kFieldsFp32, kBf16 = gpu_ref::kFieldsBf16,
                      kFp16 = gpu_ref::kFieldsFp16, kE4M3 = gpu_ref::kFieldsFp8E4M3,
                      kE5M2 = gpu_ref::kFieldsFp8E5M2;

// The committed set: each operand format on binary32 outputs, fp16 / bf16 outputs (overflow to
// inf in the final rounding), mixed operand formats, an all-finite GEMV; lmul on all four
// operand formats and all three accumulators. Edge shares are chosen so that roughly 10-40 % of
// the outputs meet an inf or NaN and the rest exercise finite rounding, subnormals and zeros.
const FloatCase kFloatGolden[] = {
    {"fp16xfp16_out_fp32_29x37x131", FloatKind::FpMac, kFp16, kFp16, kFp32, 29, 37, 131, 21, 4},
    {"bf16xbf16_out_fp32_31x23x97", FloatKind::FpMac, kBf16, kBf16, kFp32, 31, 23, 97, 22, 4},
    {"e4m3xe4m3_out_fp32_33x29x77", FloatKind::FpMac, kE4M3, kE4M3, kFp32, 33, 29, 77, 23, 4},
    {"e5m2xe5m2_out_fp32_27x35x113", FloatKind::FpMac, kE5M2, kE5M2, kFp32, 27, 35, 113, 24, 4},
    {"fp16xfp16_out_fp16_19x41x65", FloatKind::FpMac, kFp16, kFp16, kFp16, 19, 41, 65, 25, 8},
    {"bf16xbf16_out_bf16_23x19x90", FloatKind::FpMac, kBf16, kBf16, kBf16, 23, 19, 90, 26, 6},
    {"e4m3xe5m2_out_fp16_17x33x64", FloatKind::FpMac, kE4M3, kE5M2, kFp16, 17, 33, 64, 27, 8},
    {"e5m2xfp16_out_bf16_13x21x200", FloatKind::FpMac, kE5M2, kFp16, kBf16, 13, 21, 200, 28, 3},
    {"fp16xfp16_out_fp32_gemv_1x300x513", FloatKind::FpMac, kFp16, kFp16, kFp32, 1, 300, 513, 29,
     0},
    {"bf16_acc_fp32_29x31x127", FloatKind::Lmul, kBf16, kBf16, kFp32, 29, 31, 127, 31, 4},
    {"fp16_acc_fp32_21x37x99", FloatKind::Lmul, kFp16, kFp16, kFp32, 21, 37, 99, 32, 4},
    {"e4m3_acc_fp32_33x27x81", FloatKind::Lmul, kE4M3, kE4M3, kFp32, 33, 27, 81, 33, 4},
    {"e5m2_acc_fp32_25x19x143", FloatKind::Lmul, kE5M2, kE5M2, kFp32, 25, 19, 143, 34, 4},
    {"bf16_acc_bf16_17x29x120", FloatKind::Lmul, kBf16, kBf16, kBf16, 17, 29, 120, 35, 10},
    {"fp16_acc_fp16_23x17x90", FloatKind::Lmul, kFp16, kFp16, kFp16, 23, 17, 90, 36, 10},
    {"e4m3_acc_fp16_19x23x70", FloatKind::Lmul, kE4M3, kE4M3, kFp16, 19, 23, 70, 37, 10},
    {"e5m2_acc_bf16_15x27x110", FloatKind::Lmul, kE5M2, kE5M2, kBf16, 15, 27, 110, 38, 5},
};

struct HostFloatGemm {
  std::vector<std::int64_t> acc, out;  // as gpu_ref::FloatGemmResult
  std::uint64_t overflows = 0;
};

// The CPU reference of one output chain, k ascending (twin_arith.h on the host).
void host_chain(const FloatCase& c, const std::vector<std::int32_t>& a,
                const std::vector<std::int32_t>& w, std::int64_t i, std::int64_t j,
                std::int64_t* acc_out, std::int64_t* out, std::uint64_t* overflows) {
  std::uint32_t acc = 0;
  for (std::int64_t p = 0; p < c.k; ++p) {
    const auto x = static_cast<std::uint32_t>(a[static_cast<std::size_t>(i * c.k + p)]);
    const auto y = static_cast<std::uint32_t>(w[static_cast<std::size_t>(p * c.n + j)]);
    bool overflow = false;
    if (c.kind == FloatKind::FpMac) {
      const twin::FpMacStep s = twin::fp_mac_step(acc, twin::f32(twin::decode_f32(x, c.a_format)),
                                                  twin::f32(twin::decode_f32(y, c.w_format)));
      acc = s.acc;
      overflow = s.overflow;
    } else {
      const twin::LmulStep s = twin::lmul_step(acc, x, y, c.a_format, c.out_format);
      acc = s.acc;
      overflow = s.overflow;
    }
    *overflows += overflow ? 1 : 0;
  }
  *acc_out = static_cast<std::int64_t>(acc);
  *out = static_cast<std::int64_t>(twin::output_pattern(acc, c.out_format));
}

HostFloatGemm host_float_gemm(const FloatCase& c, const std::vector<std::int32_t>& a,
                              const std::vector<std::int32_t>& w) {
  HostFloatGemm r;
  r.acc.resize(static_cast<std::size_t>(c.m * c.n));
  r.out.resize(r.acc.size());
  for (std::int64_t i = 0; i < c.m; ++i) {
    for (std::int64_t j = 0; j < c.n; ++j) {
      const auto at = static_cast<std::size_t>(i * c.n + j);
      host_chain(c, a, w, i, j, &r.acc[at], &r.out[at], &r.overflows);
    }
  }
  return r;
}

std::optional<gpu_ref::FloatGemmResult> device_float_gemm(const FloatCase& c,
                                                          const std::vector<std::int32_t>& a,
                                                          const std::vector<std::int32_t>& w,
                                                          std::string* error) {
  if (c.kind == FloatKind::FpMac) {
    return gpu_ref::fp_mac_gemm(
        gpu_ref::FpMacGemm{c.a_format, c.w_format, c.out_format, c.m, c.n, c.k}, a, w, error);
  }
  return gpu_ref::lmul_gemm(gpu_ref::LmulGemm{c.a_format, c.out_format, c.m, c.n, c.k}, a, w,
                            error);
}

std::string describe(const FloatCase& c) {
  return (c.kind == FloatKind::FpMac ? std::string("fp_mac ") : std::string("lmul   ")) +
         gpu_ref::float_fields_name(c.a_format) +
         (c.kind == FloatKind::FpMac ? "x" + gpu_ref::float_fields_name(c.w_format) + "->"
                                     : std::string(" acc ")) +
         gpu_ref::float_fields_name(c.out_format);
}

bool run_float_case(const FloatCase& c, const std::string& device, const std::string& out_dir,
                    bool write) {
  const auto a = gpu_ref::float_operands(c.a_format, c.m * c.k, c.seed, c.edge_per_mille);
  const auto w = gpu_ref::float_operands(c.w_format, c.k * c.n, c.seed + 1, c.edge_per_mille);
  std::string error;
  const auto gpu = device_float_gemm(c, a, w, &error);
  if (!gpu) {
    std::printf("%-34s CUDA error: %s\n", c.name, error.c_str());
    return false;
  }
  const HostFloatGemm cpu = host_float_gemm(c, a, w);
  std::int64_t mismatches = 0, first = -1, unwritten = 0, non_finite = 0;
  for (std::size_t i = 0; i < cpu.out.size(); ++i) {
    unwritten += gpu->acc[i] == gpu_ref::kPoisonedOutput || gpu->out[i] == gpu_ref::kPoisonedOutput;
    non_finite += twin::is_nan32(static_cast<std::uint32_t>(cpu.acc[i])) ||
                  twin::is_inf32(static_cast<std::uint32_t>(cpu.acc[i]));
    if (cpu.acc[i] != gpu->acc[i] || cpu.out[i] != gpu->out[i]) {
      if (first < 0) first = static_cast<std::int64_t>(i);
      ++mismatches;
    }
  }
  const bool ok = mismatches == 0 && unwritten == 0 && cpu.overflows == gpu->overflows;
  std::printf(
      "%-34s %-28s %4lldx%-4lldx%-4lld edge %3d seed %llu: mismatches %lld (first %lld) "
      "unwritten %lld non-finite %lld overflows gpu %llu cpu %llu %s\n",
      c.name, describe(c).c_str(), static_cast<long long>(c.m), static_cast<long long>(c.n),
      static_cast<long long>(c.k), c.edge_per_mille, static_cast<unsigned long long>(c.seed),
      static_cast<long long>(mismatches), static_cast<long long>(first),
      static_cast<long long>(unwritten), static_cast<long long>(non_finite),
      static_cast<unsigned long long>(gpu->overflows),
      static_cast<unsigned long long>(cpu.overflows), ok ? "OK" : "FAIL");
  if (ok && write) {
    gpu_ref::GoldenVector g;
    if (c.kind == FloatKind::FpMac) {
      g.kind = gpu_ref::GoldenKind::FpMac;
      g.a_format = gpu_ref::float_fields_name(c.a_format);
      g.w_format = gpu_ref::float_fields_name(c.w_format);
      g.out_format = gpu_ref::float_fields_name(c.out_format);
    } else {
      g.kind = gpu_ref::GoldenKind::Lmul;
      g.format = gpu_ref::float_fields_name(c.a_format);
      g.acc_format = gpu_ref::float_fields_name(c.out_format);
    }
    g.edge_per_mille = c.edge_per_mille;
    g.m = c.m;
    g.n = c.n;
    g.k = c.k;
    g.seed = c.seed;
    g.device = device;
    g.overflows = gpu->overflows;
    g.out = gpu->out;
    gpu_ref::write_golden(
        g, out_dir + "/" + gpu_ref::golden_kind_name(g.kind) + "/" + c.name + ".txt");
  }
  return ok;
}

// A large all-finite GEMM timed with CUDA events (one warm-up, median of five), spot-checked on
// 256 outputs against the host reference.
bool time_float(const FloatCase& c, std::mt19937_64& rng) {
  const auto a = gpu_ref::float_operands(c.a_format, c.m * c.k, c.seed, 0);
  const auto w = gpu_ref::float_operands(c.w_format, c.k * c.n, c.seed + 1, 0);
  std::vector<double> times;
  std::optional<gpu_ref::FloatGemmResult> r;
  std::string error;
  for (int rep = 0; rep < 6; ++rep) {
    r = device_float_gemm(c, a, w, &error);
    if (!r) {
      std::printf("%s %lld^3: CUDA error %s\n", describe(c).c_str(), static_cast<long long>(c.m),
                  error.c_str());
      return false;
    }
    if (rep) times.push_back(r->kernel_ms);
  }
  std::sort(times.begin(), times.end());
  std::int64_t bad = 0;
  for (int s = 0; s < 256; ++s) {
    const auto i = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.m));
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.n));
    std::int64_t acc = 0, out = 0;
    std::uint64_t ov = 0;
    host_chain(c, a, w, i, j, &acc, &out, &ov);
    const auto at = static_cast<std::size_t>(i * c.n + j);
    bad += acc != r->acc[at] || out != r->out[at];
  }
  const double median = times[times.size() / 2];
  std::printf("%s twin %lldx%lldx%lld: median %.3f ms = %.2f TFLOP/s; 256 spot checks, %lld bad\n",
              describe(c).c_str(), static_cast<long long>(c.m), static_cast<long long>(c.n),
              static_cast<long long>(c.k), median,
              2.0 * static_cast<double>(c.m * c.n * c.k) / (median * 1e-3) / 1e12,
              static_cast<long long>(bad));
  return bad == 0;
}

const FloatFields kFpMacOperands[] = {kFp16, kBf16, kE4M3, kE5M2};
const FloatFields kOutFormats[] = {kFp32, kFp16, kBf16};
const FloatFields kLmulOperands[] = {kE4M3, kE5M2, kBf16, kFp16, kFp32};

// ---- group-quantized kinds: mixpe and lut_tc ----

struct QuantCase {
  const char* name;
  bool lut;              // lut_tc, else mixpe
  gpu_ref::QuantGemm g;  // parameters and shape
  std::uint64_t seed;    // gpu_ref::quant_operands seed
  int edge_per_mille;    // edge activations and scales per 1000
};

gpu_ref::QuantGemm mixpe(bool w4a8, int w_bits, std::int64_t group, FloatFields out, std::int64_t m,
                         std::int64_t n, std::int64_t k) {
  gpu_ref::QuantGemm g;
  g.int8_activations = w4a8;
  g.w_bits = w_bits;
  g.group_size = group;
  g.out_format = out;
  g.m = m;
  g.n = n;
  g.k = k;
  return g;
}

gpu_ref::QuantGemm lut(bool int8_acts, int w_bits, int kg, int table, FloatFields acc,
                       std::int64_t group, FloatFields out, std::int64_t m, std::int64_t n,
                       std::int64_t k) {
  gpu_ref::QuantGemm g = mixpe(int8_acts, w_bits, group, out, m, n, k);
  g.lut_group = kg;
  g.table_format = table;
  g.acc_format = acc;
  return g;
}

// The committed set: both mixpe variants with full and partial groups, 1- to 8-bit codes, fp32
// and fp16 outputs; lut_tc with fp16 / fp32 / int8 tables, fp32 / fp16 accumulators, Kg 2..4,
// 1..4 weight bits, int8 activations, tail LUT groups and a GEMV.
const QuantCase kQuantGolden[] = {
    {"w4a8_g128_out_fp32_23x37x300", false, mixpe(true, 4, 128, kFp32, 23, 37, 300), 41, 4},
    {"w4a8_g32_out_fp16_19x29x97", false, mixpe(true, 4, 32, kFp16, 19, 29, 97), 42, 20},
    {"w8a8_g7_out_fp32_13x17x50", false, mixpe(true, 8, 7, kFp32, 13, 17, 50), 43, 4},
    {"w4a16_g64_out_fp32_21x31x200", false, mixpe(false, 4, 64, kFp32, 21, 31, 200), 44, 4},
    {"w4a16_g128_out_fp16_17x23x129", false, mixpe(false, 4, 128, kFp16, 17, 23, 129), 45, 10},
    {"w2a16_g16_out_fp32_gemv_1x300x256", false, mixpe(false, 2, 16, kFp32, 1, 300, 256), 46, 0},
    {"fp16tab_acc32_kg4_b2_g128_21x29x300", true,
     lut(false, 2, 4, 0, kFp32, 128, kFp32, 21, 29, 300), 51, 4},
    {"fp32tab_acc16_kg3_b3_g30_17x19x101", true, lut(false, 3, 3, 1, kFp16, 30, kFp32, 17, 19, 101),
     52, 4},
    {"int8tab_acc32_kg4_b4_g64_19x23x150", true, lut(false, 4, 4, 2, kFp32, 64, kFp16, 19, 23, 150),
     53, 10},
    {"fp16tab_acc16_kg2_b1_g8_15x27x67", true, lut(false, 1, 2, 0, kFp16, 8, kFp16, 15, 27, 67), 54,
     20},
    {"int8tab_acc16_kg3_b2_g12_13x21x77", true, lut(false, 2, 3, 2, kFp16, 12, kFp32, 13, 21, 77),
     55, 4},
    {"int8act_kg4_b4_g128_17x25x259", true, lut(true, 4, 4, 1, kFp32, 128, kFp32, 17, 25, 259), 56,
     4},
    {"int8act_kg2_b2_g4_11x19x63_out_fp16", true, lut(true, 2, 2, 1, kFp32, 4, kFp16, 11, 19, 63),
     57, 20},
    {"fp16tab_acc32_kg4_b2_gemv_1x257x512", true,
     lut(false, 2, 4, 0, kFp32, 128, kFp32, 1, 257, 512), 58, 0},
};

std::string describe(const QuantCase& c) {
  const gpu_ref::QuantGemm& g = c.g;
  const char* tables[] = {"fp16", "fp32", "int8"};
  char text[160];
  if (!c.lut) {
    std::snprintf(text, sizeof text, "mixpe %s w%d G %lld out %s",
                  g.int8_activations ? "w4a8" : "w4a16", g.w_bits,
                  static_cast<long long>(g.group_size),
                  gpu_ref::float_fields_name(g.out_format).c_str());
  } else {
    std::snprintf(text, sizeof text, "lut_tc %s w%d Kg %d tab %s acc %s G %lld out %s",
                  g.int8_activations ? "int8" : "fp16", g.w_bits, g.lut_group,
                  tables[g.table_format], gpu_ref::float_fields_name(g.acc_format).c_str(),
                  static_cast<long long>(g.group_size),
                  gpu_ref::float_fields_name(g.out_format).c_str());
  }
  return text;
}

bool run_quant_case(const QuantCase& c, const std::string& device, const std::string& out_dir,
                    bool write) {
  const gpu_ref::QuantOperands op = gpu_ref::quant_operands(c.g, c.seed, c.edge_per_mille);
  std::string error;
  const auto gpu =
      c.lut ? gpu_ref::lut_tc_gemm(c.g, op, &error) : gpu_ref::mixpe_gemm(c.g, op, &error);
  if (!gpu) {
    std::printf("%-38s CUDA error: %s\n", c.name, error.c_str());
    return false;
  }
  const gpu_ref::FloatGemmResult cpu = gpu_ref::host_quant_gemm(c.g, op, c.lut);
  std::int64_t mismatches = 0, first = -1, unwritten = 0, non_finite = 0;
  for (std::size_t i = 0; i < cpu.out.size(); ++i) {
    unwritten += gpu->acc[i] == gpu_ref::kPoisonedOutput || gpu->out[i] == gpu_ref::kPoisonedOutput;
    non_finite += !twin::finite32(twin::f32(static_cast<std::uint32_t>(cpu.acc[i])));
    if (cpu.acc[i] != gpu->acc[i] || cpu.out[i] != gpu->out[i]) {
      if (first < 0) first = static_cast<std::int64_t>(i);
      ++mismatches;
    }
  }
  const bool ok = mismatches == 0 && unwritten == 0 && cpu.overflows == gpu->overflows;
  std::printf(
      "%-38s %-50s %4lldx%-4lldx%-4lld edge %3d: mismatches %lld (first %lld) unwritten %lld "
      "non-finite %lld overflows gpu %llu cpu %llu %s\n",
      c.name, describe(c).c_str(), static_cast<long long>(c.g.m), static_cast<long long>(c.g.n),
      static_cast<long long>(c.g.k), c.edge_per_mille, static_cast<long long>(mismatches),
      static_cast<long long>(first), static_cast<long long>(unwritten),
      static_cast<long long>(non_finite), static_cast<unsigned long long>(gpu->overflows),
      static_cast<unsigned long long>(cpu.overflows), ok ? "OK" : "FAIL");
  if (ok && write) {
    gpu_ref::GoldenVector g = gpu_ref::golden_of(c.g, c.lut);
    g.edge_per_mille = c.edge_per_mille;
    g.seed = c.seed;
    g.device = device;
    g.overflows = gpu->overflows;
    g.out = gpu->out;
    gpu_ref::write_golden(
        g, out_dir + "/" + gpu_ref::golden_kind_name(g.kind) + "/" + c.name + ".txt");
  }
  return ok;
}

// A random group-quantized case: odd shape, every parameter drawn.
QuantCase random_quant(bool is_lut, std::mt19937_64& rng) {
  const int edges[] = {0, 4, 30, 200};
  const auto odd = [&](std::int64_t hi) {
    const auto v = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
    return v % 16 == 0 ? v + 1 : v;
  };
  QuantCase c{"random", is_lut, {}, rng(), edges[rng() % 4]};
  c.g.int8_activations = rng() % (is_lut ? 4 : 2) == 0;
  c.g.w_bits = 1 + static_cast<int>(rng() % (is_lut ? 4 : 8));
  c.g.lut_group = 2 + static_cast<int>(rng() % 3);
  c.g.group_size = is_lut ? c.g.lut_group * (1 + static_cast<std::int64_t>(rng() % 48))
                          : 1 + static_cast<std::int64_t>(rng() % 200);
  c.g.table_format = static_cast<int>(rng() % 3);
  c.g.acc_format = rng() % 2 ? kFp32 : kFp16;
  c.g.out_format = rng() % 2 ? kFp32 : kFp16;
  c.g.m = odd(200);
  c.g.n = odd(200);
  c.g.k = odd(500);
  return c;
}

// A large group-quantized GEMM timed (one warm-up, median of five), 256 outputs spot-checked
// against the host chain.
bool time_quant(const QuantCase& c, std::mt19937_64& rng) {
  const gpu_ref::QuantOperands op = gpu_ref::quant_operands(c.g, c.seed, 0);
  std::vector<double> times;
  std::optional<gpu_ref::FloatGemmResult> r;
  std::string error;
  for (int rep = 0; rep < 6; ++rep) {
    r = c.lut ? gpu_ref::lut_tc_gemm(c.g, op, &error) : gpu_ref::mixpe_gemm(c.g, op, &error);
    if (!r) {
      std::printf("%s: CUDA error %s\n", describe(c).c_str(), error.c_str());
      return false;
    }
    if (rep) times.push_back(r->kernel_ms);
  }
  std::sort(times.begin(), times.end());
  const std::int64_t groups = (c.g.k + c.g.lut_group - 1) / c.g.lut_group;
  std::vector<twin::LutTable> tables(static_cast<std::size_t>(groups));
  std::int64_t bad = 0;
  for (int s = 0; s < 256; ++s) {
    const auto i = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.g.m));
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(c.g.n));
    twin::ChainResult h{};
    if (c.lut) {
      for (std::int64_t t = 0; t < groups; ++t) {
        tables[static_cast<std::size_t>(t)] = twin::lut_table(c.g, op.a.data(), i, t);
      }
      h = twin::lut_tc_chain(c.g, tables.data(), op.w.data(), op.w_scales.data(), op.w_zeros.data(),
                             op.a_scales.data(), i, j);
    } else {
      h = twin::mixpe_chain(c.g, op.a.data(), op.w.data(), op.w_scales.data(), op.w_zeros.data(),
                            op.a_scales.data(), i, j);
    }
    const auto at = static_cast<std::size_t>(i * c.g.n + j);
    bad += h.out != r->out[at] || static_cast<std::int64_t>(h.acc) != r->acc[at];
  }
  const double median = times[times.size() / 2];
  std::printf(
      "%s twin %lldx%lldx%lld: median %.3f ms = %.2f TOPS (2MNK); 256 spot checks, %lld bad\n",
      describe(c).c_str(), static_cast<long long>(c.g.m), static_cast<long long>(c.g.n),
      static_cast<long long>(c.g.k), median,
      2.0 * static_cast<double>(c.g.m * c.g.n * c.g.k) / (median * 1e-3) / 1e12,
      static_cast<long long>(bad));
  return bad == 0;
}

// ---- float industry kernels: cuBLASLt fp16 / bf16 / fp8, error vs binary64 ----

// Times one cuBLASLt float kind on an n^3 all-finite GEMM and reports its relative error
// |got - exact| / sum |a w| against the binary64 GEMM of the decoded operands on 256 outputs.
bool time_cublas_float(gpu_ref::CublasFloatKind kind, std::int64_t n, std::mt19937_64& rng) {
  const FloatFields af = gpu_ref::cublas_a_format(kind), wf = gpu_ref::cublas_w_format(kind);
  const auto a = gpu_ref::float_operands(af, n * n, 201, 0);
  const auto w = gpu_ref::float_operands(wf, n * n, 202, 0);
  std::string error;
  const auto r = gpu_ref::cublaslt_float_gemm(kind, n, n, n, a, w, 5, &error);
  if (!r) {
    std::printf("cuBLASLt %s: %s\n", gpu_ref::cublas_float_kind_name(kind), error.c_str());
    return false;
  }
  double max_rel = 0, sum_rel = 0;
  std::int64_t unwritten = 0;
  for (float v : r->out) unwritten += twin::bits32(v) == 0xA5A5A5A5u;
  for (int s = 0; s < 256; ++s) {
    const auto i = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
    const auto j = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(n));
    double exact = 0, mag = 0;
    for (std::int64_t p = 0; p < n; ++p) {
      const double x = twin::f64(twin::decode_f64(static_cast<std::uint32_t>(a[i * n + p]), af));
      const double y = twin::f64(twin::decode_f64(static_cast<std::uint32_t>(w[p * n + j]), wf));
      exact += x * y;
      mag += std::fabs(x * y);
    }
    const double rel = std::fabs(r->out[static_cast<std::size_t>(i * n + j)] - exact) / mag;
    max_rel = std::max(max_rel, rel);
    sum_rel += rel;
  }
  std::printf(
      "cuBLASLt %-14s %lld^3 fp32 accumulation: median %.3f ms = %.1f TFLOP/s; error vs binary64 "
      "(|got - exact| / sum|a w|, 256 outputs): max %.3g mean %.3g; unwritten %lld\n",
      gpu_ref::cublas_float_kind_name(kind), static_cast<long long>(n), r->median_ms,
      2.0 * static_cast<double>(n * n * n) / (r->median_ms * 1e-3) / 1e12, max_rel, sum_rel / 256,
      static_cast<long long>(unwritten));
  return unwritten == 0 && max_rel < static_cast<double>(n) * 0x1p-23;
}

// ---- bitslice: int_mac values plus digit statistics ----

// Not a multiple of 16 or 32, so every tile edge is ragged.
std::int64_t odd_extent(std::mt19937_64& rng, std::int64_t hi) {
  const auto v = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
  return v % 16 == 0 ? v + 1 : v;
}

bool run_bitslice_case(std::mt19937_64& rng) {
  const int a_bits = 2 + static_cast<int>(rng() % 15), w_bits = 2 + static_cast<int>(rng() % 15);
  const int acc_bits = a_bits + w_bits + static_cast<int>(rng() % 8);
  const bool saturate = (rng() & 1) != 0;
  const std::int64_t m = odd_extent(rng, 200), n = odd_extent(rng, 200), k = odd_extent(rng, 500);
  const std::uint64_t seed = rng();
  const auto a = workloads::uniform_signed(m * k, a_bits, seed);
  const auto w = workloads::uniform_signed(k * n, w_bits, seed + 1);
  std::string error;
  const auto gpu = gpu_ref::bitslice_gemm(
      gpu_ref::BitsliceGemm{a_bits, w_bits, acc_bits, saturate, m, n, k}, a, w, &error);
  if (!gpu) {
    std::printf("bitslice CUDA error: %s\n", error.c_str());
    return false;
  }
  const pe::IntMacArith arith(acc_bits, saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap);
  std::uint64_t overflows = 0;
  const auto cpu = workloads::golden_gemm(arith, m, n, k, a, w, &overflows);
  // The digit statistics from pe/digit_encoding.h itself.
  gpu_ref::DigitStats d;
  d.a_digits = m * k * pe::radix4_digits(a_bits);
  d.w_digits = k * n * pe::radix4_digits(w_bits);
  std::vector<std::int64_t> ta(static_cast<std::size_t>(k)), tw(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < m * k; ++i) {
    const std::int32_t x = a[static_cast<std::size_t>(i)];
    const int b = pe::booth_radix4(x, a_bits).nonzero();
    d.a_booth_nonzero += b;
    d.a_ent_nonzero += pe::ent_digits(x, a_bits).nonzero();
    ta[static_cast<std::size_t>(i % k)] += b;
  }
  for (std::int64_t i = 0; i < k * n; ++i) {
    const std::int32_t x = w[static_cast<std::size_t>(i)];
    const int b = pe::booth_radix4(x, w_bits).nonzero();
    d.w_booth_nonzero += b;
    d.w_ent_nonzero += pe::ent_digits(x, w_bits).nonzero();
    tw[static_cast<std::size_t>(i / n)] += b;
  }
  for (std::int64_t p = 0; p < k; ++p) {
    d.booth_term_pairs += ta[static_cast<std::size_t>(p)] * tw[static_cast<std::size_t>(p)];
  }
  const gpu_ref::DigitStats& g = gpu->digits;
  const bool digits_ok = g.a_digits == d.a_digits && g.w_digits == d.w_digits &&
                         g.a_booth_nonzero == d.a_booth_nonzero &&
                         g.w_booth_nonzero == d.w_booth_nonzero &&
                         g.a_ent_nonzero == d.a_ent_nonzero && g.w_ent_nonzero == d.w_ent_nonzero &&
                         g.booth_term_pairs == d.booth_term_pairs;
  const bool ok = gpu->values.out == cpu && gpu->values.overflows == overflows && digits_ok;
  std::printf(
      "bitslice w%da%d acc %d %4lldx%-4lldx%-4lld: values %s, overflows %llu/%llu, booth nz "
      "A %lld W %lld, EN-T nz A %lld W %lld, term pairs %lld: digits %s %s\n",
      w_bits, a_bits, acc_bits, static_cast<long long>(m), static_cast<long long>(n),
      static_cast<long long>(k), gpu->values.out == cpu ? "equal" : "DIFFER",
      static_cast<unsigned long long>(gpu->values.overflows),
      static_cast<unsigned long long>(overflows), static_cast<long long>(g.a_booth_nonzero),
      static_cast<long long>(g.w_booth_nonzero), static_cast<long long>(g.a_ent_nonzero),
      static_cast<long long>(g.w_ent_nonzero), static_cast<long long>(g.booth_term_pairs),
      digits_ok ? "equal" : "DIFFER", ok ? "OK" : "FAIL");
  return ok;
}

}  // namespace

int main(int argc, char** argv) {
  // The golden root: files go to <root>/int_mac/, <root>/fp_mac/ and <root>/lmul/.
  const std::string out_dir = argc > 1 ? argv[1] : "tests/golden";
  for (const char* kind : {"int_mac", "fp_mac", "lmul", "mixpe", "lut_tc"}) {
    std::filesystem::create_directories(std::filesystem::path(out_dir) / kind);
  }
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
  // The tensor-core path (int8 operands, 32-bit wrap): random odd shapes, still vs the CPU.
  for (int i = 0; i < 12; ++i) {
    Case c{"random_tensor_core",
           static_cast<int>(pick(2, 8)),
           static_cast<int>(pick(2, 8)),
           32,
           false,
           pick(1, 700),
           pick(1, 700),
           pick(1, 2000),
           rng()};
    ok &= run_case(c, dev.name, out_dir, false);
  }
  // fp_mac and lmul: the committed cases, then fresh random odd shapes, formats and edge shares.
  for (const FloatCase& c : kFloatGolden) ok &= run_float_case(c, dev.name, out_dir, true);
  const int kEdges[] = {0, 4, 30, 200};
  for (int i = 0; i < 32; ++i) {
    FloatCase c{};
    c.name = "random";
    c.kind = i % 2 ? FloatKind::Lmul : FloatKind::FpMac;
    c.seed = rng();
    c.edge_per_mille = kEdges[rng() % 4];
    if (c.kind == FloatKind::FpMac) {
      c.a_format = kFpMacOperands[rng() % 4];
      c.w_format = kFpMacOperands[rng() % 4];
    } else {
      c.a_format = c.w_format = kLmulOperands[rng() % 5];
    }
    c.out_format = kOutFormats[rng() % 3];
    c.m = odd_extent(rng, 200);
    c.n = odd_extent(rng, 200);
    c.k = odd_extent(rng, 500);
    ok &= run_float_case(c, dev.name, out_dir, false);
  }
  // mixpe and lut_tc: the committed cases, then fresh random ones.
  for (const QuantCase& c : kQuantGolden) ok &= run_quant_case(c, dev.name, out_dir, true);
  for (int i = 0; i < 40; ++i)
    ok &= run_quant_case(random_quant(i % 5 >= 2, rng), dev.name, out_dir, false);
  // bitslice: int_mac values and digit statistics on random widths and odd shapes.
  for (int i = 0; i < 8; ++i) ok &= run_bitslice_case(rng);
  // Float twins' throughput (a reference kernel: one thread per output, a scalar chain each).
  ok &= time_float(
      FloatCase{"time", FloatKind::FpMac, kFp16, kFp16, kFp32, 4096, 4096, 4096, 101, 0}, rng);
  ok &= time_float(
      FloatCase{"time", FloatKind::Lmul, kBf16, kBf16, kFp32, 4096, 4096, 4096, 103, 0}, rng);
  ok &= time_quant(QuantCase{"time", false, mixpe(true, 4, 128, kFp32, 4096, 4096, 4096), 105, 0},
                   rng);
  ok &= time_quant(QuantCase{"time", false, mixpe(false, 4, 128, kFp32, 4096, 4096, 4096), 106, 0},
                   rng);
  ok &= time_quant(
      QuantCase{"time", true, lut(false, 2, 4, 0, kFp32, 128, kFp32, 4096, 4096, 4096), 107, 0},
      rng);
  ok &= time_quant(
      QuantCase{"time", true, lut(false, 4, 4, 2, kFp32, 128, kFp32, 4096, 4096, 4096), 108, 0},
      rng);
  for (auto kind : {gpu_ref::CublasFloatKind::Fp16, gpu_ref::CublasFloatKind::Bf16,
                    gpu_ref::CublasFloatKind::Fp8E4M3, gpu_ref::CublasFloatKind::Fp8E5M2xE4M3}) {
    ok &= time_cublas_float(kind, 4096, rng);
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
  std::printf(
      "int_mac twin 4096^3 int8 (%s): median %.3f ms = %.1f TOPS; 256 spot checks, %lld bad\n",
      big->used_tensor_cores ? "tensor cores" : "scalar", median,
      2.0 * n * n * n / (median * 1e-3) / 1e12, static_cast<long long>(spot_bad));
  ok &= spot_bad == 0 && big->used_tensor_cores && big->overflows == 0;
  // The scalar chain kernel on the same operands, for comparison: every output equal.
  std::optional<gpu_ref::IntMacGemmResult> scalar;
  std::vector<double> scalar_times;
  for (int rep = 0; rep < 3; ++rep) {
    gpu_ref::IntMacGemm sg{32, false, n, n, n};
    sg.tensor_cores = false;
    scalar = gpu_ref::int_mac_gemm(sg, a, w, &error);
    if (!scalar) {
      std::printf("4096^3 scalar: CUDA error %s\n", error.c_str());
      return 1;
    }
    if (rep) scalar_times.push_back(scalar->kernel_ms);
  }
  std::sort(scalar_times.begin(), scalar_times.end());
  const bool same = scalar->out == big->out && scalar->overflows == 0;
  std::printf(
      "int_mac scalar twin 4096^3 int8: median of 2 %.3f ms = %.2f TOPS; outputs %s the "
      "tensor-core twin's\n",
      scalar_times[0], 2.0 * n * n * n / (scalar_times[0] * 1e-3) / 1e12,
      same ? "all equal to" : "DIFFER from");
  ok &= same;

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
