// SPDX-License-Identifier: Apache-2.0
#include "sim/numerics.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <stdexcept>

#include "arch/gemm_operands.h"
#include "pe/activity.h"
#include "pe/quantize.h"
#include "sim/core/errors.h"

namespace tpesim {

namespace {

using pe::FloatFormat;
using pe::OperandSide;
using pe::ValueCoding;

// Accumulates the statistics of one measured quantity.
class ErrorAccumulator {
 public:
  explicit ErrorAccumulator(std::string name) { m_stats.name = std::move(name); }
  void add(double result, double exact) {
    if (std::isnan(result)) {
      ++m_stats.nan;
      return;
    }
    if (!std::isfinite(result) || !std::isfinite(exact)) {
      ++m_stats.nonfinite;
      return;
    }
    if (exact == 0) {
      ++m_stats.zero_reference;
      m_stats.mismatched_zero += result != 0;
      return;
    }
    const double rel = std::fabs(result - exact) / std::fabs(exact);
    ++m_stats.count;
    m_sum_rel += rel;
    m_sum_signed += (result - exact) / std::fabs(exact);
    m_stats.max_rel = std::max(m_stats.max_rel, rel);
    m_sum_sq_err += (result - exact) * (result - exact);
    m_sum_sq_ref += exact * exact;
  }
  ErrorStats finish() const {
    ErrorStats s = m_stats;
    if (s.count > 0) {
      s.mean_rel = m_sum_rel / static_cast<double>(s.count);
      s.mean_signed_rel = m_sum_signed / static_cast<double>(s.count);
      s.rel_frobenius = std::sqrt(m_sum_sq_err / m_sum_sq_ref);
    }
    return s;
  }

 private:
  ErrorStats m_stats;       // counters, maxima
  double m_sum_rel = 0;     // sum of relative errors
  double m_sum_signed = 0;  // sum of signed relative errors
  double m_sum_sq_err = 0;  // sum of squared absolute errors
  double m_sum_sq_ref = 0;  // sum of squared exact values
};

double decode_value(std::int64_t code, const ValueCoding& c) {
  return c.is_float ? pe::decode(static_cast<std::uint32_t>(code), c.format)
                    : static_cast<double>(code);
}

// A real operand drawn from the distribution (float kinds use it as is; integer kinds scale it).
double draw(OperandDistribution dist, std::mt19937_64& rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  switch (dist) {
    case OperandDistribution::Normal:
      return normal(rng);
    case OperandDistribution::Uniform:
      return std::uniform_real_distribution<double>(-1.0, 1.0)(rng);
    case OperandDistribution::LlmOutliers: {
      // LLM.int8()'s pattern: most features small, a few systematic outliers ~20x larger.
      const double v = normal(rng);
      return std::uniform_int_distribution<int>(0, 199)(rng) == 0 ? 20.0 * v : v;
    }
  }
  return 0;
}

// The code a real value gets: float kinds round (RNE) to their format; integer kinds map
// [-4, 4) standard deviations onto their range, rounding and clamping.
std::int64_t to_code(double value, const ValueCoding& c) {
  if (c.is_float) return pe::encode(value, c.format);
  const double scale = std::ldexp(1.0, c.int_bits - 1) / 4.0;
  const double r = std::nearbyint(value * scale);
  const double lo = -std::ldexp(1.0, c.int_bits - 1), hi = std::ldexp(1.0, c.int_bits - 1) - 1;
  return static_cast<std::int64_t>(std::clamp(r, lo, hi));
}

// A vector of real operands as a model's dynamic quantizer codes it for the model error: integer
// kinds symmetric absmax per vector (per token for A, per output channel for W) onto
// [-(2^(B-1) - 1), 2^(B-1) - 1], float kinds RNE to their format (scale 1).
struct ModelCodes {
  std::vector<std::int64_t> codes;  // one per real operand
  double scale = 1;                 // real value = scale x the code's value
};

ModelCodes model_codes(const std::vector<double>& real, const ValueCoding& c) {
  ModelCodes out;
  out.codes.reserve(real.size());
  if (c.is_float) {
    for (double v : real) out.codes.push_back(pe::encode(v, c.format));
    return out;
  }
  double absmax = 0;
  for (double v : real) absmax = std::max(absmax, std::fabs(v));
  const double top = std::ldexp(1.0, c.int_bits - 1) - 1;
  out.scale = absmax > 0 ? absmax / top : 1.0;
  for (double v : real) {
    out.codes.push_back(
        static_cast<std::int64_t>(std::clamp(std::nearbyint(v / out.scale), -top, top)));
  }
  return out;
}

// Every code of an operand of at most 8 bits.
std::vector<std::int64_t> all_codes(const ValueCoding& c) {
  std::vector<std::int64_t> out;
  if (c.is_float) {
    if (c.format.bits() > 8) {
      throw UserError(fmt::format("error: --exhaustive needs operands of at most 8 bits; {} has {}",
                                  pe::float_format_name(c.format), c.format.bits()));
    }
    for (std::int64_t p = 0; p < (std::int64_t{1} << c.format.bits()); ++p) out.push_back(p);
  } else {
    if (c.int_bits > 8) {
      throw UserError(fmt::format(
          "error: --exhaustive needs operands of at most 8 bits; this PE has {}-bit operands",
          c.int_bits));
    }
    for (std::int64_t v = pe::int_min(c.int_bits); v <= pe::int_max(c.int_bits); ++v) {
      out.push_back(v);
    }
  }
  return out;
}

// The group-quantized kinds (mixpe, lut_tc) are measured by run_quantized(), never by the plain
// product and dot-product paths below.
std::string unsupported_message(const char* kind) {
  return fmt::format("numerics: `{}` has group scales; run_quantized() measures it", kind);
}

// The product as the PE forms it (before accumulation), as a value.
double pe_product(const pe::PeConfig& config, std::int64_t a, std::int64_t w) {
  return std::visit(
      [&](const auto& spec) -> double {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec> || std::is_same_v<S, pe::BitsliceSpec>) {
          return static_cast<double>(a) * static_cast<double>(w);
        } else if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return pe::decode(static_cast<std::uint32_t>(a), spec.a_format) *
                 pe::decode(static_cast<std::uint32_t>(w), spec.w_format);
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          const auto p = pe::lmul_multiply(static_cast<std::uint32_t>(a),
                                           static_cast<std::uint32_t>(w), spec.format);
          return pe::decode(p.pattern, spec.format);
        } else {
          TPESIM_CHECK(false, "{}", unsupported_message(spec.kKind));
          return 0.0;
        }
      },
      config);
}

