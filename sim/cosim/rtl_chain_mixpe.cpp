// SPDX-License-Identifier: Apache-2.0
// Chain driver of rtl/pe_mixpe_w4a8.sv: one k per edge, ascending, each weight with its group's
// fp16 scale and zero point and group_end at the group's last k (every G-th k, and k = K - 1,
// as pe::prepare_mixpe_operands marks it); the row's binary32 scale travels with each
// activation; the output read port after the last edge.
#include "Vpe_mixpe_w4a8_g128.h"
#include "Vpe_mixpe_w4a8_g3_fp16.h"
#include "Vpe_mixpe_w4a8_wide.h"
#include "sim/cosim/mixpe_lockstep.h"
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

namespace {

template <class Model>
class MixpeChain final : public VerilatedChainPe<Model> {
 public:
  MixpeChain(const pe::MixpeSpec& spec, const arch::GemmOperands& op) : m_op(op) {
    TPESIM_CHECK(spec.variant == pe::MixpeVariant::W4A8, "pe_mixpe_w4a8 driven as W4A16");
    TPESIM_CHECK(op.quant.group_size == spec.group_size, "operand groups of {} for a PE of G {}",
                 op.quant.group_size, spec.group_size);
  }
  std::int64_t output(std::int64_t i, std::int64_t j) override {
    const std::int64_t g_size = m_op.quant.group_size;
    for (std::int64_t k = 0; k < m_op.k; ++k) {
      const auto at = [](const std::vector<std::int32_t>& v, std::int64_t index) {
        return v[static_cast<std::size_t>(index)];
      };
      const std::int64_t group = k / g_size;
      MixpeInputs in;
      in.valid = true;
      in.clear = k == 0;
      in.a = at(m_op.a, i * m_op.k + k);
      in.a_scale = static_cast<std::uint32_t>(at(m_op.quant.a_scales, i));
      in.q = at(m_op.w, k * m_op.n + j);
      in.z = at(m_op.quant.w_zeros, group * m_op.n + j);
      in.w_scale = static_cast<std::uint32_t>(at(m_op.quant.w_scales, group * m_op.n + j));
      in.group_end = (k + 1) % g_size == 0 || k + 1 == m_op.k;
      drive_mixpe(this->model(), in);
      this->edge();
    }
    return static_cast<std::uint32_t>(this->model().out);
  }

 private:
  const arch::GemmOperands& m_op;  // the GEMM, with its scales and zero points
};

template <class Model>
RtlChainModel mixpe(const char* name) {
  return {name, "", chain_factory<MixpeChain<Model>, pe::MixpeSpec>()};
}

}  // namespace

std::vector<RtlChainModel> mixpe_chain_models() {
  return {mixpe<Vpe_mixpe_w4a8_g128>("Vpe_mixpe_w4a8_g128"),
          mixpe<Vpe_mixpe_w4a8_g3_fp16>("Vpe_mixpe_w4a8_g3_fp16"),
          mixpe<Vpe_mixpe_w4a8_wide>("Vpe_mixpe_w4a8_wide")};
}

}  // namespace tpesim::cosim
