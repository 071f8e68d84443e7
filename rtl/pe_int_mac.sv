// SPDX-License-Identifier: Apache-2.0
// pe_int_mac: the int_mac PE (pe/int_mac.h) in Verilog. acc <- acc + a * w with an exact signed
// product and an ACC_BITS accumulator that wraps (SATURATE = 0) or clamps (SATURATE = 1).
//
// Ports and timing (one cycle, registered outputs, as the C++ model's cycle contract):
//   in_valid   a MAC happens at the next rising edge
//   in_clear   the MAC starts a new chain: acc <- a * w instead of acc + a * w
//   a, w       signed operands, sampled with in_valid
//   acc        the accumulator after the last edge
//   overflow   1 for the cycle after an edge whose exact sum left ACC_BITS (counted by the model)
// Reset (synchronous, active high) clears acc and overflow.
//
// The accumulation (IntMacArithT::accumulate) is the module int_mac_accumulate below, shared with
// the arrays of rtl/arrays/, which include this file: one Verilog definition of int_mac's values.
`ifndef TPESIM_PE_INT_MAC_SV
`define TPESIM_PE_INT_MAC_SV

/* verilator lint_off DECLFILENAME */
// int_mac_accumulate: sum = base + addend in ACC_BITS, wrapped or clamped; fits = the exact sum
// is representable (no overflow). Combinational. ADD_BITS <= ACC_BITS (a product fits the
// accumulator), so ACC_BITS + 1 bits hold the exact sum.
module int_mac_accumulate #(
    parameter int ADD_BITS = 16,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0
) (
    input  logic signed [ACC_BITS-1:0] base,
    input  logic signed [ADD_BITS-1:0] addend,
    output logic signed [ACC_BITS-1:0] sum,
    output logic                       fits
);
  localparam int SumBits = ACC_BITS + 1;

  logic signed [SumBits-1:0] exact;

  always_comb begin
    exact = SumBits'(base) + SumBits'(addend);
    // The sum fits when its top two bits agree (no carry into the extra bit).
    fits = exact[SumBits-1] == exact[SumBits-2];
    if (fits || SATURATE == 0) begin
      sum = exact[ACC_BITS-1:0];
    end else begin
      sum = exact[SumBits-1] ? {1'b1, {(ACC_BITS - 1) {1'b0}}} : {1'b0, {(ACC_BITS - 1) {1'b1}}};
    end
  end
endmodule
/* verilator lint_on DECLFILENAME */

module pe_int_mac #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic                       in_valid,
    input  logic                       in_clear,
    input  logic signed [  A_BITS-1:0] a,
    input  logic signed [  W_BITS-1:0] w,
    output logic signed [ACC_BITS-1:0] acc,
    output logic                       overflow
);
  logic signed [A_BITS+W_BITS-1:0] product;
  logic signed [      ACC_BITS-1:0] base;
  logic signed [      ACC_BITS-1:0] next_acc;
  logic                             fits;

  always_comb begin
    product = a * w;
    base = in_clear ? '0 : acc;
  end

  int_mac_accumulate #(
      .ADD_BITS(A_BITS + W_BITS),
      .ACC_BITS(ACC_BITS),
      .SATURATE(SATURATE)
  ) u_accumulate (
      .base(base),
      .addend(product),
      .sum(next_acc),
      .fits(fits)
  );

  always_ff @(posedge clk) begin
    if (rst) begin
      acc <= '0;
      overflow <= 1'b0;
    end else begin
      overflow <= in_valid && !fits;
      if (in_valid) acc <= next_acc;
    end
  end
endmodule

`endif  // TPESIM_PE_INT_MAC_SV
