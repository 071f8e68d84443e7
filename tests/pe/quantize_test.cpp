// SPDX-License-Identifier: Apache-2.0
// Quantizers: weight codes against a brute-force nearest-code search, scales and zero points
// against the formulas restated here, the granularities against each other, ties, clamping,
// all-zero and partial groups, an exhaustive 4-bit round trip; per-token int8 activations.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <stdexcept>
#include <vector>

#include "pe/float_format.h"
#include "pe/quantize.h"

namespace tpesim::pe {
namespace {

using Rng = std::mt19937_64;

constexpr std::uint16_t kFp16One = 0x3C00;  // fp16 pattern of 1.0

// K x N weights, mostly N(0, 1) with a few large outliers, as LLM weight columns look.
std::vector<double> random_matrix(Rng& rng, std::int64_t rows, std::int64_t cols) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int> pick(0, 49);
  std::vector<double> w(static_cast<std::size_t>(rows * cols));
  for (double& v : w) v = normal(rng) * (pick(rng) == 0 ? 20.0 : 1.0);
  return w;
}

std::size_t idx(std::int64_t row, std::int64_t col, std::int64_t cols) {
  return static_cast<std::size_t>(row * cols + col);
}

double fp16_value(double v) { return decode(encode(v, kFp16), kFp16); }

// The code nearest to w among all 2^B codes given s and z; equal distances go to the code whose
// offset c - z is even (RNE on w / s).
std::int32_t brute_force_code(double w, double s, std::int32_t z, int bits) {
  std::int32_t best = 0;
  double best_err = std::numeric_limits<double>::infinity();
  for (std::int32_t c = 0; c < (1 << bits); ++c) {
    const double err = std::fabs(w - s * (c - z));
    if (err < best_err || (err == best_err && (c - z) % 2 == 0)) {
      best = c;
      best_err = err;
    }
  }
  return best;
}

// Every code of `qw` is the brute-force nearest code under its stored scale and zero point.
void expect_nearest_codes(const QuantizedWeights& qw, const std::vector<double>& w) {
  for (std::int64_t row = 0; row < qw.k; ++row) {
    for (std::int64_t col = 0; col < qw.n; ++col) {
      const std::int64_t g = row / qw.group_size;
      const double s = decode(qw.scales[idx(g, col, qw.n)], kFp16);
      const std::int32_t z = qw.zeros[idx(g, col, qw.n)];
      ASSERT_EQ(qw.q[idx(row, col, qw.n)], brute_force_code(w[idx(row, col, qw.n)], s, z, qw.bits))
          << "bits " << qw.bits << " G " << qw.group_size << " at (" << row << ", " << col << ")";
    }
  }
}

WeightQuantSpec group_spec(int bits, int group_size, QuantSymmetry sym) {
  return {bits, QuantGranularity::Group, group_size, sym};
}

// round_half_even agrees with nearbyint under the default rounding mode, ties included.
TEST(QuantizeTest, RoundHalfEvenMatchesNearbyint) {
  for (double x : {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.49999999999999994, 3.0,
                   -7.0, 1e300, -0.0, 4503599627370495.5, -4503599627370495.5}) {
    EXPECT_EQ(round_half_even(x), std::nearbyint(x)) << x;
  }
  Rng rng(1);
  std::uniform_real_distribution<double> u(-300.0, 300.0);
  for (int i = 0; i < 20000; ++i) {
    const double x = i % 2 == 0 ? u(rng) : std::round(u(rng)) + 0.5;  // every other one a tie
    ASSERT_EQ(round_half_even(x), std::nearbyint(x)) << x;
  }
}

// A small group worked by hand: s = fp16(3/15) = 0.199951171875, z = RNE(1/s) = 5.
TEST(QuantizeTest, HandWorkedAsymmetricGroup) {
  const QuantizedWeights qw =
      quantize_weights({-1.0, 0.5, 2.0}, 3, 1, group_spec(4, 128, QuantSymmetry::Asymmetric));
  EXPECT_EQ(decode(qw.scales[0], kFp16), 0.199951171875);
  EXPECT_EQ(qw.zeros[0], 5);
  EXPECT_EQ(qw.q, (std::vector<std::int32_t>{0, 8, 15}));
  // All-positive group: lo is clamped up to 0, so z = 0 and s = 3/15.
  const QuantizedWeights pos =
      quantize_weights({1.0, 2.0, 3.0}, 3, 1, group_spec(4, 128, QuantSymmetry::Asymmetric));
  EXPECT_EQ(pos.zeros[0], 0);
  EXPECT_EQ(pos.q, (std::vector<std::int32_t>{5, 10, 15}));
}

// Asymmetric: s = fp16((max(hi,0) - min(lo,0)) / (2^B - 1)), z = clamp(RNE(-lo / s)); symmetric:
// s = fp16(max|w| / (2^(B-1) - 1)), z = 2^(B-1); per (group, column).
TEST(QuantizeTest, ScaleAndZeroFollowTheFormula) {
  Rng rng(2);
  const std::int64_t k = 37, n = 5;
  const int g_size = 8;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    for (int bits : {2, 3, 4, 8}) {
      const QuantizedWeights qw = quantize_weights(w, k, n, group_spec(bits, g_size, sym));
      ASSERT_EQ(qw.groups(), 5);
      ASSERT_EQ(qw.scales.size(), 25u);
      for (std::int64_t g = 0; g < 5; ++g) {
        for (std::int64_t col = 0; col < n; ++col) {
          double lo = 0.0, hi = 0.0, max_abs = 0.0;
          for (std::int64_t row = g * g_size; row < std::min(k, (g + 1) * g_size); ++row) {
            lo = std::min(lo, w[idx(row, col, n)]);
            hi = std::max(hi, w[idx(row, col, n)]);
            max_abs = std::max(max_abs, std::fabs(w[idx(row, col, n)]));
          }
          double s = 0.0;
          std::int32_t z = 0;
          if (sym == QuantSymmetry::Asymmetric) {
            s = fp16_value((hi - lo) / ((1 << bits) - 1));
            z = static_cast<std::int32_t>(std::nearbyint(-lo / s));
          } else {
            s = fp16_value(max_abs / ((1 << (bits - 1)) - 1));
            z = 1 << (bits - 1);
          }
          EXPECT_EQ(qw.scale(g, col), s) << "bits " << bits << " group " << g << " col " << col;
          EXPECT_EQ(qw.zeros[idx(g, col, n)], z) << "bits " << bits << " group " << g;
        }
      }
    }
  }
}

