// SPDX-License-Identifier: Apache-2.0
// systolic_array: a ROWS x COLS systolic array of int_mac PEs (pe_int_mac.sv's accumulation) in
// the weight-stationary (DATAFLOW = 0) or output-stationary (DATAFLOW = 1) dataflow: the register
// level of arch/systolic_cycle.h, cycle for cycle. The controller and the buffers are outside: the
// edge ports below carry what run_stationary_array / run_output_stationary_array apply at the
// array's edges each cycle (docs/TIMING.md, "The datapath, cycle by cycle").
//
// Ports (flat vectors; row r's field at [r*WIDTH +: WIDTH], column c's at [c*WIDTH +: WIDTH]):
//   clk, rst        rising edge; synchronous active-high reset clears every valid, mark and
//                   chain flag (values are don't-care until written)
//   x_in, x_valid,  row edges (A, A_BITS each): the streamed element entering row r this cycle,
//   x_mark          whether it is real data, and its mark: WS, the fold's first element (it swaps
//                   each PE's shadow weight in as it passes); OS, the last element of a chain
//   WS only:
//   psum_in,        column tops: the partial sum entering column c this cycle (zero, or the
//   psum_in_valid   previous K fold's output) and whether it belongs to an output row
//   ld_en, ld_row,  the stationary write port: shadow row ld_row is written at this edge with
//   ld_w, ld_valid  ld_w (W_BITS per column) and its per-column valid bits (0: unused PE)
//   OS only:
//   w_in, w_valid   column tops (W, W_BITS each): the weight entering column c this cycle
//   out, out_valid  registered, one per column: WS, the bottom row's partial-sum register (an
//                   output row leaves column c at the edge that sets out_valid[c]); OS, the column
//                   result bus: PE (r, c) finished its chain at the last edge, its sum is on the bus
//
// Timing: WS, element e of row r at the edge of cycle t reaches PE (r, c) at cycle t + c; the
// partial sum entering column c at cycle t leaves the bottom after the edge of t + ROWS - 1.
// OS, PE (r, c) does the MAC of the operands that entered row r at t - c and column c at t - r,
// and puts its sum on column c's bus after the edge of its chain's last MAC (the skew gives one
// result per column per cycle). The x, w and partial-sum registers move every cycle, valid or
// not, as the C++ model's registers do.
`include "pe_int_mac.sv"

/* verilator lint_off DECLFILENAME */
// One weight-stationary PE: forwards the streamed operand right and the partial sum down;
// p <- psum_above + x * w when x and its active weight are valid, else psum_above.
module systolic_pe_ws #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic signed [  A_BITS-1:0] x_in,
    input  logic                       x_valid_in,
    input  logic                       x_mark_in,
    input  logic signed [ACC_BITS-1:0] p_in,
    input  logic                       p_valid_in,
    input  logic                       sh_we,       // shadow write at this edge
    input  logic signed [  W_BITS-1:0] sh_w,
    input  logic                       sh_valid,
    output logic signed [  A_BITS-1:0] x_q,         // forwarded streamed operand
    output logic                       x_valid_q,
    output logic                       x_mark_q,
    output logic signed [ACC_BITS-1:0] p_q,         // partial sum to the PE below
    output logic                       p_valid_q
);
  logic signed [W_BITS-1:0] act_q;  // active (stationary) weight
  logic                     act_valid_q;
  logic signed [W_BITS-1:0] shadow_q;  // next fold's weight
  logic                     shadow_valid_q;
  logic signed [W_BITS-1:0] w_use;  // the weight this cycle's MAC uses (swapped in by the mark)
  logic                     w_use_valid;
  logic signed [A_BITS+W_BITS-1:0] product;
  logic signed [ACC_BITS-1:0] sum;
  logic                       fits_unused;

  always_comb begin
    w_use = x_mark_in ? shadow_q : act_q;
    w_use_valid = x_mark_in ? shadow_valid_q : act_valid_q;
    product = x_in * w_use;
  end

  int_mac_accumulate #(
      .ADD_BITS(A_BITS + W_BITS),
      .ACC_BITS(ACC_BITS),
      .SATURATE(SATURATE)
  ) u_accumulate (
      .base(p_in),
      .addend(product),
      .sum(sum),
      .fits(fits_unused)
  );

  always_ff @(posedge clk) begin
    x_q <= x_in;
    act_q <= w_use;
    p_q <= (x_valid_in && w_use_valid) ? sum : p_in;
    if (sh_we) shadow_q <= sh_w;
    if (rst) begin
      x_valid_q <= 1'b0;
      x_mark_q <= 1'b0;
      p_valid_q <= 1'b0;
      act_valid_q <= 1'b0;
      shadow_valid_q <= 1'b0;
    end else begin
      x_valid_q <= x_valid_in;
      x_mark_q <= x_mark_in;
      p_valid_q <= p_valid_in;
      act_valid_q <= w_use_valid;
      if (sh_we) shadow_valid_q <= sh_valid;
    end
  end
endmodule

// One output-stationary PE: forwards the activation right and the weight down; acc <- acc + a * w
// (a new chain starts from zero after the last one ended); done for the cycle after the edge of a
// chain's last MAC, with the sum in acc_q.
module systolic_pe_os #(
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0
) (
    input  logic                       clk,
    input  logic                       rst,
    input  logic signed [  A_BITS-1:0] a_in,
    input  logic                       a_valid_in,
    input  logic                       a_last_in,
    input  logic signed [  W_BITS-1:0] w_in,
    input  logic                       w_valid_in,
    output logic signed [  A_BITS-1:0] a_q,
    output logic                       a_valid_q,
    output logic                       a_last_q,
    output logic signed [  W_BITS-1:0] w_q,
    output logic                       w_valid_q,
    output logic signed [ACC_BITS-1:0] acc_q,
    output logic                       done_q
);
  logic                       open_q;  // a chain is in progress (acc_q holds its partial sum)
  logic                       go;
  logic signed [ACC_BITS-1:0] base;
  logic signed [A_BITS+W_BITS-1:0] product;
  logic signed [ACC_BITS-1:0] sum;
  logic                       fits_unused;

  always_comb begin
    go = a_valid_in && w_valid_in;
    base = open_q ? acc_q : '0;
    product = a_in * w_in;
  end

  int_mac_accumulate #(
      .ADD_BITS(A_BITS + W_BITS),
      .ACC_BITS(ACC_BITS),
      .SATURATE(SATURATE)
  ) u_accumulate (
      .base(base),
      .addend(product),
      .sum(sum),
      .fits(fits_unused)
  );

  always_ff @(posedge clk) begin
    a_q <= a_in;
    w_q <= w_in;
    if (go) acc_q <= sum;
    if (rst) begin
      a_valid_q <= 1'b0;
      a_last_q <= 1'b0;
      w_valid_q <= 1'b0;
      open_q <= 1'b0;
      done_q <= 1'b0;
    end else begin
      a_valid_q <= a_valid_in;
      a_last_q <= a_last_in;
      w_valid_q <= w_valid_in;
      if (go) open_q <= !a_last_in;
      done_q <= go && a_last_in;
    end
  end
endmodule
/* verilator lint_on DECLFILENAME */

module systolic_array #(
    parameter int ROWS     = 4,
    parameter int COLS     = 4,
    parameter int DATAFLOW = 0,   // 0: weight stationary, 1: output stationary
    parameter int A_BITS   = 8,
    parameter int W_BITS   = 8,
    parameter int ACC_BITS = 32,
    parameter int SATURATE = 0,
    parameter int ROW_BITS = ROWS > 1 ? $clog2(ROWS) : 1
) (
    input  logic                     clk,
    input  logic                     rst,
    input  logic [ROWS*A_BITS-1:0]   x_in,
    input  logic [      ROWS-1:0]    x_valid,
    input  logic [      ROWS-1:0]    x_mark,
    input  logic [COLS*ACC_BITS-1:0] psum_in,
    input  logic [      COLS-1:0]    psum_in_valid,
    input  logic                     ld_en,
    input  logic [  ROW_BITS-1:0]    ld_row,
    input  logic [COLS*W_BITS-1:0]   ld_w,
    input  logic [      COLS-1:0]    ld_valid,
    input  logic [COLS*W_BITS-1:0]   w_in,
    input  logic [      COLS-1:0]    w_valid,
    output logic [COLS*ACC_BITS-1:0] out,
    output logic [      COLS-1:0]    out_valid
);
  // The registers between PEs, one element per PE: PE (r, c)'s at [r*COLS + c]. Unpacked, so a
  // simulator updates each PE's register alone (a flat vector of all PEs' fields would be
  // rebuilt whole whenever one field changes).
  // The streamed operand leaving the PE to the right (the last column's leave the array unread,
  // so a one-column array reads none).
  /* verilator lint_off UNUSEDSIGNAL */
  logic signed [A_BITS-1:0] x_q[ROWS*COLS];
  logic x_valid_q[ROWS*COLS], x_mark_q[ROWS*COLS];
  /* verilator lint_on UNUSEDSIGNAL */
  logic signed [ACC_BITS-1:0] acc_q[ROWS*COLS];  // WS: partial sums; OS: accumulators
  logic acc_flag_q[ROWS*COLS];  // WS: partial-sum valid; OS: chain done

  for (genvar r = 0; r < ROWS; r = r + 1) begin : g_row
    for (genvar c = 0; c < COLS; c = c + 1) begin : g_col
      localparam int I = r * COLS + c;
      logic signed [A_BITS-1:0] xi;
      logic xi_valid, xi_mark;
      if (c == 0) begin : g_edge
        assign xi = x_in[r*A_BITS+:A_BITS];
        assign xi_valid = x_valid[r];
        assign xi_mark = x_mark[r];
      end else begin : g_inner
        assign xi = x_q[I-1];
        assign xi_valid = x_valid_q[I-1];
        assign xi_mark = x_mark_q[I-1];
      end
      if (DATAFLOW == 0) begin : g_ws
        logic signed [ACC_BITS-1:0] pi;
        logic pi_valid;
        if (r == 0) begin : g_top
          assign pi = psum_in[c*ACC_BITS+:ACC_BITS];
          assign pi_valid = psum_in_valid[c];
        end else begin : g_below
          assign pi = acc_q[I-COLS];
          assign pi_valid = acc_flag_q[I-COLS];
        end
        systolic_pe_ws #(
            .A_BITS  (A_BITS),
            .W_BITS  (W_BITS),
            .ACC_BITS(ACC_BITS),
            .SATURATE(SATURATE)
        ) u_pe (
            .clk(clk),
            .rst(rst),
            .x_in(xi),
            .x_valid_in(xi_valid),
            .x_mark_in(xi_mark),
            .p_in(pi),
            .p_valid_in(pi_valid),
            .sh_we(ld_en && ld_row == ROW_BITS'(r)),
            .sh_w(ld_w[c*W_BITS+:W_BITS]),
            .sh_valid(ld_valid[c]),
            .x_q(x_q[I]),
            .x_valid_q(x_valid_q[I]),
            .x_mark_q(x_mark_q[I]),
            .p_q(acc_q[I]),
            .p_valid_q(acc_flag_q[I])
        );
      end else begin : g_os
        // The weight leaving the PE downwards, read by the PE below (the bottom row's leave the
        // array unread).
        /* verilator lint_off UNUSEDSIGNAL */
        logic signed [W_BITS-1:0] w_q;
        logic w_valid_q;
        /* verilator lint_on UNUSEDSIGNAL */
        logic signed [W_BITS-1:0] wi;
        logic wi_valid;
        if (r == 0) begin : g_top
          assign wi = w_in[c*W_BITS+:W_BITS];
          assign wi_valid = w_valid[c];
        end else begin : g_below
          assign wi = g_row[r-1].g_col[c].g_os.w_q;
          assign wi_valid = g_row[r-1].g_col[c].g_os.w_valid_q;
        end
        systolic_pe_os #(
            .A_BITS  (A_BITS),
            .W_BITS  (W_BITS),
            .ACC_BITS(ACC_BITS),
            .SATURATE(SATURATE)
        ) u_pe (
            .clk(clk),
            .rst(rst),
            .a_in(xi),
            .a_valid_in(xi_valid),
            .a_last_in(xi_mark),
            .w_in(wi),
            .w_valid_in(wi_valid),
            .a_q(x_q[I]),
            .a_valid_q(x_valid_q[I]),
            .a_last_q(x_mark_q[I]),
            .w_q(w_q),
            .w_valid_q(w_valid_q),
            .acc_q(acc_q[I]),
            .done_q(acc_flag_q[I])
        );
      end
    end
  end

  // Outputs, per column. WS: the bottom row's partial-sum register. OS: the column's result bus,
  // driven by the one PE of the column that finished a chain at the last edge (an OR of gated
  // sums).
  for (genvar c = 0; c < COLS; c = c + 1) begin : g_out
    if (DATAFLOW == 0) begin : g_ws
      assign out[c*ACC_BITS+:ACC_BITS] = acc_q[(ROWS-1)*COLS+c];
      assign out_valid[c] = acc_flag_q[(ROWS-1)*COLS+c];
    end else begin : g_os
      logic signed [ACC_BITS-1:0] bus;
      logic bus_valid;
      always_comb begin
        bus = '0;
        bus_valid = 1'b0;
        for (int r = 0; r < ROWS; r++) begin
          if (acc_flag_q[r*COLS+c]) bus |= acc_q[r*COLS+c];
          bus_valid |= acc_flag_q[r*COLS+c];
        end
      end
      assign out[c*ACC_BITS+:ACC_BITS] = bus;
      assign out_valid[c] = bus_valid;
    end
  end

  // Ports a dataflow does not use (WS has no column weights, OS no partial-sum inputs or write
  // port).
  logic unused_ok;
  assign unused_ok = ^{1'b0, psum_in, psum_in_valid, ld_en, ld_row, ld_w, ld_valid, w_in, w_valid};
endmodule
