// SPDX-License-Identifier: Apache-2.0
#include "pe/activity.h"

#include <fmt/format.h>

#include <bit>

namespace tpesim::pe {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

std::string int_add(int bits) { return fmt::format("int_add_{}", bits); }
std::string fp_add(const FloatFormat& f) { return "fp_add_" + float_format_name(f); }
std::string fp_mul(const FloatFormat& f) { return "fp_mul_" + float_format_name(f); }

// Sum over the elements of `codes` of f(code).
template <class F>
std::int64_t sum_of(const std::vector<std::int32_t>& codes, F f) {
  std::int64_t s = 0;
  for (std::int32_t c : codes) s += f(c);
  return s;
}

void count_bitslice(const BitsliceSpec& s, const GemmShape& g, const std::vector<std::int32_t>& a,
                    const std::vector<std::int32_t>& w, PeActivity& out) {
  const std::int64_t M = g.m, N = g.n, K = g.k, MNK = M * N * K;
  const std::int64_t steps = M * N * ceil_div(K, g.lanes_per_step);  // PE steps
  const int da = radix4_digits(s.a_bits), dw = radix4_digits(s.w_bits);
  const bool data = !a.empty();
  auto booth = [](int bits) {
    return [bits](std::int32_t x) { return booth_radix4(x, bits).nonzero(); };
  };
  auto ent = [](int bits) {
    return [bits](std::int32_t x) { return ent_digits(x, bits).nonzero(); };
  };
  switch (s.variant) {
    case BitsliceVariant::BoothCsa:  // weight Booth-encoded; one 6:2 CSA pass per MAC
      out.add("csa_steps", MNK);
      out.add(int_add(s.acc_bits), M * N);  // carry-propagate add once per output
      if (data) {
        out.add("digits", static_cast<std::int64_t>(w.size()) * dw);
        const std::int64_t nz = sum_of(w, booth(s.w_bits));
        out.add("nonzero_digits", nz);
        out.add("partial_products", M * nz);
      }
      break;
    case BitsliceVariant::SameBwTree:  // activations encoded once; per bit weight one tree sum
      out.add("shifts", steps * da);
      out.add(int_add(s.acc_bits), steps);
      if (data) {
        out.add("digits", static_cast<std::int64_t>(a.size()) * da);
        const std::int64_t nz = sum_of(a, booth(s.a_bits));
        out.add("nonzero_digits", nz);
        out.add("partial_products", N * nz);
      }
      break;
    case BitsliceVariant::SerialDigit:  // EN-T digits, one partial product per cycle
      out.add("shifts", steps * da);
      out.add(int_add(s.acc_bits), steps * da);  // shift-and-add per bit weight
      if (data) {
        out.add("digits", static_cast<std::int64_t>(a.size()) * da);
        const std::int64_t nz = sum_of(a, ent(s.a_bits));
        out.add("nonzero_digits", nz);
        out.add("partial_products", N * nz);
        out.add("csa_steps", N * nz);
      }
      break;
    case BitsliceVariant::Laconic: {  // term pairs: sum over m, n, k of terms_a x terms_w
      if (!data) break;
      out.add("digits",
              static_cast<std::int64_t>(a.size()) * da + static_cast<std::int64_t>(w.size()) * dw);
      std::int64_t pairs = 0, nz = 0;
      for (std::int64_t k = 0; k < K; ++k) {
        std::int64_t ta = 0, tw = 0;
        for (std::int64_t m = 0; m < M; ++m)
          ta += booth_radix4(a[static_cast<std::size_t>(m * K + k)], s.a_bits).nonzero();
        for (std::int64_t n = 0; n < N; ++n)
          tw += booth_radix4(w[static_cast<std::size_t>(k * N + n)], s.w_bits).nonzero();
        pairs += ta * tw;
        nz += ta + tw;
      }
      out.add("nonzero_digits", nz);
      out.add("partial_products", pairs);
      out.add(int_add(s.acc_bits), pairs);
      break;
    }
  }
  out.data_counted = data;
}

void count_mixpe(const MixpeSpec& s, const GemmShape& g, const std::vector<std::int32_t>& w,
                 PeActivity& out) {
  const std::int64_t M = g.m, N = g.n, K = g.k;
  const std::int64_t groups = ceil_div(K, s.group_size);
  const bool w4a8 = s.variant == MixpeVariant::W4A8;
  // Shift-adds inside the PE: one per set weight bit (skip_zero_bits), else w_bits per weight.
  const std::string shift_add = w4a8 ? int_add(8 + s.w_bits) : fp_add(kFp32);
  if (!s.skip_zero_bits) {
    out.add(shift_add, M * N * K * s.w_bits);
  } else if (!w.empty()) {
    out.add(shift_add, M * sum_of(w, [](std::int32_t q) {
                         return std::popcount(static_cast<std::uint32_t>(q));
                       }));
    out.data_counted = true;
  }
  out.add("shifts", out.get(shift_add));
  // S = sum of a per (m, group): K additions per row, shared by all columns.
  out.add("group_sums", M * groups);
  out.add(w4a8 ? int_add(32) : fp_add(kFp32), M * K);
  // Per (m, n, group): D = P - z S, then acc += D * s.
  const std::int64_t per_group = M * N * groups;
  out.add("dequant_ops", per_group);
  if (w4a8) {
    out.add(fmt::format("int_mul_{}x32", s.w_bits), per_group);
    out.add(int_add(32), per_group);
  } else {
    out.add(fp_mul(kFp32), per_group);
    out.add(fp_add(kFp32), per_group);
  }
  out.add(fp_mul(kFp32), per_group);
  out.add(fp_add(kFp32), per_group);
  if (w4a8) out.add(fp_mul(kFp32), M * N);  // the per-token scale
}

void count_lut_tc(const LutTcSpec& s, const GemmShape& g, PeActivity& out) {
  const std::int64_t M = g.m, N = g.n, K = g.k, kg = s.lut_group, B = s.w_bits;
  const std::int64_t lut_groups = ceil_div(K, kg), groups = ceil_div(K, s.group_size);
  const bool int_act = s.activation == LutActivation::Int8;
  const bool int_table = !int_act && s.table_format == LutTableFormat::Int8;
  out.add("table_builds", M * lut_groups);
  const std::int64_t entries = M * lut_groups * (std::int64_t{1} << (kg - 1));
  out.add("table_entry_adds", entries * (kg - 1));
  out.add(int_act ? int_add(16) : fp_add(kFp32), entries * (kg - 1));
  const std::int64_t lookups = M * N * lut_groups * B;
  if (int_table) out.add("table_entry_quantizations", entries);
  out.add("table_lookups", lookups);
  if (int_act) {
    out.add(int_add(32), lookups);
  } else if (int_table) {
    out.add(int_add(16), M * N * lut_groups * (B - 1));
    out.add(fp_mul(kFp32), M * N * lut_groups);
    out.add(fp_add(s.acc_format), M * N * lut_groups);
  } else {
    out.add(fp_add(s.acc_format), lookups);
  }
  out.add("group_sums", M * groups);
  out.add(int_act ? int_add(32) : fp_add(kFp32), M * K);
  out.add("dequant_ops", M * N * groups);
  out.add(fp_mul(kFp32), 2 * M * N * groups);  // z' S and the scale
  out.add(fp_add(kFp32), 2 * M * N * groups);  // acc - z' S and the output sum
}

}  // namespace

