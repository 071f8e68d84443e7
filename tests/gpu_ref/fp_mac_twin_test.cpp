// SPDX-License-Identifier: Apache-2.0
// Model vs GPU (label gpu): the fp_mac twin kernel equals the CPU golden GEMM (pe/fp_mac.h)
// bit for bit, accumulator and output pattern, on fresh random odd shapes with edge values
// (zeros, subnormals, max finite, inf and NaN where the format has them), every operand format
// pair and output format; every output is written. Skips where no CUDA device is visible (CI).
#include <gtest/gtest.h>

#include <bit>
#include <random>
#include <sstream>
#include <string>

#include "gpu_ref/golden_operands.h"
#include "gpu_ref/gpu_ref.h"
#include "pe/fp_mac.h"
#include "workloads/golden_gemm.h"

namespace tpesim {
namespace {

// One trace line from streamable parts (std::string + chains trip GCC 12's -Wrestrict).
template <class... T>
std::string describe(const T&... parts) {
  std::ostringstream s;
  (s << ... << parts);
  return s.str();
}

pe::FloatFormat to_pe(const gpu_ref::FloatFields& f) {
  return {f.exp_bits, f.man_bits, f.ieee_special};
}

// Not a multiple of 16 or 32: tiles are 16 wide, so every block edge is ragged.
std::int64_t odd_extent(std::mt19937_64& rng, std::int64_t hi) {
  std::int64_t v = 1 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi));
  return v % 16 == 0 ? v + 1 : v;
}

TEST(FpMacTwinTest, MatchesCpuGoldenOnRandomShapes) {
  const gpu_ref::DeviceStatus dev = gpu_ref::probe_device();
  if (!dev.available) GTEST_SKIP() << "no usable CUDA device: " << dev.name;
  const gpu_ref::FloatFields operand_formats[] = {gpu_ref::kFieldsFp16, gpu_ref::kFieldsBf16,
                                                  gpu_ref::kFieldsFp8E4M3, gpu_ref::kFieldsFp8E5M2};
  const gpu_ref::FloatFields out_formats[] = {gpu_ref::kFieldsFp32, gpu_ref::kFieldsFp16,
                                              gpu_ref::kFieldsBf16};
  const int edges[] = {0, 4, 30, 200};  // edge operands per 1000
  const std::uint64_t base_seed = std::random_device{}();
  std::mt19937_64 rng(base_seed);
  for (int i = 0; i < 24; ++i) {
    const gpu_ref::FloatFields af = operand_formats[rng() % 4], wf = operand_formats[rng() % 4];
    const gpu_ref::FloatFields of = out_formats[rng() % 3];
    const int edge = edges[rng() % 4];
    const std::int64_t m = odd_extent(rng, 150), n = odd_extent(rng, 150), k = odd_extent(rng, 400);
    const std::uint64_t seed = rng();
    SCOPED_TRACE(describe(gpu_ref::float_fields_name(af), " x ", gpu_ref::float_fields_name(wf),
                          " -> ", gpu_ref::float_fields_name(of), " ", m, "x", n, "x", k, " edge ",
                          edge, " seed ", seed));
    const auto a = gpu_ref::float_operands(af, m * k, seed, edge);
    const auto w = gpu_ref::float_operands(wf, k * n, seed + 1, edge);
    std::string error;
    const auto gpu = gpu_ref::fp_mac_gemm(gpu_ref::FpMacGemm{af, wf, of, m, n, k}, a, w, &error);
    ASSERT_TRUE(gpu.has_value()) << error;

    const pe::FpMacArith arith(pe::FpMacSpec{to_pe(af), to_pe(wf), to_pe(of)});
    std::vector<float> da, dw;
    for (auto c : a) da.push_back(arith.decode_a(static_cast<std::uint32_t>(c)));
    for (auto c : w) dw.push_back(arith.decode_w(static_cast<std::uint32_t>(c)));
    std::uint64_t overflows = 0;
    const auto cpu = workloads::golden_gemm(arith, m, n, k, da, dw, &overflows);
    std::int64_t unwritten = 0, bad_acc = 0, bad_out = 0, first_bad = -1;
    for (std::size_t j = 0; j < cpu.size(); ++j) {
      unwritten +=
          gpu->acc[j] == gpu_ref::kPoisonedOutput || gpu->out[j] == gpu_ref::kPoisonedOutput;
      const bool acc_ok = gpu->acc[j] == std::bit_cast<std::uint32_t>(cpu[j]);
      const bool out_ok = gpu->out[j] == arith.output(cpu[j]);
      bad_acc += !acc_ok;
      bad_out += !out_ok;
      if ((!acc_ok || !out_ok) && first_bad < 0) first_bad = static_cast<std::int64_t>(j);
    }
    EXPECT_EQ(unwritten, 0) << "outputs the kernel never wrote";
    ASSERT_EQ(bad_acc + bad_out, 0)
        << bad_acc << " accumulators and " << bad_out << " outputs differ; first at " << first_bad
        << ": gpu acc " << std::hex << gpu->acc[static_cast<std::size_t>(first_bad)] << " cpu "
        << std::bit_cast<std::uint32_t>(cpu[static_cast<std::size_t>(first_bad)]);
    EXPECT_EQ(gpu->overflows, overflows);
  }
}

// Codes wider than their format are refused before any device work (runs without a GPU).
TEST(FpMacTwinTest, RejectsCodesOutsideTheFormat) {
  std::string error;
  const auto r =
      gpu_ref::fp_mac_gemm(gpu_ref::FpMacGemm{gpu_ref::kFieldsFp8E4M3, gpu_ref::kFieldsFp16,
                                              gpu_ref::kFieldsFp32, 1, 1, 1},
                           {0x100}, {0x3C00}, &error);
  EXPECT_FALSE(r.has_value());
  EXPECT_NE(error.find("A: code 256"), std::string::npos) << error;
}

}  // namespace
}  // namespace tpesim
