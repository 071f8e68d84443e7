// SPDX-License-Identifier: Apache-2.0
// adder_tree_array: the multiplier-adder-tree array of int_mac PEs, the register level of
// arch/adder_tree_cycle.h cycle for cycle: COLUMNS dot-product units, each with K_LANES
// multipliers, a binary adder tree of LEVELS = ceil(log2 K_LANES) levels with STAGES_PER_LEVEL
// register stages per level (0: combinational), and an accumulator that adds the tree's sum to the
// output's partial sum (pe_int_mac.sv's accumulation, wrapping). The controller, the ofmap buffer
// and the weight buffer are outside (docs/TIMING.md, "adder_tree").
//
// Ports (flat vectors; lane l at [l*WIDTH +: WIDTH], unit c at [c*WIDTH +: WIDTH]):
//   clk, rst        rising edge; synchronous active-high reset clears every valid bit
//   x_in, x_valid,  the activation port: one row of A's K tile (K_LANES activations) entering
//   x_first, x_cols unit 0 (FORWARD = 1; unit c sees it c cycles later) or every unit
//                   (FORWARD = 0) this cycle; x_first marks the fold's first row (it swaps the
//                   shadow weights in at each unit it reaches); x_cols[c] = unit c computes this
//                   row (c < the fold's used columns)
//   ld_en, ld_lane, the weight write port: lane ld_lane of every unit's shadow register file is
//   ld_w            written at this edge (W_BITS per unit; zeros for unused lanes and units)
//   acc_rd          combinational from registers: unit c's accumulator takes a tree sum at this
//                   edge, so the ofmap buffer must present its partial sum on psum_in
//   psum_in         the partial sum of the output unit c accumulates this cycle (zero in a
//                   fold's first K fold); ignored where acc_rd is 0
//   out, out_valid  registered: the output unit c latched at the last edge (it goes to the
//                   ofmap buffer at that edge)
//
// Timing: a row unit c takes at cycle a latches its products at the edge of a, passes
// LEVELS x STAGES_PER_LEVEL tree registers and is accumulated at the next edge: out_valid[c] is 1
// after the edge of a + LEVELS * STAGES_PER_LEVEL + 1 (AdderTreeTiming::output_end, II = 1).
//
// NOTE(model): the tree adds the products in tree order, wrapping in ACC_BITS; the C++ model
// accumulates the lanes one by one in k order. With a wrapping accumulator both give the same
// value (addition mod 2^ACC_BITS is associative); a saturating accumulator would not, so this
// array wraps only.
`include "pe_int_mac.sv"

module adder_tree_array #(
    parameter int COLUMNS          = 4,
    parameter int K_LANES          = 8,
    parameter int STAGES_PER_LEVEL = 1,
    parameter int FORWARD          = 0,
    parameter int A_BITS           = 8,
    parameter int W_BITS           = 8,
    parameter int ACC_BITS         = 32,
    parameter int LANE_BITS        = K_LANES > 1 ? $clog2(K_LANES) : 1
) (
    input  logic                        clk,
    input  logic                        rst,
    input  logic [K_LANES*A_BITS-1:0]   x_in,
    input  logic                        x_valid,
    input  logic                        x_first,
    input  logic [        COLUMNS-1:0]  x_cols,
    input  logic                        ld_en,
    input  logic [      LANE_BITS-1:0]  ld_lane,
    input  logic [COLUMNS*W_BITS-1:0]   ld_w,
    output logic [        COLUMNS-1:0]  acc_rd,
    input  logic [COLUMNS*ACC_BITS-1:0] psum_in,
    output logic [COLUMNS*ACC_BITS-1:0] out,
    output logic [        COLUMNS-1:0]  out_valid
);
  localparam int Levels = K_LANES > 1 ? $clog2(K_LANES) : 0;
  localparam int Nodes = 1 << Levels;  // lanes padded to a power of two (padding adds zeros)

  // The activation row each unit sees: the port (broadcast), or the previous unit's register.
  logic [COLUMNS*K_LANES*A_BITS-1:0] row_x;
  logic [COLUMNS-1:0] row_valid, row_first;
  logic [COLUMNS*COLUMNS-1:0] row_cols;

  for (genvar c = 0; c < COLUMNS; c = c + 1) begin : g_unit
    logic [K_LANES*A_BITS-1:0] xi;
    logic xi_valid, xi_first;
    logic [COLUMNS-1:0] xi_cols;
    if (FORWARD == 0 || c == 0) begin : g_port
      assign xi = x_in;
      assign xi_valid = x_valid;
      assign xi_first = x_first;
      assign xi_cols = x_cols;
    end else begin : g_forwarded
      assign xi = row_x[(c-1)*K_LANES*A_BITS+:K_LANES*A_BITS];
      assign xi_valid = row_valid[c-1];
      assign xi_first = row_first[c-1];
      assign xi_cols = row_cols[(c-1)*COLUMNS+:COLUMNS];
    end
    // Activation register (forwarding to unit c + 1; unused when broadcasting).
    always_ff @(posedge clk) begin
      row_x[c*K_LANES*A_BITS+:K_LANES*A_BITS] <= xi;
      row_cols[c*COLUMNS+:COLUMNS] <= xi_cols;
      row_first[c] <= xi_first;
      if (rst) row_valid[c] <= 1'b0;
      else row_valid[c] <= xi_valid;
    end

    // Weight register files: the active tile and the next fold's shadow, swapped by the first row.
    logic [K_LANES*W_BITS-1:0] active_q, shadow_q, w_use;
    assign w_use = (xi_valid && xi_first) ? shadow_q : active_q;
    always_ff @(posedge clk) begin
      active_q <= w_use;
      for (int l = 0; l < K_LANES; l++) begin
        if (ld_en && ld_lane == LANE_BITS'(l)) shadow_q[l*W_BITS+:W_BITS] <= ld_w[c*W_BITS+:W_BITS];
      end
    end

    // Multipliers and product registers (level 0 of the tree, padded with zeros).
    logic [Nodes*ACC_BITS-1:0] prod_q;
    logic prod_valid_q;
    always_ff @(posedge clk) begin
      for (int n = 0; n < Nodes; n++) begin
        if (n < K_LANES) begin
          prod_q[n*ACC_BITS+:ACC_BITS] <= ACC_BITS'(
              $signed(xi[n*A_BITS+:A_BITS]) * $signed(w_use[n*W_BITS+:W_BITS]));
        end else begin
          prod_q[n*ACC_BITS+:ACC_BITS] <= '0;
        end
      end
      if (rst) prod_valid_q <= 1'b0;
      else prod_valid_q <= xi_valid && xi_cols[c];
    end

    // Tree levels: level j adds node pairs of level j - 1, then STAGES_PER_LEVEL registers.
    for (genvar j = 0; j <= Levels; j = j + 1) begin : g_level
      logic [(Nodes>>j)*ACC_BITS-1:0] sum;  // this level's nodes after its register stages
      logic sum_valid;
      if (j == 0) begin : g_products
        assign sum = prod_q;
        assign sum_valid = prod_valid_q;
      end else begin : g_adders
        logic [(Nodes>>j)*ACC_BITS-1:0] node;
        for (genvar n = 0; n < (Nodes >> j); n = n + 1) begin : g_node
          assign node[n*ACC_BITS+:ACC_BITS] = g_level[j-1].sum[2*n*ACC_BITS+:ACC_BITS]
              + g_level[j-1].sum[(2*n+1)*ACC_BITS+:ACC_BITS];
        end
        if (STAGES_PER_LEVEL == 0) begin : g_comb
          assign sum = node;
          assign sum_valid = g_level[j-1].sum_valid;
        end else begin : g_staged
          logic [STAGES_PER_LEVEL*(Nodes>>j)*ACC_BITS-1:0] stage_q;
          logic [STAGES_PER_LEVEL-1:0] stage_valid_q;
          always_ff @(posedge clk) begin
            stage_q[0+:(Nodes>>j)*ACC_BITS] <= node;
            for (int s = 1; s < STAGES_PER_LEVEL; s++) begin
              stage_q[s*(Nodes>>j)*ACC_BITS+:(Nodes>>j)*ACC_BITS] <=
                  stage_q[(s-1)*(Nodes>>j)*ACC_BITS+:(Nodes>>j)*ACC_BITS];
            end
            if (rst) begin
              stage_valid_q <= '0;
            end else begin
              stage_valid_q[0] <= g_level[j-1].sum_valid;
              for (int s = 1; s < STAGES_PER_LEVEL; s++) stage_valid_q[s] <= stage_valid_q[s-1];
            end
          end
          assign sum = stage_q[(STAGES_PER_LEVEL-1)*(Nodes>>j)*ACC_BITS+:(Nodes>>j)*ACC_BITS];
          assign sum_valid = stage_valid_q[STAGES_PER_LEVEL-1];
        end
      end
    end

    // Accumulator: the tree's sum plus the partial sum read from the ofmap buffer.
    logic signed [ACC_BITS-1:0] acc_next;
    logic fits_unused;
    int_mac_accumulate #(
        .ADD_BITS(ACC_BITS),
        .ACC_BITS(ACC_BITS),
        .SATURATE(0)
    ) u_accumulate (
        .base(psum_in[c*ACC_BITS+:ACC_BITS]),
        .addend(g_level[Levels].sum),
        .sum(acc_next),
        .fits(fits_unused)
    );
    assign acc_rd[c] = g_level[Levels].sum_valid;
    always_ff @(posedge clk) begin
      out[c*ACC_BITS+:ACC_BITS] <= acc_next;
      if (rst) out_valid[c] <= 1'b0;
      else out_valid[c] <= g_level[Levels].sum_valid;
    end
  end

  // Broadcasting reads no activation register, and the last unit's forwards to nothing.
  logic unused_ok;
  assign unused_ok = ^{1'b0, row_x, row_valid, row_first, row_cols};
endmodule
