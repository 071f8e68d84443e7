// SPDX-License-Identifier: Apache-2.0
// pe_bitslice_serial_digit: the bitslice PE, variant serial_digit (pe/bitslice.h, OPT3/OPT4C), in
// Verilog. One step takes a group of LANES consecutive k (digit_group), EN-T encodes each lane's
// activation into D = ceil(A_BITS / 2) radix-4 digits (pe/digit_encoding.h, ent_digits), and
// feeds one non-zero partial product d * w (d in {+-1, +-2}) per cycle into a 3:2 carry-save
// accumulator, bit weight by bit weight; at the end of each bit weight one shift-and-add folds
// it into the accumulator. The value is int_mac's: acc <- acc + sum over lanes of a * w,
// wrapping in ACC_BITS.
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
//              weight's shift-and-add); it is the chain's value only while busy is 0.
// Reset (synchronous, active high) clears the accumulator, busy and done.
//
// NOTE(model): each PE here has its own LANES encoders; the shared spec's array shares one
// encoder among a column of N PEs that step together. The encoder is the same logic either way.
// NOTE(model): like pe_bitslice_booth_csa, overflow wraps only (no flag, no saturation).
module pe_bitslice_serial_digit #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int LANES    = 4
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic                       in_valid,
    input  logic                       in_clear,
    input  logic [ LANES*A_BITS-1:0]   a,
    input  logic [ LANES*W_BITS-1:0]   w,
    output logic                       busy,
    output logic                       done,
    output logic signed [ACC_BITS-1:0] acc
);
  localparam int D = (A_BITS + 1) / 2;  // radix-4 digits per activation (bit weights)
  localparam int WiBits = D > 1 ? $clog2(D) : 1;  // bit-weight index width
  localparam int LaneBits = LANES > 1 ? $clog2(LANES) : 1;  // lane index width
  localparam int Digits = LANES * D;  // digit i of lane l at index l * D + i

  // EN-T digits as three select lines: non-zero, |d| = 2, d < 0.
  logic [Digits-1:0] enc_nz, enc_two, enc_neg;  // of the a input (the step's first cycle)
  logic [Digits-1:0] dig_nz, dig_two, dig_neg;  // latched when a step starts
  logic [LANES*W_BITS-1:0] w_q;  // latched weights
  logic clear_q;  // latched in_clear
  logic [WiBits-1:0] wi;  // the bit weight being worked on (while busy)
  logic [LANES-1:0] pend;  // lanes whose digit wi is non-zero and not yet added (while busy)
  logic [ACC_BITS-1:0] p_sum, p_carry;  // the bit weight's carry-save partial sum

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
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0;
      done <= 1'b0;
      acc <= '0;
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
      if (active && !busy) begin
        dig_nz <= enc_nz;
        dig_two <= enc_two;
        dig_neg <= enc_neg;
        w_q <= w;
        clear_q <= in_clear;
      end
      if (active) begin
        if (weight_end) begin
          acc <= next_acc;
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
