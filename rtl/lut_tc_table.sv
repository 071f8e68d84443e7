// SPDX-License-Identifier: Apache-2.0
// lut_tc_table: the table precompute of the lut_tc PE (pe/lut_tc.h, build_half_table) in
// Verilog. One table per (row, LUT group) of KG fp16 activations, shared by every column's
// lookup PE (pe_lut_tc.sv). Only the half with p_0 = 1 is built and stored: for h < 2^(KG-1),
// p = 2h + 1,
//   T32[h] = ((a0 +- a1) +- a2) +- a3   binary32, left to right, RNE at each step, + where p_t = 1
//   Ts[h]  = T32[h] rounded once (RNE) to the table format (TABLE_E, TABLE_M): fp16 (5, 10) or
//            binary32 (8, 23: T32 itself)
// Entries sharing a prefix share its partial sum (the left-to-right order makes them equal), so
// the adders form a tree: 2 + 4 + ... + 2^(KG-1) binary32 adders (2, 6 or 14) and, for fp16
// entries, one rounding per entry. The int8 table format (T-MAC) is not built here; tables of
// int8 activations are lut_tc_table_int8.sv.
//
// Ports and timing (one cycle, registered, like the C++ model's operand preparation that builds
// each (row, group) table once):
//   in_valid   build a table at the next rising edge (otherwise lut holds)
//   a          KG fp16 activation patterns, activation t at [16 t +: 16], k ascending (a tail
//              group's missing activations are +0)
//   lut        registered: Ts[h] at [h * TW +: TW], TW = 1 + TABLE_E + TABLE_M bits
// Reset (synchronous, active high) clears lut (all entries +0).
//
// NaNs (build_half_table's rule, docs/PE_SEMANTICS.md): every NaN entry is the canonical NaN of
// the table format with sign 0 and payload 0 (fp16 0x7E00, binary32 0x7FC00000), whatever
// caused it (a NaN activation, inf - inf): the adders of tpesim_fp.svh give nothing else.
`include "tpesim_fp.svh"

module lut_tc_table #(
    parameter int KG      = 4,
    parameter int TABLE_E = 5,
    parameter int TABLE_M = 10
) (
    input  logic                                         clk,
    input  logic                                         rst,
    input  logic                                         in_valid,
    input  logic [                           KG*16-1:0] a,
    output logic [(1<<(KG-1))*(1+TABLE_E+TABLE_M)-1:0] lut
);
  localparam int Half = 1 << (KG - 1);  // stored entries
  localparam int TW = 1 + TABLE_E + TABLE_M;  // bits per entry
  localparam int XW = 12;  // signed exponent width of the float datapath

  // The activations unpacked (fp16: 11-bit significands).
  logic [KG-1:0] a_sign, a_nan, a_inf;
  logic [11*KG-1:0] a_sig;  // activation t's significand at [11 t +: 11]
  logic [XW*KG-1:0] a_lsb;  // activation t's LSB exponent at [XW t +: XW], two's complement
  for (genvar t = 0; t < KG; t++) begin : g_unpack
    tpesim_fp_unpack #(
        .E (5),
        .M (10),
        .XW(XW)
    ) u_unpack (
        .x(a[16*t+:16]),
        .sign(a_sign[t]),
        .sig(a_sig[11*t+:11]),
        .lsb(a_lsb[XW*t+:XW]),
        .nan(a_nan[t]),
        .inf(a_inf[t])
    );
  end

  // Partial sums, binary32 patterns: level t holds 2^t values, index bit t-1 = p_t, the lower
  // bits p_1 .. p_(t-1) (so level KG - 1 is indexed by h = p >> 1). Level 0 is a0 itself. Value
  // i of level t is at [32 (2^t - 1 + i) +: 32].
  wire [32*(2*Half-1)-1:0] level;
  logic [31:0] a0_fp32;  // a0 widened to binary32 (exact for finite a0)
  logic [31:0] level0;  // a0 as binary32, infinities and NaNs included
  tpesim_fp_round #(
      .SW(11),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_a0 (
      .sign(a_sign[0]),
      .sig (a_sig[10:0]),
      .lsb (a_lsb[XW-1:0]),
      .y   (a0_fp32)
  );
  always_comb begin
    if (a_nan[0]) level0 = 32'h7FC00000;
    else if (a_inf[0]) level0 = {a_sign[0], 31'h7F800000};
    else level0 = a0_fp32;
  end
  assign level[31:0] = level0;

  for (genvar t = 1; t < KG; t++) begin : g_level
    for (genvar i = 0; i < (1 << t); i++) begin : g_sum
      localparam bit Plus = ((i >> (t - 1)) & 1) != 0;  // p_t = 1: v + a_t, else v - a_t
      logic v_sign, v_nan, v_inf;
      logic [23:0] v_sig;
      logic signed [XW-1:0] v_lsb;
      logic b_sign;  // a_t's sign, flipped for v - a_t
      tpesim_fp_unpack #(
          .E (8),
          .M (23),
          .XW(XW)
      ) u_v (
          .x(level[32*((1<<(t-1))-1+i%(1<<(t-1)))+:32]),
          .sign(v_sign),
          .sig(v_sig),
          .lsb(v_lsb),
          .nan(v_nan),
          .inf(v_inf)
      );
      assign b_sign = a_sign[t] ^ !Plus;
      // v + a_t or v - a_t (a_t with its sign flipped).
      tpesim_fp_add #(
          .SW(24),
          .XW(XW),
          .OE(8),
          .OM(23)
      ) u_add (
          .a_sign(v_sign),
          .a_sig(v_sig),
          .a_lsb(v_lsb),
          .a_nan(v_nan),
          .a_inf(v_inf),
          .b_sign(b_sign),
          .b_sig({13'h0, a_sig[11*t+:11]}),
          .b_lsb(a_lsb[XW*t+:XW]),
          .b_nan(a_nan[t]),
          .b_inf(a_inf[t]),
          .y(level[32*((1<<t)-1+i)+:32])
      );
    end
  end

  // Each entry rounded to the table format.
  wire [TW*Half-1:0] entry;  // Ts[h] at [TW h +: TW]
  for (genvar h = 0; h < Half; h++) begin : g_entry
    if (TABLE_E == 8 && TABLE_M == 23) begin : g_fp32
      assign entry[TW*h+:TW] = level[32*(Half-1+h)+:32];
    end else begin : g_round
      localparam logic [TW-2:0] Inf = {{TABLE_E{1'b1}}, {TABLE_M{1'b0}}};  // infinity's magnitude
      localparam logic [TW-2:0] Quiet = Inf | (TW - 1)'(1 << (TABLE_M - 1));  // canonical NaN
      logic e_sign, e_nan, e_inf;
      logic [23:0] e_sig;
      logic signed [XW-1:0] e_lsb;
      logic [TW-1:0] e_finite;
      logic [TW-1:0] e_out;  // the entry, specials included
      tpesim_fp_unpack #(
          .E (8),
          .M (23),
          .XW(XW)
      ) u_e (
          .x(level[32*(Half-1+h)+:32]),
          .sign(e_sign),
          .sig(e_sig),
          .lsb(e_lsb),
          .nan(e_nan),
          .inf(e_inf)
      );
      tpesim_fp_round #(
          .SW(24),
          .XW(XW),
          .OE(TABLE_E),
          .OM(TABLE_M)
      ) u_round (
          .sign(e_sign),
          .sig (e_sig),
          .lsb (e_lsb),
          .y   (e_finite)
      );
      always_comb begin
        if (e_nan) e_out = {1'b0, Quiet};
        else if (e_inf) e_out = {e_sign, Inf};
        else e_out = e_finite;
      end
      assign entry[TW*h+:TW] = e_out;
    end
  end

  always_ff @(posedge clk) begin
    if (rst) lut <= '0;
    else if (in_valid) lut <= entry;
  end
endmodule
