// SPDX-License-Identifier: Apache-2.0
// LUT Tensor Core in the arrays: outputs equal an independent reference written from the spec
// (full 2^Kg tables, no half-table symmetry), timing follows one bit plane per cycle, and the
// paper's M2 x N64 x K4 tile config loads and runs.
#include <gtest/gtest.h>

#include <random>

#include "arch/arch_spec.h"
#include "arch/simulate.h"
#include "pe/quantize.h"

namespace tpesim::arch {
namespace {

float round_to(double v, const pe::FloatFormat& f) {
  return static_cast<float>(pe::decode(pe::encode(v, f), f));
}

// The full table entry T[p] = sum_t (2 p_t - 1) a_t of LUT group j0 (binary32, left to right),
// for the pattern of bit plane i of column n (missing activations of a tail group are zero).
float table_entry(const GemmOperands& op, std::int64_t m, std::int64_t n, std::int64_t j0,
                  std::int64_t kg, int i, unsigned* pattern = nullptr) {
  float t = 0;
  unsigned p = 0;
  for (std::int64_t t_idx = 0; t_idx < kg; ++t_idx) {
    const std::int64_t k = j0 + t_idx;
    const float a = k < op.k ? static_cast<float>(pe::decode(
                                   static_cast<std::uint32_t>(op.a[m * op.k + k]), pe::kFp16))
                             : 0.0f;
    const bool bit = k < op.k && ((op.w[k * op.n + n] >> i) & 1);
    p |= static_cast<unsigned>(bit) << t_idx;
    t = t_idx == 0 ? (bit ? a : -a) : (bit ? t + a : t - a);
  }
  if (pattern) *pattern = p;
  return t;
}

// The int8 (T-MAC) contribution of LUT group j0 to column n: the table scale RNE32(max|T| / 127)
// over all 2^Kg patterns, codes RNE(T / scale) (the binary64 quotient, rounded half to even),
// the integer sum over the bit planes of 2^i code, times the scale once (binary32).
float int8_group(const pe::LutTcSpec& spec, const GemmOperands& op, std::int64_t m, std::int64_t n,
                 std::int64_t j0) {
  const std::int64_t kg = spec.lut_group;
  float max_abs = 0;
  for (unsigned p = 0; p < (1u << kg); ++p) {  // the full table, from the activations alone
    float t = 0;
    for (std::int64_t t_idx = 0; t_idx < kg; ++t_idx) {
      const std::int64_t k = j0 + t_idx;
      const float a = k < op.k ? static_cast<float>(pe::decode(
                                     static_cast<std::uint32_t>(op.a[m * op.k + k]), pe::kFp16))
                               : 0.0f;
      const bool bit = (p >> t_idx) & 1u;
      t = t_idx == 0 ? (bit ? a : -a) : (bit ? t + a : t - a);
    }
    max_abs = std::max(max_abs, std::fabs(t));
  }
  const float scale = max_abs / 127.0f;
  std::int64_t sum = 0;
  for (int i = 0; i < spec.w_bits; ++i) {
    const float t = table_entry(op, m, n, j0, kg, i);
    const double code = scale > 0 ? pe::round_half_even(static_cast<double>(t) / scale) : 0.0;
    sum += static_cast<std::int64_t>(code) * (std::int64_t{1} << i);
  }
  return static_cast<float>(sum) * scale;
}

// For each output: scale groups in order; in each, LUT groups j in order and, for float tables,
// bit planes i in order with the full table entry rounded to table_format (int8 tables: the
// group's integer sum scaled once); then S (k order) and the dequantization step.
std::vector<std::int64_t> reference(const pe::LutTcSpec& spec, const GemmOperands& op) {
  const std::int64_t kg = spec.lut_group, G = op.quant.group_size;
  const std::int32_t bias = (1 << spec.w_bits) - 1;
  auto a_at = [&](std::int64_t m, std::int64_t k) {
    return static_cast<float>(
        pe::decode(static_cast<std::uint32_t>(op.a[m * op.k + k]), pe::kFp16));
  };
  std::vector<std::int64_t> out;
  for (std::int64_t m = 0; m < op.m; ++m) {
    for (std::int64_t n = 0; n < op.n; ++n) {
      float result = 0;
      for (std::int64_t g0 = 0; g0 < op.k; g0 += G) {
        const std::int64_t g1 = std::min(op.k, g0 + G), g = g0 / G;
        float acc = 0, S = 0;
        for (std::int64_t j0 = g0; j0 < g1; j0 += kg) {
          if (spec.table_format == pe::LutTableFormat::Int8) {
            acc = round_to(
                static_cast<double>(acc) + static_cast<double>(int8_group(spec, op, m, n, j0)),
                spec.acc_format);
            continue;
          }
          const pe::FloatFormat table_format =
              spec.table_format == pe::LutTableFormat::Fp16 ? pe::kFp16 : pe::kFp32;
          for (int i = 0; i < spec.w_bits; ++i) {
            const float t = round_to(table_entry(op, m, n, j0, kg, i), table_format);
            acc = round_to(static_cast<double>(acc) + std::ldexp(static_cast<double>(t), i),
                           spec.acc_format);
          }
        }
        for (std::int64_t k = g0; k < g1; ++k) S = S + a_at(m, k);
        const float s = static_cast<float>(
            pe::decode(static_cast<std::uint32_t>(op.quant.w_scales[g * op.n + n]), pe::kFp16));
        const std::int32_t zp = 2 * op.quant.w_zeros[g * op.n + n] - bias;
        result = result + (acc - static_cast<float>(zp) * S) * (s * 0.5f);
      }
      out.push_back(pe::encode(static_cast<double>(result), spec.out_format));
    }
  }
  return out;
}

// 50 random cases: B = 1..4, Kg = 2..4, scale groups of 1..4 LUT groups, K not a multiple of Kg,
// fp16, fp32 or int8 tables, fp16 or fp32 accumulators, every dataflow, both fidelities.
TEST(LutTcArrayTest, ArraysEqualTheSpecReference) {
  std::mt19937_64 rng(41);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 50; ++i) {
    ArchSpec a;
    a.array.rows = static_cast<int>(pick(2, 10));
    a.array.cols = static_cast<int>(pick(2, 10));
    a.array.dataflow = static_cast<Dataflow>(pick(0, 2));
    pe::LutTcSpec spec;
    spec.w_bits = static_cast<int>(pick(1, 4));
    spec.lut_group = static_cast<int>(pick(2, 4));
    spec.group_size = spec.lut_group * static_cast<int>(pick(1, 4));
    spec.table_format = static_cast<pe::LutTableFormat>(pick(0, 2));
    spec.acc_format = pick(0, 1) ? pe::kFp32 : pe::kFp16;
    a.array.pe = spec;
    a.run.values = true;
    const workloads::Gemm g{"g", pick(1, 12), pick(1, 12), pick(1, 50), 1};
    const GemmOperands op = make_operands(a, g, i);
    const auto expected = reference(spec, op);
    for (Fidelity fid : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = fid;
      const LayerRun r = simulate_layer(a, g, i, &op);
      ASSERT_EQ(r.outputs, expected)
          << "case " << i << " B=" << spec.w_bits << " Kg=" << spec.lut_group
          << " G=" << spec.group_size << " " << g.m << "x" << g.n << "x" << g.k << " "
          << enum_name(a.array.dataflow) << " " << enum_name(fid);
      EXPECT_EQ(r.stats.macs, g.m * g.n * g.k);
    }
  }
}

// int8 (T-MAC) tables of fp16 activations: 30 random cases, every dataflow, both fidelities,
// equal to the reference; the same operands with fp32 tables give different outputs (the
// entries are quantized), and the int8 table's operand is narrower.
TEST(LutTcArrayTest, Int8TablesEqualTheSpecReference) {
  std::mt19937_64 rng(47);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  int differ = 0;
  for (int i = 0; i < 30; ++i) {
    ArchSpec a;
    a.array.rows = static_cast<int>(pick(2, 9));
    a.array.cols = static_cast<int>(pick(2, 9));
    a.array.dataflow = static_cast<Dataflow>(pick(0, 2));
    pe::LutTcSpec spec;
    spec.table_format = pe::LutTableFormat::Int8;
    spec.w_bits = static_cast<int>(pick(1, 4));
    spec.lut_group = static_cast<int>(pick(2, 4));
    spec.group_size = spec.lut_group * static_cast<int>(pick(1, 4));
    spec.acc_format = pick(0, 1) ? pe::kFp32 : pe::kFp16;
    a.array.pe = spec;
    a.run.values = true;
    const workloads::Gemm g{"g", pick(1, 10), pick(1, 10), pick(4, 40), 1};
    const GemmOperands op = make_operands(a, g, i);
    const auto expected = reference(spec, op);
    for (Fidelity fid : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = fid;
      ASSERT_EQ(simulate_layer(a, g, i, &op).outputs, expected)
          << "case " << i << " B=" << spec.w_bits << " Kg=" << spec.lut_group << " "
          << enum_name(a.array.dataflow) << " " << enum_name(fid);
    }
    pe::LutTcSpec fp32 = spec;
    fp32.table_format = pe::LutTableFormat::Fp32;
    a.array.pe = fp32;
    differ += simulate_layer(a, g, i, &op).outputs != expected;
    EXPECT_LT(pe::operand_bits(spec).a, pe::operand_bits(fp32).a);
  }
  EXPECT_GT(differ, 20);
}

// int8 activations: the spec's exact integer path, written directly: integer full tables and
// sums, D = acc_g - z' S exactly, out += float(D) (s/2), O = out * s_a.
std::vector<std::int64_t> reference_int8(const pe::LutTcSpec& spec, const GemmOperands& op) {
  const std::int64_t kg = spec.lut_group, G = op.quant.group_size;
  const std::int64_t bias = (1 << spec.w_bits) - 1;
  std::vector<std::int64_t> out;
  for (std::int64_t m = 0; m < op.m; ++m) {
    for (std::int64_t n = 0; n < op.n; ++n) {
      float result = 0;
      for (std::int64_t g0 = 0; g0 < op.k; g0 += G) {
        const std::int64_t g1 = std::min(op.k, g0 + G), g = g0 / G;
        std::int64_t acc = 0, S = 0;
        for (std::int64_t j0 = g0; j0 < g1; j0 += kg) {
          for (int i = 0; i < spec.w_bits; ++i) {
            std::int64_t t = 0;
            for (std::int64_t k = j0; k < j0 + kg && k < op.k; ++k) {
              const std::int64_t a = op.a[m * op.k + k];
              t += ((op.w[k * op.n + n] >> i) & 1) ? a : -a;
            }
            acc += t << i;
          }
        }
        for (std::int64_t k = g0; k < g1; ++k) S += op.a[m * op.k + k];
        const float s = static_cast<float>(
            pe::decode(static_cast<std::uint32_t>(op.quant.w_scales[g * op.n + n]), pe::kFp16));
        const std::int64_t zp = 2 * op.quant.w_zeros[g * op.n + n] - bias;
        result = result + static_cast<float>(acc - zp * S) * (s * 0.5f);
      }
      const float s_a = static_cast<float>(
          pe::decode(static_cast<std::uint32_t>(op.quant.a_scales[m]), pe::kFp32));
      out.push_back(pe::encode(static_cast<double>(result * s_a), spec.out_format));
    }
  }
  return out;
}

// 30 random int8-activation cases, every dataflow, both fidelities: equal to the integer spec.
TEST(LutTcArrayTest, Int8ActivationsEqualTheExactIntegerSpec) {
  std::mt19937_64 rng(43);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  for (int i = 0; i < 30; ++i) {
    ArchSpec a;
    a.array.rows = static_cast<int>(pick(2, 9));
    a.array.cols = static_cast<int>(pick(2, 9));
    a.array.dataflow = static_cast<Dataflow>(pick(0, 2));
    pe::LutTcSpec spec;
    spec.activation = pe::LutActivation::Int8;
    spec.w_bits = static_cast<int>(pick(1, 4));
    spec.lut_group = static_cast<int>(pick(2, 4));
    spec.group_size = spec.lut_group * static_cast<int>(pick(1, 4));
    a.array.pe = spec;
    a.run.values = true;
    const workloads::Gemm g{"g", pick(1, 10), pick(1, 10), pick(1, 40), 1};
    const GemmOperands op = make_operands(a, g, i);
    ASSERT_EQ(op.quant.a_scales.size(), static_cast<std::size_t>(g.m));
    const auto expected = reference_int8(spec, op);
    for (Fidelity fid : {Fidelity::Fast, Fidelity::Cycle}) {
      a.run.fidelity = fid;
      ASSERT_EQ(simulate_layer(a, g, i, &op).outputs, expected) << "case " << i;
    }
  }
}

// With int8 activations the table and accumulator formats do not apply: setting one is an error.
TEST(LutTcArrayTest, Int8RejectsFloatTableSettings) {
  ConfigDoc doc = ConfigDoc::from_string(
      "array:\n  pe: {kind: lut_tc, activation: int8, table_format: fp16}\n", "lut.yaml");
  try {
    bind_arch(doc);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].path, "array.pe.table_format");
    EXPECT_EQ(e.diagnostics()[0].loc.line, 2);
  }
}

