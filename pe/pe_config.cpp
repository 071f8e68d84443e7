// SPDX-License-Identifier: Apache-2.0
#include "pe/pe_config.h"

#include <fmt/format.h>

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
  return reg;
}

}  // namespace

const Registry<PeKindEntry>& pe_registry() {
  static const Registry<PeKindEntry> reg = build_registry();
  return reg;
}

PeConfig bind_pe(const ConfigNode& node, Diag& diag) {
  const ConfigNode kind = node.child("kind");
  std::string name = "int_mac";
  if (node.present() && !node.is_map()) {
    diag.error(node.loc(), node.path(), "expected a mapping with a `kind`");
    return IntMacSpec{};
  }
  if (kind.present()) {
    if (!ValueTraits<std::string>::parse(kind, name, diag)) return IntMacSpec{};
  }
  const PeKindEntry* entry = pe_registry().find(name);
  if (!entry) {
    const std::string hint = closest_match(name, pe_registry().names());
    std::string known;
    for (const auto& n : pe_registry().names()) known += (known.empty() ? "" : ", ") + n;
    diag.error(kind.loc(), kind.path(),
               fmt::format("unknown PE kind '{}'{}; known kinds: {}", name,
                           hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint), known));
    return IntMacSpec{};
  }
  return entry->bind(node, diag);
}

std::string pe_kind_name(const PeConfig& pe) {
  return std::visit(
      [](const auto& spec) -> std::string {
        using S = std::decay_t<decltype(spec)>;
        if constexpr (std::is_same_v<S, IntMacSpec>) return "int_mac";
      },
      pe);
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
        if constexpr (std::is_same_v<S, IntMacSpec>) {
          return OperandBits{spec.a_bits, spec.w_bits, spec.acc_bits};
        }
      },
      pe);
}

}  // namespace tpesim::pe
