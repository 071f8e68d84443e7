// SPDX-License-Identifier: Apache-2.0
// `tpesim gemm`: user operand matrices in, the simulated array's output matrix and its timing,
// traffic and numerical error (against an exact binary64 reference) out.
#include "sim/gemm_command.h"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "arch/arch_spec.h"
#include "arch/simulate.h"
#include "pe/float_format.h"
#include "pe/numeric.h"
#include "pe/pe_config.h"
#include "pe/quantize.h"
#include "sim/core/errors.h"
#include "sim/npy.h"
#include "sim/report/reports.h"
#include "sim/report/staged_output.h"
#include "sim/version.h"
#include "workloads/gemm.h"

namespace tpesim {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMaxDim = std::int64_t{1} << 24;  // the bound on a workload's m, n, k

// One operand matrix as read from its file.
struct InputMatrix {
  std::string path;       // the .npy file
  std::string role;       // "A" or "W"
  NpyArray array;         // as read
  std::int64_t rows = 0;  // first dimension
  std::int64_t cols = 0;  // second dimension
};

// An operand matrix converted for the PE kind.
struct Operand {
  InputMatrix input;                // where it came from
  pe::ValueCoding coding;           // how the kind stores it
  std::vector<std::int32_t> codes;  // rows x cols operand codes (integers or bit patterns)
  std::vector<double> values;       // the codes' exact values (what the PE multiplies)
  std::int64_t rounded = 0;         // float kinds: elements the format does not hold exactly
  std::int64_t beyond_max = 0;      // float kinds: finite elements above the largest finite value
};

// The output against the reference GEMM.
struct Numerics {
  double mean_rel_error = 0;           // mean of |out - ref| / |ref| over elements with ref != 0
  double max_rel_error = 0;            // the largest of those
  std::int64_t max_rel_error_at = -1;  // flat index of that element (-1: no element has ref != 0)
  double rel_frobenius_error = 0;      // ||out - ref||_F / ||ref||_F
  std::int64_t compared = 0;           // elements with ref != 0
  std::int64_t ref_zero = 0;           // elements with ref == 0
  std::int64_t ref_zero_out_nonzero = 0;  // of those, how many have out != 0
  std::int64_t nonfinite_outputs = 0;     // outputs that are infinite or NaN
};

std::string index_text(std::int64_t flat, std::int64_t cols) {
  return fmt::format("({}, {})", flat / cols, flat % cols);
}

std::string coding_name(const pe::ValueCoding& c) {
  if (c.is_float) return pe::float_format_name(c.format);
  return fmt::format("{}int{}", c.is_unsigned ? "u" : "", c.int_bits);
}

// The kinds whose operands are plain codes (integers or float patterns) with no scales.
bool takes_plain_operands(const std::string& kind) {
  return kind == "int_mac" || kind == "fp_mac" || kind == "lmul" || kind == "bitslice";
}

// --w-scales / --w-zeros / --a-scales belong to group-quantized PE kinds (mixpe, lut_tc); for
// the kinds with plain operands they are an error. Any other kind is refused rather than fed
// operands it cannot read.
void check_kind_and_scales(const GemmCommandOptions& o, const std::string& kind) {
  if (kind == "mixpe" || kind == "lut_tc") return;  // checked by quantized_operands()
  if (!takes_plain_operands(kind)) {
    throw UserError(
        fmt::format("error: PE kind '{}' is not supported by `tpesim gemm` yet "
                    "(supported: int_mac, fp_mac, lmul, bitslice, mixpe, lut_tc)",
                    kind));
  }
  std::vector<std::string> given;
  if (!o.w_scales.empty()) given.emplace_back("--w-scales");
  if (!o.w_zeros.empty()) given.emplace_back("--w-zeros");
  if (!o.a_scales.empty()) given.emplace_back("--a-scales");
  if (given.empty()) return;
  throw UserError(fmt::format(
      "error: {} given, but PE kind '{}' takes no scales (scales and zero points belong to "
      "group-quantized PE kinds: mixpe, lut_tc)",
      fmt::join(given, ", "), kind));
}

// Reads a 2-D, non-empty matrix.
InputMatrix read_matrix(const std::string& path, const std::string& role, const char* dims) {
  InputMatrix m{path, role, read_npy(path), 0, 0};
  const std::vector<std::int64_t>& s = m.array.shape;
  const std::string shape = fmt::format("({})", fmt::join(s, ", "));
  if (s.size() != 2) {
    throw UserError(fmt::format("{}: error: {} must be a 2-D array ({}), found {}-D shape {}", path,
                                role, dims, s.size(), shape));
  }
  for (std::int64_t d : s) {
    if (d < 1 || d > kMaxDim) {
      throw UserError(fmt::format("{}: error: {} has shape {}; every dimension must be in 1..{}",
                                  path, role, shape, kMaxDim));
    }
  }
  m.rows = s[0];
  m.cols = s[1];
  return m;
}

void reject_nan(const InputMatrix& m) {
  if (!npy_is_float(m.array.dtype)) return;
  const std::vector<double> v = as_doubles(m.array);
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (std::isnan(v[i])) {
      throw UserError(fmt::format("{}: error: NaN where not allowed, in {} at index {}", m.path,
                                  m.role, index_text(static_cast<std::int64_t>(i), m.cols)));
    }
  }
}