// One bit plane per cycle: a B-bit LUT array streams a row group every B cycles, so a fold's
// stream lasts (T - 1) B + 1 cycles (SCALE-Sim-style fixed fold length grows by that), and the
// last row group keeps the PEs busy B - 1 cycles more.
TEST(LutTcArrayTest, BitPlanesSetTheInitiationInterval) {
  ArchSpec a;
  a.array.rows = 8;
  a.array.cols = 8;
  a.run.timing = TimingMode::Scalesim;
  pe::LutTcSpec spec;
  spec.lut_group = 4;
  spec.group_size = 32;
  const workloads::Gemm g{"g", 64, 8, 32, 1};  // 8 LUT groups: one row fold, T = 64
  for (int bits : {1, 2, 4}) {
    spec.w_bits = bits;
    a.array.pe = spec;
    const std::int64_t te = (64 - 1) * bits + 1;
    EXPECT_EQ(simulate_layer(a, g, 0).stats.cycles, 2 * 8 + 8 + te - 2 + (bits - 1) - 1) << bits;
  }
}

// The paper's tile (M2 x N64 x K4, 2-bit weights) as a ready config: loads, runs, and keeps
// fast and cycle fidelity equal.
TEST(LutTcArrayTest, PaperTileConfigRuns) {
  ArchSpec a = load_arch(std::string(TPESIM_SOURCE_DIR) + "/configs/arch/lut_tc_m2n64k4_w2.yaml");
  a.run.values = true;
  const workloads::Gemm g{"g", 16, 128, 256, 1};
  const LayerRun fast = simulate_layer(a, g, 0);
  a.run.fidelity = Fidelity::Cycle;
  const LayerRun cycle = simulate_layer(a, g, 0);
  EXPECT_EQ(fast.outputs, cycle.outputs);
  EXPECT_EQ(fast.stats.cycles, cycle.stats.cycles);
  EXPECT_GT(fast.stats.cycles, 0);
}

}  // namespace
}  // namespace tpesim::arch
