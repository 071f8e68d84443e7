// SPDX-License-Identifier: Apache-2.0
#include "arch/pe_datapath.h"

#include <fmt/format.h>

#include "sim/core/errors.h"

namespace tpesim::arch {

namespace {

using pe::BitsliceVariant;
using pe::FloatFormat;

std::string int_add(int bits) { return fmt::format("int_add_{}", bits); }
std::string int_mul(int a, int w) { return fmt::format("int_mul_{}x{}", a, w); }
std::string fp_add(const FloatFormat& f) { return "fp_add_" + pe::float_format_name(f); }
std::string fp_mul(const FloatFormat& a, const FloatFormat& w) {
  if (a == w) return "fp_mul_" + pe::float_format_name(a);
  return fmt::format("fp_mul_{}x{}", pe::float_format_name(a), pe::float_format_name(w));
}

// 2:1 multiplexer levels that select one of `positions` shift amounts.
int mux_levels(int positions) {
  int levels = 0;
  while ((1 << levels) < positions) ++levels;
  return levels;
}

bool starts_with(const std::string& s, std::string_view prefix) {
  return s.size() > prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

bool is_arithmetic(const std::string& event) {
  return starts_with(event, "int_add_") || starts_with(event, "int_mul_") ||
         starts_with(event, "fp_add_") || starts_with(event, "fp_mul_");
}

// lut_tc: width of one stored table entry, entries of a half table, and the per-table scale.
int lut_entry_width(const pe::LutTcSpec& s) {
  return s.activation == pe::LutActivation::Int8 ? 16 : pe::lut_entry_bits(s.table_format);
}
int lut_entries(const pe::LutTcSpec& s) { return 1 << (s.lut_group - 1); }
int lut_scale_bits(const pe::LutTcSpec& s) {
  return s.activation != pe::LutActivation::Int8 && s.table_format == pe::LutTableFormat::Int8
             ? pe::kLutTableScaleBits
             : 0;
}
bool lut_int8_tables(const pe::LutTcSpec& s) {
  return s.activation != pe::LutActivation::Int8 && s.table_format == pe::LutTableFormat::Int8;
}

std::vector<Part> bitslice_parts(const pe::BitsliceSpec& s) {
  const int da = pe::radix4_digits(s.a_bits), dw = pe::radix4_digits(s.w_bits);
  switch (s.variant) {
    case BitsliceVariant::BoothCsa:
      return {{"logic_bit", 2.0 * dw * (s.a_bits + 1), "Booth partial-product selectors"},
              {"full_adder_bit", double(dw) * s.acc_bits, "carry-save tree"},
              {int_add(s.acc_bits), 1, "carry-propagate adder"}};
    case BitsliceVariant::SameBwTree:
      return {{"logic_bit", 2.0 * da * (s.w_bits + 1), "partial-product selectors"},
              {"logic_bit", double(mux_levels(da)) * s.acc_bits, "bit-weight shifter"},
              {int_add(s.acc_bits), 1, "this lane's adder of the column tree"}};
    case BitsliceVariant::SerialDigit:
      return {{"logic_bit", 2.0 * (s.w_bits + 1), "partial-product selector"},
              {"full_adder_bit", double(s.acc_bits), "3:2 carry-save accumulator"},
              {"logic_bit", double(mux_levels(da)) * s.acc_bits, "bit-weight shifter"},
              {int_add(s.acc_bits), 1, "shift-and-add adder"}};
    case BitsliceVariant::Laconic:
      return {{"logic_bit", 2.0 * s.acc_bits, "term-pair partial product"},
              {int_add(s.acc_bits), 1, "accumulator adder"}};
  }
  return {};
}

std::vector<Part> mixpe_parts(const pe::MixpeSpec& s) {
  if (s.variant == pe::MixpeVariant::W4A8) {
    return {{int_add(8 + s.w_bits), 1, "shift-add of the activation per weight bit (P)"},
            {"logic_bit", double(mux_levels(s.w_bits)) * 8, "activation shifter"},
            {int_add(32), 2, "activation-sum adder (S), P - zS"},
            {int_mul(s.w_bits, 32), 1, "z x S"},
            {fp_mul(pe::kFp32, pe::kFp32), 2, "group scale, token scale"},
            {fp_add(pe::kFp32), 1, "accumulator"}};
  }
  return {{fp_add(pe::kFp32), 1, "shift-add of the activation per weight bit (P)"},
          {"logic_bit", double(mux_levels(s.w_bits)) * 16, "activation shifter"},
          {fp_add(pe::kFp32), 3, "activation-sum adder (S), P - zS, accumulator"},
          {fp_mul(pe::kFp32, pe::kFp32), 2, "z x S, group scale"}};
}

std::vector<Part> lut_tc_parts(const pe::LutTcSpec& s) {
  std::vector<Part> out = {
      {"logic_bit", double(s.lut_group) * lut_entry_width(s), "table-entry select and sign"}};
  if (s.activation == pe::LutActivation::Int8) {
    out.push_back({int_add(32), 1, "bit-plane accumulator"});
  } else if (lut_int8_tables(s)) {
    out.push_back({int_add(16), 1, "integer bit-plane sum"});
    out.push_back({fp_mul(pe::kFp32, pe::kFp32), 1, "table scale"});
    out.push_back({fp_add(s.acc_format), 1, "group accumulator"});
  } else {
    out.push_back({fp_add(s.acc_format), 1, "bit-plane accumulator"});
  }
  out.push_back({fp_mul(pe::kFp32, pe::kFp32), 2, "dequantization: z' S, scale"});
  out.push_back({fp_add(pe::kFp32), 2, "dequantization: acc - z' S, output sum"});
  return out;
}

// Bits of accumulator state besides the forwarded operands.
int state_bits(const pe::PeConfig& pe) {
  return std::visit(
      [](const auto& s) -> int {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) {
          return s.acc_bits;
        } else if constexpr (std::is_same_v<S, pe::BitsliceSpec>) {
          const bool redundant =
              s.variant == BitsliceVariant::BoothCsa || s.variant == BitsliceVariant::SerialDigit;
          return redundant ? 2 * s.acc_bits : s.acc_bits;  // carry-save: sum and carry
        } else if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return 32;
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          return s.acc_format.bits();
        } else if constexpr (std::is_same_v<S, pe::MixpeSpec>) {
          return 3 * 32;  // P, S and the accumulator
        } else {
          const int acc = s.activation == pe::LutActivation::Int8 ? 32 : s.acc_format.bits();
          return acc + 32 + 32;  // bit-plane accumulator, S_g, output sum
        }
      },
      pe);
}

[[noreturn]] void no_rule(const std::string& event, const pe::PeConfig& pe) {
  throw ModelError(__FILE__, __LINE__,
                   fmt::format("no energy rule for activity event '{}' of PE kind {} "
                               "(docs/COST_MODEL.md lists the rules)",
                               event, pe::pe_kind_name(pe)));
}

EventRule count_only(const std::string& why) { return EventRule{{}, false, why}; }

EventRule bitslice_rule(const std::string& event, const pe::BitsliceSpec& s,
                        const pe::PeConfig& pe) {
  const int da = pe::radix4_digits(s.a_bits), dw = pe::radix4_digits(s.w_bits);
  const bool digit_serial = s.variant == BitsliceVariant::SerialDigit;
  if (event == "nonzero_digits") return count_only("count: subset of `digits`");
  if (event == "digits") {
    return {{{"logic_bit", 3, "radix-4 encoder"}},
            true,
            "radix-4 digit encoder: 3 logic bits per digit"};
  }
  if (event == "shifts" && (s.variant == BitsliceVariant::SameBwTree || digit_serial)) {
    const double bits = double(mux_levels(da)) * s.acc_bits;
    return {{{"logic_bit", bits, "bit-weight shifter"}},
            true,
            fmt::format("shift to one of {} digit weights: {} mux levels x {} bits", da,
                        mux_levels(da), s.acc_bits)};
  }
  if (event == "csa_steps" && (s.variant == BitsliceVariant::BoothCsa || digit_serial)) {
    const int rows = digit_serial ? 1 : dw;  // full-adder rows: N inputs to 2 need N - 2
    return {{{"full_adder_bit", double(rows) * s.acc_bits, "carry-save rows"}},
            true,
            fmt::format("carry-save pass: {} full-adder row(s) x {} bits", rows, s.acc_bits)};
  }
  if (event == "partial_products") {
    const int width = s.variant == BitsliceVariant::BoothCsa  ? s.a_bits + 1
                      : s.variant == BitsliceVariant::Laconic ? s.acc_bits
                                                              : s.w_bits + 1;
    return {{{"logic_bit", 2.0 * width, "select and negate"}},
            true,
            fmt::format("digit partial product: select and negate, 2 logic bits x {} bits", width)};
  }
  no_rule(event, pe);
}

EventRule mixpe_rule(const std::string& event, const pe::MixpeSpec& s, const pe::PeConfig& pe) {
  if (event == "group_sums") return count_only("count: its additions are int_add/fp_add events");
  if (event == "dequant_ops") {
    return count_only("count: its multiplies and adds are their own events");
  }
  if (event == "shifts") {
    const int width = s.variant == pe::MixpeVariant::W4A8 ? 8 : 16;
    return {{{"logic_bit", double(mux_levels(s.w_bits)) * width, "activation shifter"}},
            true,
            fmt::format("shift by one of {} weight-bit positions: {} mux levels x {} bits",
                        s.w_bits, mux_levels(s.w_bits), width)};
  }
  no_rule(event, pe);
}

EventRule lut_tc_rule(const std::string& event, const pe::LutTcSpec& s, const pe::PeConfig& pe) {
  const int width = lut_entry_width(s);
  if (event == "group_sums") return count_only("count: its additions are int_add/fp_add events");
  if (event == "dequant_ops") {
    return count_only("count: its multiplies and adds are their own events");
  }
  if (event == "table_entry_adds") {
    return count_only("count: the same additions are fp_add_fp32 / int_add_16 events");
  }
  if (event == "table_builds") {
    const double bits = double(lut_entries(s)) * width + lut_scale_bits(s);
    return {{{"register_bit", bits, "table registers written"}},
            true,
            fmt::format("table written: {} entries x {} bits{} of registers", lut_entries(s), width,
                        lut_scale_bits(s) ? " + its 32-bit scale" : "")};
  }
  if (event == "table_lookups") {
    const double bits = double(s.lut_group) * width;
    return {{{"logic_bit", bits, "entry select and sign"}},
            true,
            fmt::format("entry read: {} mux levels + sign, x {} bits", s.lut_group - 1, width)};
  }
  if (event == "table_entry_quantizations" && lut_int8_tables(s)) {
    return {{{fp_mul(pe::kFp32, pe::kFp32), 1, "entry x 1/scale"}},
            true,
            "one binary32 multiply per entry"};
  }
  no_rule(event, pe);
}

}  // namespace

