// SPDX-License-Identifier: Apache-2.0
// pe_lut_tc: the lut_tc lookup PE (pe/lut_tc.h, LutTcArith with fp16 activations and a float
// table) in Verilog. A table lookup replaces the multiply and the weights are bit-serial: one
// step takes one LUT group of KG activations against KG weight codes of W_BITS bits, one bit
// plane per cycle. The group's half table Ts (2^(KG-1) entries, table format TABLE_E/TABLE_M:
// fp16 or binary32, built once per (row, group) by lut_tc_table.sv and shared by the row's PEs)
// arrives with the step. Per bit plane i, ascending, with p_i = bit i of the KG codes:
//   T[p]  = p_0 ? Ts[p >> 1] : -Ts[(~p & (2^KG - 1)) >> 1]   (symmetric half-table storage)
//   acc_g <- round_acc(acc_g + 2^i T[p_i])   2^i exact (an exponent add); round_acc is RNE into
//                                            the accumulator format ACC_E/ACC_M (binary32 or fp16)
// then the activation sum S <- RNE32(S + a_t) for the group's `count` activations, k ascending,
// and at a scale group's last LUT group (group_end) the dequantization, once per scale group:
//   d   = RNE32(acc_g - RNE32(z' S)),  z' = 2 z - (2^W_BITS - 1)
//   acc <- RNE32(acc + RNE32(d * (s / 2)))   (s / 2 exact: an exponent decrement)
//   acc_g, S <- +0
// The output is acc rounded to the output format (OUT_E, OUT_M: binary32 or fp16). acc is the
// C++ model's Acc::out, acc_g its Acc::acc_g, s_g its Acc::s.
//
// Ports and timing (a step takes W_BITS cycles, initiation interval W_BITS, as the C++ model's
// cycle contract: pe::initiation_interval is w_bits for lut_tc and one mac_step covers one LUT
// group; pe::array_k counts the steps):
//   in_valid   a step starts at the next rising edge when busy is 0 (ignored while busy is 1)
//   in_clear   that step starts a new chain from LutTcArith::zero(): acc_g = S = acc = +0
//   lut        the group's half table: Ts[h] at [h * TW +: TW], TW = 1 + TABLE_E + TABLE_M
//   a          the group's KG fp16 activations, activation t at [16 t +: 16], k ascending (S)
//   count      activations in the group (KG, or fewer in a tail group: only these enter S)
//   q          the KG weight codes, code t at [t * W_BITS +: W_BITS], unsigned
//   w_scale    the scale group's s, an fp16 pattern (subnormals, infinities and NaNs allowed)
//   z          the scale group's zero point, unsigned W_BITS
//   group_end  this LUT group ends its scale group: dequantize at the step's end
//              (the operands are sampled with the accepted in_valid and latched for the step)
//   busy       registered: a step is in progress and continues at the next edge
//   done       registered: 1 for the cycle after a step's last edge
//   acc_g      registered: the bit-plane sum of the current scale group, ACC format pattern
//   s_g        registered: the activation sum of the current scale group, binary32 pattern
//   acc        registered: the dequantized scale groups so far, binary32 pattern
//   overflow   registered: 1 with done when acc is not finite (LutTcArith's Step::overflow)
//   out        combinational read port from acc: LutTcArith::output, off the accumulation loop
// A step accepted at edge t works at edges t .. t + W_BITS - 1 (plane i at edge t + i); done,
// acc_g, s_g and acc show the step's result after edge t + W_BITS - 1, and busy is 1 after
// edges t .. t + W_BITS - 2, so the next step can start at edge t + W_BITS. In between, acc_g and
// s_g hold partial sums (after each plane; S takes ceil(KG / W_BITS) activations per cycle),
// acc is the value before the step. Reset (synchronous, active high) clears everything to +0.
//
// NaNs (LutTcArith's rule, docs/PE_SEMANTICS.md): every NaN that acc_g, s_g, acc or out holds
// is the canonical NaN with sign 0 and payload 0 (binary32 0x7FC00000, fp16 0x7E00), whatever
// caused it (a NaN entry, activation or scale, inf - inf, 0 * inf): the float units of
// tpesim_fp.svh give nothing else, so neither operand order nor a negated NaN matters.
//
// NOTE(model): S is the same for every column of a row (like the table); the hardware would keep
// one S per row beside lut_tc_table. Each PE carries its own here, as LutTcArith::Acc does.
// NOTE(model): int8 activations (LutTcInt8Arith) are pe_lut_tc_int8.sv; the int8 table format
// (T-MAC tables with fp16 activations) has no RTL.
`include "tpesim_fp_mul.svh"

module pe_lut_tc #(
    parameter int KG      = 4,
    parameter int W_BITS  = 2,
    parameter int TABLE_E = 5,
    parameter int TABLE_M = 10,
    parameter int ACC_E   = 8,
    parameter int ACC_M   = 23,
    parameter int OUT_E   = 8,
    parameter int OUT_M   = 23
) (
    input  logic                                         clk,
    input  logic                                         rst,
    input  logic                                         in_valid,
    input  logic                                         in_clear,
    input  logic [(1<<(KG-1))*(1+TABLE_E+TABLE_M)-1:0] lut,
    input  logic [                           KG*16-1:0] a,
    input  logic [                     $clog2(KG+1)-1:0] count,
    input  logic [                       KG*W_BITS-1:0] q,
    input  logic [                                15:0] w_scale,
    input  logic [                          W_BITS-1:0] z,
    input  logic                                         group_end,
    output logic                                         busy,
    output logic                                         done,
    output logic [                       ACC_E+ACC_M:0] acc_g,
    output logic [                                31:0] s_g,
    output logic [                                31:0] acc,
    output logic                                         overflow,
    output logic [                       OUT_E+OUT_M:0] out
);
  localparam int Half = 1 << (KG - 1);  // stored table entries
  localparam int TW = 1 + TABLE_E + TABLE_M;  // bits per table entry
  localparam int AW = 1 + ACC_E + ACC_M;  // bits of acc_g
  localparam int CW = $clog2(KG + 1);  // bits of count
  localparam int PlW = W_BITS > 1 ? $clog2(W_BITS) : 1;  // bit-plane index width
  localparam int Spc = (KG + W_BITS - 1) / W_BITS;  // activation-sum adds per cycle
  localparam int SigW = TABLE_M > ACC_M ? TABLE_M + 1 : ACC_M + 1;  // plane adder significand
  localparam int XW = 12;  // signed exponent width of the float datapath

  // ---- The step's operands: the inputs on its first cycle, then the latched copies. ----
  logic [Half*TW-1:0] lut_q;
  logic [KG*16-1:0] a_q;
  logic [CW-1:0] count_q;
  logic [KG*W_BITS-1:0] q_q;
  logic [15:0] w_scale_q;
  logic [W_BITS-1:0] z_q;
  logic group_end_q;
  logic [PlW-1:0] plane_q;  // the bit plane of the next cycle (while busy)

  logic active;  // a step works at this edge
  logic [Half*TW-1:0] cur_lut;
  logic [KG*16-1:0] cur_a;
  logic [CW-1:0] cur_count;
  logic [KG*W_BITS-1:0] cur_q;
  logic [15:0] cur_w_scale;
  logic [W_BITS-1:0] cur_z;
  logic cur_group_end;
  logic [PlW-1:0] plane;  // the bit plane of this cycle
  logic last;  // this cycle is the step's last (plane W_BITS - 1)
  logic [AW-1:0] base_acc_g;  // acc_g, or +0 when the step starts a chain
  logic [31:0] base_s;  // s_g, or +0 likewise
  logic [31:0] base_acc;  // acc, or +0 likewise
  // The acc register. The acc port and the read port both read it: an output port assigned from
  // another output port (out = acc) lags one edge in Verilator 5.006's --sc wrapper, which reads
  // the sc_out's current (not yet updated) value.
  logic [31:0] acc_q;
  assign acc = acc_q;

  always_comb begin
    active = busy || in_valid;
    cur_lut = busy ? lut_q : lut;
    cur_a = busy ? a_q : a;
    cur_count = busy ? count_q : count;
    cur_q = busy ? q_q : q;
    cur_w_scale = busy ? w_scale_q : w_scale;
    cur_z = busy ? z_q : z;
    cur_group_end = busy ? group_end_q : group_end;
    plane = busy ? plane_q : '0;
    last = plane == PlW'(W_BITS - 1);
    base_acc_g = (!busy && in_clear) ? '0 : acc_g;
    base_s = (!busy && in_clear) ? '0 : s_g;
    base_acc = (!busy && in_clear) ? '0 : acc_q;
  end

  // ---- The bit plane: lookup in the half table, 2^plane, one add into acc_g. ----
  logic [KG-1:0] pat;  // p: bit `plane` of each code
  logic [KG-2:0] idx;  // the stored entry: p >> 1, or (~p & mask) >> 1 when p_0 = 0
  logic [TW-1:0] entry;  // Ts[idx]
  always_comb begin
    for (int t = 0; t < KG; t++) pat[t] = cur_q[t*W_BITS+32'(plane)];
    idx = pat[0] ? pat[KG-1:1] : ~pat[KG-1:1];
    entry = '0;
    for (int h = 0; h < Half; h++) if (idx == (KG - 1)'(h)) entry = cur_lut[h*TW+:TW];
  end

  logic e_sign, e_nan, e_inf;
  logic [TABLE_M:0] e_sig;
  logic signed [XW-1:0] e_lsb;
  logic g_sign, g_nan, g_inf;
  logic [ACC_M:0] g_sig;
  logic signed [XW-1:0] g_lsb;
  logic [AW-1:0] acc_g_next;  // round_acc(acc_g + 2^plane T[p])
  tpesim_fp_unpack #(
      .E (TABLE_E),
      .M (TABLE_M),
      .XW(XW)
  ) u_entry (
      .x(entry),
      .sign(e_sign),
      .sig(e_sig),
      .lsb(e_lsb),
      .nan(e_nan),
      .inf(e_inf)
  );
  tpesim_fp_unpack #(
      .E (ACC_E),
      .M (ACC_M),
      .XW(XW)
  ) u_acc_g (
      .x(base_acc_g),
      .sign(g_sign),
      .sig(g_sig),
      .lsb(g_lsb),
      .nan(g_nan),
      .inf(g_inf)
  );
  tpesim_fp_add #(
      .SW(SigW),
      .XW(XW),
      .OE(ACC_E),
      .OM(ACC_M)
  ) u_plane_add (
      .a_sign(g_sign),
      .a_sig(SigW'(g_sig)),
      .a_lsb(g_lsb),
      .a_nan(g_nan),
      .a_inf(g_inf),
      .b_sign(e_sign ^ !pat[0]),
      .b_sig(SigW'(e_sig)),
      .b_lsb(e_lsb + XW'(plane)),
      .b_nan(e_nan),
      .b_inf(e_inf),
      .y(acc_g_next)
  );

  // ---- The activation sum: Spc activations per cycle, k ascending, the first `count`. ----
  // S before and after each of this cycle's adds (split for Verilator: a chain, not a loop).
  wire [32*(Spc+1)-1:0] s_chain  /*verilator split_var*/;
  assign s_chain[31:0] = base_s;
  for (genvar u = 0; u < Spc; u++) begin : g_sum
    logic [3:0] j;  // the activation this adder takes: plane * Spc + u
    logic take;  // j < count
    logic [15:0] act;  // activation j
    logic x_sign, x_nan, x_inf;
    logic [10:0] x_sig;
    logic signed [XW-1:0] x_lsb;
    logic c_sign, c_nan, c_inf;
    logic [23:0] c_sig;
    logic signed [XW-1:0] c_lsb;
    logic [31:0] sum;  // RNE32(S + a_j)
    always_comb begin
      j = 4'(plane) * 4'(Spc) + 4'(u);
      take = j < 4'(cur_count);
      act = '0;
      for (int k = 0; k < KG; k++) if (j == 4'(k)) act = cur_a[16*k+:16];
    end
    tpesim_fp_unpack #(
        .E (5),
        .M (10),
        .XW(XW)
    ) u_act (
        .x(act),
        .sign(x_sign),
        .sig(x_sig),
        .lsb(x_lsb),
        .nan(x_nan),
        .inf(x_inf)
    );
    tpesim_fp_unpack #(
        .E (8),
        .M (23),
        .XW(XW)
    ) u_s (
        .x(s_chain[32*u+:32]),
        .sign(c_sign),
        .sig(c_sig),
        .lsb(c_lsb),
        .nan(c_nan),
        .inf(c_inf)
    );
    tpesim_fp_add #(
        .SW(24),
        .XW(XW),
        .OE(8),
        .OM(23)
    ) u_add (
        .a_sign(c_sign),
        .a_sig(c_sig),
        .a_lsb(c_lsb),
        .a_nan(c_nan),
        .a_inf(c_inf),
        .b_sign(x_sign),
        .b_sig({13'h0, x_sig}),
        .b_lsb(x_lsb),
        .b_nan(x_nan),
        .b_inf(x_inf),
        .y(sum)
    );
    assign s_chain[32*(u+1)+:32] = take ? sum : s_chain[32*u+:32];
  end

  // ---- Dequantization (used at a scale group's end): d = acc_g - z' S, acc += d * s / 2. ----
  logic [31:0] s_next;  // S after this cycle's adds
  logic signed [W_BITS+1:0] zp;  // z' = 2 z - (2^W_BITS - 1)
  logic zp_sign;
  logic [W_BITS-1:0] zp_mag;  // |z'| <= 2^W_BITS - 1
  always_comb begin
    s_next = s_chain[32*Spc+:32];
    zp = $signed({1'b0, cur_z, 1'b0}) - $signed((W_BITS + 2)'((1 << W_BITS) - 1));
    zp_sign = zp[W_BITS+1];
    zp_mag = W_BITS'(zp_sign ? -zp : zp);
  end

  logic n_sign, n_nan, n_inf;  // S after this cycle, unpacked
  logic [23:0] n_sig;
  logic signed [XW-1:0] n_lsb;
  logic [31:0] zs;  // RNE32(z' S)
  logic zs_sign, zs_nan, zs_inf;
  logic [23:0] zs_sig;
  logic signed [XW-1:0] zs_lsb;
  logic f_sign, f_nan, f_inf;  // acc_g after this cycle's plane, unpacked
  logic [ACC_M:0] f_sig;
  logic signed [XW-1:0] f_lsb;
  logic [31:0] d;  // RNE32(acc_g - z' S)
  logic d_sign, d_nan, d_inf;
  logic [23:0] d_sig;
  logic signed [XW-1:0] d_lsb;
  logic h_sign, h_nan, h_inf;  // s / 2
  logic [10:0] h_sig;
  logic signed [XW-1:0] h_lsb;
  logic [31:0] prod;  // RNE32(d * s / 2)
  logic r_sign, r_nan, r_inf;
  logic [23:0] r_sig;
  logic signed [XW-1:0] r_lsb;
  logic o_sign, o_nan, o_inf;  // the step's base acc, unpacked
  logic [23:0] o_sig;
  logic signed [XW-1:0] o_lsb;
  logic [31:0] acc_next;  // RNE32(acc + prod)

  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_s_next (
      .x(s_next),
      .sign(n_sign),
      .sig(n_sig),
      .lsb(n_lsb),
      .nan(n_nan),
      .inf(n_inf)
  );
  tpesim_fp_mul #(
      .AW(W_BITS),
      .BW(24),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_zs (
      .a_sign(zp_sign),
      .a_sig(zp_mag),
      .a_lsb('0),
      .a_nan(1'b0),
      .a_inf(1'b0),
      .b_sign(n_sign),
      .b_sig(n_sig),
      .b_lsb(n_lsb),
      .b_nan(n_nan),
      .b_inf(n_inf),
      .y(zs)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_zs_unpack (
      .x(zs),
      .sign(zs_sign),
      .sig(zs_sig),
      .lsb(zs_lsb),
      .nan(zs_nan),
      .inf(zs_inf)
  );
  tpesim_fp_unpack #(
      .E (ACC_E),
      .M (ACC_M),
      .XW(XW)
  ) u_fin (
      .x(acc_g_next),
      .sign(f_sign),
      .sig(f_sig),
      .lsb(f_lsb),
      .nan(f_nan),
      .inf(f_inf)
  );
  // acc_g - zs: zs with its sign flipped.
  tpesim_fp_add #(
      .SW(24),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_d (
      .a_sign(f_sign),
      .a_sig(24'(f_sig)),
      .a_lsb(f_lsb),
      .a_nan(f_nan),
      .a_inf(f_inf),
      .b_sign(!zs_sign),
      .b_sig(zs_sig),
      .b_lsb(zs_lsb),
      .b_nan(zs_nan),
      .b_inf(zs_inf),
      .y(d)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_d_unpack (
      .x(d),
      .sign(d_sign),
      .sig(d_sig),
      .lsb(d_lsb),
      .nan(d_nan),
      .inf(d_inf)
  );
  tpesim_fp_unpack #(
      .E (5),
      .M (10),
      .XW(XW)
  ) u_half (
      .x(cur_w_scale),
      .sign(h_sign),
      .sig(h_sig),
      .lsb(h_lsb),
      .nan(h_nan),
      .inf(h_inf)
  );
  // d * (s / 2): s / 2 is s with lsb - 1.
  tpesim_fp_mul #(
      .AW(24),
      .BW(11),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_prod (
      .a_sign(d_sign),
      .a_sig(d_sig),
      .a_lsb(d_lsb),
      .a_nan(d_nan),
      .a_inf(d_inf),
      .b_sign(h_sign),
      .b_sig(h_sig),
      .b_lsb(h_lsb - XW'(1)),
      .b_nan(h_nan),
      .b_inf(h_inf),
      .y(prod)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_prod_unpack (
      .x(prod),
      .sign(r_sign),
      .sig(r_sig),
      .lsb(r_lsb),
      .nan(r_nan),
      .inf(r_inf)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_base_acc (
      .x(base_acc),
      .sign(o_sign),
      .sig(o_sig),
      .lsb(o_lsb),
      .nan(o_nan),
      .inf(o_inf)
  );
  // acc + prod.
  tpesim_fp_add #(
      .SW(24),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_acc_add (
      .a_sign(r_sign),
      .a_sig(r_sig),
      .a_lsb(r_lsb),
      .a_nan(r_nan),
      .a_inf(r_inf),
      .b_sign(o_sign),
      .b_sig(o_sig),
      .b_lsb(o_lsb),
      .b_nan(o_nan),
      .b_inf(o_inf),
      .y(acc_next)
  );

  logic [31:0] acc_after;  // acc after the step (its last cycle)
  assign acc_after = cur_group_end ? acc_next : base_acc;

  always_ff @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      done <= 1'b0;
      overflow <= 1'b0;
      acc_g <= '0;
      s_g <= '0;
      acc_q <= '0;
      plane_q <= '0;
      lut_q <= '0;
      a_q <= '0;
      count_q <= '0;
      q_q <= '0;
      w_scale_q <= '0;
      z_q <= '0;
      group_end_q <= 1'b0;
    end else begin
      done <= active && last;
      overflow <= active && last && &acc_after[30:23];
      if (active && !busy) begin
        lut_q <= lut;
        a_q <= a;
        count_q <= count;
        q_q <= q;
        w_scale_q <= w_scale;
        z_q <= z;
        group_end_q <= group_end;
      end
      if (active) begin
        if (last) begin
          busy <= 1'b0;
          plane_q <= '0;
          acc_g <= cur_group_end ? '0 : acc_g_next;
          s_g <= cur_group_end ? '0 : s_next;
          acc_q <= acc_after;
        end else begin
          busy <= 1'b1;
          plane_q <= plane + 1'b1;
          acc_g <= acc_g_next;
          s_g <= s_next;
          acc_q <= base_acc;
        end
      end
    end
  end

  // ---- The read port: acc rounded to the output format. ----
  if (OUT_E == 8 && OUT_M == 23) begin : g_fp32
    assign out = acc_q;
  end else begin : g_round
    localparam logic [OUT_E+OUT_M-1:0] OutInf = {{OUT_E{1'b1}}, {OUT_M{1'b0}}};
    localparam logic [OUT_E+OUT_M-1:0] OutQuiet = OutInf | (OUT_E + OUT_M)'(1 << (OUT_M - 1));
    logic y_sign, y_nan, y_inf;
    logic [23:0] y_sig;
    logic signed [XW-1:0] y_lsb;
    logic [OUT_E+OUT_M:0] y_finite;  // acc rounded to the output format

    tpesim_fp_unpack #(
        .E (8),
        .M (23),
        .XW(XW)
    ) u_y_unpack (
        .x(acc_q),
        .sign(y_sign),
        .sig(y_sig),
        .lsb(y_lsb),
        .nan(y_nan),
        .inf(y_inf)
    );
    tpesim_fp_round #(
        .SW(24),
        .XW(XW),
        .OE(OUT_E),
        .OM(OUT_M)
    ) u_y_round (
        .sign(y_sign),
        .sig (y_sig),
        .lsb (y_lsb),
        .y   (y_finite)
    );
    always_comb begin
      if (y_nan) out = {1'b0, OutQuiet};
      else if (y_inf) out = {y_sign, OutInf};
      else out = y_finite;
    end
  end
endmodule