// Each code is the nearest of all 2^B codes to w under the stored (s, z), ties to even.
TEST(QuantizeTest, BruteForceNearestCode) {
  Rng rng(3);
  const std::int64_t k = 50, n = 6;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (int bits = 1; bits <= 8; ++bits) {
    for (int g_size : {1, 7, 16, 64}) {
      expect_nearest_codes(
          quantize_weights(w, k, n, group_spec(bits, g_size, QuantSymmetry::Asymmetric)), w);
      if (bits >= 2)
        expect_nearest_codes(
            quantize_weights(w, k, n, group_spec(bits, g_size, QuantSymmetry::Symmetric)), w);
    }
  }
}

// Exact halves round to the even neighbour, for codes and for the zero point.
TEST(QuantizeTest, TiesGoToEven) {
  const auto spec = group_spec(4, 8, QuantSymmetry::Asymmetric);
  // lo = 0, hi = 15: s = 1, z = 0.
  const QuantizedWeights a = quantize_weights({0.0, 0.5, 1.5, 2.5, 14.5, 15.0}, 6, 1, spec);
  EXPECT_EQ(decode(a.scales[0], kFp16), 1.0);
  EXPECT_EQ(a.zeros[0], 0);
  EXPECT_EQ(a.q, (std::vector<std::int32_t>{0, 0, 2, 2, 14, 15}));
  // lo = -2.5, hi = 12.5: s = 1, z = RNE(2.5) = 2; -2.5 -> -2 + 2, 12.5 -> 12 + 2.
  const QuantizedWeights b = quantize_weights({-2.5, 12.5, -1.5, 0.5}, 4, 1, spec);
  EXPECT_EQ(decode(b.scales[0], kFp16), 1.0);
  EXPECT_EQ(b.zeros[0], 2);
  EXPECT_EQ(b.q, (std::vector<std::int32_t>{0, 14, 0, 2}));
}

