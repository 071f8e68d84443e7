// SPDX-License-Identifier: Apache-2.0
// tpesim_fp.svh: binary floating-point building blocks shared by the group-quantized PEs
// (pe_mixpe_w4a8.sv, pe_lut_tc.sv, lut_tc_table.sv): unpacking, rounding and the adder; the
// multiplier is in tpesim_fp_mul.svh. Included, not verilated on its own: each including file
// stands for one PE. The adder datapath is pe_fp_mac.sv's (compare and swap,
// alignment with a sticky bit, one add or subtract, then rounding), generalised to any IEEE-like
// output format; the rounding is encode() of pe/float_format.cpp in gates.
//
// Operands travel unpacked: value = (-1)^sign * sig * 2^lsb with an unsigned integer significand
// sig (zero when the value is zero) and the signed exponent lsb of its least significant bit,
// plus NaN and infinity flags (sig and lsb are then ignored). Results are bit patterns of an
// IEEE-like format (OE exponent bits with bias 2^(OE-1) - 1, OM >= 1 fraction bits, subnormals,
// the all-ones exponent for infinity and NaN), rounded to nearest, ties to even, with overflow to
// infinity. Every NaN result (a NaN operand, inf - inf, 0 * inf) is the canonical NaN of the
// output format: sign 0, all-ones exponent, top fraction bit set, payload 0 (canonical_nan,
// pe/float_format.h; binary32 0x7FC00000, fp16 0x7E00), whatever the operands' signs and
// payloads, so the operand order does not matter.
`ifndef TPESIM_FP_SVH
`define TPESIM_FP_SVH

/* verilator lint_off DECLFILENAME */

