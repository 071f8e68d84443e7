// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/int_mac_lockstep.h"

#include <memory>

#include "Vpe_int_mac_int8.h"
#include "Vpe_int_mac_sat18.h"
#include "Vpe_int_mac_wrap32.h"

namespace tpesim::cosim {

namespace {

template <class Model>
VerilatedPeModel int_mac_model(const char* name, const pe::IntMacSpec& spec) {
  return {name, spec, [spec](std::uint64_t seed, std::uint64_t cycles) -> PeLockstepFactory {
            return [spec, seed, cycles](bool traced) -> std::unique_ptr<PeLockstep> {
              return std::make_unique<IntMacLockstep<Model>>(spec, seed, cycles, traced,
                                                             IntMacCycleModel(spec));
            };
          }};
}

}  // namespace

std::vector<VerilatedPeModel> int_mac_verilated_pes() {
  return {int_mac_model<Vpe_int_mac_wrap32>("Vpe_int_mac_wrap32",
                                            pe::IntMacSpec{16, 16, 32, pe::Overflow::Wrap}),
          int_mac_model<Vpe_int_mac_sat18>("Vpe_int_mac_sat18",
                                           pe::IntMacSpec{8, 8, 18, pe::Overflow::Saturate}),
          int_mac_model<Vpe_int_mac_int8>("Vpe_int_mac_int8",
                                          pe::IntMacSpec{8, 8, 32, pe::Overflow::Wrap})};
}

}  // namespace tpesim::cosim