// |w - dequant| <= s/2 wherever the unclamped code is in range, and at most
// s (1/2 + (2^B - 1) 2^-11) anywhere (the fp16 rounding of s can shrink the range that much).
TEST(QuantizeTest, RoundTripErrorBound) {
  Rng rng(4);
  const std::int64_t k = 64, n = 8;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    for (int bits : {2, 4, 8}) {
      const QuantizedWeights qw = quantize_weights(w, k, n, group_spec(bits, 16, sym));
      for (std::int64_t row = 0; row < k; ++row) {
        for (std::int64_t col = 0; col < n; ++col) {
          const std::int64_t g = row / 16;
          const double s = qw.scale(g, col);
          const double v = w[idx(row, col, n)];
          const double err = std::fabs(v - qw.dequant(row, col));
          const double unclamped = std::nearbyint(v / s) + qw.zeros[idx(g, col, n)];
          if (unclamped >= 0 && unclamped <= (1 << bits) - 1) {
            ASSERT_LE(err, s / 2) << "bits " << bits << " at (" << row << ", " << col << ")";
          }
          ASSERT_LE(err, s * (0.5 + ((1 << bits) - 1) * std::ldexp(1.0, -11)) * (1 + 1e-12));
        }
      }
    }
  }
}

// Codes past either end clamp to 0 and 2^B - 1, also where fp16 rounding shrinks the range.
TEST(QuantizeTest, ClampsOutliers) {
  EXPECT_EQ(quantize_code(-100.0, 1.0, 3, 4), 0);
  EXPECT_EQ(quantize_code(100.0, 1.0, 3, 4), 15);
  EXPECT_EQ(quantize_code(1e30, 1.0, 128, 8), 255);
  EXPECT_EQ(quantize_code(12.0, 1.0, 3, 4), 15);
  EXPECT_EQ(quantize_code(11.4, 1.0, 3, 4), 14);
  // lo = -3.5, hi = 11.5 + 15 * 2^-12: s = fp16(1 + 2^-12) = 1 (rounded down), z = RNE(3.5) = 4,
  // and hi's unclamped code RNE(11.5037) + 4 = 16 clamps to 15.
  const double hi = 11.5 + 15.0 / 4096.0;
  const QuantizedWeights qw =
      quantize_weights({-3.5, hi, 0.0}, 3, 1, group_spec(4, 4, QuantSymmetry::Asymmetric));
  EXPECT_EQ(decode(qw.scales[0], kFp16), 1.0);
  EXPECT_EQ(qw.zeros[0], 4);
  EXPECT_EQ(qw.q, (std::vector<std::int32_t>{0, 15, 4}));
  EXPECT_EQ(qw.dequant(1, 0), 11.0);
}

