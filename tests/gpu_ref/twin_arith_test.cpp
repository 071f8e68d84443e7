// SPDX-License-Identifier: Apache-2.0
// The float twin kernels' arithmetic (gpu_ref/twin_arith.h), compiled here for the host, equals
// the simulator's definitions bit for bit: decode / encode against pe/float_format, the fp_mac
// and lmul steps against pe/fp_mac.h and pe/lmul.h (NaN signs included), the digit counts
// against pe/digit_encoding.h. The device compiles the same source, so the GPU tests and
// scripts/gpu-golden only have to show that the device computes what this host does.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <limits>
#include <random>

#include "gpu_ref/golden_file.h"
#include "gpu_ref/golden_operands.h"
#include "gpu_ref/twin_arith.h"
#include "pe/digit_encoding.h"
#include "pe/fp_mac.h"
#include "pe/lmul.h"
#include "workloads/golden_gemm.h"

namespace tpesim {
namespace {

using gpu_ref::FloatFields;
namespace twin = gpu_ref::twin;

pe::FloatFormat to_pe(const FloatFields& f) { return {f.exp_bits, f.man_bits, f.ieee_special}; }

// The named formats and some generic ones (narrow, no fraction, wide exponent).
const FloatFields kFormats[] = {gpu_ref::kFieldsFp32,    gpu_ref::kFieldsBf16,
                                gpu_ref::kFieldsFp16,    gpu_ref::kFieldsFp8E4M3,
                                gpu_ref::kFieldsFp8E5M2, FloatFields{2, 1, true},
                                FloatFields{3, 0, true}, FloatFields{8, 0, true},
                                FloatFields{6, 9, true}, FloatFields{8, 15, true}};

// Every pattern of formats up to 16 bits, a million random ones of wider formats.
template <class F>
void for_patterns(const FloatFields& f, F check) {
  const int bits = 1 + f.exp_bits + f.man_bits;
  if (bits <= 16) {
    for (std::uint32_t p = 0; p < (1u << bits); ++p) check(p);
    return;
  }
  std::mt19937_64 rng(bits);
  const std::uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
  for (int i = 0; i < 1000000; ++i) check(static_cast<std::uint32_t>(rng()) & mask);
  for (std::uint32_t p : gpu_ref::edge_patterns(f)) check(p), check(p | (1u << (bits - 1)));
}

// Decoding is exact and NaN becomes the signed quiet NaN that static_cast<float>(pe::decode)
// gives.
TEST(TwinArithTest, DecodeMatchesPe) {
  for (const FloatFields& f : kFormats) {
    SCOPED_TRACE(gpu_ref::float_fields_name(f));
    for_patterns(f, [&](std::uint32_t p) {
      const double d = pe::decode(p, to_pe(f));
      ASSERT_EQ(twin::decode_f64(p, f), std::bit_cast<std::uint64_t>(d)) << std::hex << p;
      ASSERT_EQ(twin::decode_f32(p, f), std::bit_cast<std::uint32_t>(static_cast<float>(d)))
          << std::hex << p;
    });
  }
}

// binary32 -> binary64 as the host converts (exact; a NaN keeps sign and payload, quieted).
TEST(TwinArithTest, WideningMatchesTheHost) {
  std::mt19937_64 rng(7);
  for (int i = 0; i < 2000000; ++i) {
    const auto b = static_cast<std::uint32_t>(rng());
    const double d = static_cast<double>(std::bit_cast<float>(b));
    ASSERT_EQ(twin::f32_to_f64(b), std::bit_cast<std::uint64_t>(d)) << std::hex << b;
  }
}

// RNE encoding of binary64 values: random values around each format's range, every binary32
// value's neighbourhood, exact ties and their neighbours, overflow thresholds and specials.
TEST(TwinArithTest, EncodeMatchesPe) {
  std::mt19937_64 rng(11);
  for (const FloatFields& f : kFormats) {
    SCOPED_TRACE(gpu_ref::float_fields_name(f));
    const pe::FloatFormat pf = to_pe(f);
    auto check = [&](double v) {
      ASSERT_EQ(twin::encode(std::bit_cast<std::uint64_t>(v), f), pe::encode(v, pf)) << v;
    };
    for (double v :
         {0.0, -0.0, std::numeric_limits<double>::infinity(),
          -std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN(),
          -std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::denorm_min(),
          std::numeric_limits<double>::max(), pe::max_finite(pf), pe::min_subnormal(pf)}) {
      check(v);
      check(-v);
    }
    const int bias = (1 << (f.exp_bits - 1)) - 1;
    for (int i = 0; i < 300000; ++i) {
      // A binary64 with an exponent a little beyond the format's range either way.
      const int e =
          static_cast<int>(rng() % static_cast<std::uint64_t>(2 * bias + 2 * f.man_bits + 20)) -
          bias - f.man_bits - 10;
      const double v = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, e);
      check((rng() & 1) ? v : -v);
      // Ties: the midpoint of two neighbouring patterns, exactly and one binary64 ulp off.
      const auto p = static_cast<std::uint32_t>(rng()) & (twin::layout(f).max_mag);
      if (p < twin::layout(f).max_mag) {
        const double lo = pe::decode(p, pf), hi = pe::decode(p + 1, pf);
        const double mid = lo + (hi - lo) / 2;
        check(mid);
        check(std::nextafter(mid, 0.0));
        check(std::nextafter(mid, 1e308));
      }
      check(static_cast<double>(std::bit_cast<float>(static_cast<std::uint32_t>(rng()))));
    }
    // Overflow threshold: half an ulp above max finite, and just below it.
    const double top = pe::max_finite(pf);
    const double ulp = top - pe::decode(twin::layout(f).max_mag - 1, pf);
    check(top + ulp / 2);
    check(std::nextafter(top + ulp / 2, 0.0));
  }
}

// One fp_mac step on edge accumulators and edge operands of every operand format, then chains
// of random GEMMs with edge values, all four operand formats, all three output formats: the
// accumulator's bits and the output pattern equal pe::FpMacArith's.
TEST(TwinArithTest, FpMacMatchesPe) {
  const FloatFields operand_formats[] = {gpu_ref::kFieldsFp16, gpu_ref::kFieldsBf16,
                                         gpu_ref::kFieldsFp8E4M3, gpu_ref::kFieldsFp8E5M2};
  const FloatFields out_formats[] = {gpu_ref::kFieldsFp32, gpu_ref::kFieldsFp16,
                                     gpu_ref::kFieldsBf16};
  std::vector<std::uint32_t> accs;
  for (std::uint32_t p : gpu_ref::edge_patterns(gpu_ref::kFieldsFp32)) {
    accs.push_back(p);
    accs.push_back(p | 0x80000000u);
  }
  std::uint64_t seed = 100;
  for (const FloatFields& af : operand_formats) {
    for (const FloatFields& wf : operand_formats) {
      const pe::FpMacArith arith(pe::FpMacSpec{to_pe(af), to_pe(wf), pe::kFp32});
      SCOPED_TRACE(gpu_ref::float_fields_name(af) + " x " + gpu_ref::float_fields_name(wf));
      const std::uint32_t a_sign = 1u << (af.exp_bits + af.man_bits);
      const std::uint32_t w_sign = 1u << (wf.exp_bits + wf.man_bits);
      for (std::uint32_t acc : accs) {
        for (std::uint32_t a : gpu_ref::edge_patterns(af)) {
          for (std::uint32_t w : gpu_ref::edge_patterns(wf)) {
            for (std::uint32_t signs = 0; signs < 4; ++signs) {
              const std::uint32_t x = (signs & 1) ? a | a_sign : a;
              const std::uint32_t y = (signs & 2) ? w | w_sign : w;
              const auto s =
                  arith.mac_step(std::bit_cast<float>(acc), arith.decode_a(x), arith.decode_w(y));
              const auto t = twin::fp_mac_step(acc, twin::f32(twin::decode_f32(x, af)),
                                               twin::f32(twin::decode_f32(y, wf)));
              ASSERT_EQ(t.acc, std::bit_cast<std::uint32_t>(s.value))
                  << std::hex << acc << " + " << x << " * " << y;
              ASSERT_EQ(t.overflow, s.overflow);
            }
          }
        }
      }
      for (const FloatFields& of : out_formats) {
        for (int edge : {0, 10, 100}) {
          const std::int64_t m = 7, n = 9, k = 150;
          const auto a = gpu_ref::float_operands(af, m * k, seed, edge);
          const auto w = gpu_ref::float_operands(wf, k * n, seed + 1, edge);
          seed += 2;
          const pe::FpMacArith ar(pe::FpMacSpec{to_pe(af), to_pe(wf), to_pe(of)});
          std::vector<float> da, dw;
          for (auto c : a) da.push_back(ar.decode_a(static_cast<std::uint32_t>(c)));
          for (auto c : w) dw.push_back(ar.decode_w(static_cast<std::uint32_t>(c)));
          std::uint64_t cpu_overflows = 0;
          const auto cpu = workloads::golden_gemm(ar, m, n, k, da, dw, &cpu_overflows);
          std::uint64_t twin_overflows = 0;
          for (std::int64_t i = 0; i < m; ++i) {
            for (std::int64_t j = 0; j < n; ++j) {
              std::uint32_t acc = 0;
              for (std::int64_t p = 0; p < k; ++p) {
                const auto s = twin::fp_mac_step(
                    acc, twin::f32(twin::decode_f32(static_cast<std::uint32_t>(a[i * k + p]), af)),
                    twin::f32(twin::decode_f32(static_cast<std::uint32_t>(w[p * n + j]), wf)));
                acc = s.acc;
                twin_overflows += s.overflow;
              }
              const float c = cpu[static_cast<std::size_t>(i * n + j)];
              ASSERT_EQ(acc, std::bit_cast<std::uint32_t>(c)) << i << "," << j;
              ASSERT_EQ(static_cast<std::int64_t>(twin::output_pattern(acc, of)), ar.output(c));
            }
          }
          EXPECT_EQ(twin_overflows, cpu_overflows);
        }
      }
    }
  }
}

// The L-Mul product, flags included: every pair of fp8 patterns, random pairs of wider formats.
TEST(TwinArithTest, LmulMultiplyMatchesPe) {
  std::mt19937_64 rng(3);
  for (const FloatFields& f : kFormats) {
    SCOPED_TRACE(gpu_ref::float_fields_name(f));
    const pe::FloatFormat pf = to_pe(f);
    const int bits = 1 + f.exp_bits + f.man_bits;
    auto check = [&](std::uint32_t x, std::uint32_t y) {
      const pe::LmulProduct p = pe::lmul_multiply(x, y, pf);
      const twin::LmulProductBits t = twin::lmul_multiply(x, y, f);
      ASSERT_EQ(t.pattern, p.pattern) << std::hex << x << " * " << y;
      ASSERT_EQ(t.flushed, p.flushed);
      ASSERT_EQ(t.saturated, p.saturated);
      ASSERT_EQ(t.nan, p.nan);
    };
    if (bits <= 8) {
      for (std::uint32_t x = 0; x < (1u << bits); ++x)
        for (std::uint32_t y = 0; y < (1u << bits); ++y) check(x, y);
    } else {
      const std::uint32_t mask = bits == 32 ? ~0u : (1u << bits) - 1;
      for (int i = 0; i < 500000; ++i) {
        check(static_cast<std::uint32_t>(rng()) & mask, static_cast<std::uint32_t>(rng()) & mask);
      }
      for (std::uint32_t x : gpu_ref::edge_patterns(f))
        for (std::uint32_t y : gpu_ref::edge_patterns(f)) check(x, y | (1u << (bits - 1)));
    }
    EXPECT_EQ(twin::lmul_offset(f), pe::lmul_offset(pf));
  }
}

// lmul chains, NaN operands included, for every operand format and accumulator format: the
// accumulator's bits (so NaN signs too) and the output pattern equal pe::LmulArith's as this
// host computes them (see the NOTE(model) on twin::lmul_step).
TEST(TwinArithTest, LmulChainsMatchPe) {
  const FloatFields formats[] = {gpu_ref::kFieldsFp8E4M3, gpu_ref::kFieldsFp8E5M2,
                                 gpu_ref::kFieldsBf16,    gpu_ref::kFieldsFp16,
                                 gpu_ref::kFieldsFp32,    FloatFields{3, 2, true}};
  const FloatFields acc_formats[] = {gpu_ref::kFieldsFp32, gpu_ref::kFieldsBf16,
                                     gpu_ref::kFieldsFp16};
  std::uint64_t seed = 500;
  for (const FloatFields& f : formats) {
    for (const FloatFields& af : acc_formats) {
      SCOPED_TRACE(gpu_ref::float_fields_name(f) + " acc " + gpu_ref::float_fields_name(af));
      const pe::LmulArith ar(pe::LmulSpec{to_pe(f), to_pe(af)});
      for (int edge : {0, 15, 60, 400}) {
        const std::int64_t m = 6, n = 11, k = 97;
        const auto a = gpu_ref::float_operands(f, m * k, seed, edge);
        const auto w = gpu_ref::float_operands(f, k * n, seed + 1, edge);
        seed += 2;
        std::uint64_t cpu_overflows = 0;
        const auto cpu = workloads::golden_gemm(ar, m, n, k, a, w, &cpu_overflows);
        std::uint64_t twin_overflows = 0;
        for (std::int64_t i = 0; i < m; ++i) {
          for (std::int64_t j = 0; j < n; ++j) {
            std::uint32_t acc = 0;
            for (std::int64_t p = 0; p < k; ++p) {
              const auto s = twin::lmul_step(acc, static_cast<std::uint32_t>(a[i * k + p]),
                                             static_cast<std::uint32_t>(w[p * n + j]), f, af);
              acc = s.acc;
              twin_overflows += s.overflow;
            }
            const float c = cpu[static_cast<std::size_t>(i * n + j)];
            ASSERT_EQ(acc, std::bit_cast<std::uint32_t>(c)) << i << "," << j << " edge " << edge;
            ASSERT_EQ(static_cast<std::int64_t>(twin::output_pattern(acc, af)), ar.output(c));
          }
        }
        EXPECT_EQ(twin_overflows, cpu_overflows);
      }
    }
  }
}

// Booth and EN-T non-zero digit counts of every operand of every width.
TEST(TwinArithTest, DigitCountsMatchPe) {
  for (int bits = 2; bits <= 16; ++bits) {
    for (std::int64_t x = pe::int_min(bits); x <= pe::int_max(bits); ++x) {
      ASSERT_EQ(twin::booth_nonzero(x, bits), pe::booth_radix4(x, bits).nonzero())
          << x << " bits " << bits;
      ASSERT_EQ(twin::ent_nonzero(x, bits), pe::ent_digits(x, bits).nonzero())
          << x << " bits " << bits;
    }
    EXPECT_EQ(twin::radix4_digits(bits), pe::radix4_digits(bits));
  }
}

// Format names read and written as pe spells them.
TEST(TwinArithTest, FormatNamesMatchPe) {
  for (const char* name : {"fp32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2", "e3m2", "e8m0", "e5m10",
                           "e2m23", "e9m1", "e8m24", "fp8", "e03m2", "x"}) {
    const auto p = pe::parse_float_format(name);
    const auto t = gpu_ref::parse_float_fields(name);
    ASSERT_EQ(p.has_value(), t.has_value()) << name;
    if (!p) continue;
    EXPECT_EQ(to_pe(*t), *p) << name;
    EXPECT_EQ(gpu_ref::float_fields_name(*t), pe::float_format_name(*p));
  }
}

// The operand generator is pinned: committed golden files hold a seed, not the operands, so a
// change here would silently invalidate them.
TEST(TwinArithTest, GoldenOperandsArePinned) {
  const auto a = gpu_ref::float_operands(gpu_ref::kFieldsFp16, 6, 42, 500);
  const auto b = gpu_ref::float_operands(gpu_ref::kFieldsFp8E4M3, 6, 43, 0);
  EXPECT_EQ(a, gpu_ref::float_operands(gpu_ref::kFieldsFp16, 6, 42, 500));
  EXPECT_EQ(a, (std::vector<std::int32_t>{0x7bff, 0x437c, 0x8001, 0x2dd8, 0x3ff, 0xfe00}));
  EXPECT_EQ(b, (std::vector<std::int32_t>{0x9e, 0x30, 0x28, 0xae, 0x46, 0x99}));
}

// Float-kind golden files round-trip (hex outputs, formats); int_mac files keep their layout.
TEST(TwinArithTest, GoldenFileRoundTrip) {
  gpu_ref::GoldenVector g;
  g.kind = gpu_ref::GoldenKind::Lmul;
  g.format = "fp8_e4m3";
  g.acc_format = "fp32";
  g.edge_per_mille = 7;
  g.m = 2;
  g.n = 3;
  g.k = 5;
  g.seed = 9;
  g.device = "test device";
  g.overflows = 4;
  g.out = {0, 0x7FC00000, 0xFFC00000, 1, 0x3F800000, 0x80000000};
  const std::string path = testing::TempDir() + "/lmul_golden.txt";
  gpu_ref::write_golden(g, path);
  const gpu_ref::GoldenVector r = gpu_ref::read_golden(path);
  EXPECT_EQ(r.kind, g.kind);
  EXPECT_EQ(r.format, g.format);
  EXPECT_EQ(r.acc_format, g.acc_format);
  EXPECT_EQ(r.edge_per_mille, g.edge_per_mille);
  EXPECT_EQ(r.device, g.device);
  EXPECT_EQ(r.overflows, g.overflows);
  EXPECT_EQ(r.out, g.out);
}

}  // namespace
}  // namespace tpesim