// The exact value of an integer as binary64 where it fits in 53 bits; larger magnitudes are
// rounded to odd at 53 bits, so the later RNE to an operand format (at most 24 significant bits)
// is still one correct rounding of the integer.
double integer_as_double(std::int64_t v) {
  const std::uint64_t mag =
      v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  if (mag <= (std::uint64_t{1} << 53)) return static_cast<double>(v);
  const int shift = static_cast<int>(std::bit_width(mag)) - 53;
  std::uint64_t top = mag >> shift;
  if (mag & ((std::uint64_t{1} << shift) - 1)) top |= 1;
  const double d = std::ldexp(static_cast<double>(top), shift);
  return v < 0 ? -d : d;
}

// Integer kinds: integer data only, each value within the signed operand width.
void convert_to_integers(Operand& op, const std::string& kind) {
  const InputMatrix& m = op.input;
  const int bits = op.coding.int_bits;
  if (npy_is_float(m.array.dtype)) {
    throw UserError(fmt::format(
        "{}: error: {} holds float data ('{}'), but PE kind '{}' takes int{} operands; pass "
        "integer arrays (float inputs are quantized only by group-quantized kinds: mixpe, "
        "lut_tc)",
        m.path, m.role, m.array.dtype, kind, bits));
  }
  const std::vector<std::int64_t> v = as_integers(m.array);
  op.codes.reserve(v.size());
  op.values.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!pe::fits_signed(v[i], bits)) {
      throw UserError(fmt::format(
          "{}: error: value {} at index {} of {} does not fit PE kind '{}''s int{} operands "
          "({}..{})",
          m.path, v[i], index_text(static_cast<std::int64_t>(i), m.cols), m.role, kind, bits,
          pe::int_min(bits), pe::int_max(bits)));
    }
    op.codes.push_back(static_cast<std::int32_t>(v[i]));
    op.values.push_back(static_cast<double>(v[i]));
  }
}

// Float kinds: float data rounded to the operand format (RNE), integer data from its exact value.
void convert_to_float_format(Operand& op) {
  const InputMatrix& m = op.input;
  const pe::FloatFormat f = op.coding.format;
  std::vector<double> v;
  if (npy_is_float(m.array.dtype)) {
    v = as_doubles(m.array);
  } else {
    for (std::int64_t i : as_integers(m.array)) v.push_back(integer_as_double(i));
  }
  const double max = pe::max_finite(f);
  op.codes.reserve(v.size());
  op.values.reserve(v.size());
  for (double x : v) {
    const std::uint32_t pattern = pe::encode(x, f);
    const double value = pe::decode(pattern, f);
    op.rounded += value != x;
    op.beyond_max += std::isfinite(x) && std::fabs(x) > max;
    op.codes.push_back(static_cast<std::int32_t>(pattern));
    op.values.push_back(value);
  }
}

