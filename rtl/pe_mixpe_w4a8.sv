// SPDX-License-Identifier: Apache-2.0
// pe_mixpe_w4a8: the mixpe PE, variant W4A8 (pe/mixpe.h, MixpeW4A8Arith), in Verilog. int8
// activations a with a per-token binary32 scale s_a; unsigned W_BITS weight codes q in groups
// along K, each group with an fp16 scale s and an unsigned zero point z. Per k, one step:
//   P <- P + a * q   as shift&add: the sum of (a << i) over the set bits i of q, no multiplier
//   S <- S + a       the group's activation sum (for the zero point)
// and at the group's last k (group_end), the dequantization, once per group:
//   D = P - z * S    exact (z * S by shift&add as well); an event when D leaves int32
//   acc <- RNE32(acc + RNE32(float(D) * s)),  float(D) = RNE32(D) (exact below 2^24)
//   P, S <- 0
// The output is RNE32(acc * s_a), rounded once more to the output format (OUT_E, OUT_M): fp32
// (8, 23, the product itself) or fp16 (5, 10), MixpeW4A8Arith::output.
//
// Parameters: W_BITS (1..8, the weight code width); GROUP_SIZE (G: the most k between two group
// ends, which sizes P, S and D exactly: P and z S have 8 + W_BITS + clog2(G) bits, S 8 +
// clog2(G), D one more; a longer group is outside the contract); OUT_E, OUT_M.
//
// Ports and timing (one k per cycle, initiation interval 1, as the C++ model's cycle contract:
// pe::initiation_interval is 1 for mixpe and the arrays call mac_step once per k):
//   in_valid   a step happens at the next rising edge (otherwise every register holds)
//   in_clear   the step starts a new chain from MixpeW4A8Arith::zero(): P = S = 0, acc = +0
//   a          the int8 activation, signed
//   a_scale    the row's scale s_a, a binary32 pattern (travels with a; any NaN is taken as the
//              canonical NaN, 0x7FC00000)
//   q, z       the weight's code and its group's zero point, unsigned W_BITS
//   w_scale    the group's scale s, an fp16 pattern (subnormals, infinities and NaNs allowed)
//   group_end  q is its group's last weight: dequantize after this step
//   p, s       registered: the group's partial sums P and S (two's complement), 0 after a
//              group end
//   acc        registered: the binary32 pattern of the dequantized groups so far
//   s_a        registered: the binary32 scale of the last step (a NaN as 0x7FC00000)
//   overflow   registered: 1 for the cycle after a group end whose D left int32 (the model's
//              Step::overflow); 0 after other edges
//   out        combinational read port from acc and s_a: MixpeW4A8Arith::output, off the
//              accumulation loop (an array reads it once per output)
// Reset (synchronous, active high) clears p, s, acc (+0), s_a (+0) and overflow.
//
// NaNs (MixpeW4A8Arith's rule, docs/PE_SEMANTICS.md): every NaN that acc, s_a or out holds is
// the canonical NaN with sign 0 and payload 0 (binary32 0x7FC00000, fp16 0x7E00), whatever
// caused it (a NaN scale, inf - inf, 0 * inf): the float units of tpesim_fp.svh give nothing
// else, so operand order does not matter.
//
// NOTE(model): S is the same for every column of a row; the hardware computes it once per
// (row, group) and shares it. Here each PE carries its own S register and adder, as the C++
// model's accumulation chain does (MixpeW4A8Arith::Acc::s), so the value contract is per PE.
// NOTE(model): the dequantization (D, float(D), the scale multiply and the binary32 add) is one
// combinational path, like the C++ step; a pipelined PE would spend extra cycles at group ends.
`include "tpesim_fp_mul.svh"

module pe_mixpe_w4a8 #(
    parameter int W_BITS     = 4,
    parameter int GROUP_SIZE = 128,
    parameter int OUT_E      = 8,
    parameter int OUT_M      = 23
) (
    input  logic                                             clk,
    input  logic                                             rst,
    input  logic                                             in_valid,
    input  logic                                             in_clear,
    input  logic signed [                                 7:0] a,
    input  logic        [                                31:0] a_scale,
    input  logic        [                          W_BITS-1:0] q,
    input  logic        [                          W_BITS-1:0] z,
    input  logic        [                                15:0] w_scale,
    input  logic                                             group_end,
    output logic signed [8+W_BITS+$clog2(GROUP_SIZE)-1:0] p,
    output logic signed [       8+$clog2(GROUP_SIZE)-1:0] s,
    output logic        [                                31:0] acc,
    output logic        [                                31:0] s_a,
    output logic                                             overflow,
    output logic        [                       OUT_E+OUT_M:0] out
);
  localparam int GBits = $clog2(GROUP_SIZE);  // bits of the group's length
  localparam int PW = 8 + W_BITS + GBits;  // P and z S: |.| <= 2^7 (2^W_BITS - 1) G
  localparam int SW = 8 + GBits;  // S: |S| <= 2^7 G
  localparam int DW = PW + 1;  // D = P - z S
  localparam int XW = 12;  // signed exponent width of the float datapath
  localparam logic [31:0] CanonNan = 32'h7FC00000;  // binary32 canonical NaN, sign 0

  // ---- The step's integer part: shift&add for a * q and z * S. ----
  logic signed [PW-1:0] a_wide;  // a sign-extended
  logic signed [PW-1:0] prod;  // a * q: the sum of a << i over q's set bits
  logic signed [PW-1:0] p_next;  // P + a * q (from 0 on in_clear)
  logic signed [SW-1:0] s_next;  // S + a (from 0 on in_clear)
  logic signed [PW-1:0] s_wide;  // s_next sign-extended
  logic signed [PW-1:0] zs;  // z * S: the sum of S << i over z's set bits
  logic signed [DW-1:0] d;  // D = P - z S, exact
  logic d_sign;
  logic [DW-1:0] d_mag;  // |D| (the most negative D reads as its magnitude, unsigned)

  always_comb begin
    a_wide = PW'(a);
    prod = '0;
    for (int i = 0; i < W_BITS; i++) prod = prod + ((a_wide <<< i) & {PW{q[i]}});
    p_next = (in_clear ? '0 : p) + prod;
    s_next = (in_clear ? '0 : s) + SW'(a);
    s_wide = PW'(s_next);
    zs = '0;
    for (int i = 0; i < W_BITS; i++) zs = zs + ((s_wide <<< i) & {PW{z[i]}});
    d = DW'(p_next) - DW'(zs);
    d_sign = d[DW-1];
    d_mag = d_sign ? -d : d;
  end

  logic d_fits;  // D lies in int32
  if (DW > 32) begin : g_wide_d
    assign d_fits = d >= -(DW'(1) <<< 31) && d < (DW'(1) <<< 31);
  end else begin : g_narrow_d
    assign d_fits = 1'b1;
  end

  // ---- Dequantization: float(D), times s, into acc. ----
  logic [31:0] fd;  // RNE32(D)
  logic fd_sign, fd_nan, fd_inf;
  logic [23:0] fd_sig;
  logic signed [XW-1:0] fd_lsb;
  logic ws_sign, ws_nan, ws_inf;
  logic [10:0] ws_sig;
  logic signed [XW-1:0] ws_lsb;
  logic [31:0] scaled;  // RNE32(float(D) * s)
  logic sc_sign, sc_nan, sc_inf;
  logic [23:0] sc_sig;
  logic signed [XW-1:0] sc_lsb;
  logic [31:0] base;  // the accumulator the step adds to: +0 on in_clear
  logic ac_sign, ac_nan, ac_inf;
  logic [23:0] ac_sig;
  logic signed [XW-1:0] ac_lsb;
  logic [31:0] acc_next;  // RNE32(base + scaled)

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
      .x(w_scale),
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
      .b_lsb(ws_lsb),
      .b_nan(ws_nan),
      .b_inf(ws_inf),
      .y(scaled)
  );

  assign base = in_clear ? 32'h0 : acc;
  tpesim_fp_unpack #(
      .E (8),
      .M (23),
      .XW(XW)
  ) u_base_unpack (
      .x(base),
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
      .a_sign(sc_sign),
      .a_sig(sc_sig),
      .a_lsb(sc_lsb),
      .a_nan(sc_nan),
      .a_inf(sc_inf),
      .b_sign(ac_sign),
      .b_sig(ac_sig),
      .b_lsb(ac_lsb),
      .b_nan(ac_nan),
      .b_inf(ac_inf),
      .y(acc_next)
  );

  logic [31:0] a_scale_canon;  // a_scale with a NaN made canonical
  assign a_scale_canon = (&a_scale[30:23] && a_scale[22:0] != '0) ? CanonNan : a_scale;

  always_ff @(posedge clk) begin
    if (rst) begin
      p <= '0;
      s <= '0;
      acc <= '0;
      s_a <= '0;
      overflow <= 1'b0;
    end else begin
      overflow <= in_valid && group_end && !d_fits;
      if (in_valid) begin
        s_a <= a_scale_canon;
        if (group_end) begin
          p <= '0;
          s <= '0;
          acc <= acc_next;
        end else begin
          p <= p_next;
          s <= s_next;
          acc <= base;
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
      .x(acc),
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
      .x(s_a),
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
      .a_sign(o_sa_sign),
      .a_sig(o_sa_sig),
      .a_lsb(o_sa_lsb),
      .a_nan(o_sa_nan),
      .a_inf(o_sa_inf),
      .b_sign(o_acc_sign),
      .b_sig(o_acc_sig),
      .b_lsb(o_acc_lsb),
      .b_nan(o_acc_nan),
      .b_inf(o_acc_inf),
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
