// SPDX-License-Identifier: Apache-2.0
// The group-quantized PE kinds' output chains (mixpe W4A8 / W4A16, pe/mixpe.h; lut_tc with fp16
// or int8 activations, pe/lut_tc.h) written once for host and device: the twin kernels
// (mixpe_twin.cu, lut_tc_twin.cu) run one chain per thread, the host reference (make_golden, the
// CI unit test) runs the same functions in a loop. Every float operation is an explicit IEEE
// round-to-nearest-even operation (device intrinsics, never contracted; host `+ - *` under
// -ffp-contract=off), and every NaN the state holds is canonicalised as the PE kinds' NaN rule
// says, so no result depends on a machine's NaN propagation. Plain C++17.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "gpu_ref/twin_arith.h"

namespace tpesim::gpu_ref {

// The quantized operands as the buffers hold them (pe::MixpeQuantParams plus the codes).
struct QuantOperands {
  std::vector<std::int32_t> a;         // M x K: int8 values, or fp16 patterns
  std::vector<std::int32_t> w;         // K x N: unsigned w_bits codes
  std::vector<std::int32_t> w_scales;  // ceil(K / G) x N fp16 patterns
  std::vector<std::int32_t> w_zeros;   // ceil(K / G) x N unsigned codes
  std::vector<std::int32_t> a_scales;  // M fp32 patterns (int8 activations only; else empty)
};

// The parameters of one group-quantized GEMM, for both kinds.
struct QuantGemm {
  bool int8_activations = true;          // mixpe W4A8 / lut_tc int8; else fp16 activations
  int w_bits = 4;                        // B: unsigned weight code width
  std::int64_t group_size = 128;         // G: weights per scale / zero point along K
  int lut_group = 4;                     // lut_tc: Kg activations per table (2..4)
  int table_format = 0;                  // lut_tc: 0 fp16, 1 fp32, 2 int8 (pe::LutTableFormat)
  FloatFields acc_format = kFieldsFp32;  // lut_tc: bit-plane accumulator, fp32 or fp16
  FloatFields out_format = kFieldsFp32;  // output rounding, fp32 or fp16
  std::int64_t m = 0, n = 0, k = 0;      // GEMM shape
};

namespace twin {

TPESIM_HD inline float mul_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fmul_rn(a, b);
#else
  return a * b;
#endif
}
TPESIM_HD inline float sub_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fsub_rn(a, b);
#else
  return a - b;
#endif
}
TPESIM_HD inline float div_rn(float a, float b) {
#if defined(__CUDA_ARCH__)
  return __fdiv_rn(a, b);
#else
  return a / b;
#endif
}
TPESIM_HD inline double div_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __ddiv_rn(a, b);
#else
  return a / b;
#endif
}
TPESIM_HD inline double mul_rn(double a, double b) {
#if defined(__CUDA_ARCH__)
  return __dmul_rn(a, b);
#else
  return a * b;
#endif
}
// An int64 as binary32, RNE (exact below 2^24).
TPESIM_HD inline float i2f(std::int64_t v) {
#if defined(__CUDA_ARCH__)
  return __ll2float_rn(static_cast<long long>(v));
#else
  return static_cast<float>(v);
#endif
}
// binary64 to binary32, RNE, overflow to infinity.
TPESIM_HD inline float d2f(double v) {
#if defined(__CUDA_ARCH__)
  return __double2float_rn(v);
#else
  return static_cast<float>(v);
#endif
}
// Nearest integer, ties to even (pe::round_half_even; the default rounding mode's rint).
TPESIM_HD inline double rint_even(double v) {
#if defined(__CUDA_ARCH__)
  return ::rint(v);
#else
  return std::rint(v);
#endif
}
// pe::canonical_nan: any NaN becomes +0x7FC00000.
TPESIM_HD inline float canon(float v) { return is_nan32(bits32(v)) ? f32(kF32QuietNan) : v; }
TPESIM_HD inline bool finite32(float v) { return (bits32(v) & 0x7F800000u) != 0x7F800000u; }
TPESIM_HD inline float fp16_value(std::int32_t pattern) {
  return f32(decode_f32(static_cast<std::uint32_t>(pattern), kFieldsFp16));
}
TPESIM_HD inline float fp32_value(std::int32_t pattern) {
  return f32(static_cast<std::uint32_t>(pattern));
}
TPESIM_HD inline std::int64_t out_pattern(float v, FloatFields out) {
  return static_cast<std::int64_t>(encode(f32_to_f64(bits32(v)), out));
}
// Whether LUT / mixpe step k (or LUT group ending at k) closes its scale group.
TPESIM_HD inline bool group_end(std::int64_t last_k, std::int64_t g, std::int64_t k) {
  return (last_k + 1) % g == 0 || last_k + 1 == k;
}

