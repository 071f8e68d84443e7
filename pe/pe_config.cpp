// SPDX-License-Identifier: Apache-2.0
#include "pe/pe_config.h"

#include <fmt/format.h>

#include <random>

namespace tpesim::pe {

namespace {

template <class Spec>
PeKindEntry make_entry(std::string name, std::string doc) {
  PeKindEntry e;
  e.name = name;
  e.doc = std::move(doc);
  e.bind = [](const ConfigNode& node, Diag& diag) -> PeConfig {
    Spec spec;
    const std::size_t before = diag.size();
    bind_fields(node, Spec::fields(), spec, diag, {"kind"});
    if (diag.size() == before) validate(spec, node, diag);
    return spec;
  };
  e.describe = [] { return describe_fields(Spec::fields(), Spec{}); };
  return e;
}

Registry<PeKindEntry> build_registry() {
  Registry<PeKindEntry> reg;
  reg.add(make_entry<IntMacSpec>(
      "int_mac", "integer multiply-accumulate baseline: exact product, wrap/saturate accumulator"));
  reg.add(make_entry<FpMacSpec>(
      "fp_mac", "floating-point MAC baseline: fp16/bf16/fp8 operands, binary32 FMA accumulation"));
  reg.add(make_entry<MixpeSpec>(
      "mixpe", "MixPE: group-quantized uintB weights, shift&add, dequantize once per group"));
  reg.add(make_entry<LutTcSpec>(
      "lut_tc", "LUT Tensor Core: shared per-row lookup tables, bit-serial low-bit weights"));
  reg.add(make_entry<LmulSpec>(
      "lmul", "L-Mul: approximate float multiply by one integer add, fp32/bf16/fp16 accumulation"));
  reg.add(make_entry<BitsliceSpec>(
      "bitslice",
      "bit-slice MACs (booth_csa, same_bw_tree, serial_digit, laconic): int_mac "
      "values, digit-level cycles and activity"));
  return reg;
}

}  // namespace

const Registry<PeKindEntry>& pe_registry() {
  static const Registry<PeKindEntry> reg = build_registry();
  return reg;
}

PeConfig bind_pe(const ConfigNode& node, Diag& diag, bool* rtl) {
  const ConfigNode kind = node.child("kind");
  std::string name = "int_mac";
  if (rtl != nullptr) *rtl = false;
  if (node.present() && !node.is_map()) {
    diag.error(node.loc(), node.path(), "expected a mapping with a `kind`");
    return IntMacSpec{};
  }
  if (kind.present()) {
    if (!ValueTraits<std::string>::parse(kind, name, diag)) return IntMacSpec{};
  }
  if (rtl != nullptr && name.starts_with(kRtlKindPrefix) &&
      pe_registry().find(name.substr(kRtlKindPrefix.size())) != nullptr) {
    *rtl = true;
    name = name.substr(kRtlKindPrefix.size());
  }
  const PeKindEntry* entry = pe_registry().find(name);
  if (!entry) {
    std::vector<std::string> names = pe_registry().names();
    for (const auto& n : pe_registry().names()) {
      if (rtl != nullptr) names.push_back(std::string(kRtlKindPrefix) + n);
    }
    const std::string hint = closest_match(name, names);
    std::string known;
    for (const auto& n : pe_registry().names()) known += (known.empty() ? "" : ", ") + n;
    diag.error(
        kind.loc(), kind.path(),
        fmt::format("unknown PE kind '{}'{}; known kinds: {}{}", name,
                    hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), known,
                    rtl != nullptr ? "; each also as rtl_<kind>, its values from the RTL" : ""));
    return IntMacSpec{};
  }
  return entry->bind(node, diag);
}

std::string pe_kind_name(const PeConfig& pe) {
  return std::visit([](const auto& spec) -> std::string { return spec.kKind; }, pe);
}

YAML::Node emit_pe(const PeConfig& pe) {
  return std::visit(
      [&](const auto& spec) {
        YAML::Node out(YAML::NodeType::Map);
        out["kind"] = pe_kind_name(pe);
        for (auto it : emit_fields(std::decay_t<decltype(spec)>::fields(), spec)) {
          out[it.first.Scalar()] = it.second;
        }
        return out;
      },
      pe);
}

OperandBits operand_bits(const PeConfig& pe) {
  return std::visit(
      [](const auto& spec) -> OperandBits {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, IntMacSpec> || std::is_same_v<S, BitsliceSpec>) {
          return OperandBits{spec.a_bits, spec.w_bits, spec.acc_bits};
        } else if constexpr (std::is_same_v<S, FpMacSpec>) {
          return OperandBits{spec.a_format.bits(), spec.w_format.bits(), spec.out_format.bits()};
        } else if constexpr (std::is_same_v<S, MixpeSpec>) {
          return OperandBits{spec.variant == MixpeVariant::W4A8 ? 8 : 16, spec.w_bits,
                             spec.out_format.bits()};
        } else if constexpr (std::is_same_v<S, LutTcSpec>) {
          // The array moves half tables (2^(Kg-1) entries) and groups of Kg weight codes.
          // Integer tables are held in 16-bit entries (|T| <= 512); int8 tables of fp16
          // activations carry their binary32 scale with the entries.
          const bool int8_act = spec.activation == LutActivation::Int8;
          const int entry_bits = int8_act ? 16 : lut_entry_bits(spec.table_format);
          const int scale_bits =
              !int8_act && spec.table_format == LutTableFormat::Int8 ? kLutTableScaleBits : 0;
          return OperandBits{(1 << (spec.lut_group - 1)) * entry_bits + scale_bits,
                             spec.lut_group * spec.w_bits, spec.out_format.bits()};
        } else {
          return OperandBits{spec.format.bits(), spec.format.bits(), spec.acc_format.bits()};
        }
      },
      pe);
}