// An all-zero group gets s = 1 (not 0), its zero point, and dequantizes to exactly 0; its
// neighbours in the same column are unaffected.
TEST(QuantizeTest, AllZeroGroup) {
  // Column 0: group 0 all zero, group 1 not; column 1: all zero.
  const std::vector<double> w = {0, 0, 0, 0, 0, 0, 0, 0, 1.5, 0, -3, 0, 6, 0, 0.25, 0};
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    const QuantizedWeights qw = quantize_weights(w, 8, 2, group_spec(4, 4, sym));
    const std::int32_t z = sym == QuantSymmetry::Symmetric ? 8 : 0;
    for (std::int64_t col = 0; col < 2; ++col) {
      EXPECT_EQ(qw.scales[idx(0, col, 2)], kFp16One);
      EXPECT_EQ(qw.zeros[idx(0, col, 2)], z);
    }
    EXPECT_EQ(qw.scales[idx(1, 1, 2)], kFp16One);
    for (std::int64_t row = 0; row < 8; ++row) {
      for (std::int64_t col = 0; col < 2; ++col) {
        if (w[idx(row, col, 2)] == 0.0) {
          EXPECT_EQ(qw.dequant(row, col), 0.0);
        }
      }
    }
    const double s = sym == QuantSymmetry::Symmetric ? fp16_value(6.0 / 7) : fp16_value(9.0 / 15);
    EXPECT_EQ(qw.scale(1, 0), s);
  }
}

// A group whose scale underflows fp16 (below 2^-25) also gets s = 1: its weights become 0.
TEST(QuantizeTest, UnderflowingScaleUsesOne) {
  const QuantizedWeights qw =
      quantize_weights({1e-9, -2e-9}, 2, 1, group_spec(4, 2, QuantSymmetry::Asymmetric));
  EXPECT_EQ(qw.scales[0], kFp16One);
  EXPECT_EQ(qw.zeros[0], 0);
  EXPECT_EQ(qw.dequant(0, 0), 0.0);
  EXPECT_EQ(qw.dequant(1, 0), 0.0);
}

// ceil(K / G) groups; the partial tail group is quantized from its own rows only, exactly as
// if those rows were a matrix of their own.
TEST(QuantizeTest, PartialTailGroup) {
  Rng rng(5);
  const std::int64_t k = 10, n = 3;
  const std::vector<double> w = random_matrix(rng, k, n);
  const QuantizedWeights qw =
      quantize_weights(w, k, n, group_spec(4, 4, QuantSymmetry::Asymmetric));
  ASSERT_EQ(qw.groups(), 3);
  ASSERT_EQ(qw.scales.size(), 9u);
  ASSERT_EQ(qw.zeros.size(), 9u);
  const std::vector<double> tail(w.begin() + 8 * n, w.end());
  const QuantizedWeights alone =
      quantize_weights(tail, 2, n, group_spec(4, 4, QuantSymmetry::Asymmetric));
  for (std::int64_t col = 0; col < n; ++col) {
    EXPECT_EQ(qw.scales[idx(2, col, n)], alone.scales[static_cast<std::size_t>(col)]);
    EXPECT_EQ(qw.zeros[idx(2, col, n)], alone.zeros[static_cast<std::size_t>(col)]);
    for (std::int64_t row = 8; row < k; ++row) {
      EXPECT_EQ(qw.q[idx(row, col, n)], alone.q[idx(row - 8, col, n)]);
      EXPECT_EQ(qw.dequant(row, col), alone.dequant(row - 8, col));
    }
  }
  expect_nearest_codes(qw, w);
}

// dequant(k, n) = s[k / G, n] * (q[k, n] - z[k / G, n]) with s decoded from fp16.
TEST(QuantizeTest, DequantIndexesTheRowsGroup) {
  Rng rng(6);
  const std::int64_t k = 13, n = 4;
  const std::vector<double> w = random_matrix(rng, k, n);
  const QuantizedWeights qw =
      quantize_weights(w, k, n, group_spec(3, 5, QuantSymmetry::Asymmetric));
  for (std::int64_t row = 0; row < k; ++row) {
    for (std::int64_t col = 0; col < n; ++col) {
      const std::size_t gi = idx(row / 5, col, n);
      EXPECT_EQ(qw.dequant(row, col),
                decode(qw.scales[gi], kFp16) * (qw.q[idx(row, col, n)] - qw.zeros[gi]));
    }
  }
}