Operand convert(InputMatrix input, pe::OperandSide side, const pe::PeConfig& pe) {
  Operand op;
  op.input = std::move(input);
  op.coding = pe::operand_coding(pe, side);
  if (op.coding.is_float) {
    convert_to_float_format(op);
  } else {
    convert_to_integers(op, pe::pe_kind_name(pe));
  }
  return op;
}

// The group-quantized kinds (mixpe, lut_tc): float weights are quantized group-wise
// (pe/quantize.h: w_bits, the PE's group size, asymmetric, fp16 scales) and float activations
// per token to int8 (mixpe w4a8, lut_tc activation int8) or rounded to fp16 (mixpe w4a16, lut_tc
// activation fp16); or integer codes come with --w-scales (groups x N), --w-zeros (groups x N)
// and, for int8 activations, --a-scales (M). The operands' values are the dequantized ones: the
// reference GEMM is dequantize-then-GEMM in binary64.
struct QuantizedOperands {
  Operand a, w;                // codes, and dequantized values
  pe::MixpeQuantParams quant;  // scales and zero points as the buffers hold them
  std::string w_source;        // how the weight codes were obtained
  std::string a_source;        // how the activation codes were obtained
};

// What a group-quantized kind takes.
struct QuantKind {
  std::string kind;               // "mixpe" or "lut_tc"
  int w_bits = 4;                 // B: weight codes 0..2^B - 1
  std::int64_t group_size = 128;  // G: weights per scale and zero point along K
  bool int8_activations = true;   // int8 codes with per-token scales; else fp16 values
  std::string int8_variant;       // how messages name the int8-activation variant
  std::string fp16_activations;   // how messages say that the other variant takes fp16 values
};

std::optional<QuantKind> quant_kind(const pe::PeConfig& pe) {
  QuantKind q;
  if (const auto* mix = std::get_if<pe::MixpeSpec>(&pe)) {
    q.kind = "mixpe";
    q.w_bits = mix->w_bits;
    q.group_size = mix->group_size;
    q.int8_activations = mix->variant == pe::MixpeVariant::W4A8;
    q.int8_variant = "mixpe w4a8";
    q.fp16_activations = "w4a16 activations are fp16 values";
    return q;
  }
  if (const auto* lut = std::get_if<pe::LutTcSpec>(&pe)) {
    q.kind = "lut_tc";
    q.w_bits = lut->w_bits;
    q.group_size = lut->group_size;
    q.int8_activations = lut->activation == pe::LutActivation::Int8;
    q.int8_variant = "lut_tc with activation: int8";
    q.fp16_activations = "with activation: fp16 they are fp16 values";
    return q;
  }
  return std::nullopt;
}

std::vector<double> read_vector(const std::string& path, const char* role, std::int64_t count) {
  const NpyArray arr = read_npy(path);
  if (npy_element_count(arr) != count) {
    throw UserError(fmt::format("{}: error: {} must hold {} values, holds {}", path, role, count,
                                npy_element_count(arr)));
  }
  return npy_is_float(arr.dtype) ? as_doubles(arr) : [&] {
    std::vector<double> v;
    for (std::int64_t i : as_integers(arr)) v.push_back(static_cast<double>(i));
    return v;
  }();
}

