// SPDX-License-Identifier: Apache-2.0
// Lock-step bench of rtl/pe_lmul.sv (the L-Mul multiplier) against pe::lmul_multiply: after every
// edge the product's bit pattern, out_valid and the event flags (flushed, saturated, nan).
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <type_traits>
#include <utility>
#include <vector>

#include "pe/float_format.h"
#include "pe/lmul.h"
#include "sim/cosim/verilated_catalogue.h"
#include "sim/cosim/verilated_lockstep.h"

namespace tpesim::cosim {

// One cycle's inputs of pe_lmul.
struct LmulInputs {
  bool valid = false;   // in_valid: a product at this edge
  std::uint32_t x = 0;  // operand pattern (format bits)
  std::uint32_t y = 0;  // operand pattern (format bits)
};

// lmul_multiply at the PE's cycle contract: one edge of latency; an edge without in_valid holds
// the product and drops out_valid and the flags (events of one product).
class LmulCycleModel {
 public:
  explicit LmulCycleModel(const pe::FloatFormat& format) : m_format(format) {}
  void edge(const LmulInputs& in) {
    m_valid = in.valid;
    if (in.valid) {
      m_out = pe::lmul_multiply(in.x, in.y, m_format);
    } else {
      m_out = pe::LmulProduct{m_out.pattern, false, false, false};
    }
  }
  bool out_valid() const { return m_valid; }
  const pe::LmulProduct& product() const { return m_out; }

 private:
  pe::FloatFormat m_format;  // operand and product format
  bool m_valid = false;      // out_valid after the last edge
  pe::LmulProduct m_out;     // registered product and flags
};

// The seeded stimulus. Formats of at most 8 bits: every operand pair first (x outer, y inner).
// Then `random_pairs` random pairs, with idle edges (in_valid low) an eighth of the time between
// them. Wider formats then: every pair of edge patterns (signed zeros, the smallest and largest
// subnormals, the smallest normal, one, the largest finite, infinities and NaNs) and pairs aimed
// at R's two limits (the smallest normal and the largest finite encoding, +-3).
class LmulStimulus {
 public:
  LmulStimulus(const pe::FloatFormat& format, std::uint64_t seed, std::uint64_t random_pairs);
  bool done() const;
  LmulInputs next();
  std::uint64_t exhaustive_pairs() const { return m_exhaustive; }

 private:
  void build_tail();  // the edge and R-limit pairs, drawn after the random phase

  pe::FloatFormat m_format;             // operand format
  std::mt19937_64 m_rng;                // the stimulus generator
  std::uint64_t m_exhaustive;           // pairs of the exhaustive phase (0 for wide formats)
  std::uint64_t m_random;               // valid pairs of the random phase
  std::uint64_t m_exhaustive_next = 0;  // next exhaustive pair
  std::uint64_t m_random_done = 0;      // random valid pairs drawn
  std::vector<std::pair<std::uint32_t, std::uint32_t>> m_tail;  // the directed pairs
  bool m_tail_built = false;                                    // m_tail is final
  std::size_t m_tail_next = 0;                                  // next directed pair
};

template <class Model, class Reference = LmulCycleModel>
class LmulLockstep final : public VerilatedLockstep<Model> {
 public:
  LmulLockstep(const pe::FloatFormat& format, std::uint64_t seed, std::uint64_t random_pairs,
               bool traced, Reference reference)
      : VerilatedLockstep<Model>(seed, traced),
        m_format(format),
        m_stimulus(format, seed, random_pairs),
        m_reference(std::move(reference)) {}

  bool done() const override { return m_stimulus.done(); }
  std::vector<Mismatch> step() override {
    m_in = m_stimulus.next();
    Model& m = this->pe().model();
    m.in_valid = m_in.valid;
    m.x = static_cast<std::remove_reference_t<decltype(m.x)>>(m_in.x);
    m.y = static_cast<std::remove_reference_t<decltype(m.y)>>(m_in.y);
    this->pe().edge();
    m_reference.edge(m_in);
    const pe::LmulProduct& want = m_reference.product();
    count(want);
    std::vector<Mismatch> out;
    auto flag = [&](const char* name, bool cpp, bool rtl) {
      if (cpp != rtl) out.push_back({name, fmt::format("{:d}", cpp), fmt::format("{:d}", rtl)});
    };
    flag("out_valid", m_reference.out_valid(), m.out_valid != 0);
    if (static_cast<std::uint32_t>(m.p) != want.pattern) {
      out.push_back({"p", fmt::format("{:#x}", want.pattern),
                     fmt::format("{:#x}", static_cast<std::uint32_t>(m.p))});
    }
    flag("flushed", want.flushed, m.flushed != 0);
    flag("saturated", want.saturated, m.saturated != 0);
    flag("nan", want.nan, m.nan != 0);
    return out;
  }
  std::string inputs() const override {
    return fmt::format("in_valid={:d} x={:#x} y={:#x} ({})", m_in.valid, m_in.x, m_in.y,
                       pe::float_format_name(m_format));
  }
  std::vector<Counter> counters() const override {
    return {{"products", m_products}, {"flushed", m_flushed}, {"saturated", m_saturated},
            {"nan", m_nan},           {"zero_in", m_zero_in}, {"idle", m_idle}};
  }

 private:
  void count(const pe::LmulProduct& want) {
    if (!m_in.valid) {
      ++m_idle;
      return;
    }
    ++m_products;
    m_flushed += want.flushed;
    m_saturated += want.saturated;
    m_nan += want.nan;
    const auto zero_or_sub = [&](std::uint32_t v) {
      return pe::is_zero(v, m_format) || pe::is_subnormal(v, m_format);
    };
    m_zero_in += !want.nan && (zero_or_sub(m_in.x) || zero_or_sub(m_in.y));
  }

  pe::FloatFormat m_format;      // operand format of the verilated parameter set
  LmulStimulus m_stimulus;       // the seeded inputs
  Reference m_reference;         // the C++ side
  LmulInputs m_in;               // the last step's inputs
  std::int64_t m_products = 0;   // edges with in_valid
  std::int64_t m_flushed = 0;    // products flushed to zero (R below the smallest normal)
  std::int64_t m_saturated = 0;  // products clamped to the largest finite value
  std::int64_t m_nan = 0;        // products from a NaN or infinite operand
  std::int64_t m_zero_in = 0;    // products with a zero or subnormal operand and no NaN
  std::int64_t m_idle = 0;       // edges without in_valid
};

// The verilated lmul parameter sets: fp8 e4m3 (OCP), fp8 e5m2, bf16, fp16.
std::vector<VerilatedPeModel> lmul_verilated_pes();

}  // namespace tpesim::cosim
