// SPDX-License-Identifier: Apache-2.0
// lut_tc_table_int8: the table precompute of the lut_tc PE with int8 activations (pe/lut_tc.h:
// prepare_lut_operands builds the table of integer activations, exact) in Verilog. One table per
// (row, LUT group) of KG int8 activations, shared by every column's lookup PE
// (pe_lut_tc_int8.sv). Only the half with p_0 = 1 is stored: for h < 2^(KG-1), p = 2h + 1,
//   Ts[h] = ((a0 +- a1) +- a2) +- a3   exact integers, + where p_t = 1 (|Ts| <= 128 KG)
// Entries sharing a prefix share its partial sum, so the adders form a tree of 2 + 4 + ... +
// 2^(KG-1) integer adders (2, 6 or 14), as in lut_tc_table.sv.
//
// Ports and timing (one cycle, registered):
//   in_valid   build a table at the next rising edge (otherwise lut holds)
//   a          KG int8 activations, activation t at [8 t +: 8], k ascending (a tail group's
//              missing activations are 0)
//   lut        registered: Ts[h] at [16 h +: 16], a signed 16-bit integer
// Reset (synchronous, active high) clears lut.
module lut_tc_table_int8 #(
    parameter int KG = 4
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic                       in_valid,
    input  logic [           KG*8-1:0] a,
    output logic [(1<<(KG-1))*16-1:0] lut
);
  localparam int Half = 1 << (KG - 1);  // stored entries

  // Partial sums: level t (1 <= t < KG) holds 2^(t-1) values, index bit t-1 = p_t; level 1
  // starts from a0 (p_0 = 1 in the stored half).
  logic signed [15:0] level[KG][Half];
  always_comb begin
    for (int t = 0; t < KG; t++) for (int h = 0; h < Half; h++) level[t][h] = '0;
    level[0][0] = 16'($signed(a[7:0]));
    for (int t = 1; t < KG; t++) begin
      for (int h = 0; h < (1 << (t - 1)); h++) begin
        level[t][h] = level[t-1][h] - 16'($signed(a[8*t+:8]));
        level[t][h+(1<<(t-1))] = level[t-1][h] + 16'($signed(a[8*t+:8]));
      end
    end
  end

  logic [Half*16-1:0] entry;  // the stored half, unregistered
  always_comb for (int h = 0; h < Half; h++) entry[16*h+:16] = level[KG-1][h];

  always_ff @(posedge clk) begin
    if (rst) lut <= '0;
    else if (in_valid) lut <= entry;
  end
endmodule
