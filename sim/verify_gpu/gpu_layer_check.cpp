// SPDX-License-Identifier: Apache-2.0
#include "sim/verify_gpu/gpu_layer_check.h"

#include <cmath>
#include <functional>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "arch/simulate.h"
#include "gpu_ref/golden_operands.h"
#include "gpu_ref/gpu_ref.h"
#include "pe/float_format.h"
#include "pe/pe_config.h"
#include "workloads/operands.h"

namespace tpesim::verify_gpu {

namespace {

gpu_ref::FloatFields fields(const pe::FloatFormat& f) {
  return {f.exp_bits, f.man_bits, f.ieee_special};
}

bool same(const pe::FloatFormat& a, const pe::FloatFormat& b) {
  return a.exp_bits == b.exp_bits && a.man_bits == b.man_bits && a.ieee_special == b.ieee_special;
}

// The cuBLASLt float kernel taking operands of these formats as they are, if any.
std::optional<gpu_ref::CublasFloatKind> cublas_kind_for(const pe::FloatFormat& a,
                                                        const pe::FloatFormat& w) {
  if (same(a, pe::kFp16) && same(w, pe::kFp16)) return gpu_ref::CublasFloatKind::Fp16;
  if (same(a, pe::kBf16) && same(w, pe::kBf16)) return gpu_ref::CublasFloatKind::Bf16;
  if (same(a, pe::kFp8E4M3) && same(w, pe::kFp8E4M3)) return gpu_ref::CublasFloatKind::Fp8E4M3;
  if (same(a, pe::kFp8E5M2) && same(w, pe::kFp8E4M3)) {
    return gpu_ref::CublasFloatKind::Fp8E5M2xE4M3;
  }
  return std::nullopt;
}

template <class T>
T need(std::optional<T> v, const std::string& what, const std::string& error) {
  if (!v) throw std::runtime_error(what + ": " + error);
  return std::move(*v);
}

// Rows [r0, r0 + rows) of A and columns [c0, c0 + cols) of W (with their scales and zero points
// for the group-quantized kinds): the operands of one output tile, full K.
arch::GemmOperands tile_operands(const arch::GemmOperands& op, std::int64_t r0, std::int64_t rows,
                                 std::int64_t c0, std::int64_t cols) {
  arch::GemmOperands t;
  t.m = rows;
  t.n = cols;
  t.k = op.k;
  t.a.assign(op.a.begin() + r0 * op.k, op.a.begin() + (r0 + rows) * op.k);
  t.w.resize(static_cast<std::size_t>(op.k * cols));
  for (std::int64_t p = 0; p < op.k; ++p) {
    for (std::int64_t j = 0; j < cols; ++j) {
      t.w[static_cast<std::size_t>(p * cols + j)] =
          op.w[static_cast<std::size_t>(p * op.n + c0 + j)];
    }
  }
  t.quant.group_size = op.quant.group_size;
  if (!op.quant.w_scales.empty()) {
    const std::int64_t groups = static_cast<std::int64_t>(op.quant.w_scales.size()) / op.n;
    for (std::int64_t g = 0; g < groups; ++g) {
      for (std::int64_t j = 0; j < cols; ++j) {
        const auto at = static_cast<std::size_t>(g * op.n + c0 + j);
        t.quant.w_scales.push_back(op.quant.w_scales[at]);
        t.quant.w_zeros.push_back(op.quant.w_zeros[at]);
      }
    }
  }
  if (!op.quant.a_scales.empty()) {
    t.quant.a_scales.assign(op.quant.a_scales.begin() + r0, op.quant.a_scales.begin() + r0 + rows);
  }
  return t;
}

// The output tiles the simulator computes: all when there are at most `count`, else the first,
// the last (ragged where M or N is not a multiple of the tile) and random others.
std::vector<std::pair<std::int64_t, std::int64_t>> sample_tiles(std::int64_t m, std::int64_t n,
                                                                const SampleSpec& s,
                                                                std::mt19937_64& rng) {
  const std::int64_t tm = (m + s.tile - 1) / s.tile, tn = (n + s.tile - 1) / s.tile;
  std::set<std::pair<std::int64_t, std::int64_t>> picked;
  if (tm * tn <= s.tiles) {
    for (std::int64_t i = 0; i < tm; ++i) {
      for (std::int64_t j = 0; j < tn; ++j) picked.insert({i, j});
    }
  } else {
    picked.insert({0, 0});
    picked.insert({tm - 1, tn - 1});
    while (static_cast<int>(picked.size()) < s.tiles) {
      picked.insert({static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(tm)),
                     static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(tn))});
    }
  }
  return {picked.begin(), picked.end()};
}