QuantizedOperands quantized_operands(const QuantKind& spec, const GemmCommandOptions& o,
                                     InputMatrix a_in, InputMatrix w_in) {
  const bool w8 = spec.int8_activations;
  const std::int64_t m = a_in.rows, k = a_in.cols, n = w_in.cols;
  const std::int64_t groups = (k + spec.group_size - 1) / spec.group_size;
  QuantizedOperands r;
  r.quant.group_size = spec.group_size;
  r.a.input = std::move(a_in);
  r.w.input = std::move(w_in);
  r.a.coding = w8 ? pe::ValueCoding{false, 8, pe::kFp32} : pe::ValueCoding{true, 0, pe::kFp16};
  r.w.coding = pe::ValueCoding{false, spec.w_bits, pe::kFp32, true};
  const bool w_float = npy_is_float(r.w.input.array.dtype);
  if (w_float != o.w_scales.empty() || w_float != o.w_zeros.empty()) {
    throw UserError(fmt::format(
        "{}: error: {} takes either float weights (quantized by tpesim) or integer codes with "
        "--w-scales and --w-zeros",
        r.w.input.path, spec.kind));
  }
  // Weights.
  if (w_float) {
    pe::WeightQuantSpec q;
    q.bits = spec.w_bits;
    q.group_size = static_cast<int>(spec.group_size);
    pe::QuantizedWeights qw;
    try {
      qw = pe::quantize_weights(as_doubles(r.w.input.array), k, n, q);
    } catch (const std::invalid_argument& e) {
      throw UserError(fmt::format("{}: error: cannot quantize W: {}", r.w.input.path, e.what()));
    }
    r.w.codes = qw.q;
    for (std::uint16_t s : qw.scales) r.quant.w_scales.push_back(s);
    r.quant.w_zeros = qw.zeros;
    r.w_source = "quantized by tpesim (group-wise, asymmetric, fp16 scales)";
  } else {
    const std::vector<std::int64_t> q = as_integers(r.w.input.array);
    for (std::size_t i = 0; i < q.size(); ++i) {
      if (q[i] < 0 || q[i] > pe::uint_max(spec.w_bits)) {
        throw UserError(fmt::format(
            "{}: error: weight code {} at index {} is outside 0..{}", r.w.input.path, q[i],
            index_text(static_cast<std::int64_t>(i), n), pe::uint_max(spec.w_bits)));
      }
      r.w.codes.push_back(static_cast<std::int32_t>(q[i]));
    }
    for (double s : read_vector(o.w_scales, "--w-scales (groups x N)", groups * n)) {
      if (!(s > 0) || !std::isfinite(s)) {
        throw UserError(
            fmt::format("{}: error: scales must be positive and finite, found {}", o.w_scales, s));
      }
      r.quant.w_scales.push_back(static_cast<std::int32_t>(pe::encode(s, pe::kFp16)));
    }
    for (double z : read_vector(o.w_zeros, "--w-zeros (groups x N)", groups * n)) {
      if (z < 0 || z > static_cast<double>(pe::uint_max(spec.w_bits)) || z != std::floor(z)) {
        throw UserError(fmt::format("{}: error: zero points must be integers in 0..{}, found {}",
                                    o.w_zeros, pe::uint_max(spec.w_bits), z));
      }
      r.quant.w_zeros.push_back(static_cast<std::int32_t>(z));
    }
    r.w_source = "codes with --w-scales and --w-zeros";
  }
  for (std::int64_t p = 0; p < k; ++p) {
    const std::int64_t g = p / spec.group_size;
    for (std::int64_t j = 0; j < n; ++j) {
      const auto s = pe::decode(
          static_cast<std::uint32_t>(r.quant.w_scales[static_cast<std::size_t>(g * n + j)]),
          pe::kFp16);
      r.w.values.push_back(s * (r.w.codes[static_cast<std::size_t>(p * n + j)] -
                                r.quant.w_zeros[static_cast<std::size_t>(g * n + j)]));
    }
  }
  // Activations.
  if (!w8) {
    if (!o.a_scales.empty()) {
      throw UserError(
          fmt::format("error: --a-scales is for {}; {}", spec.int8_variant, spec.fp16_activations));
    }
    convert_to_float_format(r.a);
    r.a_source = "rounded (RNE) to fp16";
    return r;
  }
  if (npy_is_float(r.a.input.array.dtype)) {
    if (!o.a_scales.empty()) {
      throw UserError(fmt::format(
          "{}: error: float activations are quantized per token by tpesim; --a-scales goes with "
          "int8 activations",
          r.a.input.path));
    }
    pe::QuantizedActivations qa;
    try {
      qa = pe::quantize_activations_per_token(as_doubles(r.a.input.array), m, k);
    } catch (const std::invalid_argument& e) {
      throw UserError(fmt::format("{}: error: cannot quantize A: {}", r.a.input.path, e.what()));
    }
    r.a.codes = qa.q;
    for (float s : qa.scales) {
      r.quant.a_scales.push_back(static_cast<std::int32_t>(pe::encode(s, pe::kFp32)));
    }
    r.a_source = "quantized by tpesim (per token, symmetric int8, fp32 scales)";
  } else {
    if (o.a_scales.empty()) {
      throw UserError(
          fmt::format("{}: error: int8 activations need --a-scales (one per row)", r.a.input.path));
    }
    convert_to_integers(r.a, spec.kind);
    r.a_source = "int8 codes with --a-scales";
    r.a.values.clear();
    for (double s : read_vector(o.a_scales, "--a-scales (M)", m)) {
      if (!(s > 0) || !std::isfinite(s)) {
        throw UserError(
            fmt::format("{}: error: scales must be positive and finite, found {}", o.a_scales, s));
      }
      r.quant.a_scales.push_back(static_cast<std::int32_t>(pe::encode(s, pe::kFp32)));
    }
  }
  r.a.values.clear();
  for (std::int64_t i = 0; i < m; ++i) {
    const double s = pe::decode(
        static_cast<std::uint32_t>(r.quant.a_scales[static_cast<std::size_t>(i)]), pe::kFp32);
    for (std::int64_t p = 0; p < k; ++p) {
      r.a.values.push_back(s * r.a.codes[static_cast<std::size_t>(i * k + p)]);
    }
  }
  return r;
}