// Per-channel is one group of K rows per column: identical to Group with G = K (or G > K).
TEST(QuantizeTest, PerChannelEqualsGroupOfK) {
  Rng rng(7);
  const std::int64_t k = 24, n = 5;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    const QuantizedWeights pc =
        quantize_weights(w, k, n, {4, QuantGranularity::PerChannel, 0, sym});
    EXPECT_EQ(pc.group_size, k);
    EXPECT_EQ(pc.scales.size(), static_cast<std::size_t>(n));
    for (int g_size : {24, 1000}) {
      const QuantizedWeights gr = quantize_weights(w, k, n, group_spec(4, g_size, sym));
      EXPECT_EQ(pc.q, gr.q);
      EXPECT_EQ(pc.scales, gr.scales);
      EXPECT_EQ(pc.zeros, gr.zeros);
    }
    expect_nearest_codes(pc, w);
  }
}

// Per-tensor: one (s, z) over the whole matrix, repeated in every column, equal to per-channel
// quantization of the matrix flattened into one column.
TEST(QuantizeTest, PerTensorSharesOneScale) {
  Rng rng(8);
  const std::int64_t k = 16, n = 6;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    const QuantizedWeights pt = quantize_weights(w, k, n, {4, QuantGranularity::PerTensor, 3, sym});
    const QuantizedWeights flat =
        quantize_weights(w, k * n, 1, {4, QuantGranularity::PerChannel, 128, sym});
    EXPECT_EQ(pt.group_size, k);
    ASSERT_EQ(pt.scales.size(), static_cast<std::size_t>(n));
    ASSERT_EQ(pt.zeros.size(), static_cast<std::size_t>(n));
    for (std::int64_t col = 0; col < n; ++col) {
      EXPECT_EQ(pt.scales[static_cast<std::size_t>(col)], flat.scales[0]);
      EXPECT_EQ(pt.zeros[static_cast<std::size_t>(col)], flat.zeros[0]);
    }
    EXPECT_EQ(pt.q, flat.q);  // same row-major order
    expect_nearest_codes(pt, w);
  }
}

// Symmetric: z = 2^(B-1) everywhere; +max|w| -> 2^B - 1, -max|w| -> 1; code 0 is never used.
TEST(QuantizeTest, SymmetricZeroPoint) {
  Rng rng(9);
  const std::int64_t k = 32, n = 4;
  const std::vector<double> w = random_matrix(rng, k, n);
  for (int bits : {2, 4, 8}) {
    const QuantizedWeights qw =
        quantize_weights(w, k, n, group_spec(bits, 8, QuantSymmetry::Symmetric));
    for (std::int32_t z : qw.zeros) EXPECT_EQ(z, 1 << (bits - 1));
    for (std::int32_t q : qw.q) EXPECT_GE(q, 1);
  }
  // max|w| = 7 on the negative side: s = 1, -7 -> 1, 3 -> 11, 7.0 would be 15.
  const QuantizedWeights qw =
      quantize_weights({-7.0, 3.0, 0.0}, 3, 1, group_spec(4, 3, QuantSymmetry::Symmetric));
  EXPECT_EQ(qw.scale(0, 0), 1.0);
  EXPECT_EQ(qw.q, (std::vector<std::int32_t>{1, 11, 8}));
  const QuantizedWeights pos =
      quantize_weights({0.7, -0.2}, 2, 1, group_spec(4, 2, QuantSymmetry::Symmetric));
  EXPECT_EQ(pos.q[0], 15);
}