// One dot product through the PE's accumulator (k ascending), as the output's value.
double pe_dot(const pe::PeConfig& config, const std::vector<std::int64_t>& a,
              const std::vector<std::int64_t>& w) {
  const ValueCoding out = pe::output_coding(config);
  auto chain = [&](const auto& arith) {
    auto acc = arith.zero();
    for (std::size_t i = 0; i < a.size(); ++i) {
      acc = arith
                .mac_step(acc, arith.decode_a(static_cast<std::uint32_t>(a[i])),
                          arith.decode_w(static_cast<std::uint32_t>(w[i])))
                .value;
    }
    return decode_value(arith.output(acc), out);
  };
  return std::visit(
      [&](const auto& spec) -> double {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) return chain(pe::IntMacArith(spec));
        if constexpr (std::is_same_v<S, pe::BitsliceSpec>) return chain(pe::BitsliceArith(spec));
        if constexpr (std::is_same_v<S, pe::FpMacSpec>) return chain(pe::FpMacArith(spec));
        if constexpr (std::is_same_v<S, pe::LmulSpec>) return chain(pe::LmulArith(spec));
        if constexpr (std::is_same_v<S, pe::MixpeSpec> || std::is_same_v<S, pe::LutTcSpec>) {
          TPESIM_CHECK(false, "{}", unsupported_message(spec.kKind));
          return 0.0;
        }
      },
      config);
}