// O = A x W on the operands' exact values, k ascending. Integer operands are summed exactly in
// int64 (|a*w| <= 2^30 and K <= 2^24); float operands have exact products (at most 48
// significant bits) summed in binary64.
std::vector<double> reference_gemm(const Operand& a, const Operand& w, bool dequantized) {
  const std::int64_t m = a.input.rows, k = a.input.cols, n = w.input.cols;
  const auto at = [](std::int64_t i) { return static_cast<std::size_t>(i); };
  std::vector<double> out(at(m * n), 0.0);
  if (!dequantized && !a.coding.is_float && !w.coding.is_float) {
    std::vector<std::int64_t> row(at(n));
    for (std::int64_t i = 0; i < m; ++i) {
      std::fill(row.begin(), row.end(), 0);
      for (std::int64_t p = 0; p < k; ++p) {
        const std::int64_t x = a.codes[at(i * k + p)];
        for (std::int64_t j = 0; j < n; ++j) row[at(j)] += x * w.codes[at(p * n + j)];
      }
      for (std::int64_t j = 0; j < n; ++j) out[at(i * n + j)] = static_cast<double>(row[at(j)]);
    }
    return out;
  }
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t p = 0; p < k; ++p) {
      const double x = a.values[at(i * k + p)];
      for (std::int64_t j = 0; j < n; ++j) out[at(i * n + j)] += x * w.values[at(p * n + j)];
    }
  }
  return out;
}

// The output codes' values: integers as they are, float patterns decoded from the output format.
std::vector<double> output_values(const std::vector<std::int64_t>& codes,
                                  const pe::ValueCoding& coding) {
  std::vector<double> out;
  out.reserve(codes.size());
  for (std::int64_t c : codes) {
    out.push_back(coding.is_float ? pe::decode(static_cast<std::uint32_t>(c), coding.format)
                                  : static_cast<double>(c));
  }
  return out;
}

// output.npy: int32 for integer outputs of at most 32 bits, int64 above; float32 for floats
// (every output format is at most 32 bits wide, so the value is exact).
NpyArray output_array(const std::vector<std::int64_t>& codes, const std::vector<double>& values,
                      const pe::ValueCoding& coding, std::int64_t m, std::int64_t n) {
  if (coding.is_float) {
    std::vector<float> f(values.begin(), values.end());
    return make_npy({m, n}, f);
  }
  if (coding.int_bits <= 32) {
    std::vector<std::int32_t> i;
    i.reserve(codes.size());
    for (std::int64_t c : codes) i.push_back(static_cast<std::int32_t>(c));
    return make_npy({m, n}, i);
  }
  return make_npy({m, n}, codes);
}

