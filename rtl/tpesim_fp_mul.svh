// SPDX-License-Identifier: Apache-2.0
// tpesim_fp_mul.svh: the binary floating-point multiplier shared by the group-quantized PEs
// (pe_mixpe_w4a8.sv, pe_lut_tc.sv), in its own file so that a PE without a multiplier
// (lut_tc_table.sv) includes tpesim_fp.svh alone. Operands and the NaN rule (every NaN result is
// the canonical NaN, sign 0) as in tpesim_fp.svh.
`ifndef TPESIM_FP_MUL_SVH
`define TPESIM_FP_MUL_SVH

`include "tpesim_fp.svh"

// a * b rounded once to (OE, OM): the exact product of the significands (one multiplier) and
// the sum of the exponents, then tpesim_fp_round. Specials in priority order: a NaN operand or
// 0 * inf (the canonical NaN, sign 0), an infinity (sign a ^ b); a zero product is a zero of
// sign a ^ b.
module tpesim_fp_mul #(
    parameter int AW = 24,
    parameter int BW = 24,
    parameter int XW = 12,
    parameter int OE = 8,
    parameter int OM = 23
) (
    input  logic                 a_sign,
    input  logic        [AW-1:0] a_sig,
    input  logic signed [XW-1:0] a_lsb,
    input  logic                 a_nan,
    input  logic                 a_inf,
    input  logic                 b_sign,
    input  logic        [BW-1:0] b_sig,
    input  logic signed [XW-1:0] b_lsb,
    input  logic                 b_nan,
    input  logic                 b_inf,
    output logic        [OE+OM:0] y
);
  localparam logic [OE+OM-1:0] Inf = {{OE{1'b1}}, {OM{1'b0}}};  // infinity's magnitude
  localparam logic [OE+OM-1:0] Quiet = Inf | (OE + OM)'(1 << (OM - 1));  // canonical NaN

  logic p_sign;
  logic [AW+BW-1:0] p_sig;  // exact significand product
  logic signed [XW-1:0] p_lsb;
  logic [OE+OM:0] rounded;

  always_comb begin
    p_sign = a_sign ^ b_sign;
    p_sig = (AW + BW)'(a_sig) * (AW + BW)'(b_sig);
    p_lsb = a_lsb + b_lsb;
  end

  tpesim_fp_round #(
      .SW(AW + BW),
      .XW(XW),
      .OE(OE),
      .OM(OM)
  ) u_round (
      .sign(p_sign),
      .sig (p_sig),
      .lsb (p_lsb),
      .y   (rounded)
  );

  always_comb begin
    if (a_nan || b_nan || (a_inf && b_sig == '0) || (b_inf && a_sig == '0)) y = {1'b0, Quiet};
    else if (a_inf || b_inf) y = {p_sign, Inf};
    else y = rounded;
  end
endmodule

`endif  // TPESIM_FP_MUL_SVH