// Neumaier-compensated binary64 sum of exact products: the reference dot product.
double exact_dot(const std::vector<double>& a, const std::vector<double>& w) {
  double sum = 0, compensation = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double p = a[i] * w[i];  // exact for every supported operand pair
    const double t = sum + p;
    compensation += std::fabs(sum) >= std::fabs(p) ? (sum - t) + p : (p - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

std::string model_dots_name(const std::string& kind, std::int64_t k) {
  return fmt::format("{} dot product vs unquantized operands, K = {}", kind, k);
}

// ---- group-quantized kinds: mixpe and lut_tc ---------------------------------------------------

bool is_quantized(const pe::PeConfig& config) {
  return std::holds_alternative<pe::MixpeSpec>(config) ||
         std::holds_alternative<pe::LutTcSpec>(config);
}

// What a group-quantized kind's operands look like.
struct QuantShape {
  int w_bits = 4;                 // B: unsigned weight codes 0..2^B - 1
  std::int64_t group_size = 128;  // G: weights per scale and zero point along K
  bool int8_activations = true;   // int8 codes with a per-token fp32 scale; else fp16 patterns
  std::string name;               // the kind and its activation type, for messages
};

QuantShape quant_shape(const pe::PeConfig& config) {
  if (const auto* mix = std::get_if<pe::MixpeSpec>(&config)) {
    const bool w8 = mix->variant == pe::MixpeVariant::W4A8;
    return {mix->w_bits, mix->group_size, w8, w8 ? "mixpe variant w4a8" : "mixpe variant w4a16"};
  }
  const auto& lut = std::get<pe::LutTcSpec>(config);
  const bool int8 = lut.activation == pe::LutActivation::Int8;
  return {lut.w_bits, lut.group_size, int8,
          int8 ? "lut_tc with activation int8" : "lut_tc with activation fp16"};
}

// Calls f with the kind's Arith, the one the arrays and the golden GEMM use.
template <class F>
double with_quantized_arith(const pe::PeConfig& config, F&& f) {
  if (const auto* mix = std::get_if<pe::MixpeSpec>(&config)) {
    if (mix->variant == pe::MixpeVariant::W4A8) return f(pe::MixpeW4A8Arith(*mix));
    return f(pe::MixpeW4A16Arith(*mix));
  }
  const auto& lut = std::get<pe::LutTcSpec>(config);
  if (lut.activation == pe::LutActivation::Int8) return f(pe::LutTcInt8Arith(lut));
  return f(pe::LutTcArith(lut));
}

// A group scale (fp16 pattern) and a token scale (fp32 pattern) drawn as arch::make_operands
// draws them: 2^(-9 + r) (1 + u) and 2^(-7 + r) (1 + u), r uniform in 0..3, u in [0, 1).
// The draws are sequenced (u, then r; s, then s_a) so every compiler gives the same scales.
std::pair<std::int32_t, std::int32_t> draw_scales(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  const double u_s = unit(rng);
  const int r_s = static_cast<int>(rng() % 4);
  const double u_a = unit(rng);
  const int r_a = static_cast<int>(rng() % 4);
  return {static_cast<std::int32_t>(pe::encode(std::ldexp(1.0 + u_s, -9 + r_s), pe::kFp16)),
          static_cast<std::int32_t>(pe::encode(std::ldexp(1.0 + u_a, -7 + r_a), pe::kFp32))};
}

// One sampled dot product of length K: K activations and K weights drawn from the distribution
// (interleaved); activations quantized per token to int8 (pe::quantize_activations_per_token)
// or rounded to fp16; weights quantized group-wise (pe::quantize_weights: B bits, the kind's G,
// asymmetric, fp16 scales).
// `real_a`, `real_w` receive the unquantized operands.
QuantizedDot sample_dot(const NumericsOptions& o, const QuantShape& shape, std::mt19937_64& rng,
                        std::vector<double>& real_a, std::vector<double>& real_w) {
  const std::int64_t k = o.dot_length;
  std::vector<double>& ra = real_a;
  std::vector<double>& rw = real_w;
  ra.assign(static_cast<std::size_t>(k), 0.0);
  rw.assign(ra.size(), 0.0);
  for (std::size_t i = 0; i < ra.size(); ++i) {
    ra[i] = draw(o.dist, rng);
    rw[i] = draw(o.dist, rng);
  }
  QuantizedDot dot;
  dot.quant.group_size = shape.group_size;
  if (shape.int8_activations) {
    const pe::QuantizedActivations qa = pe::quantize_activations_per_token(ra, 1, k);
    dot.a = qa.q;
    dot.quant.a_scales = {static_cast<std::int32_t>(pe::encode(qa.scales[0], pe::kFp32))};
  } else {
    for (double v : ra) dot.a.push_back(static_cast<std::int32_t>(pe::encode(v, pe::kFp16)));
  }
  pe::WeightQuantSpec spec;
  spec.bits = shape.w_bits;
  spec.group_size = static_cast<int>(shape.group_size);
  const pe::QuantizedWeights qw = pe::quantize_weights(rw, k, 1, spec);
  dot.w = qw.q;
  dot.quant.w_scales.assign(qw.scales.begin(), qw.scales.end());
  dot.quant.w_zeros = qw.zeros;
  return dot;
}

// Element k of `dot` as a one-element dot product (its group's scale and zero point).
QuantizedDot element(const QuantizedDot& dot, std::size_t k) {
  const auto g = static_cast<std::size_t>(static_cast<std::int64_t>(k) / dot.quant.group_size);
  QuantizedDot one;
  one.a = {dot.a[k]};
  one.w = {dot.w[k]};
  one.quant.group_size = dot.quant.group_size;
  one.quant.w_scales = {dot.quant.w_scales[g]};
  one.quant.w_zeros = {dot.quant.w_zeros[g]};
  one.quant.a_scales = dot.quant.a_scales;
  return one;
}

// The --compare-format rows: the exact product of two values of F rounded (RNE) to F, over
// every pair of F's codes (exhaustive) or over `samples` pairs drawn from the distribution.
std::vector<ErrorStats> compare_format_rows(const NumericsOptions& o, std::mt19937_64& rng) {
  std::vector<ErrorStats> rows;
  for (const FloatFormat& f : o.compare_formats) {
    ErrorAccumulator acc(fmt::format("exact product rounded to {}", pe::float_format_name(f)));
    auto measure = [&](std::int64_t pa, std::int64_t pw) {
      const double exact = pe::decode(static_cast<std::uint32_t>(pa), f) *
                           pe::decode(static_cast<std::uint32_t>(pw), f);
      acc.add(pe::decode(pe::encode(exact, f), f), exact);
    };
    if (o.exhaustive) {
      const auto cs = all_codes(ValueCoding{true, 0, f});
      for (std::int64_t a : cs) {
        for (std::int64_t w : cs) measure(a, w);
      }
    } else {
      for (std::int64_t s = 0; s < o.samples; ++s) {
        const double ra = draw(o.dist, rng), rw = draw(o.dist, rng);
        measure(pe::encode(ra, f), pe::encode(rw, f));
      }
    }
    rows.push_back(acc.finish());
  }
  return rows;
}

// Sums one activity vector per dot product into per-counter statistics.
class ActivityAccumulator {
 public:
  void add(const std::vector<std::pair<std::string, std::int64_t>>& counts) {
    if (m_stats.empty()) {
      for (const auto& [name, n] : counts) m_stats.push_back({name, 0, n, n, 0});
    }
    TPESIM_CHECK(counts.size() == m_stats.size(), "{} activity counters, expected {}",
                 counts.size(), m_stats.size());
    for (std::size_t i = 0; i < counts.size(); ++i) {
      ActivityStats& s = m_stats[i];
      s.min = std::min(s.min, counts[i].second);
      s.max = std::max(s.max, counts[i].second);
      s.total += counts[i].second;
    }
    ++m_dots;
  }
  std::vector<ActivityStats> finish() const {
    std::vector<ActivityStats> out = m_stats;
    for (ActivityStats& s : out) {
      s.mean =
          static_cast<double>(s.total) / static_cast<double>(std::max<std::int64_t>(1, m_dots));
    }
    return out;
  }

 private:
  std::vector<ActivityStats> m_stats;  // one per counter, in the kind's order
  std::int64_t m_dots = 0;             // dot products added
};

// mixpe and lut_tc: products are one-element dot products through the kind's Arith (one
// activation, one weight code with its group's scale and zero point); dot products are sampled
// rows and columns of length K, quantized as a real model's would be.
NumericsReport run_quantized(const NumericsOptions& o) {
  const QuantShape shape = quant_shape(o.pe);
  if (o.exhaustive && !shape.int8_activations) {
    throw UserError(
        fmt::format("error: --exhaustive needs operands of at most 8 bits; {} has fp16 (16-bit) "
                    "activations: sample instead (--samples, --dist)",
                    shape.name));
  }
  NumericsReport report;
  report.pe_kind = pe::pe_kind_name(o.pe);
  report.mode = o.exhaustive ? "exhaustive" : fmt::format("sampled ({})", enum_name(o.dist));
  std::mt19937_64 rng(o.seed);

  ErrorAccumulator products(fmt::format("{} product (one-element dot product)", report.pe_kind));
  if (o.exhaustive) {
    // Every (int8 activation, weight code, zero point) triple, scales drawn per triple.
    const std::int64_t codes = std::int64_t{1} << shape.w_bits;
    QuantizedDot one;
    one.a.resize(1);
    one.w.resize(1);
    one.quant.group_size = shape.group_size;
    one.quant.w_scales.resize(1);
    one.quant.w_zeros.resize(1);
    one.quant.a_scales.resize(1);
    for (std::int64_t a = -128; a <= 127; ++a) {
      for (std::int64_t q = 0; q < codes; ++q) {
        for (std::int64_t z = 0; z < codes; ++z) {
          const auto [s, s_a] = draw_scales(rng);
          one.a[0] = static_cast<std::int32_t>(a);
          one.w[0] = static_cast<std::int32_t>(q);
          one.quant.w_zeros[0] = static_cast<std::int32_t>(z);
          one.quant.w_scales[0] = s;
          one.quant.a_scales[0] = s_a;
          const QuantizedDotResult r = evaluate_quantized_dot(o.pe, one);
          products.add(r.pe, r.exact);
        }
      }
    }
  }
  ErrorAccumulator dots(fmt::format("{} dot product, K = {}", report.pe_kind, o.dot_length));
  ErrorAccumulator model_dots(model_dots_name(report.pe_kind, o.dot_length));
  ActivityAccumulator activity;
  const std::int64_t n_dots = std::max<std::int64_t>(1, o.samples / o.dot_length);
  std::vector<double> real_a, real_w;
  for (std::int64_t d = 0; d < n_dots; ++d) {
    const QuantizedDot dot = sample_dot(o, shape, rng, real_a, real_w);
    const QuantizedDotResult r = evaluate_quantized_dot(o.pe, dot);
    dots.add(r.pe, r.exact);
    model_dots.add(r.pe, exact_dot(real_a, real_w));
    activity.add(dot_activity(o.pe, dot.a, dot.w));
    if (o.exhaustive) continue;
    for (std::size_t k = 0; k < dot.a.size(); ++k) {
      const QuantizedDotResult p = evaluate_quantized_dot(o.pe, element(dot, k));
      products.add(p.pe, p.exact);
    }
  }
  report.products.push_back(products.finish());
  for (ErrorStats& row : compare_format_rows(o, rng)) report.products.push_back(std::move(row));
  report.dots.push_back(dots.finish());
  report.model_dots.push_back(model_dots.finish());
  report.activity = activity.finish();
  return report;
}
}  // namespace

NumericsReport run_numerics(const NumericsOptions& o) {
  if (is_quantized(o.pe)) return run_quantized(o);
  NumericsReport report;
  report.pe_kind = pe::pe_kind_name(o.pe);
  report.mode = o.exhaustive ? "exhaustive" : fmt::format("sampled ({})", enum_name(o.dist));
  const ValueCoding ca = pe::operand_coding(o.pe, OperandSide::A);
  const ValueCoding cw = pe::operand_coding(o.pe, OperandSide::W);
  std::mt19937_64 rng(o.seed);

  // Products of the PE.
  ErrorAccumulator products(fmt::format("{} product", report.pe_kind));
  std::vector<ErrorAccumulator> compares;
  for (const FloatFormat& f : o.compare_formats) {
    compares.emplace_back(fmt::format("exact product rounded to {}", pe::float_format_name(f)));
  }
  auto measure_pe = [&](std::int64_t a, std::int64_t w) {
    products.add(pe_product(o.pe, a, w), decode_value(a, ca) * decode_value(w, cw));
  };
  auto measure_compare = [&](std::size_t i, std::int64_t pa, std::int64_t pw) {
    const FloatFormat& f = o.compare_formats[i];
    const double exact = pe::decode(static_cast<std::uint32_t>(pa), f) *
                         pe::decode(static_cast<std::uint32_t>(pw), f);
    compares[i].add(pe::decode(pe::encode(exact, f), f), exact);
  };
  if (o.exhaustive) {
    const auto as = all_codes(ca), ws = all_codes(cw);
    for (std::int64_t a : as) {
      for (std::int64_t w : ws) measure_pe(a, w);
    }
    for (std::size_t i = 0; i < o.compare_formats.size(); ++i) {
      const auto cs = all_codes(ValueCoding{true, 0, o.compare_formats[i]});
      for (std::int64_t a : cs) {
        for (std::int64_t w : cs) measure_compare(i, a, w);
      }
    }
  } else {
    for (std::int64_t s = 0; s < o.samples; ++s) {
      const double ra = draw(o.dist, rng), rw = draw(o.dist, rng);
      measure_pe(to_code(ra, ca), to_code(rw, cw));
      for (std::size_t i = 0; i < o.compare_formats.size(); ++i) {
        const FloatFormat& f = o.compare_formats[i];
        measure_compare(i, pe::encode(ra, f), pe::encode(rw, f));
      }
    }
  }
  report.products.push_back(products.finish());
  for (const auto& c : compares) report.products.push_back(c.finish());

  // Dot products through the accumulator, on sampled operands, with the kind's activity.
  ActivityAccumulator activity;
  std::int64_t nonzero_digits = 0;  // bitslice: over every sampled dot product
  ErrorAccumulator dots(fmt::format("{} dot product, K = {}", report.pe_kind, o.dot_length));
  ErrorAccumulator model_dots(model_dots_name(report.pe_kind, o.dot_length));
  const std::int64_t n_dots = std::max<std::int64_t>(1, o.samples / o.dot_length);
  std::vector<std::int64_t> a(static_cast<std::size_t>(o.dot_length));
  std::vector<std::int64_t> w(a.size());
  std::vector<double> av(a.size()), wv(a.size()), real_a(a.size()), real_w(a.size());
  for (std::int64_t d = 0; d < n_dots; ++d) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      real_a[i] = draw(o.dist, rng);
      real_w[i] = draw(o.dist, rng);
      a[i] = to_code(real_a[i], ca);
      w[i] = to_code(real_w[i], cw);
      av[i] = decode_value(a[i], ca);
      wv[i] = decode_value(w[i], cw);
    }
    dots.add(pe_dot(o.pe, a, w), exact_dot(av, wv));
    const ModelCodes ma = model_codes(real_a, ca), mw = model_codes(real_w, cw);
    model_dots.add(pe_dot(o.pe, ma.codes, mw.codes) * ma.scale * mw.scale,
                   exact_dot(real_a, real_w));
    const std::vector<std::int32_t> a32(a.begin(), a.end()), w32(w.begin(), w.end());
    const auto counts = dot_activity(o.pe, a32, w32);
    activity.add(counts);
    for (const auto& [name, n] : counts) {
      if (name == "nonzero_digits") nonzero_digits += n;
    }
  }
  report.dots.push_back(dots.finish());
  report.model_dots.push_back(model_dots.finish());
  report.activity = activity.finish();
  if (const auto* slice = std::get_if<pe::BitsliceSpec>(&o.pe)) {
    // Encoded operands per dot product: K (one side), 2K for laconic (both sides).
    const std::int64_t sides = slice->variant == pe::BitsliceVariant::Laconic ? 2 : 1;
    report.nonzero_digits_per_operand =
        static_cast<double>(nonzero_digits) / static_cast<double>(n_dots * o.dot_length * sides);
  }
  return report;
}