Numerics compare(const std::vector<double>& out, const std::vector<double>& ref) {
  Numerics r;
  double sum_rel = 0, diff2 = 0, ref2 = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const bool finite = std::isfinite(out[i]);
    r.nonfinite_outputs += !finite;
    const double diff =
        finite ? std::fabs(out[i] - ref[i]) : std::numeric_limits<double>::infinity();
    diff2 += diff * diff;
    ref2 += ref[i] * ref[i];
    if (ref[i] == 0) {
      ++r.ref_zero;
      r.ref_zero_out_nonzero += out[i] != 0;
      continue;
    }
    const double rel = diff / std::fabs(ref[i]);
    ++r.compared;
    sum_rel += rel;
    if (r.max_rel_error_at < 0 || rel > r.max_rel_error) {
      r.max_rel_error = rel;
      r.max_rel_error_at = static_cast<std::int64_t>(i);
    }
  }
  r.mean_rel_error = r.compared ? sum_rel / static_cast<double>(r.compared)
                                : std::numeric_limits<double>::quiet_NaN();
  r.rel_frobenius_error = ref2 > 0     ? std::sqrt(diff2 / ref2)
                          : diff2 == 0 ? 0.0
                                       : std::numeric_limits<double>::infinity();
  return r;
}

// JSON has no infinity or NaN: those become null.
nlohmann::json number_or_null(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

nlohmann::json input_json(const Operand& op) {
  nlohmann::json j = {{"path", op.input.path},
                      {"dtype", op.input.array.dtype},
                      {"shape", op.input.array.shape},
                      {"format", coding_name(op.coding)}};
  if (op.coding.is_float) {
    j["rounded"] = op.rounded;
    j["beyond_max_finite"] = op.beyond_max;
  }
  return j;
}

nlohmann::json access_json(const arch::AccessCounts& access) {
  nlohmann::json j = nlohmann::json::object();
  for (auto [name, t] : {std::pair{"ifmap", &access.ifmap}, std::pair{"filter", &access.filter},
                         std::pair{"ofmap", &access.ofmap}}) {
    j[name] = {{"bits", t->bits},
               {"sram_reads", t->sram_reads},
               {"sram_writes", t->sram_writes},
               {"dram_reads", t->dram_reads},
               {"dram_writes", t->dram_writes},
               {"dram_read_bytes", arch::OperandTraffic::bytes(t->dram_reads, t->bits)},
               {"dram_write_bytes", arch::OperandTraffic::bytes(t->dram_writes, t->bits)}};
  }
  return j;
}

nlohmann::json numerics_json(const Numerics& n, std::int64_t cols) {
  return {{"reference",
           "binary64 GEMM of the decoded operand values: exact products, binary64 sums "
           "(exact int64 sums for integer operands), k ascending"},
          {"mean_rel_error", number_or_null(n.mean_rel_error)},
          {"max_rel_error", number_or_null(n.max_rel_error)},
          {"max_rel_error_index",
           n.max_rel_error_at < 0
               ? nlohmann::json(nullptr)
               : nlohmann::json::array({n.max_rel_error_at / cols, n.max_rel_error_at % cols})},
          {"rel_frobenius_error", number_or_null(n.rel_frobenius_error)},
          {"compared_elements", n.compared},
          {"ref_zero_elements", n.ref_zero},
          {"ref_zero_out_nonzero", n.ref_zero_out_nonzero},
          {"nonfinite_outputs", n.nonfinite_outputs}};
}

// Everything one run produced, for the reports.
struct GemmResult {
  arch::ArchSpec arch;                       // as simulated (run.values on)
  const Operand* a = nullptr;                // M x K
  const Operand* w = nullptr;                // K x N
  const QuantizedOperands* quant = nullptr;  // group-quantized kinds: scales and their sources
  arch::LayerStats stats;                    // timing, traffic, events
  pe::ValueCoding output_coding;             // how output.npy's values were produced
  std::string output_dtype;                  // output.npy's dtype
  Numerics numerics;                         // against the reference GEMM
};

nlohmann::json gemm_json(const GemmResult& r) {
  const arch::LayerStats& s = r.stats;
  const std::int64_t m = r.a->input.rows, k = r.a->input.cols, n = r.w->input.cols;
  nlohmann::json j = {
      {"tool", "tpesim"},
      {"version", kTpesimVersion},
      {"command", "gemm"},
      {"arch", r.arch.name},
      {"shape", {{"m", m}, {"n", n}, {"k", k}}},
      {"pe",
       {{"kind", arch::pe_kind_label(r.arch.array)},
        {"a", coding_name(r.a->coding)},
        {"w", coding_name(r.w->coding)},
        {"output", coding_name(r.output_coding)}}},
      {"inputs", {{"a", input_json(*r.a)}, {"w", input_json(*r.w)}}},
      {"output", {{"file", "output.npy"}, {"dtype", r.output_dtype}, {"shape", {m, n}}}},
      {"cycles", s.cycles},
      {"stall_cycles", s.stall_cycles},
      {"compute_cycles", s.compute_cycles},
      {"folds", s.folds},
      {"macs", s.macs},
      {"utilization", s.utilization},
      {"mapping_efficiency", s.mapping_efficiency},
      {"numeric_events", s.overflows},
      {"verified", s.verified},
      {"access", access_json(s.access)},
      {"numerics", numerics_json(r.numerics, n)},
      {"config", yaml_to_json(arch::emit_arch(r.arch))}};
  if (!s.value_source.empty()) {
    j["value_source"] = s.value_source;
    j["rtl_cycles"] = s.rtl_cycles;
  }
  if (r.quant) {
    j["quantization"] = {{"group_size", r.quant->quant.group_size},
                         {"weights", r.quant->w_source},
                         {"activations", r.quant->a_source}};
  }
  return j;
}

std::string error_text(double v) { return std::isnan(v) ? "n/a" : fmt::format("{:.3e}", v); }

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw UserError(fmt::format("{}: error: cannot write file", path.string()));
}

