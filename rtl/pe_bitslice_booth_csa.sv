// SPDX-License-Identifier: Apache-2.0
// pe_bitslice_booth_csa: the bitslice PE, variant booth_csa (pe/bitslice.h), in Verilog. The
// weight is radix-4 Booth encoded, its partial products and the redundant accumulator (a sum and
// a carry vector) are reduced by a Wallace tree of 3:2 compressors every cycle, and the one
// carry-propagate add that resolves sum + carry sits outside the loop, on the read port. The
// value is int_mac's: acc <- acc + a * w, wrapping in ACC_BITS (SATURATE = 0) or clamped to
// [-2^(ACC_BITS-1), 2^(ACC_BITS-1) - 1] (SATURATE = 1: IntMacArith with overflow: saturate).
//
// Ports and timing (one cycle, registered state, as the C++ model's cycle contract):
//   in_valid        a MAC happens at the next rising edge
//   in_clear        the MAC starts a new chain: acc <- a * w instead of acc + a * w
//   a, w            signed operands, sampled with in_valid
//   acc_sum         the redundant accumulator after the last edge: sum vector (registered)
//   acc_carry       ... and carry vector (registered); acc = acc_sum + acc_carry mod 2^ACC_BITS
//   acc             the resolved accumulator: the carry-propagate add of acc_sum and acc_carry,
//                   combinational from the registers (the read port; nothing feeds it back)
//   nonzero_digits  the non-zero Booth digits of the w of the last edge's MAC, i.e. the partial
//                   products it generated; 0 after an edge without in_valid (activity counter)
//   overflow        SATURATE = 1: the last edge's MAC left ACC_BITS and was clamped (registered;
//                   0 after an edge without in_valid), IntMacArith's Step::overflow. SATURATE = 0:
//                   always 0 (no flag, see the NOTE below)
// Reset (synchronous, active high) clears the accumulator, nonzero_digits and overflow.
//
// Datapath: D = ceil(W_BITS / 2) digits d_i = x_{2i-1} + x_{2i} - 2 x_{2i+1} (x_{-1} = 0) of w,
// each selecting 0, a or 2a (a sign-extended to ACC_BITS); a negative digit takes the one's
// complement of its row, shifted by 2i, and puts the +1 that completes the two's complement in
// a correction row at bit 2i. The tree reduces D + 3 rows (D partial products, the correction
// row, acc_sum, acc_carry; in_clear replaces the last two by 0) to two, all modulo 2^ACC_BITS:
// int8 weights give 7 rows and 4 levels of 3:2 compressors. The C++ description's "6:2 tree"
// counts the four partial products and the two accumulator rows; the correction bits cannot all
// fold into the partial products' free low bits (their weights sum past that room), so they ride
// in one sparse extra row, which synthesis reduces to half adders.
//
// SATURATE = 1 (the C++ `overflow: saturate`): saturating or flagging needs the sign of the
// exact sum acc + a * w every cycle, which a redundant accumulator does not have. So the tree
// works in ACC_BITS + 1 bits (acc + a * w always fits: acc_bits >= a_bits + w_bits, as
// pe/bitslice.cpp checks), a carry-propagate add resolves its two rows inside the loop, and the
// clamped sum is stored as acc_sum with acc_carry = 0: the carry-save accumulator then only
// shortens the partial-product reduction, not the loop. With SATURATE = 0 (wrap) the loop has no
// carry-propagate add and there is no overflow flag, for the same reason.
module pe_bitslice_booth_csa #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0
) (
    input  logic                                       clk,
    input  logic                                       rst,
    input  logic                                       in_valid,
    input  logic                                       in_clear,
    input  logic signed [                  A_BITS-1:0] a,
    input  logic signed [                  W_BITS-1:0] w,
    output logic        [                ACC_BITS-1:0] acc_sum,
    output logic        [                ACC_BITS-1:0] acc_carry,
    output logic signed [                ACC_BITS-1:0] acc,
    output logic        [$clog2((W_BITS+1)/2+1)-1:0] nonzero_digits,
    output logic                                       overflow
);
  // Rows left after `levels` levels of 3:2 compression of n rows: each level turns every full
  // group of three rows into two and passes the remaining 0..2 rows through.
  function automatic int rows_after(int n, int levels);
    int r;
    int i;
    r = n;
    for (i = 0; i < levels; i = i + 1) r = 2 * (r / 3) + r % 3;
    rows_after = r;
  endfunction
  // Levels of 3:2 compression that bring n rows down to two.
  function automatic int tree_levels(int n);
    int r;
    int l;
    r = n;
    l = 0;
    while (r > 2) begin
      r = 2 * (r / 3) + r % 3;
      l = l + 1;
    end
    tree_levels = l;
  endfunction

  localparam int Digits = (W_BITS + 1) / 2;  // radix-4 Booth digits of w
  localparam int CountBits = $clog2(Digits + 1);  // width of nonzero_digits
  localparam int Rows = Digits + 3;  // tree inputs: partial products, correction, sum, carry
  localparam int Levels = tree_levels(Rows);  // 3:2 levels down to two rows
  // Tree width: ACC_BITS (mod 2^ACC_BITS, wrap), or one guard bit more for the exact sum.
  localparam int TW = ACC_BITS + (SATURATE != 0 ? 1 : 0);

  // w sign-extended to 2 * Digits bits, with x_{-1} = 0 below: digit i reads bits 2i .. 2i + 2.
  logic [2*Digits:0] w_bits;
  // a sign-extended to the tree's width, and twice that.
  logic [TW-1:0] a_ext;
  logic [TW-1:0] a_ext2;
  // Booth select lines per digit: |d_i| = 1, |d_i| = 2, d_i < 0.
  logic [Digits-1:0] sel_one;
  logic [Digits-1:0] sel_two;
  logic [Digits-1:0] sel_neg;
  logic [Digits-1:0] sel_nonzero;  // d_i != 0: digit i generates a partial product
  // The tree's input rows, row r at bits [r * TW +: TW]: partial products 0..D-1, the
  // correction row D, then the accumulator's sum and carry vectors (or zeros on in_clear),
  // sign-extended to TW.
  logic [Rows*TW-1:0] rows;
  logic [TW-1:0] correction;
  // The tree's two output rows.
  logic [TW-1:0] tree_sum;
  logic [TW-1:0] tree_carry;
  // The next redundant accumulator and overflow flag.
  logic [ACC_BITS-1:0] next_sum;
  logic [ACC_BITS-1:0] next_carry;
  logic next_overflow;
  logic [CountBits-1:0] digit_count;

  assign w_bits = {{(2 * Digits - W_BITS) {w[W_BITS-1]}}, w, 1'b0};
  assign a_ext  = {{(TW - A_BITS) {a[A_BITS-1]}}, a};
  assign a_ext2 = {a_ext[TW-2:0], 1'b0};

  // Booth encoders and partial-product selectors (one row per digit).
  for (genvar i = 0; i < Digits; i++) begin : g_digit
    logic [2:0] t;  // x_{2i+1} x_{2i} x_{2i-1}
    logic [TW-1:0] magnitude;  // |d_i| * a
    logic [TW-1:0] signed_row;  // magnitude, or its one's complement for a negative digit
    assign t = w_bits[2*i+:3];
    assign sel_one[i] = t[1] ^ t[0];
    assign sel_two[i] = (t[2] & ~t[1] & ~t[0]) | (~t[2] & t[1] & t[0]);
    assign sel_neg[i] = t[2] & ~(t[1] & t[0]);  // 111 is +0, not -0
    assign sel_nonzero[i] = sel_one[i] | sel_two[i];
    assign magnitude = ({TW{sel_one[i]}} & a_ext) | ({TW{sel_two[i]}} & a_ext2);
    assign signed_row = magnitude ^ {TW{sel_neg[i]}};
    assign rows[i*TW+:TW] = signed_row << (2 * i);
  end
  // The +1 at weight 4^i that completes -|d_i| * a for every negative digit.
  always_comb begin
    correction = '0;
    for (int i = 0; i < Digits; i++) correction[2*i] = sel_neg[i];
  end
  assign rows[Digits*TW+:TW] = correction;
  assign rows[(Digits+1)*TW+:TW] = in_clear ? '0 : TW'($signed(acc_sum));
  assign rows[(Digits+2)*TW+:TW] = in_clear ? '0 : TW'($signed(acc_carry));

  // The carry-save tree: level l reduces rows_after(Rows, l) rows with full groups of three
  // going through 3:2 compressors (sum = x ^ y ^ z, carry = majority shifted up by one, its
  // top bit dropped: modulo 2^TW) and the rest passing to the next level.
  for (genvar l = 0; l < Levels; l++) begin : g_level
    localparam int N = rows_after(Rows, l);  // rows into this level
    localparam int Groups = N / 3;  // 3:2 compressors in this level
    localparam int Next = rows_after(Rows, l + 1);  // rows out of this level
    logic [N*TW-1:0] in_rows;
    logic [Next*TW-1:0] out_rows;
    if (l == 0) begin : g_first
      assign in_rows = rows;
    end else begin : g_next
      assign in_rows = g_level[l-1].out_rows;
    end
    for (genvar g = 0; g < Groups; g++) begin : g_csa
      logic [TW-1:0] x, y, z;  // the three rows in
      logic [TW-1:0] majority;  // per-bit carry out of each full adder
      assign x = in_rows[(3*g)*TW+:TW];
      assign y = in_rows[(3*g+1)*TW+:TW];
      assign z = in_rows[(3*g+2)*TW+:TW];
      assign majority = (x & y) | (z & (x | y));
      assign out_rows[(2*g)*TW+:TW] = x ^ y ^ z;
      assign out_rows[(2*g+1)*TW+:TW] = majority << 1;  // carries weigh twice
    end
    for (genvar p = 0; p < N % 3; p++) begin : g_pass
      assign out_rows[(2*Groups+p)*TW+:TW] = in_rows[(3*Groups+p)*TW+:TW];
    end
  end
  assign tree_sum   = g_level[Levels-1].out_rows[0+:TW];
  assign tree_carry = g_level[Levels-1].out_rows[TW+:TW];

  if (SATURATE != 0) begin : g_saturate
    // The exact sum acc + a * w (TW = ACC_BITS + 1 bits), resolved in the loop and clamped.
    logic [TW-1:0] exact;
    assign exact = tree_sum + tree_carry;
    assign next_overflow = exact[TW-1] != exact[TW-2];  // the sum left ACC_BITS
    always_comb begin
      if (!next_overflow) next_sum = exact[ACC_BITS-1:0];
      else if (exact[TW-1]) next_sum = {1'b1, {(ACC_BITS - 1) {1'b0}}};  // the minimum
      else next_sum = {1'b0, {(ACC_BITS - 1) {1'b1}}};  // the maximum
    end
    assign next_carry = '0;
  end else begin : g_wrap
    assign next_sum = tree_sum;
    assign next_carry = tree_carry;
    assign next_overflow = 1'b0;
  end

  // Activity: non-zero digits = partial products generated.
  always_comb begin
    digit_count = '0;
    for (int i = 0; i < Digits; i++) digit_count = digit_count + CountBits'(sel_nonzero[i]);
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      acc_sum <= '0;
      acc_carry <= '0;
      nonzero_digits <= '0;
      overflow <= 1'b0;
    end else begin
      nonzero_digits <= in_valid ? digit_count : '0;
      overflow <= in_valid && next_overflow;
      if (in_valid) begin
        acc_sum   <= next_sum;
        acc_carry <= next_carry;
      end
    end
  end

  // The read port: the one carry-propagate add.
  assign acc = acc_sum + acc_carry;
endmodule
