// SPDX-License-Identifier: Apache-2.0
// Two's-complement integer helpers: the single definition of wrap, saturate and range checks
// used by every integer PE, the CPU golden GEMM and (mirrored) the RTL and CUDA kernels.
#pragma once

#include <cstdint>

// Host and device (CUDA) callable, for the definitions shared with gpu_ref/.
#if defined(__CUDACC__)
#define TPESIM_HD __host__ __device__
#else
#define TPESIM_HD
#endif

namespace tpesim::pe {

TPESIM_HD constexpr std::int64_t int_min(int bits) { return -(std::int64_t{1} << (bits - 1)); }
TPESIM_HD constexpr std::int64_t int_max(int bits) { return (std::int64_t{1} << (bits - 1)) - 1; }
TPESIM_HD constexpr std::int64_t uint_max(int bits) { return (std::int64_t{1} << bits) - 1; }

TPESIM_HD constexpr bool fits_signed(std::int64_t v, int bits) {
  return v >= int_min(bits) && v <= int_max(bits);
}

// Keeps the low `bits` bits and sign-extends them (what a `bits`-wide register holds).
// Done in unsigned arithmetic: signed overflow is undefined behaviour.
TPESIM_HD constexpr std::int64_t wrap_signed(std::int64_t v, int bits) {
  const int shift = 64 - bits;
  return static_cast<std::int64_t>(static_cast<std::uint64_t>(v) << shift) >> shift;
}

TPESIM_HD constexpr std::int64_t saturate_signed(std::int64_t v, int bits) {
  return v < int_min(bits) ? int_min(bits) : (v > int_max(bits) ? int_max(bits) : v);
}

}  // namespace tpesim::pe