std::string report_md(const GemmResult& r) {
  const arch::ArchSpec& a = r.arch;
  const arch::LayerStats& s = r.stats;
  const Numerics& num = r.numerics;
  const std::int64_t m = r.a->input.rows, k = r.a->input.cols, n = r.w->input.cols;
  std::string md = fmt::format("# tpesim gemm: {}\n\n", a.name);
  md += fmt::format("O[{} x {}] = A[{} x {}] (`{}`) x W[{} x {}] (`{}`).\n\n", m, n, m, k,
                    r.a->input.path, k, n, r.w->input.path);
  md += fmt::format(
      "Array: {}, PE `{}` (A {}, W {}, output {}); memory `{}`; "
      "fidelity `{}`.\n\n",
      arch::array_summary(a.array), arch::pe_kind_label(a.array), coding_name(r.a->coding),
      coding_name(r.w->coding), coding_name(r.output_coding), enum_name(a.memory.kind),
      enum_name(a.run.fidelity));
  if (!s.value_source.empty()) {
    md += fmt::format(
        "Output values: from the RTL, {} ({} RTL cycles); they equalled the C++ "
        "model's.\n\n",
        s.value_source, s.rtl_cycles);
  }
  if (r.quant) {
    md += fmt::format("Quantization: weights {}, group size {}; activations {}.\n\n",
                      r.quant->w_source, r.quant->quant.group_size, r.quant->a_source);
  }
  md += fmt::format(
      "Timing: **{} cycles** ({} compute, {} stalled), {} MACs, utilization {:.2f} %; {} numeric "
      "events.\n\n",
      s.cycles, s.compute_cycles, s.stall_cycles, s.macs, 100 * s.utilization, s.overflows);
  md += fmt::format(
      "Error against a binary64 reference GEMM of the decoded operands: relative Frobenius {}, "
      "mean relative {}, max relative {} ({} elements with a zero reference, {} of them "
      "nonzero in the output; {} non-finite outputs).\n\n",
      error_text(num.rel_frobenius_error), error_text(num.mean_rel_error),
      error_text(num.max_rel_error), num.ref_zero, num.ref_zero_out_nonzero, num.nonfinite_outputs);
  md += fmt::format(
      "Files: `output.npy` ({}, {} x {}), `gemm.json` (every counter and the "
      "resolved config).\n",
      r.output_dtype, m, n);
  return md;
}

