// SPDX-License-Identifier: Apache-2.0
// Weight (uintB, fp16 scale, uintB zero point) and per-token activation (int8, fp32 scale)
// quantizers, round to nearest even, in binary64 with the scales rounded to their storage format.
#include "pe/quantize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "pe/float_format.h"
#include "pe/numeric.h"
#include "sim/core/errors.h"

namespace tpesim::pe {

namespace {

constexpr double kTwoPow52 = 4503599627370496.0;  // from here on every binary64 is an integer
constexpr std::uint32_t kFp16One = 0x3C00;        // fp16 pattern of 1.0
constexpr std::uint32_t kFp16InfMag = 0x7C00;     // fp16 magnitude of infinity

[[noreturn]] void invalid(const std::string& message) { throw std::invalid_argument(message); }

// k * n as a size, or an invalid_argument when either is below 1 or the product overflows.
std::size_t checked_elements(std::int64_t rows, std::int64_t cols, std::size_t have,
                             const char* what) {
  if (rows < 1 || cols < 1)
    invalid(fmt::format("{}: dimensions {} x {} must be >= 1", what, rows, cols));
  if (rows > std::numeric_limits<std::int64_t>::max() / cols)
    invalid(fmt::format("{}: {} x {} elements overflow", what, rows, cols));
  const auto want = static_cast<std::size_t>(rows * cols);
  if (have != want)
    invalid(fmt::format("{}: {} values for a {} x {} matrix ({} expected)", what, have, rows, cols,
                        want));
  return want;
}

void check_finite(const std::vector<double>& v, const char* what) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i]))
      invalid(fmt::format("{}: value {} at index {} is not finite", what, v[i], i));
}

// The scale and zero point of one set of weights that share them.
struct ScaleZero {
  std::uint16_t scale;  // fp16 pattern, positive and finite
  std::int32_t zero;    // 0..2^B - 1
};

// RNE of `value` (>= 0) to fp16; 1.0 where that gives 0; invalid_argument past the fp16 range.
std::uint16_t fp16_scale(double value) {
  const std::uint32_t pattern = encode(value, kFp16);
  if ((pattern & 0x7FFF) >= kFp16InfMag)
    invalid(fmt::format("quantize_weights: scale {} is past the fp16 range ({})", value,
                        max_finite(kFp16)));
  return static_cast<std::uint16_t>(decode(pattern, kFp16) == 0.0 ? kFp16One : pattern);
}

// (s, z) from the shared weights' min, max and largest magnitude; see the header for the rules.
ScaleZero scale_zero(double min_w, double max_w, const WeightQuantSpec& spec) {
  const double code_max = static_cast<double>(uint_max(spec.bits));
  if (spec.symmetry == QuantSymmetry::Symmetric) {
    const double max_abs = std::max(std::fabs(min_w), std::fabs(max_w));
    const double half = static_cast<double>(int_max(spec.bits));  // 2^(B-1) - 1
    return {fp16_scale(max_abs / half), static_cast<std::int32_t>(-int_min(spec.bits))};
  }
  const double lo = std::min(min_w, 0.0);
  const double hi = std::max(max_w, 0.0);
  const std::uint16_t s = fp16_scale((hi - lo) / code_max);
  const double z = std::clamp(round_half_even(-lo / decode(s, kFp16)), 0.0, code_max);
  return {s, static_cast<std::int32_t>(z)};
}

}  // namespace

double round_half_even(double x) {
  // RNE is odd-symmetric, so work on |x|: there x - floor(x) is exact (Sterbenz for |x| >= 1).
  const double mag = std::fabs(x);
  if (!(mag < kTwoPow52)) return x;  // already an integer (or not finite)
  const double floor_mag = std::floor(mag);
  const double frac = mag - floor_mag;
  double rounded = floor_mag + 1.0;
  if (frac < 0.5 || (frac == 0.5 && std::fmod(floor_mag, 2.0) == 0.0)) rounded = floor_mag;
  return std::copysign(rounded, x);
}

std::int32_t quantize_code(double w, double s, std::int32_t z, int bits) {
  if (bits < 1 || bits > 8) invalid(fmt::format("quantize_code: bits {} outside 1..8", bits));
  if (!(s > 0.0) || !std::isfinite(s) || !std::isfinite(w))
    invalid(fmt::format("quantize_code: w = {}, s = {} (s must be positive, both finite)", w, s));
  const double code = round_half_even(w / s) + static_cast<double>(z);
  return static_cast<std::int32_t>(std::clamp(code, 0.0, static_cast<double>(uint_max(bits))));
}

double QuantizedWeights::scale(std::int64_t g, std::int64_t col) const {
  TPESIM_CHECK(g >= 0 && g < groups() && col >= 0 && col < n,
               "(group {}, column {}) outside {} x {}", g, col, groups(), n);
  return decode(scales[static_cast<std::size_t>(g * n + col)], kFp16);
}

