// SPDX-License-Identifier: Apache-2.0
// FloatFormat as a config value: `format: fp8_e4m3`, `acc_format: bf16`, `format: e3m4`.
#pragma once

#include <fmt/format.h>

#include "pe/float_format.h"
#include "sim/core/bind.h"

namespace tpesim {

template <>
struct ValueTraits<pe::FloatFormat> {
  static std::string type_name() { return "fp32 | bf16 | fp16 | fp8_e4m3 | fp8_e5m2 | eXmY"; }
  static bool parse(const ConfigNode& n, pe::FloatFormat& out, Diag& d) {
    if (n.is_scalar()) {
      if (auto f = pe::parse_float_format(n.scalar())) {
        out = *f;
        return true;
      }
    }
    const std::string hint =
        n.is_scalar() ? closest_match(n.scalar(), {"fp32", "bf16", "fp16", "fp8_e4m3", "fp8_e5m2"})
                      : std::string();
    d.error(n.loc(), n.path(),
            fmt::format("expected a float format ({}){}", type_name(),
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return false;
  }
  static YAML::Node emit(const pe::FloatFormat& f) { return YAML::Node(pe::float_format_name(f)); }
};

// A check that the format is one of `allowed`.
inline Check<pe::FloatFormat> one_of_formats(std::vector<pe::FloatFormat> allowed) {
  return [allowed](const pe::FloatFormat& f) -> std::optional<std::string> {
    for (const auto& a : allowed) {
      if (a == f) return std::nullopt;
    }
    std::string names;
    for (const auto& a : allowed) names += (names.empty() ? "" : ", ") + pe::float_format_name(a);
    return fmt::format("'{}' is not supported here; use one of {}", pe::float_format_name(f),
                       names);
  };
}

}  // namespace tpesim
