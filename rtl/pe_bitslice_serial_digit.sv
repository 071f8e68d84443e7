// SPDX-License-Identifier: Apache-2.0
// pe_bitslice_serial_digit: the bitslice PE, variant serial_digit (pe/bitslice.h, OPT3/OPT4C), in
// Verilog. One step takes a group of LANES consecutive k (digit_group), EN-T encodes each lane's
// activation into D = ceil(A_BITS / 2) radix-4 digits (pe/digit_encoding.h, ent_digits), and
// feeds one non-zero partial product d * w (d in {+-1, +-2}) per cycle into a 3:2 carry-save
// accumulator, bit weight by bit weight; at the end of each bit weight one shift-and-add folds
// it into the accumulator. The value is int_mac's: acc <- acc + sum over lanes of a * w,
// wrapping in ACC_BITS (SATURATE = 0). With SATURATE = 1 it is the C++ `overflow: saturate`
// applied lane by lane in k order, as the arrays apply mac_step: acc <- clamp(acc + a_0 * w_0),
// then clamp(acc + a_1 * w_1), ..., each clamp to [-2^(ACC_BITS-1), 2^(ACC_BITS-1) - 1].
//
// Step cycles (data dependent, step_cycles() of pe/bitslice.h for one group of LANES lanes):
// sum over bit weights i of max(1, lanes whose digit i is non-zero). A bit weight without a
// non-zero digit still takes its cycle (its shift-and-add of zero).
//
// Ports and timing:
//   in_valid   a step starts at the next rising edge when busy is 0 (ignored while busy is 1)
//   in_clear   that step starts a new chain: acc <- sum of a * w instead of acc + sum
//   a, w       LANES signed operands each, lane l at bits [l * A_BITS +: A_BITS] (and W_BITS),
//              sampled with the accepted in_valid; lanes in k order. A lane with a = 0 costs
//              nothing, so a partial group is a full one with zero activations
//   busy       registered: a step is in progress and continues at the next edge (no new step)
//   done       registered: 1 for the cycle after the edge on which a step completed
//   acc        the accumulator (registered). A step accepted at edge t that takes C cycles
//              works at edges t .. t + C - 1: acc holds the step's result after edge t + C - 1,
//              when done is 1, and busy drops then, so the next step can start at edge t + C
//              (II = C). Between the edges of one step acc holds partial sums (after each bit
//              weight's shift-and-add; SATURATE = 1: the value before the step); it is the
//              chain's value only while busy is 0.
//   overflows  registered, with done: the lanes of the completed step whose add left ACC_BITS
//              and was clamped (SATURATE = 1; the C++ model's overflow count); 0 when done is 0
//              and always 0 with SATURATE = 0 (no flag)
// Reset (synchronous, active high) clears the accumulator, busy, done and overflows.
//
// Saturation (SATURATE = 1): clamping lane by lane depends on the order of the lanes' products,
// which the bit-weight schedule does not form one by one. So each lane also accumulates its own
// exact product a_l * w_l (A_BITS + W_BITS + 1 bits: the partial products of its non-zero digits,
// on the cycles the schedule already picks that lane), and on the step's last cycle a chain of
// LANES saturating adds (ACC_BITS + 1 bits each) folds them into acc in lane order. The cycle
// count is unchanged; the shift-and-add datapath then feeds nothing (synthesis removes it).
//
// NOTE(model): each PE here has its own LANES encoders; the shared spec's array shares one
// encoder among a column of N PEs that step together. The encoder is the same logic either way.
module pe_bitslice_serial_digit #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int LANES    = 4,
    parameter int SATURATE = 0
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic                       in_valid,
    input  logic                       in_clear,
    input  logic [ LANES*A_BITS-1:0]   a,
    input  logic [ LANES*W_BITS-1:0]   w,
    output logic                       busy,
    output logic                       done,
    output logic signed [ACC_BITS-1:0] acc,
    output logic [$clog2(LANES+1)-1:0] overflows
);
  localparam int D = (A_BITS + 1) / 2;  // radix-4 digits per activation (bit weights)
  localparam int WiBits = D > 1 ? $clog2(D) : 1;  // bit-weight index width
  localparam int LaneBits = LANES > 1 ? $clog2(LANES) : 1;  // lane index width
  localparam int Digits = LANES * D;  // digit i of lane l at index l * D + i
  localparam int OvBits = $clog2(LANES + 1);  // width of overflows
  // A lane's product register: the exact a * w needs A_BITS + W_BITS bits, and a partial sum of
  // its digits' terms stays below 2^(A_BITS + W_BITS) in magnitude.
  localparam int PW = A_BITS + W_BITS + 1;
  localparam int SW = ACC_BITS + 1;  // a saturating add: acc + a * w fits (acc_bits >= a + w bits)

  // EN-T digits as three select lines: non-zero, |d| = 2, d < 0.
  logic [Digits-1:0] enc_nz, enc_two, enc_neg;  // of the a input (the step's first cycle)
  logic [Digits-1:0] dig_nz, dig_two, dig_neg;  // latched when a step starts
  logic [LANES*W_BITS-1:0] w_q;  // latched weights
  logic clear_q;  // latched in_clear
  logic [WiBits-1:0] wi;  // the bit weight being worked on (while busy)
  logic [LANES-1:0] pend;  // lanes whose digit wi is non-zero and not yet added (while busy)
  logic [ACC_BITS-1:0] p_sum, p_carry;  // the bit weight's carry-save partial sum
  logic [LANES*PW-1:0] prod_q;  // SATURATE: each lane's product so far, lane l at [l * PW +: PW]

  // EN-T encoders: |a| in 2-bit slices s_i, v_i = s_i + c_i, digit code v_i mod 4 read as 0, +1,
  // +2, -1, carry c_{i+1} = (v_i >= 3); a's sign flips every digit.
  for (genvar l = 0; l < LANES; l++) begin : g_enc
    logic sign;  // a < 0
    logic [A_BITS-1:0] a_lane;
    logic [A_BITS-1:0] abs_a;  // |a|: at most 2^(A_BITS-1), which fits A_BITS unsigned bits
    logic [2*D-1:0] mag;  // |a| in D 2-bit slices
    logic carry;  // c_i into the digit being encoded
    logic [1:0] code;  // v_i mod 4
    always_comb begin
      a_lane = a[l*A_BITS+:A_BITS];
      sign = a_lane[A_BITS-1];
      abs_a = sign ? -a_lane : a_lane;
      mag = (2 * D)'(abs_a);
      carry = 1'b0;
      for (int i = 0; i < D; i++) begin
        code = mag[2*i+:2] + {1'b0, carry};
        enc_nz[l*D+i] = code != 2'b00;
        enc_two[l*D+i] = code == 2'b10;
        enc_neg[l*D+i] = code != 2'b00 && ((code == 2'b11) != sign);
        carry = &mag[2*i+:2] || (mag[2*i+1] && carry);  // s_i + c_i >= 3
      end
    end
  end

  // ---- One cycle of work: the operands are the inputs on a step's first cycle, else latched. --
  logic active;  // a step works at this edge
  logic [Digits-1:0] cur_nz, cur_two, cur_neg;
  logic [LANES*W_BITS-1:0] cur_w;
  logic cur_clear;
  logic [WiBits-1:0] cur_wi, next_wi;
  logic [LANES-1:0] cur_pend;  // lanes of bit weight cur_wi still to add
  logic [LANES-1:0] rest;  // ... after this cycle's
  logic [LANES-1:0] next_mask;  // non-zero digits of bit weight next_wi
  logic found;  // a partial product this cycle
  logic [LaneBits-1:0] sel;  // its lane: the lowest pending one
  logic sel_two, sel_neg;  // its digit (lane sel, bit weight cur_wi): |d| = 2, d < 0
  logic [W_BITS-1:0] w_sel;
  logic [ACC_BITS-1:0] multiple;  // |d| * w, sign-extended
  logic [ACC_BITS-1:0] pp;  // the partial product, one's complement when d < 0
  logic pp_neg;  // d < 0: the +1 that completes the two's complement
  logic [ACC_BITS-1:0] ps, pc;  // the partial sum entering this cycle
  logic [ACC_BITS-1:0] csa_sum, csa_carry;  // after the 3:2 compressor
  logic weight_end, last;  // this cycle ends bit weight cur_wi / the step
  logic [ACC_BITS-1:0] base;  // the accumulator the step adds to (0 on in_clear)
  logic [ACC_BITS-1:0] next_acc;  // base + (csa_sum + csa_carry) * 4^cur_wi
  logic [PW-1:0] term;  // SATURATE: this cycle's digit term d * w * 4^cur_wi of lane sel
  logic [LANES*PW-1:0] prod_next;  // SATURATE: the lanes' products after this cycle
  logic [ACC_BITS-1:0] sat_acc;  // SATURATE: acc after the lane-by-lane clamped adds
  logic [SW-1:0] sat_exact;  // one lane's exact sum
  logic sat_over;  // ... left ACC_BITS
  logic [OvBits-1:0] sat_count;  // lanes clamped

  always_comb begin
    active = busy || in_valid;
    cur_nz = busy ? dig_nz : enc_nz;
    cur_two = busy ? dig_two : enc_two;
    cur_neg = busy ? dig_neg : enc_neg;
    cur_w = busy ? w_q : w;
    cur_clear = busy ? clear_q : in_clear;
    cur_wi = busy ? wi : '0;
    for (int l = 0; l < LANES; l++) cur_pend[l] = busy ? pend[l] : enc_nz[l*D];
    found = 1'b0;
    sel = '0;
    for (int l = LANES - 1; l >= 0; l--) begin
      if (cur_pend[l]) begin
        found = 1'b1;
        sel = LaneBits'(l);
      end
    end
    rest = cur_pend & ~(LANES'(found) << sel);
    w_sel = cur_w[sel*W_BITS+:W_BITS];
    multiple = {{(ACC_BITS - W_BITS) {w_sel[W_BITS-1]}}, w_sel};
    sel_two = 1'b0;
    sel_neg = 1'b0;
    for (int l = 0; l < LANES; l++) begin
      for (int i = 0; i < D; i++) begin
        if (sel == LaneBits'(l) && cur_wi == WiBits'(i)) begin
          sel_two = cur_two[l*D+i];
          sel_neg = cur_neg[l*D+i];
        end
      end
    end
    if (sel_two) multiple = multiple << 1;
    pp_neg = found && sel_neg;
    pp = found ? (pp_neg ? ~multiple : multiple) : '0;
    ps = busy ? p_sum : '0;
    pc = busy ? p_carry : '0;
    csa_sum = ps ^ pc ^ pp;
    // Carries weigh twice; the freed bit 0 takes the +1 of a negative partial product.
    csa_carry = (((ps & pc) | (pp & (ps | pc))) << 1) | ACC_BITS'(pp_neg);
    weight_end = rest == '0;
    last = weight_end && cur_wi == WiBits'(D - 1);
    next_wi = last ? cur_wi : cur_wi + 1'b1;
    next_mask = '0;
    for (int l = 0; l < LANES; l++) begin
      for (int i = 0; i < D; i++) begin
        if (next_wi == WiBits'(i)) next_mask[l] = cur_nz[l*D+i];
      end
    end
    base = (cur_clear && cur_wi == '0) ? '0 : acc;
    // The bit weight's one shift-and-add.
    next_acc = base + ((csa_sum + csa_carry) << (2 * cur_wi));
    // Saturation: the picked lane's exact term into its product, then the clamped adds.
    term = PW'($signed(w_sel)) << sel_two;
    if (sel_neg) term = -term;
    term = found ? term << (2 * cur_wi) : '0;
    for (int l = 0; l < LANES; l++) begin
      prod_next[l*PW+:PW] = (busy ? prod_q[l*PW+:PW] : '0) + (sel == LaneBits'(l) ? term : '0);
    end
    sat_acc = cur_clear ? '0 : acc;
    sat_count = '0;
    for (int l = 0; l < LANES; l++) begin
      sat_exact = SW'($signed(sat_acc)) + SW'($signed(prod_next[l*PW+:PW]));
      sat_over = sat_exact[SW-1] != sat_exact[SW-2];
      if (!sat_over) sat_acc = sat_exact[ACC_BITS-1:0];
      else if (sat_exact[SW-1]) sat_acc = {1'b1, {(ACC_BITS - 1) {1'b0}}};  // the minimum
      else sat_acc = {1'b0, {(ACC_BITS - 1) {1'b1}}};  // the maximum
      sat_count = sat_count + OvBits'(sat_over);
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      done <= 1'b0;
      acc <= '0;
      overflows <= '0;
      prod_q <= '0;
      wi <= '0;
      pend <= '0;
      p_sum <= '0;
      p_carry <= '0;
      dig_nz <= '0;
      dig_two <= '0;
      dig_neg <= '0;
      w_q <= '0;
      clear_q <= 1'b0;
    end else begin
      done <= active && last;
      overflows <= (SATURATE != 0 && active && last) ? sat_count : '0;
      if (active) prod_q <= prod_next;
      if (SATURATE != 0 && active && last) acc <= sat_acc;
      if (active && !busy) begin
        dig_nz <= enc_nz;
        dig_two <= enc_two;
        dig_neg <= enc_neg;
        w_q <= w;
        clear_q <= in_clear;
      end
      if (active) begin
        if (weight_end) begin
          if (SATURATE == 0) acc <= next_acc;
          p_sum <= '0;
          p_carry <= '0;
          busy <= !last;
          wi <= next_wi;
          pend <= next_mask;
        end else begin
          p_sum <= csa_sum;
          p_carry <= csa_carry;
          busy <= 1'b1;
          wi <= cur_wi;
          pend <= rest;
        end
      end
    end
  end
endmodule