void check_inner_dimensions(const InputMatrix& a, const InputMatrix& w) {
  if (a.cols == w.rows) return;
  throw UserError(fmt::format(
      "error: A ({}) is {} x {} and W ({}) is {} x {}: A's columns and W's rows (K) must agree",
      a.path, a.rows, a.cols, w.path, w.rows, w.cols));
}

// Runs the GEMM on the configured array with these operand codes (and side data).
arch::LayerRun simulate(const arch::ArchSpec& spec, const Operand& a, const Operand& w,
                        const pe::MixpeQuantParams& quant) {
  arch::GemmOperands codes;
  codes.quant = quant;
  codes.m = a.input.rows;
  codes.n = w.input.cols;
  codes.k = a.input.cols;
  codes.a = a.codes;
  codes.w = w.codes;
  arch::LayerRun run =
      arch::simulate_layer(spec, workloads::Gemm{"gemm", codes.m, codes.n, codes.k, 1}, 0, &codes);
  TPESIM_CHECK(run.outputs.size() == static_cast<std::size_t>(codes.m * codes.n),
               "the simulation returned {} outputs for a {} x {} GEMM", run.outputs.size(), codes.m,
               codes.n);
  return run;
}

// output.npy, gemm.json and report.md into `dir`, all or nothing.
void write_outputs(const GemmResult& r, const NpyArray& output, const std::string& dir) {
  StagedOutput out{fs::path(dir)};
  write_npy(out.file("output.npy"), output);
  write_text(out.file("gemm.json"), gemm_json(r).dump(2) + "\n");
  write_text(out.file("report.md"), report_md(r));
  out.commit();
}

}  // namespace

int run_gemm_command(const GemmCommandOptions& o) {
  if (o.arch.empty() || o.a.empty() || o.w.empty() || o.out.empty()) {
    throw UserError("error: gemm needs --arch, --a, --w and --out");
  }
  GemmResult r;
  r.arch = arch::load_arch(o.arch, o.overrides);
  r.arch.run.values = true;
  check_kind_and_scales(o, pe::pe_kind_name(r.arch.array.pe));

  InputMatrix a_in = read_matrix(o.a, "A", "M x K");
  InputMatrix w_in = read_matrix(o.w, "W", "K x N");
  check_inner_dimensions(a_in, w_in);
  reject_nan(a_in);
  reject_nan(w_in);
  Operand a, w;
  QuantizedOperands quant;
  const std::optional<QuantKind> qkind = quant_kind(r.arch.array.pe);
  if (qkind) {
    quant = quantized_operands(*qkind, o, std::move(a_in), std::move(w_in));
    a = quant.a;
    w = quant.w;
    r.quant = &quant;
  } else {
    a = convert(std::move(a_in), pe::OperandSide::A, r.arch.array.pe);
    w = convert(std::move(w_in), pe::OperandSide::W, r.arch.array.pe);
  }
  r.a = &a;
  r.w = &w;
  const std::int64_t m = a.input.rows, k = a.input.cols, n = w.input.cols;

  const arch::LayerRun run = simulate(r.arch, a, w, quant.quant);
  r.stats = run.stats;
  r.output_coding = pe::output_coding(r.arch.array.pe);
  const std::vector<double> values = output_values(run.outputs, r.output_coding);
  r.numerics = compare(values, reference_gemm(a, w, qkind.has_value()));
  const NpyArray output = output_array(run.outputs, values, r.output_coding, m, n);
  r.output_dtype = output.dtype;
  write_outputs(r, output, o.out);
  fmt::print(
      "{}: gemm {} x {} x {} on `{}`: {} cycles ({} stalled), utilization {:.2f} %, "
      "relative Frobenius error {}\n",
      r.arch.name, m, n, k, arch::pe_kind_label(r.arch.array), r.stats.cycles, r.stats.stall_cycles,
      100 * r.stats.utilization, error_text(r.numerics.rel_frobenius_error));
  fmt::print("output: {}\n", o.out);
  return 0;
}

}  // namespace tpesim