QuantizedDotResult evaluate_quantized_dot(const pe::PeConfig& config, const QuantizedDot& dot) {
  if (!is_quantized(config)) {
    throw std::invalid_argument("evaluate_quantized_dot: the PE kind must be mixpe or lut_tc");
  }
  const QuantShape shape = quant_shape(config);
  const auto k = static_cast<std::int64_t>(dot.a.size());
  TPESIM_CHECK(
      dot.w.size() == dot.a.size() && dot.quant.group_size > 0 &&
          dot.quant.w_scales.size() ==
              static_cast<std::size_t>((k + dot.quant.group_size - 1) / dot.quant.group_size) &&
          dot.quant.w_zeros.size() == dot.quant.w_scales.size() &&
          dot.quant.a_scales.size() == (shape.int8_activations ? 1u : 0u),
      "inconsistent dot product of {} activations and {} weights", dot.a.size(), dot.w.size());
  arch::GemmOperands codes;
  codes.m = 1;
  codes.n = 1;
  codes.k = k;
  codes.a = dot.a;
  codes.w = dot.w;
  codes.quant = dot.quant;
  QuantizedDotResult r;
  const ValueCoding out = pe::output_coding(config);
  r.pe = with_quantized_arith(config, [&](const auto& arith) {
    // One row, one column: operand j of A meets operand j of W (j = k, or the LUT group).
    const auto op = arch::prepare_operands(arith, codes);
    auto acc = arith.zero();
    for (std::size_t j = 0; j < op.a.size(); ++j) {
      const auto step = arith.mac_step(acc, op.a[j], op.w[j]);
      acc = step.value;
      r.events += step.overflow;
    }
    return decode_value(arith.output(acc), out);
  });
  // The dequantized operands, exact in binary64: s_a a (24 x 8 bits) or an fp16 value, and
  // s (q - z) (11 x 9 bits); their products (at most 52 bits) too.
  const double s_a = shape.int8_activations
                         ? pe::decode(static_cast<std::uint32_t>(dot.quant.a_scales[0]), pe::kFp32)
                         : 1.0;
  std::vector<double> av, wv;
  av.reserve(dot.a.size());
  wv.reserve(dot.w.size());
  for (std::int64_t i = 0; i < k; ++i) {
    const auto at = static_cast<std::size_t>(i);
    const auto g = static_cast<std::size_t>(i / dot.quant.group_size);
    av.push_back(shape.int8_activations
                     ? s_a * dot.a[at]
                     : pe::decode(static_cast<std::uint32_t>(dot.a[at]), pe::kFp16));
    wv.push_back(pe::decode(static_cast<std::uint32_t>(dot.quant.w_scales[g]), pe::kFp16) *
                 (dot.w[at] - dot.quant.w_zeros[g]));
  }
  r.exact = exact_dot(av, wv);
  return r;
}