int pe_register_bits(const pe::PeConfig& pe) {
  const pe::OperandBits ob = pe::operand_bits(pe);
  return ob.a + ob.w + state_bits(pe);
}

std::vector<Part> pe_parts(const pe::PeConfig& pe) {
  std::vector<Part> out = std::visit(
      [](const auto& s) -> std::vector<Part> {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) {
          return {{int_mul(s.a_bits, s.w_bits), 1, "multiplier"},
                  {int_add(s.acc_bits), 1, "accumulator adder"}};
        } else if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return {{fp_mul(s.a_format, s.w_format), 1, "multiplier"},
                  {fp_add(pe::kFp32), 1, "binary32 accumulator adder"}};
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          return {{int_add(s.format.exp_bits + s.format.man_bits), 1, "L-Mul integer add"},
                  {fp_add(s.acc_format), 1, "accumulator adder"}};
        } else if constexpr (std::is_same_v<S, pe::MixpeSpec>) {
          return mixpe_parts(s);
        } else if constexpr (std::is_same_v<S, pe::LutTcSpec>) {
          return lut_tc_parts(s);
        } else {
          return bitslice_parts(s);
        }
      },
      pe);
  out.push_back(
      {"register_bit", double(pe_register_bits(pe)), "operand and accumulator registers"});
  return out;
}

