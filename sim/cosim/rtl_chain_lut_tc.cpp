// SPDX-License-Identifier: Apache-2.0
// Chain driver of rtl/pe_lut_tc.sv (fp16 activations): one step per LUT group of Kg consecutive
// k, ascending (a tail group has fewer activations: +0 patterns, code 0), each taking W_BITS
// edges; the next step is offered when busy drops and the output read port is read once the
// last step is done. group_end and each LUT group's scale and zero point are those
// pe::prepare_lut_operands gives. The half tables come from rtl/lut_tc_table.sv where a table
// builder of the PE's Kg and table format is verilated (built once per (row, LUT group), one
// edge each, its registered lut port wired to the PE's), else from pe::build_half_table.
#include <algorithm>
#include <array>
#include <type_traits>

#include "Vlut_tc_table_kg4_fp16.h"
#include "Vpe_lut_tc_kg2_b4.h"
#include "Vpe_lut_tc_kg3_b1_acc16.h"
#include "Vpe_lut_tc_kg4_b2.h"
#include "Vpe_lut_tc_kg4_b2_acc16.h"
#include "Vpe_lut_tc_kg4_b3_acc16.h"
#include "sim/cosim/lut_tc_lockstep.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

namespace {

// The half tables of one row, from the verilated table builder Table (one edge per LUT group).
template <class Table>
class RtlTables {
 public:
  using Lut = std::remove_cvref_t<decltype(std::declval<Table&>().lut)>;  // the lut port's type

  // Builds row i's tables: LUT group g from the activations `groups[g]`.
  void build(const std::vector<std::array<std::uint32_t, 4>>& groups, int kg) {
    m_luts.clear();
    for (const std::array<std::uint32_t, 4>& a : groups) {
      Table& t = m_builder.model();
      t.in_valid = 1;
      set_port(t.a, pack_fields(std::vector<std::uint32_t>(a.begin(), a.begin() + kg), 16));
      m_builder.edge();
      m_luts.push_back(t.lut);
    }
  }
  // Drives LUT group g's table into the PE's lut port.
  template <class Model>
  void wire(Model& m, std::size_t g) const {
    m.lut = m_luts[g];
  }
  std::uint64_t cycles() const { return m_builder.cycle(); }

 private:
  VerilatedPe<Table> m_builder{kRtlChainSeed};  // the verilated table builder
  std::vector<Lut> m_luts;                      // row i's tables, by LUT group
};

// The half tables of one row from pe::build_half_table (no verilated builder for the PE's Kg and
// table format).
class CppTables {
 public:
  explicit CppTables(const pe::LutTcSpec& spec) : m_spec(spec) {}
  void build(const std::vector<std::array<std::uint32_t, 4>>& groups, int kg) {
    m_tables.clear();
    for (const std::array<std::uint32_t, 4>& a : groups) {
      m_tables.push_back(pe::build_half_table(m_spec, decode_lut_group(a, kg)));
    }
  }
  template <class Model>
  void wire(Model& m, std::size_t g) const {
    std::vector<std::uint32_t> entries;
    const pe::FloatFormat tf = lut_table_float_format(m_spec);
    for (int h = 0; h < (1 << (m_spec.lut_group - 1)); ++h) {
      entries.push_back(
          pe::encode(static_cast<double>(m_tables[g].entries[static_cast<std::size_t>(h)]), tf));
    }
    set_port(m.lut, pack_fields(entries, tf.bits()));
  }
  std::uint64_t cycles() const { return 0; }

