// SPDX-License-Identifier: Apache-2.0
// SystolicRtl and AdderTreeRtl for one verilated parameter set of rtl/arrays/ (a model class made
// by verilate(... TRACE)): copies the packed port values into the model's fields and back, and
// writes VCDs through VerilatedVcdC.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>

#include "sim/core/errors.h"
#include "sim/cosim/array_rtl.h"
#include "sim/cosim/verilated_pe.h"
#include "verilated_vcd_c.h"

namespace tpesim::cosim {

namespace detail {
// A Verilator port field (CData / SData / IData / QData, or VlWide) from packed bits.
template <class Field>
void store(Field& field, const PackedBits& bits) {
  if constexpr (std::is_integral_v<Field>) {
    std::uint64_t v = bits.word_count() > 0 ? bits.words()[0] : 0;
    if (bits.word_count() > 1) v |= static_cast<std::uint64_t>(bits.words()[1]) << 32;
    field = static_cast<Field>(v);
  } else {
    std::copy_n(bits.words(), bits.word_count(), field.data());
  }
}
template <class Field>
void load(const Field& field, PackedBits& bits) {
  if constexpr (std::is_integral_v<Field>) {
    const auto v = static_cast<std::uint64_t>(field);
    if (bits.word_count() > 0) bits.words()[0] = static_cast<std::uint32_t>(v);
    if (bits.word_count() > 1) bits.words()[1] = static_cast<std::uint32_t>(v >> 32);
  } else {
    std::copy_n(field.data(), bits.word_count(), bits.words());
  }
}

// The model with its clock, reset and VCD writer.
template <class Model, class Interface>
class VerilatedArray : public Interface {
 public:
  VerilatedArray(std::uint64_t seed, bool traced) : m_pe(seed, traced) {}
  ~VerilatedArray() override { close_vcd(); }
  void start_vcd(const std::string& path) override {
    close_vcd();
    m_vcd = std::make_unique<VerilatedVcdC>();
    m_pe.model().trace(m_vcd.get(), 99);
    m_vcd->open(path.c_str());
    if (!m_vcd->isOpen()) {
      m_vcd.reset();
      throw UserError(fmt::format("error: cannot write the VCD file '{}'", path));
    }
    m_pe.observe([vcd = m_vcd.get()](std::uint64_t cycle, HalfCycle half) {
      vcd->dump(2 * cycle + (half == HalfCycle::High ? 1 : 0));
    });
  }
  void stop_vcd() override { close_vcd(); }

 protected:
  Model& model() { return m_pe.model(); }
  void edge() { m_pe.edge(); }

 private:
  void close_vcd() {
    if (!m_vcd) return;
    m_pe.observe({});
    m_vcd->close();
    m_vcd.reset();
  }
  VerilatedPe<Model> m_pe;               // the verilated array, clock and reset
  std::unique_ptr<VerilatedVcdC> m_vcd;  // the open VCD file; null: not tracing
};
}  // namespace detail

template <class Model>
class VerilatedSystolic final : public detail::VerilatedArray<Model, SystolicRtl> {
 public:
  VerilatedSystolic(const SystolicShape& shape, std::uint64_t seed, bool traced)
      : detail::VerilatedArray<Model, SystolicRtl>(seed, traced), m_shape(shape) {}
  const SystolicShape& shape() const override { return m_shape; }
  void step(SystolicPorts& p) override {
    using detail::load;
    using detail::store;
    Model& m = this->model();
    store(m.x_in, p.x_in);
    store(m.x_valid, p.x_valid);
    store(m.x_mark, p.x_mark);
    store(m.psum_in, p.psum_in);
    store(m.psum_in_valid, p.psum_in_valid);
    m.ld_en = p.ld_en;
    store(m.ld_row, p.ld_row);
    store(m.ld_w, p.ld_w);
    store(m.ld_valid, p.ld_valid);
    store(m.w_in, p.w_in);
    store(m.w_valid, p.w_valid);
    this->edge();
    load(m.out, p.out);
    load(m.out_valid, p.out_valid);
  }

 private:
  SystolicShape m_shape;  // the parameters it was verilated with
};

template <class Model>
class VerilatedAdderTree final : public detail::VerilatedArray<Model, AdderTreeRtl> {
 public:
  VerilatedAdderTree(const AdderTreeShape& shape, std::uint64_t seed, bool traced)
      : detail::VerilatedArray<Model, AdderTreeRtl>(seed, traced), m_shape(shape) {}
  const AdderTreeShape& shape() const override { return m_shape; }
  void step(AdderTreePorts& p) override {
    using detail::load;
    using detail::store;
    Model& m = this->model();
    store(m.x_in, p.x_in);
    m.x_valid = p.x_valid;
    m.x_first = p.x_first;
    store(m.x_cols, p.x_cols);
    m.ld_en = p.ld_en;
    store(m.ld_lane, p.ld_lane);
    store(m.ld_w, p.ld_w);
    store(m.psum_in, p.psum_in);
    load(m.acc_rd, p.acc_rd);  // registered state of the last edge: valid before this one
    this->edge();
    load(m.out, p.out);
    load(m.out_valid, p.out_valid);
  }

 private:
  AdderTreeShape m_shape;  // the parameters it was verilated with
};

}  // namespace tpesim::cosim
