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
  localparam int SumBits = ACC_BITS + 1;  // acc + product never needs more (product fits in ACC_BITS)

  logic signed [A_BITS+W_BITS-1:0] product;
  logic signed [ SumBits-1:0] base;
  logic signed [ SumBits-1:0] exact;
  logic                        fits;
  logic signed [ACC_BITS-1:0] next_acc;

  always_comb begin
    product = a * w;
    base = in_clear ? '0 : SumBits'(acc);
    exact = base + SumBits'(product);
    // The sum fits when its top two bits agree (no carry into the extra bit).
    fits = exact[SumBits-1] == exact[SumBits-2];
    if (fits || SATURATE == 0) begin
      next_acc = exact[ACC_BITS-1:0];
    end else begin
      next_acc = exact[SumBits-1] ? {1'b1, {(ACC_BITS - 1) {1'b0}}} : {1'b0, {(ACC_BITS - 1) {1'b1}}};
    end
  end

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