int initiation_interval(const PeConfig& pe) {
  if (const auto* lut = std::get_if<LutTcSpec>(&pe)) return lut->w_bits;
  return 1;
}

bool data_dependent(const PeConfig& pe) {
  const auto* bits = std::get_if<BitsliceSpec>(&pe);
  return bits && data_dependent(*bits);
}

bool timing_reads_weights(const PeConfig& pe) {
  const auto* bits = std::get_if<BitsliceSpec>(&pe);
  return bits && bits->variant == BitsliceVariant::Laconic;
}

std::int64_t array_k(const PeConfig& pe, std::int64_t k) {
  if (const auto* lut = std::get_if<LutTcSpec>(&pe))
    return (k + lut->lut_group - 1) / lut->lut_group;
  return k;
}

ValueCoding operand_coding(const PeConfig& pe, OperandSide side) {
  return std::visit(
      [&](const auto& spec) -> ValueCoding {
        using S = std::decay_t<decltype(spec)>;
        const bool a = side == OperandSide::A;
        if constexpr (std::is_same_v<S, IntMacSpec> || std::is_same_v<S, BitsliceSpec>) {
          return ValueCoding{false, a ? spec.a_bits : spec.w_bits, kFp32};
        } else if constexpr (std::is_same_v<S, FpMacSpec>) {
          return ValueCoding{true, 0, a ? spec.a_format : spec.w_format};
        } else if constexpr (std::is_same_v<S, LutTcSpec>) {
          if (!a) return ValueCoding{false, spec.w_bits, kFp32, true};
          return spec.activation == LutActivation::Int8 ? ValueCoding{false, 8, kFp32}
                                                        : ValueCoding{true, 0, kFp16};
        } else if constexpr (std::is_same_v<S, MixpeSpec>) {
          if (!a) return ValueCoding{false, spec.w_bits, kFp32, true};
          return spec.variant == MixpeVariant::W4A8 ? ValueCoding{false, 8, kFp32}
                                                    : ValueCoding{true, 0, kFp16};
        } else {
          return ValueCoding{true, 0, spec.format};
        }
      },
      pe);
}

ValueCoding output_coding(const PeConfig& pe) {
  return std::visit(
      [&](const auto& spec) -> ValueCoding {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, IntMacSpec> || std::is_same_v<S, BitsliceSpec>) {
          return ValueCoding{false, spec.acc_bits, kFp32};
        } else if constexpr (std::is_same_v<S, FpMacSpec>) {
          return ValueCoding{true, 0, spec.out_format};
        } else if constexpr (std::is_same_v<S, MixpeSpec> || std::is_same_v<S, LutTcSpec>) {
          return ValueCoding{true, 0, spec.out_format};
        } else {
          return ValueCoding{true, 0, spec.acc_format};
        }
      },
      pe);
}

std::vector<std::int32_t> random_operands(const PeConfig& pe, OperandSide side, std::int64_t count,
                                          std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::int32_t> out(static_cast<std::size_t>(count));
  auto floats = [&](const FloatFormat& f) {
    std::normal_distribution<double> normal(0.0, 1.0);
    for (auto& v : out) v = static_cast<std::int32_t>(encode(normal(rng), f));
  };
  std::visit(
      [&](const auto& spec) {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, IntMacSpec> || std::is_same_v<S, BitsliceSpec>) {
          const int bits = side == OperandSide::A ? spec.a_bits : spec.w_bits;
          const std::int64_t lo = int_min(bits);
          const std::uint64_t span = std::uint64_t{1} << bits;
          for (auto& v : out)
            v = static_cast<std::int32_t>(lo + static_cast<std::int64_t>(rng() % span));
        } else if constexpr (std::is_same_v<S, FpMacSpec>) {
          floats(side == OperandSide::A ? spec.a_format : spec.w_format);
        } else if constexpr (std::is_same_v<S, LutTcSpec>) {
          if (side == OperandSide::W) {
            for (auto& v : out) v = static_cast<std::int32_t>(rng() % (1u << spec.w_bits));
          } else if (spec.activation == LutActivation::Int8) {
            for (auto& v : out) {
              v = static_cast<std::int32_t>(static_cast<std::int64_t>(rng() % 256) - 128);
            }
          } else {
            floats(kFp16);
          }
        } else if constexpr (std::is_same_v<S, MixpeSpec>) {
          if (side == OperandSide::W) {
            for (auto& v : out) v = static_cast<std::int32_t>(rng() % (1u << spec.w_bits));
          } else if (spec.variant == MixpeVariant::W4A8) {
            for (auto& v : out)
              v = static_cast<std::int32_t>(static_cast<std::int64_t>(rng() % 256) - 128);
          } else {
            floats(kFp16);
          }
        } else {
          floats(spec.format);
        }
      },
      pe);
  return out;
}

}  // namespace tpesim::pe