std::vector<std::pair<std::string, std::int64_t>> dot_activity(const pe::PeConfig& config,
                                                               const std::vector<std::int32_t>& a,
                                                               const std::vector<std::int32_t>& w) {
  const pe::PeActivity act =
      pe::gemm_activity(config, pe::GemmShape{1, 1, static_cast<std::int64_t>(a.size()), 1}, a, w);
  return {act.events.begin(), act.events.end()};
}

nlohmann::json NumericsReport::to_json() const {
  auto rows = [](const std::vector<ErrorStats>& stats) {
    nlohmann::json out = nlohmann::json::array();
    for (const ErrorStats& s : stats) {
      out.push_back({{"name", s.name},
                     {"count", s.count},
                     {"zero_reference", s.zero_reference},
                     {"mismatched_zero", s.mismatched_zero},
                     {"nan", s.nan},
                     {"nonfinite", s.nonfinite},
                     {"mean_rel_error", s.mean_rel},
                     {"max_rel_error", s.max_rel},
                     {"mean_signed_rel_error", s.mean_signed_rel},
                     {"rel_frobenius_error", s.rel_frobenius}});
    }
    return out;
  };
  nlohmann::json counters = nlohmann::json::array();
  for (const ActivityStats& a : activity) {
    counters.push_back({{"name", a.name},
                        {"mean_per_dot", a.mean},
                        {"min_per_dot", a.min},
                        {"max_per_dot", a.max},
                        {"total", a.total}});
  }
  nlohmann::json j = {{"pe", pe_kind},
                      {"mode", mode},
                      {"products", rows(products)},
                      {"dots", rows(dots)},
                      {"model_dots", rows(model_dots)},
                      {"activity", counters}};
  if (nonzero_digits_per_operand >= 0) j["nonzero_digits_per_operand"] = nonzero_digits_per_operand;
  return j;
}

