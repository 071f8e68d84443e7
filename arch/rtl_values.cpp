// SPDX-License-Identifier: Apache-2.0
#include "arch/rtl_values.h"

namespace tpesim::arch {

namespace {
const RtlValueEngine* g_engine = nullptr;  // installed by the program, before any binding
}  // namespace

void set_rtl_value_engine(const RtlValueEngine* engine) { g_engine = engine; }

const RtlValueEngine* rtl_value_engine() { return g_engine; }

}  // namespace tpesim::arch