 private:
  pe::LutTcSpec m_spec;                    // Kg and the table format
  std::vector<pe::LutHalfTable> m_tables;  // row i's tables, by LUT group
};

template <class Model, class Tables>
class LutTcChain final : public VerilatedChainPe<Model> {
 public:
  LutTcChain(const pe::LutTcSpec& spec, const arch::GemmOperands& op)
      : m_spec(spec), m_op(op), m_tables(make_tables(spec)) {
    TPESIM_CHECK(spec.activation == pe::LutActivation::Fp16, "pe_lut_tc driven with int8 inputs");
  }
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    const int kg = m_spec.lut_group;
    const std::int64_t groups = (m_op.k + kg - 1) / kg;
    if (i != m_row) build_row(i, groups);
    const std::int64_t g_size = m_op.quant.group_size;
    const std::int32_t* w = m_op.w.data();
    Model& m = this->model();
    for (std::int64_t g = 0; g < groups; ++g) {
      LutTcInputs in;
      in.valid = true;
      in.clear = g == 0;
      in.a = m_row_groups[static_cast<std::size_t>(g)];
      in.count = static_cast<int>(std::min<std::int64_t>(kg, m_op.k - g * kg));
      for (int t = 0; t < in.count; ++t) {
        in.q[static_cast<std::size_t>(t)] =
            static_cast<std::uint32_t>(w[(g * kg + t) * m_op.n + j]);
      }
      const std::int64_t last_k = g * kg + in.count - 1;
      const auto scale_group = static_cast<std::size_t>((g * kg) / g_size * m_op.n + j);
      in.w_scale = static_cast<std::uint32_t>(m_op.quant.w_scales[scale_group]);
      in.z = static_cast<std::uint32_t>(m_op.quant.w_zeros[scale_group]);
      in.group_end = (last_k + 1) % g_size == 0 || last_k + 1 == m_op.k;
      drive_lut_tc(m, m_spec, in);
      m_tables.wire(m, static_cast<std::size_t>(g));
      this->edge();
      m.in_valid = 0;
      while (m.busy) this->edge();
    }
    return static_cast<std::uint32_t>(m.out);
  }
  std::uint64_t cycles() const override {
    return VerilatedChainPe<Model>::cycles() + m_tables.cycles();
  }

 private:
  static Tables make_tables(const pe::LutTcSpec& spec) {
    if constexpr (std::is_same_v<Tables, CppTables>) {
      return CppTables(spec);
    } else {
      return Tables();
    }
  }
  // Row i's LUT groups of activation patterns and their tables.
  void build_row(std::int64_t i, std::int64_t groups) {
    const int kg = m_spec.lut_group;
    m_row_groups.assign(static_cast<std::size_t>(groups), {});
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      m_row_groups[static_cast<std::size_t>(k / kg)][static_cast<std::size_t>(k % kg)] =
          static_cast<std::uint32_t>(m_op.a[static_cast<std::size_t>(i * m_op.k + k)]);
    }
    m_tables.build(m_row_groups, kg);
    m_row = i;
  }

  pe::LutTcSpec m_spec;                                    // the PE's parameters and groups
  const arch::GemmOperands& m_op;                          // the GEMM
  Tables m_tables;                                         // the current row's half tables
  std::int64_t m_row = -1;                                 // the row they belong to (-1: none)
  std::vector<std::array<std::uint32_t, 4>> m_row_groups;  // its activations, by LUT group
};

template <class Model, class Tables>
RtlChainModel lut_tc(const char* name, const char* note) {
  return {name, note, chain_factory<LutTcChain<Model, Tables>, pe::LutTcSpec>()};
}

}  // namespace

std::vector<RtlChainModel> lut_tc_chain_models() {
  constexpr const char* kRtlTables = "half tables from the verilated Vlut_tc_table_kg4_fp16";
  constexpr const char* kCppTables =
      "half tables from pe::build_half_table (no verilated builder of this Kg and table format)";
  return {
      lut_tc<Vpe_lut_tc_kg4_b2, RtlTables<Vlut_tc_table_kg4_fp16>>("Vpe_lut_tc_kg4_b2", kRtlTables),
      lut_tc<Vpe_lut_tc_kg2_b4, CppTables>("Vpe_lut_tc_kg2_b4", kCppTables),
      lut_tc<Vpe_lut_tc_kg3_b1_acc16, CppTables>("Vpe_lut_tc_kg3_b1_acc16", kCppTables),
      lut_tc<Vpe_lut_tc_kg4_b3_acc16, CppTables>("Vpe_lut_tc_kg4_b3_acc16", kCppTables),
      lut_tc<Vpe_lut_tc_kg4_b2_acc16, RtlTables<Vlut_tc_table_kg4_fp16>>("Vpe_lut_tc_kg4_b2_acc16",
                                                                         kRtlTables)};
}

}  // namespace tpesim::cosim