std::vector<Part> periphery_parts(const ArraySpec& array) {
  const pe::OperandBits ob = pe::operand_bits(array.pe);
  const auto triangle = [](int n) { return double(n) * (n - 1) / 2; };
  std::vector<Part> out;
  const bool input_stationary = array.kind == ArrayKind::Systolic && array.dataflow == Dataflow::Is;
  if (array.kind == ArrayKind::AdderTree) {
    out.push_back({"register_bit", double(array.k_lanes()) * ob.a, "activation input register"});
    out.push_back({"register_bit", double(array.columns()) * ob.out, "column output registers"});
  } else if (array.dataflow == Dataflow::Os) {
    out.push_back({"register_bit", triangle(array.rows) * ob.a, "activation skew registers"});
    out.push_back({"register_bit", triangle(array.cols) * ob.w, "weight skew registers"});
  } else {
    out.push_back({"register_bit", triangle(array.rows) * (input_stationary ? ob.w : ob.a),
                   input_stationary ? "weight skew registers" : "activation skew registers"});
    out.push_back({"register_bit", triangle(array.cols) * ob.out, "output deskew registers"});
  }
  // Edges where activations and weights enter: one shared unit per edge row or column.
  const int activation_edge = input_stationary ? array.cols : array.rows;
  const int weight_edge = input_stationary ? array.rows : array.cols;
  if (const auto* s = std::get_if<pe::BitsliceSpec>(&array.pe)) {
    const int da = pe::radix4_digits(s->a_bits), dw = pe::radix4_digits(s->w_bits);
    if (s->variant == BitsliceVariant::BoothCsa || s->variant == BitsliceVariant::Laconic) {
      out.push_back({"logic_bit", 3.0 * dw * weight_edge, "weight digit encoders"});
    }
    if (s->variant != BitsliceVariant::BoothCsa) {
      out.push_back({"logic_bit", 3.0 * da * activation_edge, "activation digit encoders"});
    }
  }
  if (const auto* s = std::get_if<pe::LutTcSpec>(&array.pe)) {
    const bool int_act = s->activation == pe::LutActivation::Int8;
    // A table's additions spread over the w_bits cycles the array spends on it.
    const int adds = lut_entries(*s) * (s->lut_group - 1);
    const int builders = (adds + s->w_bits - 1) / s->w_bits;
    out.push_back({int_act ? int_add(16) : fp_add(pe::kFp32), double(builders) * activation_edge,
                   "table builders"});
    if (lut_int8_tables(*s)) {
      const int quantizers = (lut_entries(*s) + s->w_bits - 1) / s->w_bits;
      out.push_back({fp_mul(pe::kFp32, pe::kFp32), double(quantizers) * activation_edge,
                     "table-entry quantizers"});
    }
    out.push_back({int_act ? int_add(32) : fp_add(pe::kFp32), double(activation_edge),
                   "activation group-sum adders"});
  }
  return out;
}

EventRule event_rule(const std::string& event, const pe::PeConfig& pe) {
  if (event == "macs") return count_only("count: MACs of the GEMM; energy in arithmetic events");
  if (is_arithmetic(event)) return {{{event, 1, "one operation"}}, true, "one " + event};
  if (const auto* s = std::get_if<pe::BitsliceSpec>(&pe)) return bitslice_rule(event, *s, pe);
  if (const auto* s = std::get_if<pe::MixpeSpec>(&pe)) return mixpe_rule(event, *s, pe);
  if (const auto* s = std::get_if<pe::LutTcSpec>(&pe)) return lut_tc_rule(event, *s, pe);
  no_rule(event, pe);
}

}  // namespace tpesim::arch
