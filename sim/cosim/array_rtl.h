// SPDX-License-Identifier: Apache-2.0
// The verilated arrays of rtl/arrays/ behind model-independent interfaces: their parameters, one
// cycle's values at their ports (packed as the flat Verilog vectors are), and one rising edge.
// sim/cosim/array_verilated.h implements them for each verilated parameter set.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tpesim::cosim {

// A flat Verilog vector: field i of width w at bits [i*w, i*w + w), stored in 32-bit words as
// Verilator stores wide ports.
class PackedBits {
 public:
  explicit PackedBits(int width = 0)
      : m_width(width), m_words(static_cast<std::size_t>((width + 31) / 32), 0) {}
  int width() const { return m_width; }
  void clear() { m_words.assign(m_words.size(), 0); }
  // Sets bits [lsb, lsb + width) to the low `width` bits of `value` (width <= 64).
  void set(int lsb, int width, std::uint64_t value);
  // Bits [lsb, lsb + width), zero-extended / sign-extended.
  std::uint64_t get(int lsb, int width) const;
  std::int64_t get_signed(int lsb, int width) const;
  std::uint32_t* words() { return m_words.data(); }
  const std::uint32_t* words() const { return m_words.data(); }
  std::size_t word_count() const { return m_words.size(); }

 private:
  int m_width = 0;                     // bits
  std::vector<std::uint32_t> m_words;  // little-endian 32-bit words
};

// rtl/arrays/systolic_array.sv's parameters.
struct SystolicShape {
  bool output_stationary = false;  // DATAFLOW = 1 (else 0, weight stationary)
  int rows = 4, cols = 4;          // ROWS, COLS
  int a_bits = 8, w_bits = 8;      // A_BITS, W_BITS
  int acc_bits = 32;               // ACC_BITS
  bool saturate = false;           // SATURATE
  int row_bits() const;            // ROW_BITS, the write port's row index width
};

// One cycle at systolic_array's ports: the inputs driven before the edge, the outputs after it.
struct SystolicPorts {
  explicit SystolicPorts(const SystolicShape& s);
  PackedBits x_in, x_valid, x_mark;   // row edges
  PackedBits psum_in, psum_in_valid;  // WS column tops
  bool ld_en = false;                 // WS write port
  PackedBits ld_row, ld_w, ld_valid;  //   its row, operands, valid bits
  PackedBits w_in, w_valid;           // OS column tops
  PackedBits out, out_valid;          // after the edge
};

// rtl/arrays/adder_tree_array.sv's parameters.
struct AdderTreeShape {
  int columns = 4, k_lanes = 8;  // COLUMNS, K_LANES
  int stages_per_level = 1;      // STAGES_PER_LEVEL
  bool forward = false;          // FORWARD
  int a_bits = 8, w_bits = 8;    // A_BITS, W_BITS
  int acc_bits = 32;             // ACC_BITS
  int lane_bits() const;         // LANE_BITS, the write port's lane index width
};

// One cycle at adder_tree_array's ports. acc_rd is read before the edge (combinational from the
// registers), out and out_valid after it.
struct AdderTreePorts {
  explicit AdderTreePorts(const AdderTreeShape& s);
  PackedBits x_in;  // the activation row
  bool x_valid = false, x_first = false;
  PackedBits x_cols;          // units that compute the row
  bool ld_en = false;         // write port
  PackedBits ld_lane, ld_w;   //   its lane and one weight per unit
  PackedBits psum_in;         // partial sums for the accumulators
  PackedBits acc_rd;          // before the edge
  PackedBits out, out_valid;  // after the edge
};

// A verilated array: reset at construction, one rising edge per step, optional VCD.
class ArrayRtl {
 public:
  virtual ~ArrayRtl() = default;
  // Writes the signals of every later edge to `path` (time 2c: cycle c with the clock low, 2c + 1
  // high); throws UserError when the file cannot be opened. The model must have been made traced.
  virtual void start_vcd(const std::string& path) = 0;
  virtual void stop_vcd() = 0;
};

class SystolicRtl : public ArrayRtl {
 public:
  virtual const SystolicShape& shape() const = 0;
  // Drives `ports`' inputs, takes one rising edge, reads its outputs.
  virtual void step(SystolicPorts& ports) = 0;
};

class AdderTreeRtl : public ArrayRtl {
 public:
  virtual const AdderTreeShape& shape() const = 0;
  // Drives the inputs, reads acc_rd, takes one rising edge, reads out and out_valid.
  virtual void step(AdderTreePorts& ports) = 0;
};

}  // namespace tpesim::cosim