// ---- mixpe (pe::MixpeW4A8Arith, pe::MixpeW4A16Arith) ----

struct ChainResult {
  std::int64_t out;        // the output pattern (out_format)
  std::uint32_t acc;       // binary32 bits of the final accumulator
  std::uint64_t overflow;  // Step::overflow events of this chain
};

// Output (i, j) of a mixpe GEMM: k ascending, the per-group sums P, S, one dequantization per
// group, exactly MixpeW4A8Arith / MixpeW4A16Arith::mac_step and output.
TPESIM_HD inline ChainResult mixpe_chain(const QuantGemm& g, const std::int32_t* a,
                                         const std::int32_t* w, const std::int32_t* w_scales,
                                         const std::int32_t* w_zeros, const std::int32_t* a_scales,
                                         std::int64_t i, std::int64_t j) {
  ChainResult r{0, 0, 0};
  float acc = 0;
  if (g.int8_activations) {
    std::int64_t p = 0, s = 0;
    for (std::int64_t kk = 0; kk < g.k; ++kk) {
      const std::int64_t x = a[i * g.k + kk];
      p += x * w[kk * g.n + j];
      s += x;
      if (group_end(kk, g.group_size, g.k)) {
        const std::int64_t gi = (kk / g.group_size) * g.n + j;
        const std::int64_t d = p - static_cast<std::int64_t>(w_zeros[gi]) * s;
        r.overflow += (d < -2147483648LL || d > 2147483647LL) ? 1 : 0;
        acc = canon(add_rn(acc, mul_rn(i2f(d), fp16_value(w_scales[gi]))));
        p = 0;
        s = 0;
      }
    }
    const float s_a = canon(fp32_value(a_scales[i]));
    r.out = out_pattern(canon(mul_rn(acc, s_a)), g.out_format);
  } else {
    float p = 0, s = 0;
    for (std::int64_t kk = 0; kk < g.k; ++kk) {
      const float x = fp16_value(a[i * g.k + kk]);
      p = canon(add_rn(p, mul_rn(x, i2f(w[kk * g.n + j]))));
      s = canon(add_rn(s, x));
      if (group_end(kk, g.group_size, g.k)) {
        const std::int64_t gi = (kk / g.group_size) * g.n + j;
        const float zs = mul_rn(i2f(w_zeros[gi]), s);
        const float d = sub_rn(p, zs);
        acc = canon(add_rn(acc, mul_rn(d, fp16_value(w_scales[gi]))));
        p = 0;
        s = 0;
      }
      r.overflow += finite32(acc) ? 0 : 1;
    }
    r.out = out_pattern(acc, g.out_format);
  }
  r.acc = bits32(acc);
  return r;
}

// ---- lut_tc (pe::build_half_table, pe::LutTcArith, pe::LutTcInt8Arith) ----

inline constexpr int kLutHalfEntries = 8;  // 2^(Kg-1) for the largest Kg = 4

