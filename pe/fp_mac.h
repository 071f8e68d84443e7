// SPDX-License-Identifier: Apache-2.0
// fp_mac: the floating-point MAC baseline. Operands in fp16 / bf16 / fp8 (e4m3, e5m2), an exact
// product, a binary32 accumulator: acc <- RNE32(acc + a*w), one rounding (an FMA). Outputs can
// be rounded once more to fp16 or bf16 at the end.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <tuple>

#include "pe/float_format.h"
#include "pe/float_format_field.h"
#include "sim/core/bind.h"

namespace tpesim::pe {

struct FpMacSpec {
  static constexpr const char* kKind = "fp_mac";  // the YAML `kind`
  FloatFormat a_format = kFp16;                   // activation operand format
  FloatFormat w_format = kFp16;                   // weight operand format
  FloatFormat out_format = kFp32;  // final output rounding: fp32 (none), fp16 or bf16

  static const auto& fields() {
    static const auto kFields = std::tuple{
        Field<FpMacSpec, FloatFormat>{"a_format", &FpMacSpec::a_format, "activation format", "",
                                      one_of_formats({kFp16, kBf16, kFp8E4M3, kFp8E5M2})},
        Field<FpMacSpec, FloatFormat>{"w_format", &FpMacSpec::w_format, "weight format", "",
                                      one_of_formats({kFp16, kBf16, kFp8E4M3, kFp8E5M2})},
        Field<FpMacSpec, FloatFormat>{"out_format", &FpMacSpec::out_format,
                                      "output rounding after the binary32 accumulation", "",
                                      one_of_formats({kFp32, kFp16, kBf16})},
    };
    return kFields;
  }
};

// fp_mac has no cross-field rules: every allowed combination is a real design.
inline void validate(const FpMacSpec&, const ConfigNode&, Diag&) {}

// Value semantics. Operands are stored decoded (binary32 holds every operand value exactly);
// the model keeps the operand bit patterns for memory traffic.
struct FpMacArith {
  using Operand = float;  // an a_format / w_format value, exact
  using Acc = float;      // the binary32 accumulator

  FloatFormat a_format = kFp16;    // activation format
  FloatFormat w_format = kFp16;    // weight format
  FloatFormat out_format = kFp32;  // final output rounding

  explicit FpMacArith(const FpMacSpec& s)
      : a_format(s.a_format), w_format(s.w_format), out_format(s.out_format) {}

  // The one NaN the accumulator ever holds: +0x7FC00000 (sign 0, quiet bit, payload 0). A NaN's
  // sign and payload from std::fma depend on the host (x86 returns the NaN of whichever
  // multiplicand the compiled FMA reads first, or its default NaN 0xFFC00000 for inf*0; NVIDIA
  // GPUs return 0x7FFFFFFF), so every NaN result is replaced by this one: the C++ model, a
  // CUDA twin kernel and rtl/pe_fp_mac.sv can then agree bit for bit.
  static constexpr std::uint32_t kCanonicalNanBits = 0x7FC00000u;

  struct Step {
    Acc value;      // RNE32(acc + a*w); any NaN is the canonical NaN (kCanonicalNanBits)
    bool overflow;  // the accumulator is no longer finite (inf or NaN)
  };
  static constexpr Acc zero() { return 0.0f; }
  Step mac_step(Acc acc, Operand a, Operand w) const {
    const float r = std::fma(a, w, acc);
    if (std::isnan(r)) return Step{std::bit_cast<float>(kCanonicalNanBits), true};
    return Step{r, !std::isfinite(r)};
  }
  Operand decode_a(std::uint32_t pattern) const {
    return static_cast<float>(decode(pattern, a_format));
  }
  Operand decode_w(std::uint32_t pattern) const {
    return static_cast<float>(decode(pattern, w_format));
  }
  // The output as the hardware writes it: a bit pattern of out_format. The canonical NaN gives
  // out_format's canonical NaN with sign 0 (fp32 0x7FC00000, bf16 0x7FC0, fp16 0x7E00).
  std::int64_t output(Acc acc) const { return encode(static_cast<double>(acc), out_format); }
};

}  // namespace tpesim::pe