// Scales are positive finite fp16 patterns that survive an encode(decode()) round trip, and
// dequant uses exactly their decoded value.
TEST(QuantizeTest, ScalesAreFp16Representable) {
  Rng rng(10);
  const std::int64_t k = 40, n = 7;
  std::vector<double> w = random_matrix(rng, k, n);
  for (double& v : w) v *= 1e-4;  // some scales become fp16 subnormals
  for (QuantSymmetry sym : {QuantSymmetry::Asymmetric, QuantSymmetry::Symmetric}) {
    const QuantizedWeights qw = quantize_weights(w, k, n, group_spec(4, 4, sym));
    bool saw_subnormal = false;
    for (std::uint16_t p : qw.scales) {
      EXPECT_EQ(p & 0x8000u, 0u);
      EXPECT_LT(p & 0x7FFFu, 0x7C00u);
      EXPECT_GT(decode(p, kFp16), 0.0);
      EXPECT_EQ(encode(decode(p, kFp16), kFp16), p);
      saw_subnormal = saw_subnormal || is_subnormal(p, kFp16);
    }
    EXPECT_TRUE(saw_subnormal);
    expect_nearest_codes(qw, w);
  }
}

// Weights that are exactly s (q - z) reproduce q, for every 4-bit code and every zero point.
TEST(QuantizeTest, ExhaustiveFourBitCodes) {
  for (double s : {1.0, 0.0078125, 0.199951171875, 3.140625, 0x1.0p-20}) {
    ASSERT_EQ(fp16_value(s), s);
    for (std::int32_t z = 0; z < 16; ++z) {
      std::vector<double> w;
      std::vector<std::int32_t> codes;
      for (std::int32_t q = 15; q >= 0; --q) {  // descending, so the order is not the answer
        w.push_back(s * (q - z));
        codes.push_back(q);
      }
      const QuantizedWeights qw =
          quantize_weights(w, 16, 1, group_spec(4, 16, QuantSymmetry::Asymmetric));
      ASSERT_EQ(qw.scale(0, 0), s) << "z " << z;
      ASSERT_EQ(qw.zeros[0], z) << "s " << s;
      ASSERT_EQ(qw.q, codes) << "s " << s << " z " << z;
      for (std::int64_t row = 0; row < 16; ++row) ASSERT_EQ(qw.dequant(row, 0), w[idx(row, 0, 1)]);
    }
    // Symmetric: codes 1..15 around z = 8.
    std::vector<double> w;
    std::vector<std::int32_t> codes;
    for (std::int32_t q = 1; q < 16; ++q) {
      w.push_back(s * (q - 8));
      codes.push_back(q);
    }
    const QuantizedWeights qw =
        quantize_weights(w, 15, 1, group_spec(4, 15, QuantSymmetry::Symmetric));
    ASSERT_EQ(qw.scale(0, 0), s);
    ASSERT_EQ(qw.q, codes) << "s " << s;
  }
}

