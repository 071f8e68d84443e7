// SPDX-License-Identifier: Apache-2.0
// pe_lmul: the multiplier of the lmul PE (pe/lmul.h, lmul_multiply) in Verilog. L-Mul replaces
// the float multiply by one integer add of the operands' exponent-and-fraction fields,
// R = X + Y - OFFSET, so a fraction carry moves into the exponent as the integer add gives it.
// The accumulation (fp32 / bf16 / fp16 adds) stays in the C++ model.
//
// Format: sign, E exponent bits (bias 2^(E-1) - 1), M fraction bits. IEEE_SPECIAL = 1: the
// all-ones exponent is infinity / NaN (IEEE, fp8 e5m2, bf16, fp16). IEEE_SPECIAL = 0: the OCP
// fp8 e4m3 convention: no infinity, the all-ones exponent holds normal numbers, only S.1..1.1..1
// is NaN, the largest finite magnitude is S.1..1.1..10.
//
// Ports and timing (one cycle, registered outputs):
//   in_valid   a product is formed at the next rising edge
//   x, y       operand bit patterns, sampled with in_valid
//   out_valid  1 for the cycle after an edge with in_valid
//   p          the product's bit pattern (holds while out_valid is 0)
//   flushed    event: R fell below the smallest normal encoding, p is a signed zero
//   saturated  event: R passed the largest finite encoding, p is the largest finite value
//   nan        event: an operand was NaN or infinite, p is the canonical NaN (IEEE: exponent all
//              ones, top fraction bit set; e4m3: S.1111.111) with sign x_s ^ y_s
// The event flags are 0 after an edge without in_valid. Zero and subnormal operands give a signed
// zero and no event; NaN / infinity take precedence over zero. Reset (synchronous, active high)
// clears all outputs.
module pe_lmul #(
    parameter int E = 8,
    parameter int M = 7,
    parameter int IEEE_SPECIAL = 1
) (
    input  logic         clk,
    input  logic         rst,
    input  logic         in_valid,
    input  logic [E+M:0] x,
    input  logic [E+M:0] y,
    output logic         out_valid,
    output logic [E+M:0] p,
    output logic         flushed,
    output logic         saturated,
    output logic         nan
);
  localparam int MagBits = E + M;  // magnitude bits: exponent and fraction
  localparam int SumBits = MagBits + 2;  // R = X + Y - OFFSET, signed, never overflows
  localparam int L = M <= 3 ? M : (M == 4 ? 3 : 4);  // the correction term is 2^-L
  localparam int Bias = (1 << (E - 1)) - 1;  // exponent bias
  // OFFSET = bias * 2^M - 2^(M - L): e4m3 55, e5m2 59, bf16 0x3F78, fp16 0x3BC0.
  localparam logic [SumBits-1:0] Offset = (SumBits'(Bias) << M) - (SumBits'(1) << (M - L));
  // The smallest normal magnitude, 2^M (exponent field 1, fraction 0).
  localparam logic [SumBits-1:0] MinNormal = SumBits'(1) << M;
  // The smallest magnitude that is not a finite number: infinity (IEEE) or the NaN (e4m3).
  localparam logic [MagBits-1:0] SpecialMag =
      IEEE_SPECIAL != 0 ? MagBits'((1 << E) - 1) << M : '1;
  localparam logic [MagBits-1:0] LargestFinite = SpecialMag - 1'b1;
  // The canonical NaN's magnitude, encode(NaN) of pe/float_format: infinity with the top
  // fraction bit (IEEE; with M = 0 infinity itself, not co-simulated), or all ones (e4m3).
  localparam logic [MagBits-1:0] NanMag =
      IEEE_SPECIAL != 0 ? (M > 0 ? SpecialMag | (MagBits'(1) << (M > 0 ? M - 1 : 0)) : SpecialMag)
                        : '1;

  logic [MagBits-1:0] x_mag, y_mag;  // X, Y: the operands without their signs
  logic               sign;  // the product's sign, x_s ^ y_s
  logic               special;  // an operand is NaN or infinite
  logic               tiny;  // an operand is zero or subnormal (exponent field 0)
  logic [SumBits-1:0] r;  // R = X + Y - OFFSET, two's complement
  logic               r_low;  // R < 2^M (includes R <= 0): below the smallest normal
  logic               r_high;  // R > the largest finite encoding
  logic [  MagBits:0] next_p;
  logic               next_flushed, next_saturated, next_nan;

  always_comb begin
    x_mag = x[MagBits-1:0];
    y_mag = y[MagBits-1:0];
    sign = x[MagBits] ^ y[MagBits];
    special = x_mag >= SpecialMag || y_mag >= SpecialMag;
    tiny = x_mag < MinNormal[MagBits-1:0] || y_mag < MinNormal[MagBits-1:0];
    // The L-Mul add: one integer sum of the two magnitudes and the constant -OFFSET.
    r = {2'b00, x_mag} + {2'b00, y_mag} - Offset;
    r_low = $signed(r) < $signed(MinNormal);
    r_high = $signed(r) > $signed({2'b00, LargestFinite});
    next_flushed = 1'b0;
    next_saturated = 1'b0;
    next_nan = 1'b0;
    if (special) begin
      next_nan = 1'b1;
      next_p = {sign, NanMag};
    end else if (tiny) begin
      next_p = {sign, {MagBits{1'b0}}};
    end else if (r_low) begin
      next_flushed = 1'b1;
      next_p = {sign, {MagBits{1'b0}}};
    end else if (r_high) begin
      next_saturated = 1'b1;
      next_p = {sign, LargestFinite};
    end else begin
      next_p = {sign, r[MagBits-1:0]};
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0;
      p <= '0;
      flushed <= 1'b0;
      saturated <= 1'b0;
      nan <= 1'b0;
    end else begin
      out_valid <= in_valid;
      flushed <= in_valid && next_flushed;
      saturated <= in_valid && next_saturated;
      nan <= in_valid && next_nan;
      if (in_valid) p <= next_p;
    end
  end
endmodule