std::string NumericsReport::to_markdown() const {
  std::string out = fmt::format("# Numerics: {} ({})\n\n", pe_kind, mode);
  out +=
      "| measured | count | mean rel err | max rel err | mean signed rel err | rel Frobenius "
      "| exact 0 | NaN | inf |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto* group : {&products, &dots, &model_dots}) {
    for (const ErrorStats& s : *group) {
      out += fmt::format("| {} | {} | {:.4e} | {:.4e} | {:+.4e} | {:.4e} | {} | {} | {} |\n",
                         s.name, s.count, s.mean_rel, s.max_rel, s.mean_signed_rel, s.rel_frobenius,
                         s.zero_reference, s.nan, s.nonfinite);
    }
  }
  if (!activity.empty()) {
    out += fmt::format(
        "\n| activity per dot product ({}) | mean | min | max |\n|---|---:|---:|---:|\n",
        dots.empty() ? std::string("sampled") : dots[0].name);
    for (const ActivityStats& a : activity) {
      out += fmt::format("| {} | {:.2f} | {} | {} |\n", a.name, a.mean, a.min, a.max);
    }
  }
  if (nonzero_digits_per_operand >= 0) {
    out += fmt::format("\nNon-zero radix-4 digits (terms) per encoded operand: {:.3f}.\n",
                       nonzero_digits_per_operand);
  }
  return out;
}

}  // namespace tpesim
