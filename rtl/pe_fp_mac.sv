// SPDX-License-Identifier: Apache-2.0
// pe_fp_mac: the fp_mac PE (pe/fp_mac.h, FpMacArith) in Verilog. acc <- RNE32(acc + a * w): the
// product of two small-float operands is formed exactly (an integer multiply of the significands
// and an add of the exponents), added to a binary32 accumulator and rounded once, to nearest,
// ties to even, with subnormals (a fused multiply-add, as std::fma). The adder is written out:
// magnitude compare and swap, alignment shift with a sticky bit, one add or subtract, leading-
// zero count and normalisation (or denormalisation into the subnormal range), then rounding.
//
// Operand formats: sign, E exponent bits (bias 2^(E-1) - 1), M >= 1 fraction bits, subnormals.
// *_IEEE_SPECIAL = 1: the all-ones exponent is infinity (fraction 0) or NaN (IEEE, fp16, bf16,
// fp8 e5m2). *_IEEE_SPECIAL = 0: the OCP fp8 e4m3 convention, no infinity, the all-ones exponent
// holds normal numbers, only S.1..1.1..1 is NaN. The output format (OUT_E, OUT_M) is IEEE-like:
// fp32 (8, 23: the accumulator itself), bf16 (8, 7) or fp16 (5, 10); OUT_E <= 8.
//
// Ports and timing (one cycle, registered accumulator, as the C++ model's cycle contract):
//   in_valid   a MAC happens at the next rising edge (otherwise acc holds)
//   in_clear   the MAC starts a new chain: acc <- RNE32(+0 + a * w) (so -0 * 1 gives +0)
//   a, w       operand bit patterns, sampled with in_valid
//   acc        the binary32 accumulator's bit pattern after the last edge (registered)
//   overflow   1 for the cycle after an edge with in_valid whose result is infinite or NaN (the
//              model's numeric event, FpMacArith::Step::overflow); 0 after an idle edge
//   out        acc rounded once (RNE, overflow to infinity, NaN -> the output format's canonical
//              NaN, sign 0) to the output format, FpMacArith::output: a read port, combinational
//              from the acc register and off the accumulation loop; with fp32 out it is acc itself
// Reset (synchronous, active high) clears acc (to +0) and overflow.
//
// Special values, as FpMacArith::mac_step defines them (std::fma, then every NaN replaced by the
// canonical NaN, so nothing depends on the host CPU or the compiler), in priority order:
//   1. NaN: a or w NaN (any payload, either sign), the accumulator NaN, inf * 0 or 0 * inf, or
//      an infinite product plus the opposite infinity -> the canonical quiet NaN +0x7FC00000
//      (sign 0, quiet bit, payload 0), FpMacArith::kCanonicalNanBits;
//   2. an infinite product or accumulator -> that infinity;
//   3. otherwise the rounded sum; a result past the largest finite binary32 is infinity. An exact
//      zero sum is -0 only when both the product and the accumulator are -0, else +0; a nonzero
//      sum that rounds to zero keeps its sign.
module pe_fp_mac #(
    parameter int A_E = 5,
    parameter int A_M = 10,
    parameter int A_IEEE_SPECIAL = 1,
    parameter int W_E = 5,
    parameter int W_M = 10,
    parameter int W_IEEE_SPECIAL = 1,
    parameter int OUT_E = 8,
    parameter int OUT_M = 23
) (
    input  logic                 clk,
    input  logic                 rst,
    input  logic                 in_valid,
    input  logic                 in_clear,
    input  logic [  A_E+A_M:0]   a,
    input  logic [  W_E+W_M:0]   w,
    output logic [       31:0]   acc,
    output logic                 overflow,
    output logic [OUT_E+OUT_M:0] out
);
  localparam int XW = 12;  // signed exponent arithmetic width: products reach 2^+-300
  localparam int ABias = (1 << (A_E - 1)) - 1;  // a's exponent bias
  localparam int WBias = (1 << (W_E - 1)) - 1;  // w's exponent bias
  localparam int PW = A_M + W_M + 2;  // bits of the exact significand product
  localparam int SW = PW > 24 ? PW : 24;  // normalised significand width (product or binary32)
  localparam int GB = 3;  // bits below the larger addend (guard, round, sticky): the minimum
  localparam int WW = 1 + SW + GB;  // adder width: carry, larger addend, GB low bits
  localparam int LzW = $clog2(WW + 1);  // leading-zero count width
  localparam int MinExp = -126;  // binary32's smallest normal exponent
  localparam logic [30:0] QuietNan = 31'h7FC00000;  // the canonical NaN's magnitude (sign 0)

  // ---- Operand decode: sign, class, integer significand and the exponent of its LSB. ----
  logic a_sign, a_nan, a_inf, a_zero;
  logic w_sign, w_nan, w_inf, w_zero;
  logic [A_M:0] a_sig;  // {hidden bit, fraction}
  logic [W_M:0] w_sig;
  logic signed [XW-1:0] a_lsb, w_lsb;  // value = sig * 2^lsb

  always_comb begin
    a_sign = a[A_E+A_M];
    a_zero = a[A_E+A_M-1:0] == '0;
    if (A_IEEE_SPECIAL != 0) begin
      a_nan = &a[A_E+A_M-1:A_M] && a[A_M-1:0] != '0;
      a_inf = &a[A_E+A_M-1:A_M] && a[A_M-1:0] == '0;
    end else begin
      a_nan = &a[A_E+A_M-1:0];
      a_inf = 1'b0;
    end
    a_sig = {a[A_E+A_M-1:A_M] != '0, a[A_M-1:0]};
    a_lsb = (a[A_E+A_M-1:A_M] != '0 ? XW'(a[A_E+A_M-1:A_M]) : XW'(1)) - XW'(ABias + A_M);

    w_sign = w[W_E+W_M];
    w_zero = w[W_E+W_M-1:0] == '0;
    if (W_IEEE_SPECIAL != 0) begin
      w_nan = &w[W_E+W_M-1:W_M] && w[W_M-1:0] != '0;
      w_inf = &w[W_E+W_M-1:W_M] && w[W_M-1:0] == '0;
    end else begin
      w_nan = &w[W_E+W_M-1:0];
      w_inf = 1'b0;
    end
    w_sig = {w[W_E+W_M-1:W_M] != '0, w[W_M-1:0]};
    w_lsb = (w[W_E+W_M-1:W_M] != '0 ? XW'(w[W_E+W_M-1:W_M]) : XW'(1)) - XW'(WBias + W_M);
  end

  // The acc register. The acc port and the read port both read it: an output port assigned from
  // another output port (out = acc, binary32 out) lags one edge in Verilator 5.006's --sc wrapper,
  // which reads the sc_out's current (not yet updated) value.
  logic [31:0] acc_q;
  assign acc = acc_q;

  // ---- The accumulator operand (+0 when the MAC starts a chain). ----
  logic [31:0] c;  // binary32 addend pattern
  logic c_sign, c_nan, c_inf, c_zero;
  logic [23:0] c_sig;  // {hidden bit, fraction}
  logic signed [XW-1:0] c_lsb;  // value = c_sig * 2^c_lsb

  always_comb begin
    c = in_clear ? 32'h0 : acc_q;
    c_sign = c[31];
    c_nan = &c[30:23] && c[22:0] != '0;
    c_inf = &c[30:23] && c[22:0] == '0;
    c_zero = c[30:0] == '0;
    c_sig = {c[30:23] != '0, c[22:0]};
    c_lsb = (c[30:23] != '0 ? XW'(c[30:23]) : XW'(1)) - XW'(150);
  end

  // ---- Exact product, both addends normalised to SW bits with their MSB's exponent. ----
  logic p_sign;
  logic p_zero;
  logic [PW-1:0] p_sig;  // exact significand product
  logic [LzW-1:0] p_lz, c_lz;  // leading zeros of p_sig (PW bits) and c_sig (24 bits)
  logic [SW-1:0] p_norm, c_norm;  // significands shifted up to bit SW-1
  logic signed [XW-1:0] p_msb, c_msb;  // exponent of the MSB: value in [2^msb, 2^(msb+1))

  always_comb begin
    p_sign = a_sign ^ w_sign;
    p_zero = a_zero || w_zero;
    p_sig = PW'(a_sig) * PW'(w_sig);
    p_lz = LzW'(PW);
    for (int i = 0; i < PW; i++) if (p_sig[i]) p_lz = LzW'(PW - 1 - i);
    c_lz = LzW'(24);
    for (int i = 0; i < 24; i++) if (c_sig[i]) c_lz = LzW'(23 - i);
    p_norm = SW'(p_sig) << (LzW'(SW - PW) + p_lz);
    c_norm = SW'(c_sig) << (LzW'(SW - 24) + c_lz);
    p_msb = a_lsb + w_lsb + XW'(PW - 1) - XW'(p_lz);
    c_msb = c_lsb + XW'(23) - XW'(c_lz);
  end

  // ---- Compare magnitudes, align the smaller addend, add or subtract. ----
  logic p_big;  // |product| >= |acc| (a zero is never the larger, unless both are zero)
  logic big_sign;
  logic signed [XW-1:0] big_msb;
  logic [SW-1:0] big_norm, small_norm;
  logic signed [XW-1:0] exp_diff;  // exponent distance, >= 0 when the smaller addend is nonzero
  logic [LzW-1:0] shift;  // alignment shift, bits, clamped to WW
  logic [2*WW-1:0] aligned;  // {smaller addend in the window, bits shifted out below it}
  logic [WW-1:0] big_w, small_w;  // the addends in the adder window
  // |product + acc| = sum * 2^(big_msb - SW - GB + 1) (bit WW - 2 weighs 2^big_msb), truncated:
  // bit 0 is also 1 when alignment shifted nonzero bits out (sticky).
  logic [WW-1:0] sum;

  always_comb begin
    p_big = !p_zero && (c_zero || p_msb > c_msb || (p_msb == c_msb && p_norm >= c_norm));
    big_sign = p_big ? p_sign : c_sign;
    big_msb = p_big ? p_msb : c_msb;
    big_norm = p_big ? p_norm : c_norm;
    small_norm = p_big ? (c_zero ? '0 : c_norm) : (p_zero ? '0 : p_norm);
    exp_diff = p_big ? p_msb - c_msb : c_msb - p_msb;
    shift = (exp_diff < 0 || exp_diff > XW'(WW)) ? LzW'(WW) : LzW'(exp_diff);
    big_w = {1'b0, big_norm, {GB{1'b0}}};
    aligned = {1'b0, small_norm, {GB{1'b0}}, {WW{1'b0}}} >> shift;
    // Bits shifted past the window are jammed into bit 0 (below the round bit in every case).
    small_w = aligned[2*WW-1:WW] | {{(WW - 1) {1'b0}}, aligned[WW-1:0] != '0};
    sum = (p_sign ^ c_sign) ? big_w - small_w : big_w + small_w;
  end

  // ---- Normalise (or denormalise into binary32's subnormals), round to nearest even. ----
  logic [LzW-1:0] sum_lz;
  logic signed [XW-1:0] res_msb;  // exponent of the sum's MSB
  logic signed [XW-1:0] lshift;  // left shift that puts the result's LSB at the binary32 quantum
  logic [LzW-1:0] rshift;  // right shift amount when lshift < 0, clamped to WW
  logic [2*WW-1:0] denorm;  // {sum shifted down, bits shifted out}
  logic [WW-1:0] sum_n;  // the sum with its binary32 LSB at bit WW - 24
  logic [23:0] kept;  // the 24 (or, for subnormals, fewer) significand bits kept
  logic guard, sticky, round_up;
  logic signed [XW-1:0] binade;  // max(res_msb, MinExp)
  logic [33:0] mag;  // the rounded magnitude pattern: biased binade above the fraction, plus n
  logic [31:0] finite;  // the rounded sum's pattern

  always_comb begin
    sum_lz = LzW'(WW);
    for (int i = 0; i < WW; i++) if (sum[i]) sum_lz = LzW'(WW - 1 - i);
    res_msb = big_msb + XW'(1) - XW'(sum_lz);
    // Normal result: shift out the leading zeros. Subnormal result (res_msb < -126): the kept
    // LSB, bit WW - 24, must weigh 2^-149, so the shift is big_msb + 127, less than sum_lz and
    // negative (a right shift, its lost bits sticky) for sums far below 2^-149.
    lshift = res_msb >= XW'(MinExp) ? XW'(sum_lz) : big_msb + XW'(1 - MinExp);
    rshift = (lshift < -XW'(WW)) ? LzW'(WW) : LzW'(-lshift);
    denorm = {sum, {WW{1'b0}}} >> rshift;
    if (lshift >= 0) begin
      sum_n  = sum << lshift;
      sticky = 1'b0;
    end else begin
      sum_n  = denorm[2*WW-1:WW];
      sticky = denorm[WW-1:0] != '0;
    end
    kept = sum_n[WW-1-:24];
    guard = sum_n[WW-25];
    sticky = sticky || sum_n[WW-26:0] != '0;
    round_up = guard && (sticky || kept[0]);
    binade = res_msb >= XW'(MinExp) ? res_msb : XW'(MinExp);
    // A carry out of the fraction (n = 2^24) moves into the next binade; a subnormal that rounds
    // up to 2^23 is the smallest normal.
    mag = ((34'(binade) + 34'(126)) << 23) + 34'(kept) + 34'(round_up);
    if (mag >= 34'h7F800000) finite = {big_sign, 31'h7F800000};  // overflow: infinity
    else finite = {big_sign, mag[30:0]};
  end

  // ---- Special values and the next accumulator. ----
  logic nan_result;  // the result is NaN: a NaN input, inf * 0, or inf + (-inf)
  logic [31:0] next_acc;

  always_comb begin
    nan_result = a_nan || w_nan || c_nan || (a_inf && w_zero) || (a_zero && w_inf) ||
                 ((a_inf || w_inf) && c_inf && p_sign != c_sign);
    if (nan_result) next_acc = {1'b0, QuietNan};  // the one canonical NaN, whatever the cause
    else if (a_inf || w_inf) next_acc = {p_sign, 31'h7F800000};
    else if (c_inf) next_acc = c;
    else if (sum == '0) next_acc = {p_sign && c_sign, 31'h0};  // exact zero
    else next_acc = finite;
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      acc_q <= '0;
      overflow <= 1'b0;
    end else begin
      overflow <= in_valid && &next_acc[30:23];
      if (in_valid) acc_q <= next_acc;
    end
  end

  // ---- The read port: acc rounded once to the output format (encode() of pe/float_format). ----
  if (OUT_E == 8 && OUT_M == 23) begin : g_fp32
    assign out = acc_q;  // binary32 out: acc itself (its only NaN is already the canonical one)
  end else begin : g_round
    localparam int OutBias = (1 << (OUT_E - 1)) - 1;  // output exponent bias
    localparam int OutMagBits = OUT_E + OUT_M;  // output magnitude bits
    localparam logic [OutMagBits-1:0] OutInf = {{OUT_E{1'b1}}, {OUT_M{1'b0}}};
    localparam logic [OutMagBits-1:0] OutQuiet = OutInf | OutMagBits'(1 << (OUT_M - 1));
    localparam int OutMagW = OutMagBits + 2;  // room for the binade field plus a carry
    logic signed [XW-1:0] o_lsb;  // exponent of acc's LSB
    logic signed [XW-1:0] o_binade;  // the output binade: max(exponent of acc, output's MinExp)
    logic signed [XW-1:0] o_field;  // o_binade's biased exponent field minus 1 (0: subnormal)
    logic signed [XW-1:0] o_dist;  // output quantum over acc's quantum, in bits
    logic [4:0] o_shift;  // o_dist clamped to 25 (past that everything rounds to zero)
    logic [48:0] o_aligned;  // {acc's 24-bit significand >> o_shift, 25 bits shifted out}
    logic o_round;  // round up: guard and (sticky or odd)
    logic [OutMagW-1:0] o_mag;  // the rounded magnitude pattern, a carry moving into the binade

    always_comb begin
      o_lsb = (acc_q[30:23] != '0 ? XW'(acc_q[30:23]) : XW'(1)) - XW'(150);
      o_binade = o_lsb + XW'(23) >= XW'(1 - OutBias) ? o_lsb + XW'(23) : XW'(1 - OutBias);
      o_dist = o_binade - XW'(OUT_M) - o_lsb;
      o_shift = o_dist > XW'(25) ? 5'd25 : 5'(o_dist);
      o_aligned = {acc_q[30:23] != '0, acc_q[22:0], 25'h0} >> o_shift;
      o_round = o_aligned[24] && (o_aligned[23:0] != '0 || o_aligned[25]);
      o_field = o_binade + XW'(OutBias - 1);
      o_mag = (OutMagW'(o_field) << OUT_M) + OutMagW'(o_aligned[48:25]) + OutMagW'(o_round);
      if (&acc_q[30:23] && acc_q[22:0] != '0) out = {1'b0, OutQuiet};  // canonical NaN, sign 0
      else if (&acc_q[30:23] || o_mag >= OutMagW'(OutInf)) out = {acc_q[31], OutInf};
      else if (acc_q[30:0] == '0) out = {acc_q[31], {OutMagBits{1'b0}}};
      else out = {acc_q[31], o_mag[OutMagBits-1:0]};
    end
  end
endmodule