double QuantizedWeights::dequant(std::int64_t row, std::int64_t col) const {
  TPESIM_CHECK(row >= 0 && row < k && col >= 0 && col < n, "({}, {}) outside {} x {}", row, col, k,
               n);
  const std::int64_t g = row / group_size;
  const std::int32_t code = q[static_cast<std::size_t>(row * n + col)];
  const std::int32_t zero = zeros[static_cast<std::size_t>(g * n + col)];
  return scale(g, col) * static_cast<double>(code - zero);
}

QuantizedWeights quantize_weights(const std::vector<double>& w, std::int64_t k, std::int64_t n,
                                  const WeightQuantSpec& spec) {
  const bool symmetric = spec.symmetry == QuantSymmetry::Symmetric;
  if (spec.bits < (symmetric ? 2 : 1) || spec.bits > 8)
    invalid(fmt::format("quantize_weights: bits {} outside {}..8", spec.bits, symmetric ? 2 : 1));
  if (spec.granularity == QuantGranularity::Group && spec.group_size < 1)
    invalid(fmt::format("quantize_weights: group_size {} must be >= 1", spec.group_size));
  checked_elements(k, n, w.size(), "quantize_weights");
  check_finite(w, "quantize_weights");

  QuantizedWeights out;
  out.bits = spec.bits;
  out.k = k;
  out.n = n;
  if (spec.granularity == QuantGranularity::Group) {
    out.group_size = spec.group_size;
  } else {
    if (k > std::numeric_limits<int>::max())
      invalid(fmt::format("quantize_weights: K = {} too large for one group", k));
    out.group_size = static_cast<int>(k);
  }
  const std::int64_t groups = out.groups();
  const auto at = [n](std::int64_t row, std::int64_t col) {
    return static_cast<std::size_t>(row * n + col);
  };
  out.q.resize(w.size());
  out.scales.resize(static_cast<std::size_t>(groups * n));
  out.zeros.resize(static_cast<std::size_t>(groups * n));

  // One (s, z) per (group, column); per-tensor: the one over all weights, in every column.
  const auto minmax_all = std::minmax_element(w.begin(), w.end());
  const ScaleZero whole = scale_zero(*minmax_all.first, *minmax_all.second, spec);
  for (std::int64_t g = 0; g < groups; ++g) {
    const std::int64_t first = g * out.group_size;
    const std::int64_t last = std::min(k, first + out.group_size);
    for (std::int64_t col = 0; col < n; ++col) {
      ScaleZero sz = whole;
      if (spec.granularity != QuantGranularity::PerTensor) {
        double min_w = w[at(first, col)], max_w = min_w;
        for (std::int64_t row = first + 1; row < last; ++row) {
          min_w = std::min(min_w, w[at(row, col)]);
          max_w = std::max(max_w, w[at(row, col)]);
        }
        sz = scale_zero(min_w, max_w, spec);
      }
      out.scales[at(g, col)] = sz.scale;
      out.zeros[at(g, col)] = sz.zero;
      const double s = decode(sz.scale, kFp16);
      for (std::int64_t row = first; row < last; ++row)
        out.q[at(row, col)] = quantize_code(w[at(row, col)], s, sz.zero, spec.bits);
    }
  }
  return out;
}

double QuantizedActivations::dequant(std::int64_t row, std::int64_t col) const {
  TPESIM_CHECK(row >= 0 && row < m && col >= 0 && col < k, "({}, {}) outside {} x {}", row, col, m,
               k);
  return static_cast<double>(scales[static_cast<std::size_t>(row)]) *
         static_cast<double>(q[static_cast<std::size_t>(row * k + col)]);
}

QuantizedActivations quantize_activations_per_token(const std::vector<double>& a, std::int64_t m,
                                                    std::int64_t k) {
  checked_elements(m, k, a.size(), "quantize_activations_per_token");
  check_finite(a, "quantize_activations_per_token");
  constexpr double kQMax = 127.0;  // int8, symmetric: -128 is unused

  QuantizedActivations out;
  out.m = m;
  out.k = k;
  out.q.resize(a.size());
  out.scales.resize(static_cast<std::size_t>(m));
  for (std::int64_t row = 0; row < m; ++row) {
    const auto begin = a.begin() + row * k;
    double max_abs = 0.0;
    for (auto it = begin; it != begin + k; ++it) max_abs = std::max(max_abs, std::fabs(*it));
    const std::uint32_t pattern = encode(max_abs / kQMax, kFp32);
    if (is_inf(pattern, kFp32))
      invalid(fmt::format("quantize_activations_per_token: row {} scale {} is past the fp32 range",
                          row, max_abs / kQMax));
    double s = decode(pattern, kFp32);
    if (s == 0.0) s = 1.0;
    out.scales[static_cast<std::size_t>(row)] = static_cast<float>(s);  // exact: s is an fp32
    for (std::int64_t col = 0; col < k; ++col) {
      const double code = round_half_even(a[static_cast<std::size_t>(row * k + col)] / s);
      out.q[static_cast<std::size_t>(row * k + col)] =
          static_cast<std::int32_t>(std::clamp(code, -kQMax, kQMax));
    }
  }
  return out;
}

}  // namespace tpesim::pe
