// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/rtl_chain.h"

namespace tpesim::cosim {

std::vector<RtlChainModel> rtl_chain_models() {
  std::vector<RtlChainModel> all = int_chain_models();
  for (RtlChainModel& m : float_chain_models()) all.push_back(std::move(m));
  for (RtlChainModel& m : mixpe_chain_models()) all.push_back(std::move(m));
  for (RtlChainModel& m : lut_tc_chain_models()) all.push_back(std::move(m));
  return all;
}

const RtlChainModel& find_rtl_chain(const std::string& model) {
  static const std::vector<RtlChainModel> kModels = rtl_chain_models();
  for (const RtlChainModel& m : kModels) {
    if (m.model == model) return m;
  }
  throw ModelError(__FILE__, __LINE__,
                   fmt::format("the verilated model {} has no chain driver "
                               "(sim/cosim/rtl_chain_*.cpp)",
                               model));
}

}  // namespace tpesim::cosim