// One LUT group's stored half table: pe::build_half_table on the group's activations (fp16 ones
// decoded, int8 ones as values with the fp32 table format; a tail group's missing ones zero).
struct LutTable {
  float entries[kLutHalfEntries];  // Ts[h]: table_format values (int8 format: integer codes)
  float scale;                     // table_format int8: the table's binary32 scale; else 0
  float a[4];                      // the group's activations (zero past the tail)
  int count;                       // activations present in this group
};

TPESIM_HD inline float lut_activation(const QuantGemm& g, std::int32_t code) {
  return g.int8_activations ? i2f(code) : fp16_value(code);
}

// Table (i, j) of A: the activations a[i, Kg j + t] and the half table of their signed sums.
TPESIM_HD inline LutTable lut_table(const QuantGemm& g, const std::int32_t* a, std::int64_t i,
                                    std::int64_t j) {
  LutTable t{};
  for (int x = 0; x < 4; ++x) t.a[x] = 0;
  t.count = 0;
  for (int x = 0; x < g.lut_group && j * g.lut_group + x < g.k; ++x) {
    t.a[x] = lut_activation(g, a[i * g.k + j * g.lut_group + x]);
    ++t.count;
  }
  const int format = g.int8_activations ? 1 : g.table_format;  // integer tables are exact fp32
  const unsigned half_count = 1u << (g.lut_group - 1);
  float t32[kLutHalfEntries];
  for (unsigned h = 0; h < kLutHalfEntries; ++h) {
    t.entries[h] = 0;
    t32[h] = 0;
  }
  for (unsigned h = 0; h < half_count; ++h) {
    const unsigned p = (h << 1) | 1u;
    float v = t.a[0];
    for (int x = 1; x < g.lut_group; ++x)
      v = ((p >> x) & 1u) ? add_rn(v, t.a[x]) : sub_rn(v, t.a[x]);
    t32[h] = v;
  }
  t.scale = 0;
  if (format != 2) {
    const FloatFields f = format == 0 ? FloatFields(kFieldsFp16) : FloatFields(kFieldsFp32);
    for (unsigned h = 0; h < half_count; ++h) {
      t.entries[h] = canon(f32(decode_f32(encode(f32_to_f64(bits32(t32[h])), f), f)));
    }
    return t;
  }
  float max_abs = 0;
  bool finite = true;
  for (unsigned h = 0; h < half_count; ++h) {
    finite = finite && finite32(t32[h]);
    const float mag = f32(bits32(t32[h]) & 0x7FFFFFFFu);
    max_abs = mag > max_abs ? mag : max_abs;
  }
  if (!finite) {
    t.scale = f32(kF32QuietNan);
    return t;
  }
  t.scale = div_rn(max_abs, 127.0f);
  if (t.scale == 0) return t;
  for (unsigned h = 0; h < half_count; ++h) {
    const double q = rint_even(div_rn(static_cast<double>(t32[h]), static_cast<double>(t.scale)));
    t.entries[h] = static_cast<float>(q < -127.0 ? -127.0 : (q > 127.0 ? 127.0 : q));
  }
  return t;
}

// T[p] from the stored half (pe::LutTcArith::lookup).
TPESIM_HD inline float lut_lookup(const LutTable& t, unsigned p, int lut_group) {
  const unsigned mask = (1u << lut_group) - 1;
  return (p & 1u) ? t.entries[p >> 1] : -t.entries[((~p) & mask) >> 1];
}

// v rounded to acc_format (pe::LutTcArith::round_acc).
TPESIM_HD inline float lut_round_acc(double v, FloatFields acc_format) {
  if (acc_format.exp_bits == 8 && acc_format.man_bits == 23) return canon(d2f(v));
  return canon(f32(decode_f32(encode(bits64(v), acc_format), acc_format)));
}