// Bad arguments are std::invalid_argument, not silent garbage.
TEST(QuantizeTest, RejectsBadArguments) {
  const std::vector<double> w(8, 1.0);
  const auto asym = QuantSymmetry::Asymmetric;
  EXPECT_THROW(quantize_weights(w, 4, 2, group_spec(0, 4, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights(w, 4, 2, group_spec(9, 4, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights(w, 4, 2, group_spec(1, 4, QuantSymmetry::Symmetric)),
               std::invalid_argument);
  EXPECT_THROW(quantize_weights(w, 4, 2, group_spec(4, 0, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights(w, 4, 3, group_spec(4, 4, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights(w, 0, 2, group_spec(4, 4, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights({1.0, NAN}, 2, 1, group_spec(4, 4, asym)), std::invalid_argument);
  EXPECT_THROW(quantize_weights({1.0, INFINITY}, 2, 1, group_spec(4, 4, asym)),
               std::invalid_argument);
  // (1e6 - 0) / 15 is past fp16's 65504.
  EXPECT_THROW(quantize_weights({1e6, 0.0}, 2, 1, group_spec(4, 4, asym)), std::invalid_argument);
  EXPECT_NO_THROW(quantize_weights(w, 4, 2, group_spec(1, 4, asym)));
  EXPECT_NO_THROW(quantize_weights(w, 4, 2, {4, QuantGranularity::PerChannel, 0, asym}));
  EXPECT_THROW(quantize_code(1.0, 0.0, 0, 4), std::invalid_argument);
}

// Per-token int8: s = fp32(max|a_row| / 127); each row's largest magnitude maps to +-127 with its
// sign; every code is the brute-force nearest integer in -127..127 (ties to even) and within s/2.
TEST(QuantizeTest, ActivationsPerTokenInt8) {
  Rng rng(11);
  const std::int64_t m = 9, k = 33;
  std::vector<double> a = random_matrix(rng, m, k);
  for (std::int64_t col = 0; col < k; ++col) a[idx(3, col, k)] *= 1e-30;  // tiny but nonzero
  a[idx(5, 7, k)] = -1000.0;                                              // negative max
  const QuantizedActivations qa = quantize_activations_per_token(a, m, k);
  ASSERT_EQ(qa.scales.size(), static_cast<std::size_t>(m));
  ASSERT_EQ(qa.q.size(), a.size());
  for (std::int64_t row = 0; row < m; ++row) {
    double max_abs = 0.0;
    std::int64_t arg = 0;
    for (std::int64_t col = 0; col < k; ++col) {
      if (std::fabs(a[idx(row, col, k)]) > max_abs) {
        max_abs = std::fabs(a[idx(row, col, k)]);
        arg = col;
      }
    }
    const double s = qa.scales[static_cast<std::size_t>(row)];
    EXPECT_EQ(s, static_cast<double>(static_cast<float>(max_abs / 127.0))) << "row " << row;
    EXPECT_EQ(qa.q[idx(row, arg, k)], a[idx(row, arg, k)] > 0 ? 127 : -127) << "row " << row;
    for (std::int64_t col = 0; col < k; ++col) {
      const double v = a[idx(row, col, k)];
      std::int32_t best = -127;
      for (std::int32_t c = -126; c <= 127; ++c) {
        const double e = std::fabs(v - s * c), eb = std::fabs(v - s * best);
        if (e < eb || (e == eb && c % 2 == 0)) best = c;
      }
      ASSERT_EQ(qa.q[idx(row, col, k)], best) << "(" << row << ", " << col << ")";
      ASSERT_LE(std::fabs(v - qa.dequant(row, col)), s / 2);
      ASSERT_EQ(qa.dequant(row, col), s * qa.q[idx(row, col, k)]);
    }
  }
  EXPECT_EQ(qa.scales[5], 1000.0f / 127.0f);
}

// A zero activation row gets s = 1 and all-zero codes; ties in a / s go to even.
TEST(QuantizeTest, ActivationsZeroRowAndTies) {
  // Row 0 all zero; row 1: max 127 -> s = 1, so 2.5 -> 2, -3.5 -> -4, 0.5 -> 0.
  const std::vector<double> a = {0, 0, 0, 0, 127, 2.5, -3.5, 0.5};
  const QuantizedActivations qa = quantize_activations_per_token(a, 2, 4);
  EXPECT_EQ(qa.scales[0], 1.0f);
  EXPECT_EQ(qa.scales[1], 1.0f);
  EXPECT_EQ(qa.q, (std::vector<std::int32_t>{0, 0, 0, 0, 127, 2, -4, 0}));
  for (std::int64_t col = 0; col < 4; ++col) EXPECT_EQ(qa.dequant(0, col), 0.0);
  EXPECT_THROW(quantize_activations_per_token(a, 3, 4), std::invalid_argument);
  EXPECT_THROW(quantize_activations_per_token(a, 0, 4), std::invalid_argument);
  EXPECT_THROW(quantize_activations_per_token({1.0, NAN}, 1, 2), std::invalid_argument);
}

}  // namespace
}  // namespace tpesim::pe
