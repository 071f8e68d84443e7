// SPDX-License-Identifier: Apache-2.0
#include "sim/numerics.h"

#include <fmt/format.h>

#include <cmath>
#include <random>

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

std::string unsupported_message(const char* kind) {
  return fmt::format(
      "error: numerics does not cover `{}` yet (its products need group scales); measure it with "
      "`tpesim run --verify` or `tpesim gemm`",
      kind);
}

// The product as the PE forms it (before accumulation), as a value.
double pe_product(const pe::PeConfig& config, std::int64_t a, std::int64_t w) {
  return std::visit(
      [&](const auto& spec) -> double {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) {
          return static_cast<double>(a) * static_cast<double>(w);
        } else if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return pe::decode(static_cast<std::uint32_t>(a), spec.a_format) *
                 pe::decode(static_cast<std::uint32_t>(w), spec.w_format);
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          const auto p = pe::lmul_multiply(static_cast<std::uint32_t>(a),
                                           static_cast<std::uint32_t>(w), spec.format);
          return pe::decode(p.pattern, spec.format);
        } else {
          throw UserError(unsupported_message(spec.kKind));
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
        if constexpr (std::is_same_v<S, pe::FpMacSpec>) return chain(pe::FpMacArith(spec));
        if constexpr (std::is_same_v<S, pe::LmulSpec>) return chain(pe::LmulArith(spec));
        if constexpr (std::is_same_v<S, pe::MixpeSpec> || std::is_same_v<S, pe::LutTcSpec>) {
          throw UserError(unsupported_message(spec.kKind));
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

}  // namespace

NumericsReport run_numerics(const NumericsOptions& o) {
  if (std::holds_alternative<pe::MixpeSpec>(o.pe) || std::holds_alternative<pe::LutTcSpec>(o.pe)) {
    throw UserError(unsupported_message(pe::pe_kind_name(o.pe).c_str()));
  }
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

  // Dot products through the accumulator, on sampled operands.
  ErrorAccumulator dots(fmt::format("{} dot product, K = {}", report.pe_kind, o.dot_length));
  const std::int64_t n_dots = std::max<std::int64_t>(1, o.samples / o.dot_length);
  std::vector<std::int64_t> a(static_cast<std::size_t>(o.dot_length));
  std::vector<std::int64_t> w(a.size());
  std::vector<double> av(a.size()), wv(a.size());
  for (std::int64_t d = 0; d < n_dots; ++d) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = to_code(draw(o.dist, rng), ca);
      w[i] = to_code(draw(o.dist, rng), cw);
      av[i] = decode_value(a[i], ca);
      wv[i] = decode_value(w[i], cw);
    }
    dots.add(pe_dot(o.pe, a, w), exact_dot(av, wv));
  }
  report.dots.push_back(dots.finish());
  return report;
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
  return {{"pe", pe_kind}, {"mode", mode}, {"products", rows(products)}, {"dots", rows(dots)}};
}

std::string NumericsReport::to_markdown() const {
  std::string out = fmt::format("# Numerics: {} ({})\n\n", pe_kind, mode);
  out +=
      "| measured | count | mean rel err | max rel err | mean signed rel err | rel Frobenius "
      "| exact 0 | NaN | inf |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  for (const auto* group : {&products, &dots}) {
    for (const ErrorStats& s : *group) {
      out += fmt::format("| {} | {} | {:.4e} | {:.4e} | {:+.4e} | {:.4e} | {} | {} | {} |\n",
                         s.name, s.count, s.mean_rel, s.max_rel, s.mean_signed_rel, s.rel_frobenius,
                         s.zero_reference, s.nan, s.nonfinite);
    }
  }
  return out;
}

}  // namespace tpesim
