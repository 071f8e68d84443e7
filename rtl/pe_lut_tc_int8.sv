// SPDX-License-Identifier: Apache-2.0
// pe_lut_tc_int8: the lut_tc lookup PE with int8 activations (pe/lut_tc.h, LutTcInt8Arith,
// T-MAC style) in Verilog. The tables are exact integers (each entry a signed sum of KG int8
// activations, |T| <= 128 KG), so the bit-plane sums and the activation sum are exact integers;
// only the dequantization is floating point. One step takes one LUT group of KG activations
// against KG weight codes of W_BITS bits, one bit plane per cycle. Per bit plane i, ascending,
// with p_i = bit i of the KG codes:
//   T[p]  = p_0 ? Ts[p >> 1] : -Ts[(~p & (2^KG - 1)) >> 1]   (symmetric half-table storage)
//   acc_g <- acc_g + (T[p_i] << i)                           exact
// on the step's first cycle S <- S + the group's `count` activations (exact), and at a scale
// group's last LUT group (group_end) the dequantization, once per scale group:
//   D   = acc_g - z' S   exact,  z' = 2 z - (2^W_BITS - 1); an event when D leaves int32
//   acc <- RNE32(acc + RNE32(RNE32(D) * (s / 2)))   (s / 2 exact: an exponent decrement)
//   acc_g, S <- 0
// and s_a <- the step's a_scale (a NaN as 0x7FC00000). The output is RNE32(acc * s_a) rounded
// to the output format (OUT_E, OUT_M: binary32 or fp16), LutTcInt8Arith::output. acc is the C++
// model's Acc::out, acc_g its Acc::acc_g, s_g its Acc::s.
//
// Parameters: KG (2..4, activations per table), W_BITS (1..8), GROUP_SIZE (G: the most k in one
// scale group, which sizes acc_g, S and D exactly, as pe_mixpe_w4a8.sv does: |acc_g| and |z' S|
// <= 2^7 (2^W_BITS - 1) G, so 8 + W_BITS + clog2(G) bits; |S| <= 2^7 G; D one bit more; a longer
// scale group is outside the contract), OUT_E, OUT_M.
//
// Ports and timing (a step takes W_BITS cycles, initiation interval W_BITS, as pe_lut_tc.sv):
//   in_valid   a step starts at the next rising edge when busy is 0 (ignored while busy is 1)
//   in_clear   that step starts a new chain from LutTcInt8Arith::zero(): acc_g = S = acc = 0
//   lut        the group's half table: Ts[h] at [16 h +: 16], signed 16-bit integers (from
//              lut_tc_table_int8.sv)
//   a          the group's KG int8 activations, activation t at [8 t +: 8], k ascending (S)
//   a_scale    the row's per-token scale s_a, a binary32 pattern
//   count      activations in the group (KG, or fewer in a tail group: only these enter S)
//   q          the KG weight codes, code t at [t * W_BITS +: W_BITS], unsigned
//   w_scale    the scale group's s, an fp16 pattern; z: its zero point, unsigned W_BITS
//   group_end  this LUT group ends its scale group: dequantize at the step's end
//              (the operands are sampled with the accepted in_valid and latched for the step;
//              a and count only on that first edge, when S takes them)
//   busy       registered: a step is in progress and continues at the next edge
//   done       registered: 1 for the cycle after a step's last edge
//   acc_g      registered: the bit-plane sum of the current scale group, two's complement
//   s_g        registered: the activation sum of the current scale group, two's complement
//   acc        registered: the dequantized scale groups so far, binary32 pattern
//   s_a        registered: the scale of the last completed step, binary32 pattern
//   overflow   registered: 1 with done when that step's D left int32 (LutTcInt8Arith's
//              Step::overflow)
//   out        combinational read port from acc and s_a: LutTcInt8Arith::output
// A step accepted at edge t works at edges t .. t + W_BITS - 1 (plane i at edge t + i); done,
// acc_g, s_g, acc and s_a show the step's result after edge t + W_BITS - 1, and busy is 1
// after edges t .. t + W_BITS - 2. In between, acc_g holds partial sums (after each plane), s_g
// the sum with this group's activations, acc and s_a the values before the step (acc is +0
// after a first edge with in_clear). Reset (synchronous, active high) clears everything to 0.
//
// NOTE(model): S is the same for every column of a row (like the table); each PE carries its
// own here, as LutTcInt8Arith::Acc does.
`include "tpesim_fp_mul.svh"

module pe_lut_tc_int8 #(
    parameter int KG         = 4,
    parameter int W_BITS     = 2,
    parameter int GROUP_SIZE = 128,
    parameter int OUT_E      = 8,
    parameter int OUT_M      = 23
) (
    input  logic                                        clk,
    input  logic                                        rst,
    input  logic                                        in_valid,
    input  logic                                        in_clear,
    input  logic        [          (1<<(KG-1))*16-1:0] lut,
    input  logic        [                     KG*8-1:0] a,
    input  logic        [                         31:0] a_scale,
    input  logic        [              $clog2(KG+1)-1:0] count,
    input  logic        [                KG*W_BITS-1:0] q,
    input  logic        [                         15:0] w_scale,
    input  logic        [                   W_BITS-1:0] z,
    input  logic                                        group_end,
    output logic                                        busy,
    output logic                                        done,
    output logic signed [8+W_BITS+$clog2(GROUP_SIZE)-1:0] acc_g,
    output logic signed [       8+$clog2(GROUP_SIZE)-1:0] s_g,
    output logic        [                         31:0] acc,
    output logic        [                         31:0] s_a,
    output logic                                        overflow,
    output logic        [                OUT_E+OUT_M:0] out
);
  localparam int Half = 1 << (KG - 1);  // stored table entries
  localparam int CW = $clog2(KG + 1);  // bits of count
  localparam int PlW = W_BITS > 1 ? $clog2(W_BITS) : 1;  // bit-plane index width
  localparam int GBits = $clog2(GROUP_SIZE);  // bits of a scale group's length
  localparam int PW = 8 + W_BITS + GBits;  // acc_g and z' S
  localparam int SW = 8 + GBits;  // S
  localparam int DW = PW + 1;  // D = acc_g - z' S
  localparam int XW = 12;  // signed exponent width of the float datapath
  localparam logic [31:0] CanonNan = 32'h7FC00000;  // binary32 canonical NaN, sign 0

  // ---- The step's operands: the inputs on its first cycle, then the latched copies. ----
  logic [Half*16-1:0] lut_q;
  logic [31:0] a_scale_q;
  logic [KG*W_BITS-1:0] q_q;
  logic [15:0] w_scale_q;
  logic [W_BITS-1:0] z_q;
  logic group_end_q;
  logic [PlW-1:0] plane_q;  // the bit plane of the next cycle (while busy)
  // The acc and s_a registers, which the ports and the read port read (an output port assigned
  // from another lags one edge in Verilator 5.006's --sc wrapper).
  logic [31:0] acc_q;
  logic [31:0] s_a_q;
  assign acc = acc_q;
  assign s_a = s_a_q;

  logic active;  // a step works at this edge
  logic [Half*16-1:0] cur_lut;
  logic [31:0] cur_a_scale;
  logic [KG*W_BITS-1:0] cur_q;
  logic [15:0] cur_w_scale;
  logic [W_BITS-1:0] cur_z;
  logic cur_group_end;
  logic [PlW-1:0] plane;  // the bit plane of this cycle
  logic last;  // this cycle is the step's last (plane W_BITS - 1)
  logic signed [PW-1:0] base_acc_g;  // acc_g, or 0 when the step starts a chain
  logic signed [SW-1:0] base_s;  // s_g, or 0 likewise
  logic [31:0] base_acc;  // acc, or +0 likewise

  always_comb begin
    active = busy || in_valid;
    cur_lut = busy ? lut_q : lut;
    cur_a_scale = busy ? a_scale_q : a_scale;
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

  // ---- The bit plane: lookup in the half table, sign, shift by the plane, one add. ----
  logic [KG-1:0] pat;  // p: bit `plane` of each code
  logic [KG-2:0] idx;  // the stored entry: p >> 1, or (~p & mask) >> 1 when p_0 = 0
  // Ts[idx]: |T| <= 128 KG <= 512 fits 11 bits of the 16-bit entry, so a narrow acc_g (PW < 16)
  // reads only its low PW bits.
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [15:0] entry;
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [PW-1:0] term;  // 2^plane T[p]
  logic signed [PW-1:0] acc_g_next;  // acc_g + 2^plane T[p]
  always_comb begin
    for (int t = 0; t < KG; t++) pat[t] = cur_q[t*W_BITS+32'(plane)];
    idx = pat[0] ? pat[KG-1:1] : ~pat[KG-1:1];
    entry = '0;
    for (int h = 0; h < Half; h++) if (idx == (KG - 1)'(h)) entry = cur_lut[h*16+:16];
    term = (pat[0] ? PW'(entry) : -(PW'(entry))) <<< plane;
    acc_g_next = base_acc_g + term;
  end

  // ---- The activation sum: the group's first `count` activations, on the first cycle. ----
  logic signed [SW-1:0] s_next;
  always_comb begin
    s_next = base_s;
    if (!busy)
      for (int t = 0; t < KG; t++)
        if (CW'(t) < count) s_next = s_next + SW'($signed(a[8*t+:8]));
  end

  // ---- Dequantization (at a scale group's end): D = acc_g - z' S, exact. ----
  logic signed [W_BITS+1:0] zp;  // z' = 2 z - (2^W_BITS - 1)
  logic signed [PW-1:0] zs;  // z' S: |z'| <= 2^W_BITS - 1
  logic signed [DW-1:0] d;
  logic d_sign;
  logic [DW-1:0] d_mag;  // |D| (the most negative D reads as its magnitude, unsigned)
  always_comb begin
    zp = $signed({1'b0, cur_z, 1'b0}) - $signed((W_BITS + 2)'((1 << W_BITS) - 1));
    zs = PW'(zp) * PW'(s_next);
    d = DW'(acc_g_next) - DW'(zs);
    d_sign = d[DW-1];
    d_mag = d_sign ? -d : d;
  end
  logic d_fits;  // D lies in int32
  if (DW > 32) begin : g_wide_d
    assign d_fits = d >= -(DW'(1) <<< 31) && d < (DW'(1) <<< 31);
  end else begin : g_narrow_d
    assign d_fits = 1'b1;
  end

  // ---- float(D), times s / 2, into acc. ----
  logic [31:0] fd;  // RNE32(D)
  logic fd_sign, fd_nan, fd_inf;
  logic [23:0] fd_sig;
  logic signed [XW-1:0] fd_lsb;
  logic ws_sign, ws_nan, ws_inf;
  logic [10:0] ws_sig;
  logic signed [XW-1:0] ws_lsb;
  logic [31:0] scaled;  // RNE32(float(D) * s / 2)
  logic sc_sign, sc_nan, sc_inf;
  logic [23:0] sc_sig;
  logic signed [XW-1:0] sc_lsb;
  logic ac_sign, ac_nan, ac_inf;
  logic [23:0] ac_sig;
  logic signed [XW-1:0] ac_lsb;
  logic [31:0] acc_next;  // RNE32(acc + scaled)

  tpesim_fp_round #(
      .SW(DW),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_fd (
      .sign(d_sign),
      .sig (d_mag),
      .lsb ('0),
      .y   (fd)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_fd_unpack (
      .x(fd),
      .sign(fd_sign),
      .sig(fd_sig),
      .lsb(fd_lsb),
      .nan(fd_nan),
      .inf(fd_inf)
  );
  tpesim_fp_unpack #(
      .E (5),
      .M (10),
      .XW(XW)
  ) u_ws_unpack (
      .x(cur_w_scale),
      .sign(ws_sign),
      .sig(ws_sig),
      .lsb(ws_lsb),
      .nan(ws_nan),
      .inf(ws_inf)
  );
  tpesim_fp_mul #(
      .AW(24),
      .BW(11),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_scale (
      .a_sign(fd_sign),
      .a_sig(fd_sig),
      .a_lsb(fd_lsb),
      .a_nan(fd_nan),
      .a_inf(fd_inf),
      .b_sign(ws_sign),
      .b_sig(ws_sig),
      .b_lsb(ws_lsb - XW'(1)),
      .b_nan(ws_nan),
      .b_inf(ws_inf),
      .y(scaled)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_base_unpack (
      .x(base_acc),
      .sign(ac_sign),
      .sig(ac_sig),
      .lsb(ac_lsb),
      .nan(ac_nan),
      .inf(ac_inf)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_sc_unpack (
      .x(scaled),
      .sign(sc_sign),
      .sig(sc_sig),
      .lsb(sc_lsb),
      .nan(sc_nan),
      .inf(sc_inf)
  );
  tpesim_fp_add #(
      .SW(24),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_acc_add (
      .a_sign(ac_sign),
      .a_sig(ac_sig),
      .a_lsb(ac_lsb),
      .a_nan(ac_nan),
      .a_inf(ac_inf),
      .b_sign(sc_sign),
      .b_sig(sc_sig),
      .b_lsb(sc_lsb),
      .b_nan(sc_nan),
      .b_inf(sc_inf),
      .y(acc_next)
  );

  logic [31:0] a_scale_canon;  // the step's a_scale with a NaN made canonical
  assign a_scale_canon = (&cur_a_scale[30:23] && cur_a_scale[22:0] != '0) ? CanonNan : cur_a_scale;

  always_ff @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      done <= 1'b0;
      overflow <= 1'b0;
      acc_g <= '0;
      s_g <= '0;
      acc_q <= '0;
      s_a_q <= '0;
      plane_q <= '0;
      lut_q <= '0;
      a_scale_q <= '0;
      q_q <= '0;
      w_scale_q <= '0;
      z_q <= '0;
      group_end_q <= 1'b0;
    end else begin
      done <= active && last;
      overflow <= active && last && cur_group_end && !d_fits;
      if (active && !busy) begin
        lut_q <= lut;
        a_scale_q <= a_scale;
        q_q <= q;
        w_scale_q <= w_scale;
        z_q <= z;
        group_end_q <= group_end;
      end
      if (active) begin
        s_g <= s_next;
        if (last) begin
          busy <= 1'b0;
          plane_q <= '0;
          s_a_q <= a_scale_canon;
          if (cur_group_end) begin
            acc_g <= '0;
            s_g <= '0;
            acc_q <= acc_next;
          end else begin
            acc_g <= acc_g_next;
            acc_q <= base_acc;
          end
        end else begin
          busy <= 1'b1;
          plane_q <= plane + 1'b1;
          acc_g <= acc_g_next;
          acc_q <= base_acc;
        end
      end
    end
  end

  // ---- The read port: RNE32(acc * s_a), then the output format. ----
  logic o_acc_sign, o_acc_nan, o_acc_inf;
  logic [23:0] o_acc_sig;
  logic signed [XW-1:0] o_acc_lsb;
  logic o_sa_sign, o_sa_nan, o_sa_inf;
  logic [23:0] o_sa_sig;
  logic signed [XW-1:0] o_sa_lsb;
  logic [31:0] scaled_out;  // RNE32(acc * s_a)

  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_o_acc_unpack (
      .x(acc_q),
      .sign(o_acc_sign),
      .sig(o_acc_sig),
      .lsb(o_acc_lsb),
      .nan(o_acc_nan),
      .inf(o_acc_inf)
  );
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_o_sa_unpack (
      .x(s_a_q),
      .sign(o_sa_sign),
      .sig(o_sa_sig),
      .lsb(o_sa_lsb),
      .nan(o_sa_nan),
      .inf(o_sa_inf)
  );
  tpesim_fp_mul #(
      .AW(24),
      .BW(24),
      .XW(XW),
      .OE(8),
      .OM(23)
  ) u_out_scale (
      .a_sign(o_acc_sign),
      .a_sig(o_acc_sig),
      .a_lsb(o_acc_lsb),
      .a_nan(o_acc_nan),
      .a_inf(o_acc_inf),
      .b_sign(o_sa_sign),
      .b_sig(o_sa_sig),
      .b_lsb(o_sa_lsb),
      .b_nan(o_sa_nan),
      .b_inf(o_sa_inf),
      .y(scaled_out)
  );

  if (OUT_E == 8 && OUT_M == 23) begin : g_fp32
    assign out = scaled_out;
  end else begin : g_round
    localparam logic [OUT_E+OUT_M-1:0] OutInf = {{OUT_E{1'b1}}, {OUT_M{1'b0}}};
    localparam logic [OUT_E+OUT_M-1:0] OutQuiet = OutInf | (OUT_E + OUT_M)'(1 << (OUT_M - 1));
    logic r_sign, r_nan, r_inf;
    logic [23:0] r_sig;
    logic signed [XW-1:0] r_lsb;
    logic [OUT_E+OUT_M:0] r_finite;  // the finite product rounded to the output format

    tpesim_fp_unpack #(
        .E (8),
        .M (23),
        .XW(XW)
    ) u_r_unpack (
        .x(scaled_out),
        .sign(r_sign),
        .sig(r_sig),
        .lsb(r_lsb),
        .nan(r_nan),
        .inf(r_inf)
    );
    tpesim_fp_round #(
        .SW(24),
        .XW(XW),
        .OE(OUT_E),
        .OM(OUT_M)
    ) u_r_round (
        .sign(r_sign),
        .sig (r_sig),
        .lsb (r_lsb),
        .y   (r_finite)
    );
    always_comb begin
      if (r_nan) out = {1'b0, OutQuiet};
      else if (r_inf) out = {r_sign, OutInf};
      else out = r_finite;
    end
  end
endmodule