PeActivity gemm_activity(const PeConfig& pe, const GemmShape& shape,
                         const std::vector<std::int32_t>& a, const std::vector<std::int32_t>& w) {
  PeActivity out;
  const std::int64_t mnk = shape.m * shape.n * shape.k;
  out.add("macs", mnk);
  std::visit(
      [&](const auto& s) {
        using S = std::decay_t<decltype(s)>;
        if constexpr (std::is_same_v<S, IntMacSpec>) {
          out.add(fmt::format("int_mul_{}x{}", s.a_bits, s.w_bits), mnk);
          out.add(int_add(s.acc_bits), mnk);
        } else if constexpr (std::is_same_v<S, FpMacSpec>) {
          out.add(fmt::format("fp_mul_{}x{}", float_format_name(s.a_format),
                              float_format_name(s.w_format)),
                  mnk);
          out.add(fp_add(kFp32), mnk);
        } else if constexpr (std::is_same_v<S, LmulSpec>) {
          out.add(int_add(s.format.exp_bits + s.format.man_bits), mnk);  // L-Mul's one add
          out.add(fp_add(s.acc_format), mnk);
        } else if constexpr (std::is_same_v<S, MixpeSpec>) {
          count_mixpe(s, shape, w, out);
        } else if constexpr (std::is_same_v<S, LutTcSpec>) {
          count_lut_tc(s, shape, out);
        } else {
          count_bitslice(s, shape, a, w, out);
        }
      },
      pe);
  return out;
}

}  // namespace tpesim::pe
