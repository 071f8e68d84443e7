// SPDX-License-Identifier: Apache-2.0
// The tool's version, from the top-level CMake project().
#pragma once

namespace tpesim {
inline constexpr const char* kTpesimVersion = TPESIM_VERSION;
}  // namespace tpesim