// How the approximate kinds' outputs and operands read as numbers, for the error figures.
struct Values {
  std::function<double(std::int64_t)> out;              // twin output pattern -> value
  std::function<double(std::int64_t, std::int64_t)> a;  // A[i, p]
  std::function<double(std::int64_t, std::int64_t)> w;  // W[p, j]
  std::function<double(std::int64_t)> row_scale;        // per-row factor (W4A8 s_a), else 1
};

}  // namespace

LayerCheck check_layer_on_gpu(const arch::ArchSpec& arch, const workloads::Gemm& gemm,
                              std::int64_t layer_index, const SampleSpec& sample) {
  LayerCheck r;
  r.layer = gemm.name;
  r.m = gemm.m;
  r.n = gemm.n;
  r.k = gemm.k;
  const std::uint64_t seed = sample.seed + 1000003ull * static_cast<std::uint64_t>(layer_index);
  const std::int64_t m = gemm.m, n = gemm.n, k = gemm.k;
  arch::GemmOperands op;
  op.m = m;
  op.n = n;
  op.k = k;
  std::vector<std::int64_t> twin;  // M x N: int values or output bit patterns
  Values v;
  std::optional<gpu_ref::CublasFloatKind> blas;  // float industry kernel
  std::vector<std::int32_t> blas_a, blas_w;      // its operand codes
  std::string error;
  const int timed_runs = sample.time ? 5 : 0;
  const pe::PeConfig& pe = arch.array.pe;

  auto int_kind = [&](const char* name, int a_bits, int w_bits, int acc_bits, pe::Overflow ov) {
    op.a = workloads::uniform_signed(m * k, a_bits, seed);
    op.w = workloads::uniform_signed(k * n, w_bits, seed + 1);
    const gpu_ref::IntMacGemm g{acc_bits, ov == pe::Overflow::Saturate, m, n, k};
    const auto res = need(gpu_ref::int_mac_gemm(g, op.a, op.w, &error), "int_mac twin", error);
    r.twin = name;
    r.twin_ms = res.kernel_ms;
    r.twin_tensor_cores = res.used_tensor_cores;
    twin = res.out;
    if (a_bits > 8 || w_bits > 8) {
      r.industry_note = "operands wider than 8 bits: no cuBLASLt int8 kernel";
    } else if (k % 4 != 0) {
      r.industry_note = "cuBLASLt int8 needs K a multiple of 4";
    } else if (res.overflows != 0) {
      r.industry_note = "the twin's accumulator overflowed: cuBLASLt's int32 sum is not comparable";
    } else {
      const std::vector<std::int8_t> a8(op.a.begin(), op.a.end()), w8(op.w.begin(), op.w.end());
      const auto b = need(gpu_ref::cublaslt_int8_gemm(m, n, k, a8, w8, timed_runs, &error),
                          "cuBLASLt int8", error);
      r.industry = "cublaslt_int8";
      r.industry_exact = true;
      r.industry_ms = b.median_ms;
      for (std::size_t i = 0; i < b.out.size(); ++i) {
        if (b.out[i] != twin[i]) {
          if (r.industry_first_mismatch < 0)
            r.industry_first_mismatch = static_cast<std::int64_t>(i);
          ++r.industry_mismatches;
        }
      }
    }
  };
  auto float_values = [&](const pe::FloatFormat& af, const pe::FloatFormat& wf,
                          const pe::FloatFormat& of) {
    v.out = [of](std::int64_t p) { return pe::decode(static_cast<std::uint32_t>(p), of); };
    v.a = [&op, af, k](std::int64_t i, std::int64_t p) {
      return pe::decode(static_cast<std::uint32_t>(op.a[static_cast<std::size_t>(i * k + p)]), af);
    };
    v.w = [&op, wf, n](std::int64_t p, std::int64_t j) {
      return pe::decode(static_cast<std::uint32_t>(op.w[static_cast<std::size_t>(p * n + j)]), wf);
    };
    v.row_scale = [](std::int64_t) { return 1.0; };
    blas = cublas_kind_for(af, wf);
    blas_a = op.a;
    blas_w = op.w;
  };

  const auto* im = std::get_if<pe::IntMacSpec>(&pe);
  const auto* bs = std::get_if<pe::BitsliceSpec>(&pe);
  const auto* fm = std::get_if<pe::FpMacSpec>(&pe);
  const auto* lm = std::get_if<pe::LmulSpec>(&pe);
  if (im) {
    int_kind("int_mac", im->a_bits, im->w_bits, im->acc_bits, im->overflow);
  } else if (bs) {
    int_kind("bitslice (int_mac values)", bs->a_bits, bs->w_bits, bs->acc_bits, bs->overflow);
  } else if (fm) {
    const pe::FpMacSpec* s = fm;
    op.a = gpu_ref::float_operands(fields(s->a_format), m * k, seed, 0);
    op.w = gpu_ref::float_operands(fields(s->w_format), k * n, seed + 1, 0);
    const gpu_ref::FpMacGemm g{
        fields(s->a_format), fields(s->w_format), fields(s->out_format), m, n, k};
    const auto res = need(gpu_ref::fp_mac_gemm(g, op.a, op.w, &error), "fp_mac twin", error);
    r.twin = "fp_mac";
    r.twin_ms = res.kernel_ms;
    twin = res.out;
    float_values(s->a_format, s->w_format, s->out_format);
  } else if (lm) {
    const pe::LmulSpec* s = lm;
    op.a = gpu_ref::float_operands(fields(s->format), m * k, seed, 0);
    op.w = gpu_ref::float_operands(fields(s->format), k * n, seed + 1, 0);
    const gpu_ref::LmulGemm g{fields(s->format), fields(s->acc_format), m, n, k};
    const auto res = need(gpu_ref::lmul_gemm(g, op.a, op.w, &error), "lmul twin", error);
    r.twin = "lmul";
    r.twin_ms = res.kernel_ms;
    twin = res.out;
    float_values(s->format, s->format, s->acc_format);
  } else {
    // mixpe or lut_tc: group-quantized operands, cuBLASLt fp16 on the dequantized weights.
    gpu_ref::QuantGemm g;
    g.m = m;
    g.n = n;
    g.k = k;
    const auto* mx = std::get_if<pe::MixpeSpec>(&pe);
    const auto* lt = std::get_if<pe::LutTcSpec>(&pe);
    if (mx) {
      g.int8_activations = mx->variant == pe::MixpeVariant::W4A8;
      g.w_bits = mx->w_bits;
      g.group_size = mx->group_size;
      g.out_format = fields(mx->out_format);
    } else if (lt) {
      g.int8_activations = lt->activation == pe::LutActivation::Int8;
      g.w_bits = lt->w_bits;
      g.group_size = lt->group_size;
      g.lut_group = lt->lut_group;
      g.table_format = static_cast<int>(lt->table_format);
      g.acc_format = fields(lt->acc_format);
      g.out_format = fields(lt->out_format);
    } else {
      throw std::runtime_error("verify-gpu: no twin kernel for this PE kind");
    }
    const gpu_ref::QuantOperands q = gpu_ref::quant_operands(g, seed, 0);
    op.a = q.a;
    op.w = q.w;
    op.quant.group_size = g.group_size;
    op.quant.w_scales = q.w_scales;
    op.quant.w_zeros = q.w_zeros;
    op.quant.a_scales = q.a_scales;
    const auto res =
        need(mx ? gpu_ref::mixpe_gemm(g, q, &error) : gpu_ref::lut_tc_gemm(g, q, &error),
             mx ? "mixpe twin" : "lut_tc twin", error);
    r.twin = mx ? "mixpe" : "lut_tc";
    r.twin_ms = res.kernel_ms;
    twin = res.out;
    const pe::FloatFormat of{g.out_format.exp_bits, g.out_format.man_bits, true};
    const bool int8 = g.int8_activations;
    const std::int64_t group = g.group_size;
    v.out = [of](std::int64_t p) { return pe::decode(static_cast<std::uint32_t>(p), of); };
    v.a = [&op, int8, k](std::int64_t i, std::int64_t p) {
      const std::int32_t c = op.a[static_cast<std::size_t>(i * k + p)];
      return int8 ? static_cast<double>(c) : pe::decode(static_cast<std::uint32_t>(c), pe::kFp16);
    };
    v.w = [&op, group, n](std::int64_t p, std::int64_t j) {
      const auto at = static_cast<std::size_t>((p / group) * n + j);
      const double s = pe::decode(static_cast<std::uint32_t>(op.quant.w_scales[at]), pe::kFp16);
      return s * (op.w[static_cast<std::size_t>(p * n + j)] - op.quant.w_zeros[at]);
    };
    v.row_scale = [&op, int8](std::int64_t i) {
      return int8 ? pe::decode(
                        static_cast<std::uint32_t>(op.quant.a_scales[static_cast<std::size_t>(i)]),
                        pe::kFp32)
                  : 1.0;
    };
    blas = gpu_ref::CublasFloatKind::Fp16;
    blas_a.resize(op.a.size());
    for (std::int64_t i = 0; i < m; ++i) {
      for (std::int64_t p = 0; p < k; ++p) {
        blas_a[static_cast<std::size_t>(i * k + p)] =
            static_cast<std::int32_t>(pe::encode(v.a(i, p), pe::kFp16));
      }
    }
    blas_w.resize(op.w.size());
    for (std::int64_t p = 0; p < k; ++p) {
      for (std::int64_t j = 0; j < n; ++j) {
        blas_w[static_cast<std::size_t>(p * n + j)] =
            static_cast<std::int32_t>(pe::encode(v.w(p, j), pe::kFp16));
      }
    }
    r.industry_note = "cuBLASLt fp16 on the activations and the fp16-rounded dequantized weights";
  }
  r.approximate = static_cast<bool>(v.out);

  std::optional<gpu_ref::CublasFloatResult> blas_out;
  if (r.approximate) {
    if (!blas) {
      r.industry_note = "no cuBLASLt kernel takes these operand formats";
    } else {
      bool refused = false;
      blas_out = gpu_ref::cublaslt_float_gemm(*blas, m, n, k, blas_a, blas_w, timed_runs, &error,
                                              &refused);
      if (blas_out) {
        r.industry = std::string("cublaslt_") + gpu_ref::cublas_float_kind_name(*blas);
        r.industry_ms = blas_out->median_ms;
      } else if (refused) {
        r.industry_note = std::string("cuBLASLt has no ") + gpu_ref::cublas_float_kind_name(*blas) +
                          " kernel for this shape (" + error + ")";
      } else {
        throw std::runtime_error("cuBLASLt float: " + error);
      }
    }
  }

  // The simulator's functional model on the sampled tiles, and the error figures there.
  std::mt19937_64 rng(seed ^ 0x9E3779B97F4A7C15ull);
  arch::ArchSpec tile_arch = arch;
  tile_arch.run.values = true;
  for (const auto& [ti, tj] : sample_tiles(m, n, sample, rng)) {
    const std::int64_t r0 = ti * sample.tile, c0 = tj * sample.tile;
    const std::int64_t rows = std::min(sample.tile, m - r0), cols = std::min(sample.tile, n - c0);
    const arch::GemmOperands t = tile_operands(op, r0, rows, c0, cols);
    const workloads::Gemm tile_gemm{gemm.name, rows, cols, k, 1};
    const arch::LayerRun run = arch::simulate_layer(tile_arch, tile_gemm, layer_index, &t);
    for (std::int64_t i = 0; i < rows; ++i) {
      for (std::int64_t j = 0; j < cols; ++j) {
        const std::int64_t at = (r0 + i) * n + c0 + j;
        ++r.sampled;
        if (run.outputs[static_cast<std::size_t>(i * cols + j)] !=
            twin[static_cast<std::size_t>(at)]) {
          if (r.sim_first_mismatch < 0 || at < r.sim_first_mismatch) r.sim_first_mismatch = at;
          ++r.sim_mismatches;
        }
        if (!r.approximate) continue;
        double exact = 0, mag = 0;
        for (std::int64_t p = 0; p < k; ++p) {
          const double prod = v.a(r0 + i, p) * v.w(p, c0 + j);
          exact += prod;
          mag += std::fabs(prod);
        }
        const double scale = v.row_scale(r0 + i);
        exact *= scale;
        mag *= std::fabs(scale);
        const double x = v.out(twin[static_cast<std::size_t>(at)]);
        const double b =
            blas_out ? static_cast<double>(blas_out->out[static_cast<std::size_t>(at)]) * scale : 0;
        if (!std::isfinite(x) || !std::isfinite(exact) || !std::isfinite(b) || mag == 0) {
          ++r.non_finite;
          continue;
        }
        r.twin_vs_f64 = std::max(r.twin_vs_f64, std::fabs(x - exact) / mag);
        if (blas_out) {
          r.industry_vs_f64 = std::max(r.industry_vs_f64, std::fabs(b - exact) / mag);
          r.twin_vs_industry = std::max(r.twin_vs_industry, std::fabs(x - b) / mag);
        }
      }
    }
  }
  return r;
}

}  // namespace tpesim::verify_gpu