// An IEEE-like bit pattern (E exponent bits, M fraction bits) unpacked: sig = {hidden bit,
// fraction}, lsb = max(exponent field, 1) - bias - M.
module tpesim_fp_unpack #(
    parameter int E  = 8,
    parameter int M  = 23,
    parameter int XW = 12
) (
    input  logic        [E+M:0] x,
    output logic                sign,
    output logic        [  M:0] sig,
    output logic signed [XW-1:0] lsb,
    output logic                nan,
    output logic                inf
);
  localparam int Bias = (1 << (E - 1)) - 1;  // exponent bias

  always_comb begin
    sign = x[E+M];
    nan = &x[E+M-1:M] && x[M-1:0] != '0;
    inf = &x[E+M-1:M] && x[M-1:0] == '0;
    sig = {x[E+M-1:M] != '0, x[M-1:0]};
    lsb = (x[E+M-1:M] != '0 ? XW'(x[E+M-1:M]) : XW'(1)) - XW'(Bias + M);
  end
endmodule

// sign * sig * 2^lsb, an exact value (or one whose bit 0 is a sticky bit lying below the
// rounding position), rounded once to (OE, OM): the binade is max(exponent of the MSB, the
// smallest normal exponent), the kept bits are the value over the binade's quantum, rounded to
// nearest even, a carry out of the fraction moving into the exponent. sig = 0 gives a zero with
// `sign`; a nonzero value below half the smallest subnormal gives a zero with `sign` too.
module tpesim_fp_round #(
    parameter int SW = 24,
    parameter int XW = 12,
    parameter int OE = 8,
    parameter int OM = 23
) (
    input  logic                 sign,
    input  logic        [SW-1:0] sig,
    input  logic signed [XW-1:0] lsb,
    output logic        [OE+OM:0] y
);
  localparam int Bias = (1 << (OE - 1)) - 1;  // output exponent bias
  localparam int MinExp = 1 - Bias;  // the smallest normal exponent
  localparam int IW = SW + OM + 3;  // window: sig at the top, at least guard + sticky below
  localparam int LzW = $clog2(SW + 1);  // leading-zero count width
  localparam int ShW = $clog2(IW + 1);  // denormalising shift width
  localparam int MagW = XW + OM + 2;  // the magnitude pattern before the overflow check
  localparam logic [MagW-1:0] InfMag = MagW'((1 << OE) - 1) << OM;  // infinity's magnitude

  logic [LzW-1:0] lz;  // leading zeros of sig
  logic signed [XW-1:0] msb;  // exponent of the MSB
  logic signed [XW-1:0] binade;  // max(msb, MinExp)
  logic signed [XW-1:0] field;  // binade + bias - 1: the exponent field below the hidden bit
  logic signed [XW-1:0] under;  // MinExp - msb: bits a subnormal result shifts right
  logic [ShW-1:0] rshift;  // that shift, 0 for normal results, clamped to IW
  logic [IW-1:0] norm;  // sig normalised: its MSB at bit IW - 1
  logic [IW-1:0] window;  // norm shifted right by rshift
  logic lost;  // the right shift dropped nonzero bits
  logic [OM:0] kept;  // the result's significand (hidden bit included) before rounding
  logic guard, sticky, round_up;
  logic [MagW-1:0] mag;  // (binade + bias - 1) above the fraction, plus kept and the round bit

  always_comb begin
    lz = LzW'(SW);
    for (int i = 0; i < SW; i++) if (sig[i]) lz = LzW'(SW - 1 - i);
    msb = lsb + XW'(SW - 1) - XW'(lz);
    under = XW'(MinExp) - msb;
    binade = under > 0 ? XW'(MinExp) : msb;
    rshift = under <= 0 ? '0 : (under > XW'(IW) ? ShW'(IW) : ShW'(under));
    norm = {sig, {(OM + 3) {1'b0}}} << lz;
    window = norm >> rshift;
    lost = (norm & ~({IW{1'b1}} << rshift)) != '0;
    kept = window[IW-1-:OM+1];
    guard = window[IW-OM-2];
    sticky = lost || window[IW-OM-3:0] != '0;
    round_up = guard && (sticky || kept[0]);
    field = binade + XW'(Bias - 1);
    mag = (MagW'(field) << OM) + MagW'(kept) + MagW'(round_up);
    if (sig == '0) y = {sign, {(OE + OM) {1'b0}}};
    else if (mag >= InfMag) y = {sign, {OE{1'b1}}, {OM{1'b0}}};
    else y = {sign, mag[OE+OM-1:0]};
  end
endmodule

// a + b rounded once to (OE, OM). Specials in priority order: a NaN operand or inf + -inf (the
// canonical NaN, sign 0), an infinity; an exact zero sum is -0 only when both addends are -0.
// Significands of SW bits; the adder works on max(SW, OM + 1) bits plus a carry and three bits
// below (guard, round, sticky), which rounds correctly to OM + 1 bits.
module tpesim_fp_add #(
    parameter int SW = 24,
    parameter int XW = 12,
    parameter int OE = 8,
    parameter int OM = 23
) (
    input  logic                 a_sign,
    input  logic        [SW-1:0] a_sig,
    input  logic signed [XW-1:0] a_lsb,
    input  logic                 a_nan,
    input  logic                 a_inf,
    input  logic                 b_sign,
    input  logic        [SW-1:0] b_sig,
    input  logic signed [XW-1:0] b_lsb,
    input  logic                 b_nan,
    input  logic                 b_inf,
    output logic        [OE+OM:0] y
);
  localparam int NW = SW > OM + 1 ? SW : OM + 1;  // normalised significand width
  localparam int GB = 3;  // bits below the larger addend: guard, round, sticky
  localparam int WW = 1 + NW + GB;  // adder width: carry, larger addend, GB low bits
  localparam int LzW = $clog2(NW + 1);  // leading-zero count width
  localparam int ShW = $clog2(WW + 1);  // alignment shift width
  localparam logic [OE+OM-1:0] Inf = {{OE{1'b1}}, {OM{1'b0}}};  // infinity's magnitude
  localparam logic [OE+OM-1:0] Quiet = Inf | (OE + OM)'(1 << (OM - 1));  // canonical NaN

  logic a_zero, b_zero;
  logic [LzW-1:0] a_lz, b_lz;  // leading zeros within SW bits
  logic [NW-1:0] a_norm, b_norm;  // significands shifted up to bit NW - 1
  logic signed [XW-1:0] a_msb, b_msb;  // exponent of the MSB
  logic a_big;  // |a| >= |b| (a zero is never the larger, unless both are zero)
  logic big_sign;
  logic signed [XW-1:0] big_msb;
  logic [NW-1:0] big_norm, small_norm;
  logic signed [XW-1:0] exp_diff;  // exponent distance, >= 0 when the smaller addend is nonzero
  logic [ShW-1:0] shift;  // alignment shift, clamped to WW
  logic [2*WW-1:0] aligned;  // {smaller addend in the window, bits shifted out below it}
  logic [WW-1:0] big_w, small_w;  // the addends in the adder window
  // |a + b| = sum * 2^sum_lsb, truncated: bit 0 is also 1 when alignment shifted nonzero bits
  // out (sticky); bit WW - 2 weighs 2^big_msb.
  logic [WW-1:0] sum;
  logic signed [XW-1:0] sum_lsb;
  logic [OE+OM:0] rounded;

  always_comb begin
    a_zero = a_sig == '0;
    b_zero = b_sig == '0;
    a_lz = LzW'(SW);
    for (int i = 0; i < SW; i++) if (a_sig[i]) a_lz = LzW'(SW - 1 - i);
    b_lz = LzW'(SW);
    for (int i = 0; i < SW; i++) if (b_sig[i]) b_lz = LzW'(SW - 1 - i);
    a_norm = NW'(a_sig) << (LzW'(NW - SW) + a_lz);
    b_norm = NW'(b_sig) << (LzW'(NW - SW) + b_lz);
    a_msb = a_lsb + XW'(SW - 1) - XW'(a_lz);
    b_msb = b_lsb + XW'(SW - 1) - XW'(b_lz);
    a_big = !a_zero && (b_zero || a_msb > b_msb || (a_msb == b_msb && a_norm >= b_norm));
    big_sign = a_big ? a_sign : b_sign;
    big_msb = a_big ? a_msb : b_msb;
    big_norm = a_big ? a_norm : b_norm;
    small_norm = a_big ? (b_zero ? '0 : b_norm) : (a_zero ? '0 : a_norm);
    exp_diff = a_big ? a_msb - b_msb : b_msb - a_msb;
    shift = (exp_diff < 0 || exp_diff > XW'(WW)) ? ShW'(WW) : ShW'(exp_diff);
    big_w = {1'b0, big_norm, {GB{1'b0}}};
    aligned = {1'b0, small_norm, {GB{1'b0}}, {WW{1'b0}}} >> shift;
    small_w = aligned[2*WW-1:WW] | {{(WW - 1) {1'b0}}, aligned[WW-1:0] != '0};
    sum = (a_sign ^ b_sign) ? big_w - small_w : big_w + small_w;
    sum_lsb = big_msb - XW'(NW - 1 + GB);
  end

  tpesim_fp_round #(
      .SW(WW),
      .XW(XW),
      .OE(OE),
      .OM(OM)
  ) u_round (
      .sign(big_sign),
      .sig (sum),
      .lsb (sum_lsb),
      .y   (rounded)
  );

  always_comb begin
    if (a_nan || b_nan || (a_inf && b_inf && a_sign != b_sign)) y = {1'b0, Quiet};
    else if (a_inf) y = {a_sign, Inf};
    else if (b_inf) y = {b_sign, Inf};
    else if (sum == '0) y = {a_sign && b_sign, {(OE + OM) {1'b0}}};  // exact zero
    else y = rounded;
  end
endmodule

/* verilator lint_on DECLFILENAME */

`endif  // TPESIM_FP_SVH