// Output (i, j) of a lut_tc GEMM from the precomputed tables of row i (tables[jj] for LUT group
// jj): LUT groups ascending, bit planes ascending, the scale-group dequantization at each scale
// group's last LUT group, exactly LutTcArith / LutTcInt8Arith::mac_step and output.
TPESIM_HD inline ChainResult lut_tc_chain(const QuantGemm& g, const LutTable* tables,
                                          const std::int32_t* w, const std::int32_t* w_scales,
                                          const std::int32_t* w_zeros, const std::int32_t* a_scales,
                                          std::int64_t i, std::int64_t j) {
  ChainResult r{0, 0, 0};
  const std::int64_t kg = g.lut_group, groups = (g.k + kg - 1) / kg;
  const std::int32_t bias = (1 << g.w_bits) - 1;
  float out = 0, acc_g = 0, s = 0;
  std::int64_t iacc = 0, is = 0;  // int8 activations: exact sums
  for (std::int64_t jj = 0; jj < groups; ++jj) {
    const LutTable& t = tables[jj];
    unsigned q[4] = {0, 0, 0, 0};
    for (std::int64_t x = 0; x < kg && jj * kg + x < g.k; ++x) {
      q[x] = static_cast<unsigned>(w[(jj * kg + x) * g.n + j]) & 0xFFu;
    }
    auto pattern = [&](int plane) {
      unsigned p = 0;
      for (int x = 0; x < g.lut_group; ++x) p |= ((q[x] >> plane) & 1u) << x;
      return p;
    };
    const std::int64_t last_k = (jj + 1) * kg < g.k ? (jj + 1) * kg - 1 : g.k - 1;
    const bool end = group_end(last_k, g.group_size, g.k);
    const std::int64_t gi = ((jj * kg) / g.group_size) * g.n + j;
    const float half_scale = mul_rn(fp16_value(w_scales[gi]), 0.5f);
    const std::int32_t z_prime = 2 * w_zeros[gi] - bias;
    if (g.int8_activations) {
      for (int plane = 0; plane < g.w_bits; ++plane) {
        iacc += static_cast<std::int64_t>(lut_lookup(t, pattern(plane), g.lut_group)) *
                (std::int64_t{1} << plane);
      }
      for (int x = 0; x < t.count; ++x) is += static_cast<std::int64_t>(t.a[x]);
      if (end) {
        const std::int64_t d = iacc - static_cast<std::int64_t>(z_prime) * is;
        r.overflow += (d < -2147483648LL || d > 2147483647LL) ? 1 : 0;
        out = canon(add_rn(out, mul_rn(i2f(d), half_scale)));
        iacc = 0;
        is = 0;
      }
      continue;
    }
    if (g.table_format == 2) {
      std::int32_t sum = 0;
      for (int plane = 0; plane < g.w_bits; ++plane) {
        sum += static_cast<std::int32_t>(lut_lookup(t, pattern(plane), g.lut_group)) *
               (std::int32_t{1} << plane);
      }
      const float scaled = mul_rn(i2f(sum), t.scale);
      acc_g = lut_round_acc(add_rn(static_cast<double>(acc_g), static_cast<double>(scaled)),
                            g.acc_format);
    } else {
      for (int plane = 0; plane < g.w_bits; ++plane) {
        const double v = mul_rn(static_cast<double>(lut_lookup(t, pattern(plane), g.lut_group)),
                                static_cast<double>(1 << plane));
        acc_g = lut_round_acc(add_rn(static_cast<double>(acc_g), v), g.acc_format);
      }
    }
    for (int x = 0; x < t.count; ++x) s = canon(add_rn(s, t.a[x]));
    if (end) {
      const float zs = mul_rn(i2f(z_prime), s);
      const float d = sub_rn(acc_g, zs);
      out = canon(add_rn(out, mul_rn(d, half_scale)));
      acc_g = 0;
      s = 0;
    }
    r.overflow += finite32(out) ? 0 : 1;
  }
  if (g.int8_activations) {
    r.out = out_pattern(canon(mul_rn(out, canon(fp32_value(a_scales[i])))), g.out_format);
  } else {
    r.out = out_pattern(out, g.out_format);
  }
  r.acc = bits32(out);
  return r;
}

}  // namespace twin
}  // namespace tpesim::gpu_ref
