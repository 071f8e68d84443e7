// SPDX-License-Identifier: Apache-2.0
// Tests for the int_mac PE: exact products, wrap/saturate accumulation, overflow counting,
// the two's-complement helpers and the `pe:` config binding.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "pe/int_mac.h"
#include "pe/numeric.h"
#include "pe/pe_config.h"
#include "sim/core/config_node.h"
#include "sim/core/diag.h"

namespace tpesim::pe {
namespace {

// Reference semantics written independently of numeric.h, with plain int64 modulo arithmetic.
struct Ref {
  int bits;  // register width
  std::int64_t lo() const { return -(std::int64_t{1} << (bits - 1)); }
  std::int64_t hi() const { return (std::int64_t{1} << (bits - 1)) - 1; }
  std::int64_t span() const { return std::int64_t{1} << bits; }
  // The value congruent to v modulo 2^bits that lies in [lo, hi]. Needs |v - lo| < 2^62.
  std::int64_t wrap(std::int64_t v) const { return ((v - lo()) % span() + span()) % span() + lo(); }
  std::int64_t saturate(std::int64_t v) const { return v < lo() ? lo() : (v > hi() ? hi() : v); }
  bool fits(std::int64_t v) const { return lo() <= v && v <= hi(); }
};

IntMacArith make_arith(int acc_bits, Overflow overflow) {
  IntMacSpec spec;
  spec.acc_bits = acc_bits;
  spec.overflow = overflow;
  return IntMacArith(spec);
}

std::vector<std::int32_t> all_signed(int bits) {
  std::vector<std::int32_t> out;
  for (std::int64_t v = -(std::int64_t{1} << (bits - 1)); v < (std::int64_t{1} << (bits - 1));
       ++v) {
    out.push_back(static_cast<std::int32_t>(v));
  }
  return out;
}

// Literal register ranges, so the helpers are checked against numbers, not their own formula.
TEST(IntMacTest, RangeHelpersMatchLiterals) {
  EXPECT_EQ(int_min(4), -8);
  EXPECT_EQ(int_max(4), 7);
  EXPECT_EQ(uint_max(4), 15);
  EXPECT_EQ(int_min(8), -128);
  EXPECT_EQ(int_max(8), 127);
  EXPECT_EQ(uint_max(8), 255);
  EXPECT_EQ(int_min(16), -32768);
  EXPECT_EQ(int_max(16), 32767);
  EXPECT_EQ(int_min(32), std::numeric_limits<std::int32_t>::min());
  EXPECT_EQ(int_max(32), std::numeric_limits<std::int32_t>::max());
  EXPECT_EQ(int_min(62), -(std::int64_t{1} << 61));
}

// fits_signed, wrap_signed and saturate_signed agree with the reference for bits 4 and 8.
TEST(IntMacTest, NumericHelpersExhaustiveForNarrowWidths) {
  for (int bits : {4, 8}) {
    const Ref ref{bits};
    const std::int64_t lo_lit = bits == 4 ? -8 : -128;
    const std::int64_t hi_lit = bits == 4 ? 7 : 127;
    for (std::int64_t v = -5000; v <= 5000; ++v) {
      EXPECT_EQ(fits_signed(v, bits), v >= lo_lit && v <= hi_lit) << bits << " " << v;
      EXPECT_EQ(wrap_signed(v, bits), ref.wrap(v)) << bits << " " << v;
      EXPECT_EQ(saturate_signed(v, bits), std::clamp(v, lo_lit, hi_lit)) << bits << " " << v;
      // Wrapping never changes a value that fits, and always lands in range.
      EXPECT_TRUE(ref.fits(wrap_signed(v, bits)));
      if (ref.fits(v)) {
        EXPECT_EQ(wrap_signed(v, bits), v);
      }
    }
  }
}

// Spot values at the sign edges, written out by hand.
TEST(IntMacTest, WrapAndSaturateSignEdges) {
  EXPECT_EQ(wrap_signed(8, 4), -8);
  EXPECT_EQ(wrap_signed(-9, 4), 7);
  EXPECT_EQ(wrap_signed(15, 4), -1);
  EXPECT_EQ(wrap_signed(16, 4), 0);
  EXPECT_EQ(wrap_signed(128, 8), -128);
  EXPECT_EQ(wrap_signed(-129, 8), 127);
  EXPECT_EQ(wrap_signed(255, 8), -1);
  EXPECT_EQ(wrap_signed(256 + 5, 8), 5);
  EXPECT_EQ(saturate_signed(8, 4), 7);
  EXPECT_EQ(saturate_signed(-9, 4), -8);
  EXPECT_EQ(saturate_signed(1000, 8), 127);
  EXPECT_EQ(saturate_signed(-1000, 8), -128);
  // Extreme 64-bit inputs: only the low bits matter for wrap; no undefined behaviour.
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(wrap_signed(kMax, 8), -1);
  EXPECT_EQ(wrap_signed(kMin, 8), 0);
  EXPECT_EQ(wrap_signed(kMax, 4), -1);
  EXPECT_EQ(saturate_signed(kMax, 8), 127);
  EXPECT_EQ(saturate_signed(kMin, 8), -128);
  EXPECT_FALSE(fits_signed(kMin, 62));
  EXPECT_FALSE(fits_signed(kMax, 62));
  // Compile-time usable.
  static_assert(wrap_signed(7 + 1, 4) == -8);
  static_assert(saturate_signed(-200, 8) == -128);
  static_assert(fits_signed(-128, 8) && !fits_signed(128, 8));
}

// product() is the exact a*w for every int4 x int4 and every int8 x int8 pair.
TEST(IntMacTest, ProductExactForAllInt4AndInt8Pairs) {
  for (int bits : {4, 8}) {
    const auto values = all_signed(bits);
    for (std::int32_t a : values) {
      for (std::int32_t w : values) {
        ASSERT_EQ(IntMacArith::product(a, w), std::int64_t{a} * std::int64_t{w}) << a << "*" << w;
      }
    }
  }
  EXPECT_EQ(IntMacArith::product(-128, -128), 16384);
  EXPECT_EQ(IntMacArith::product(-8, -8), 64);
  EXPECT_EQ(IntMacArith::product(-32768, -32768), std::int64_t{1} << 30);
  EXPECT_EQ(IntMacArith::zero(), 0);
}

// mac() with a 32-bit accumulator never overflows for one int8 product from a small start.
TEST(IntMacTest, MacExactWhenItFits) {
  const auto values = all_signed(8);
  for (Overflow mode : {Overflow::Wrap, Overflow::Saturate}) {
    const IntMacArith arith = make_arith(32, mode);
    for (std::int64_t start : {std::int64_t{0}, std::int64_t{-1}, std::int64_t{1},
                               std::int64_t{123456}, std::int64_t{-999999}}) {
      std::uint64_t overflows = 0;
      for (std::int32_t a : values) {
        for (std::int32_t w : values) {
          ASSERT_EQ(arith.mac(start, a, w, overflows), start + std::int64_t{a} * w);
        }
      }
      EXPECT_EQ(overflows, 0u);
    }
  }
}

// Checks mac() for every operand pair of width `op_bits` from every start in `starts`
// against the reference wrap/saturate of an acc_bits register; counts overflows exactly.
void check_mac_against_reference(int op_bits, int acc_bits,
                                 const std::vector<std::int64_t>& starts) {
  const Ref ref{acc_bits};
  const auto values = all_signed(op_bits);
  for (Overflow mode : {Overflow::Wrap, Overflow::Saturate}) {
    const IntMacArith arith = make_arith(acc_bits, mode);
    std::uint64_t overflows = 0;
    std::uint64_t expected_overflows = 0;
    for (std::int64_t start : starts) {
      for (std::int32_t a : values) {
        for (std::int32_t w : values) {
          const std::int64_t exact = start + std::int64_t{a} * std::int64_t{w};
          const std::int64_t expected =
              mode == Overflow::Wrap ? ref.wrap(exact) : ref.saturate(exact);
          if (!ref.fits(exact)) ++expected_overflows;
          const std::uint64_t before = overflows;
          const std::int64_t got = arith.mac(start, a, w, overflows);
          ASSERT_EQ(got, expected) << "acc_bits " << acc_bits << " mode " << enum_name(mode)
                                   << " start " << start << " a " << a << " w " << w;
          ASSERT_EQ(overflows - before, ref.fits(exact) ? 0u : 1u)
              << "start " << start << " a " << a << " w " << w;
        }
      }
    }
    EXPECT_EQ(overflows, expected_overflows);
    EXPECT_GT(expected_overflows, 0u) << "the sweep must cross the boundary";
  }
}

// 8-bit accumulator, int4 operands, every legal start value: wrap and saturate at +-128.
TEST(IntMacTest, MacAcc8Int4AllStartsWrapAndSaturate) {
  std::vector<std::int64_t> starts;
  for (std::int64_t s = -128; s <= 127; ++s) starts.push_back(s);
  check_mac_against_reference(4, 8, starts);
}

// 16-bit accumulator, int8 operands, starts near both ends and the middle.
TEST(IntMacTest, MacAcc16Int8WrapAndSaturate) {
  check_mac_against_reference(
      8, 16, {-32768, -32767, -32000, -16384, -1, 0, 1, 16383, 16384, 16385, 32000, 32766, 32767});
}

// The boundary itself: reaching int_max/int_min is not an overflow, one past is.
TEST(IntMacTest, OverflowCountedOnlyPastTheBoundary) {
  for (Overflow mode : {Overflow::Wrap, Overflow::Saturate}) {
    const IntMacArith arith = make_arith(8, mode);
    std::uint64_t ov = 0;
    EXPECT_EQ(arith.accumulate(120, 7, ov), 127);
    EXPECT_EQ(arith.accumulate(-120, -8, ov), -128);
    EXPECT_EQ(ov, 0u);
    EXPECT_EQ(arith.accumulate(120, 8, ov), mode == Overflow::Wrap ? -128 : 127);
    EXPECT_EQ(ov, 1u);
    EXPECT_EQ(arith.accumulate(-120, -9, ov), mode == Overflow::Wrap ? 127 : -128);
    EXPECT_EQ(ov, 2u);
    // A big jump that wraps all the way round still counts once and still wraps modulo 256.
    EXPECT_EQ(arith.accumulate(0, 256 + 3, ov), mode == Overflow::Wrap ? 3 : 127);
    EXPECT_EQ(ov, 3u);
  }
}

// A saturated accumulator stays pinned, and each further overflow is counted again.
TEST(IntMacTest, SaturateStaysPinnedAndKeepsCounting) {
  const IntMacArith arith = make_arith(16, Overflow::Saturate);
  std::uint64_t ov = 0;
  IntMacArith::Acc acc = 0;
  for (int i = 0; i < 10; ++i) acc = arith.mac(acc, 127, 127, ov);  // 10 * 16129 > 32767
  EXPECT_EQ(acc, 32767);
  EXPECT_EQ(ov, 8u);  // 16129, 32258 fit; the 8 steps after that clamp
  acc = arith.mac(acc, -128, 127, ov);
  EXPECT_EQ(acc, 32767 - 16256);
  EXPECT_EQ(ov, 8u);
}

// A long wrapping chain equals the exact sum reduced modulo 2^acc_bits (fixed seed).
TEST(IntMacTest, WrapChainEqualsExactSumModulo) {
  const Ref ref{12};
  const IntMacArith arith = make_arith(12, Overflow::Wrap);
  std::uint64_t state = 0x9E3779B97F4A7C15ull;  // fixed seed
  auto next_int8 = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::int32_t>(static_cast<std::int64_t>(state >> 56) - 128);
  };
  std::uint64_t ov = 0;
  IntMacArith::Acc acc = IntMacArith::zero();
  std::int64_t exact = 0;
  for (int i = 0; i < 5000; ++i) {
    const std::int32_t a = next_int8();
    const std::int32_t w = next_int8();
    acc = arith.mac(acc, a, w, ov);
    exact += std::int64_t{a} * w;
    ASSERT_EQ(acc, ref.wrap(exact)) << "step " << i;
  }
  EXPECT_GT(ov, 0u);
}

// The widest accumulator (62 bits) wraps and saturates at +-2^61.
TEST(IntMacTest, WidestAccumulatorBoundary) {
  const std::int64_t max62 = (std::int64_t{1} << 61) - 1;
  const std::int64_t min62 = -(std::int64_t{1} << 61);
  std::uint64_t ov = 0;
  EXPECT_EQ(make_arith(62, Overflow::Wrap).mac(max62, 1, 1, ov), min62);
  EXPECT_EQ(make_arith(62, Overflow::Saturate).mac(max62, 1, 1, ov), max62);
  EXPECT_EQ(make_arith(62, Overflow::Saturate).mac(min62, -1, 1, ov), min62);
  EXPECT_EQ(ov, 3u);
  EXPECT_EQ(make_arith(62, Overflow::Wrap).mac(max62 - 1, 1, 1, ov), max62);
  EXPECT_EQ(ov, 3u);
}

// int32 accumulator storage matches int64 storage (values and overflows) for acc_bits <= 32.
TEST(IntMacTest, Int32StorageMatchesInt64Storage) {
  const auto values = all_signed(8);
  for (int acc_bits : {16, 24, 32}) {
    for (Overflow mode : {Overflow::Wrap, Overflow::Saturate}) {
      IntMacSpec spec;
      spec.acc_bits = acc_bits;
      spec.overflow = mode;
      const IntMacArithT<std::int32_t> narrow(spec);
      const IntMacArithT<std::int64_t> wide(spec);
      const std::int64_t lo = int_min(acc_bits);
      const std::int64_t hi = int_max(acc_bits);
      std::uint64_t ov_narrow = 0;
      std::uint64_t ov_wide = 0;
      for (std::int64_t start :
           {lo, lo + 1, lo + 20000, std::int64_t{-1}, std::int64_t{0}, hi - 20000, hi - 1, hi}) {
        for (std::int32_t a : values) {
          for (std::int32_t w : values) {
            const std::int32_t got = narrow.mac(static_cast<std::int32_t>(start), a, w, ov_narrow);
            ASSERT_EQ(std::int64_t{got}, wide.mac(start, a, w, ov_wide))
                << acc_bits << " " << start << " " << a << " " << w;
          }
        }
      }
      EXPECT_EQ(ov_narrow, ov_wide);
      EXPECT_GT(ov_wide, 0u);
    }
  }
}

// Binds the `pe:` mapping of `text`; errors stay in `diag`.
PeConfig bind_pe_text(const std::string& text, Diag& diag) {
  const ConfigDoc doc = ConfigDoc::from_string(text, "pe.yaml");
  return bind_pe(doc.root().child("pe"), diag);
}

std::vector<Diagnostic> pe_errors(const std::string& text) {
  Diag diag;
  bind_pe_text(text, diag);
  try {
    diag.throw_if_any();
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  return {};
}

// Without `kind` (or without a `pe:` section at all) the PE is int_mac with its defaults.
TEST(IntMacTest, BindPeDefaultsToIntMac) {
  for (const std::string text : {"", "pe: {}\n", "pe:\n  a_bits: 4\n"}) {
    Diag diag;
    const PeConfig pe = bind_pe_text(text, diag);
    EXPECT_TRUE(diag.empty()) << text;
    ASSERT_TRUE(std::holds_alternative<IntMacSpec>(pe)) << text;
    EXPECT_EQ(pe_kind_name(pe), "int_mac");
    const auto& spec = std::get<IntMacSpec>(pe);
    EXPECT_EQ(spec.a_bits, text.find("a_bits") != std::string::npos ? 4 : 8);
    EXPECT_EQ(spec.w_bits, 8);
    EXPECT_EQ(spec.acc_bits, 32);
    EXPECT_EQ(spec.overflow, Overflow::Wrap);
  }
}

// An explicit kind binds the kind's fields; operand_bits reports the storage widths.
TEST(IntMacTest, BindPeExplicitKindAndFields) {
  Diag diag;
  const PeConfig pe = bind_pe_text(
      "pe:\n  kind: int_mac\n  a_bits: 4\n  w_bits: 6\n  acc_bits: 10\n  overflow: saturate\n",
      diag);
  ASSERT_TRUE(diag.empty());
  const auto& spec = std::get<IntMacSpec>(pe);
  EXPECT_EQ(spec.a_bits, 4);
  EXPECT_EQ(spec.w_bits, 6);
  EXPECT_EQ(spec.acc_bits, 10);
  EXPECT_EQ(spec.overflow, Overflow::Saturate);
  const OperandBits bits = operand_bits(pe);
  EXPECT_EQ(bits.a, 4);
  EXPECT_EQ(bits.w, 6);
  EXPECT_EQ(bits.out, 10);
}

// An unknown kind is reported at the kind's value with a suggestion and the known kinds.
TEST(IntMacTest, BindPeUnknownKindSuggestsAndLists) {
  auto errs = pe_errors("pe:\n  kind: int_mak\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 9);
  EXPECT_EQ(errs[0].path, "pe.kind");
  EXPECT_EQ(errs[0].message,
            "unknown PE kind 'int_mak' (did you mean 'int_mac'?); known kinds: bitslice, fp_mac, "
            "int_mac, lmul, lut_tc, mixpe");

  errs = pe_errors("pe:\n  kind: systolic_fp8\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message,
            "unknown PE kind 'systolic_fp8'; known kinds: bitslice, fp_mac, int_mac, lmul, lut_tc, "
            "mixpe");

  errs = pe_errors("pe:\n  kind: [int_mac]\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "expected a string");

  errs = pe_errors("pe: int_mac\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "pe");
  EXPECT_EQ(errs[0].message, "expected a mapping with a `kind`");
}

// The registry lists int_mac, and `kind` is never reported as an unknown key.
TEST(IntMacTest, RegistryListsIntMac) {
  EXPECT_EQ(pe_registry().names(),
            (std::vector<std::string>{"bitslice", "fp_mac", "int_mac", "lmul", "lut_tc", "mixpe"}));
  const PeKindEntry* entry = pe_registry().find("int_mac");
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(pe_registry().find("int_mak"), nullptr);
  const auto rows = entry->describe();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].key, "a_bits");
  EXPECT_EQ(rows[2].key, "acc_bits");
  EXPECT_EQ(rows[2].value, "32");
  EXPECT_EQ(rows[3].type, "wrap | saturate");
}

// Unknown keys in a PE mapping get suggestions from the kind's own fields.
TEST(IntMacTest, BindPeUnknownFieldSuggests) {
  const auto errs = pe_errors("pe:\n  kind: int_mac\n  a_bit: 4\n  overflow: saturat\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].loc.line, 3);
  EXPECT_EQ(errs[0].loc.col, 3);
  EXPECT_EQ(errs[0].path, "pe.a_bit");
  EXPECT_EQ(errs[0].message, "unknown key (did you mean 'a_bits'?)");
  EXPECT_EQ(errs[1].loc.line, 4);
  EXPECT_EQ(errs[1].message, "'saturat' is not one of wrap | saturate (did you mean 'saturate'?)");
}

// acc_bits must hold one product: acc_bits >= a_bits + w_bits, reported at acc_bits.
TEST(IntMacTest, ValidateAccBitsHoldsOneProduct) {
  auto errs = pe_errors("pe:\n  a_bits: 8\n  w_bits: 8\n  acc_bits: 15\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 4);
  EXPECT_EQ(errs[0].loc.col, 13);
  EXPECT_EQ(errs[0].path, "pe.acc_bits");
  EXPECT_EQ(errs[0].message, "must be >= a_bits + w_bits (16) to hold one product");
  // Exactly a_bits + w_bits is enough.
  EXPECT_TRUE(pe_errors("pe:\n  a_bits: 8\n  w_bits: 8\n  acc_bits: 16\n").empty());
  // Narrow operands make a narrow accumulator legal.
  EXPECT_TRUE(pe_errors("pe:\n  a_bits: 2\n  w_bits: 2\n  acc_bits: 4\n").empty());
  // The rule sees the default acc_bits (32) too: it fails only past 16+16.
  EXPECT_TRUE(pe_errors("pe:\n  a_bits: 16\n  w_bits: 16\n").empty());
  errs = pe_errors("pe:\n  a_bits: 16\n  w_bits: 16\n  acc_bits: 31\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be >= a_bits + w_bits (32) to hold one product");
}

// Operand widths are limited to [2, 16] and acc_bits to [4, 62], reported at the value.
TEST(IntMacTest, BindPeFieldRanges) {
  auto errs = pe_errors("pe:\n  a_bits: 1\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].loc.line, 2);
  EXPECT_EQ(errs[0].loc.col, 11);
  EXPECT_EQ(errs[0].path, "pe.a_bits");
  EXPECT_EQ(errs[0].message, "must be in [2, 16], got 1");
  errs = pe_errors("pe:\n  a_bits: 17\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be in [2, 16], got 17");
  errs = pe_errors("pe:\n  w_bits: 0\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].path, "pe.w_bits");
  errs = pe_errors("pe:\n  acc_bits: 63\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0].message, "must be in [4, 62], got 63");
  EXPECT_TRUE(pe_errors("pe:\n  a_bits: 2\n").empty());
  EXPECT_TRUE(pe_errors("pe:\n  a_bits: 16\n").empty());
  EXPECT_TRUE(pe_errors("pe:\n  acc_bits: 62\n").empty());
  // Field errors and unknown keys all come in one pass; the cross-field rule waits for clean
  // fields, so a bad a_bits does not also produce an acc_bits complaint.
  errs = pe_errors("pe:\n  a_bits: 17\n  acc_bits: 8\n  bogus: 1\n");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0].path, "pe.a_bits");
  EXPECT_EQ(errs[1].path, "pe.bogus");
}

// emit_pe writes the kind and every field; binding it back gives the same spec.
TEST(IntMacTest, EmitPeRoundTrips) {
  IntMacSpec spec;
  spec.a_bits = 4;
  spec.w_bits = 3;
  spec.acc_bits = 9;
  spec.overflow = Overflow::Saturate;
  YAML::Node root(YAML::NodeType::Map);
  root["pe"] = emit_pe(PeConfig{spec});
  EXPECT_EQ(root["pe"]["kind"].as<std::string>(), "int_mac");
  EXPECT_EQ(root["pe"]["overflow"].as<std::string>(), "saturate");
  EXPECT_EQ(root["pe"].size(), 5u);
  YAML::Emitter out;
  out << root;
  Diag diag;
  const PeConfig back = bind_pe_text(out.c_str(), diag);
  ASSERT_TRUE(diag.empty()) << out.c_str();
  const auto& b = std::get<IntMacSpec>(back);
  EXPECT_EQ(b.a_bits, 4);
  EXPECT_EQ(b.w_bits, 3);
  EXPECT_EQ(b.acc_bits, 9);
  EXPECT_EQ(b.overflow, Overflow::Saturate);
}

}  // namespace
}  // namespace tpesim::pe
