// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/rtl_target.h"

#include <fmt/format.h>

#include "sim/core/config_node.h"
#include "sim/core/errors.h"

namespace tpesim::synth {

namespace {

using pe::BitsliceVariant;

// The forwarded operand registers of the cost model's PE: no Verilog PE has them (the array's
// wiring would), so they stay priced from the table.
arch::Part forwarded_operands(const pe::PeConfig& pe) {
  const pe::OperandBits ob = pe::operand_bits(pe);
  return {"register_bit", double(ob.a + ob.w), "forwarded operand registers (not in the Verilog)"};
}

std::vector<RtlParam> float_params(const std::string& prefix, const pe::FloatFormat& f) {
  return {{prefix + "E", f.exp_bits},
          {prefix + "M", f.man_bits},
          {prefix + "IEEE_SPECIAL", f.ieee_special ? 1 : 0}};
}

[[noreturn]] void no_verilog(const std::string& what) {
  throw UserError(fmt::format("error: synth maps no Verilog module to {}; synthesizable PEs:\n{}",
                              what, rtl_catalogue()));
}

RtlTarget int_mac(const pe::IntMacSpec& s, const pe::PeConfig& pe) {
  return {"int_mac",
          "pe_int_mac",
          "pe_int_mac.sv",
          {{"A_BITS", s.a_bits},
           {"W_BITS", s.w_bits},
           {"ACC_BITS", s.acc_bits},
           {"SATURATE", s.overflow == pe::Overflow::Saturate ? 1 : 0}},
          "multiplier, accumulator adder, accumulator and overflow registers",
          {forwarded_operands(pe)}};
}

RtlTarget bitslice(const pe::BitsliceSpec& s, const pe::PeConfig& pe) {
  const std::string variant(enum_name(s.variant));
  if (s.variant != BitsliceVariant::BoothCsa && s.variant != BitsliceVariant::SerialDigit) {
    no_verilog(fmt::format("bitslice variant '{}'", variant));
  }
  const int saturate = s.overflow == pe::Overflow::Saturate ? 1 : 0;
  if (s.variant == BitsliceVariant::BoothCsa) {
    return {"bitslice booth_csa",
            "pe_bitslice_booth_csa",
            "pe_bitslice_booth_csa.sv",
            {{"A_BITS", s.a_bits},
             {"W_BITS", s.w_bits},
             {"ACC_BITS", s.acc_bits},
             {"SATURATE", saturate}},
            saturate ? "Booth selectors, carry-save tree, carry-propagate add and clamp in the "
                       "loop, accumulator"
                     : "Booth selectors, carry-save tree, redundant accumulator, resolving adder",
            {forwarded_operands(pe)}};
  }
  return {"bitslice serial_digit",
          "pe_bitslice_serial_digit",
          "pe_bitslice_serial_digit.sv",
          {{"A_BITS", s.a_bits},
           {"W_BITS", s.w_bits},
           {"ACC_BITS", s.acc_bits},
           {"SATURATE", saturate},
           {"LANES", s.digit_group}},
          saturate ? fmt::format("{} EN-T encoders and latched lanes, per-lane product "
                                 "registers, lane-by-lane saturating adds, accumulator",
                                 s.digit_group)
                   : fmt::format("{} EN-T encoders and latched lanes, 3:2 row, shift-and-add "
                                 "accumulator",
                                 s.digit_group),
          {forwarded_operands(pe)}};
}

RtlTarget lmul(const pe::LmulSpec& s, const pe::PeConfig& pe) {
  std::vector<RtlParam> params = float_params("", s.format);
  return {
      "lmul",
      "pe_lmul",
      "pe_lmul.sv",
      params,
      "the L-Mul multiplier and its registered product (no accumulator)",
      {forwarded_operands(pe),
       {"fp_add_" + pe::float_format_name(s.acc_format), 1,
        "accumulator adder (not in the Verilog)"},
       {"register_bit", double(s.acc_format.bits()), "accumulator register (not in the Verilog)"}}};
}

RtlTarget fp_mac(const pe::FpMacSpec& s, const pe::PeConfig& pe) {
  std::vector<RtlParam> params = float_params("A_", s.a_format);
  for (const RtlParam& p : float_params("W_", s.w_format)) params.push_back(p);
  params.push_back({"OUT_E", s.out_format.exp_bits});
  params.push_back({"OUT_M", s.out_format.man_bits});
  return {"fp_mac",
          "pe_fp_mac",
          "pe_fp_mac.sv",
          params,
          "significand multiplier, binary32 FMA adder, accumulator, output rounding",
          {forwarded_operands(pe)}};
}

RtlTarget mixpe(const pe::MixpeSpec& s, const pe::PeConfig& pe) {
  if (s.variant != pe::MixpeVariant::W4A8) {
    no_verilog("mixpe variant 'w4a16' (the Verilog is W4A8: int8 activations)");
  }
  return {"mixpe w4a8",
          "pe_mixpe_w4a8",
          "pe_mixpe_w4a8.sv",
          {{"W_BITS", s.w_bits},
           {"GROUP_SIZE", s.group_size},
           {"OUT_E", s.out_format.exp_bits},
           {"OUT_M", s.out_format.man_bits}},
          "shift&add P and S, P - zS, dequantization (float(D) x s, binary32 add), output scale "
          "and rounding, registers",
          {forwarded_operands(pe)}};
}

RtlTarget lut_tc(const pe::LutTcSpec& s, const pe::PeConfig& pe) {
  if (s.activation == pe::LutActivation::Int8) {
    return {"lut_tc int8",
            "pe_lut_tc_int8",
            "pe_lut_tc_int8.sv",
            {{"KG", s.lut_group},
             {"W_BITS", s.w_bits},
             {"GROUP_SIZE", s.group_size},
             {"OUT_E", s.out_format.exp_bits},
             {"OUT_M", s.out_format.man_bits}},
            "lookup PE (int8 activations): latched half table and operands, integer bit-plane "
            "and activation sums, D = acc_g - z'S, dequantization, output scale and rounding (not "
            "the table builder lut_tc_table_int8, shared by a row)",
            {forwarded_operands(pe)}};
  }
  if (s.table_format == pe::LutTableFormat::Int8) {
    no_verilog("lut_tc with table_format: int8 (the Verilog has fp16 and fp32 tables)");
  }
  const pe::FloatFormat table = s.table_format == pe::LutTableFormat::Fp16 ? pe::kFp16 : pe::kFp32;
  return {"lut_tc",
          "pe_lut_tc",
          "pe_lut_tc.sv",
          {{"KG", s.lut_group},
           {"W_BITS", s.w_bits},
           {"TABLE_E", table.exp_bits},
           {"TABLE_M", table.man_bits},
           {"ACC_E", s.acc_format.exp_bits},
           {"ACC_M", s.acc_format.man_bits},
           {"OUT_E", s.out_format.exp_bits},
           {"OUT_M", s.out_format.man_bits}},
          "lookup PE: latched half table and operands, table-entry select, bit-plane adder, "
          "activation-sum adder, dequantization, output rounding (not the table builder "
          "lut_tc_table, shared by a row)",
          {forwarded_operands(pe)}};
}

}  // namespace

RtlTarget rtl_target(const pe::PeConfig& pe) {
  return std::visit(
      [&pe](const auto& s) -> RtlTarget {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, pe::IntMacSpec>) {
          return int_mac(s, pe);
        } else if constexpr (std::is_same_v<S, pe::BitsliceSpec>) {
          return bitslice(s, pe);
        } else if constexpr (std::is_same_v<S, pe::LmulSpec>) {
          return lmul(s, pe);
        } else if constexpr (std::is_same_v<S, pe::FpMacSpec>) {
          return fp_mac(s, pe);
        } else if constexpr (std::is_same_v<S, pe::MixpeSpec>) {
          return mixpe(s, pe);
        } else if constexpr (std::is_same_v<S, pe::LutTcSpec>) {
          return lut_tc(s, pe);
        } else {
          no_verilog(fmt::format("PE kind '{}'", s.kKind));
        }
      },
      pe);
}

std::string rtl_catalogue() {
  return "  int_mac                    rtl/pe_int_mac.sv (any widths, wrap or saturate)\n"
         "  bitslice booth_csa         rtl/pe_bitslice_booth_csa.sv (wrap or saturate)\n"
         "  bitslice serial_digit      rtl/pe_bitslice_serial_digit.sv (wrap or saturate; "
         "LANES = digit_group)\n"
         "  lmul                       rtl/pe_lmul.sv (the multiplier; any format)\n"
         "  fp_mac                     rtl/pe_fp_mac.sv (every a/w/out format combination)\n"
         "  mixpe w4a8                 rtl/pe_mixpe_w4a8.sv (variant w4a8; any w_bits, "
         "group_size, out_format)\n"
         "  lut_tc                     rtl/pe_lut_tc.sv (activation fp16, table_format fp16 or "
         "fp32), rtl/pe_lut_tc_int8.sv (activation int8); the lookup PE, not the row's table "
         "builder";
}

}  // namespace tpesim::synth
