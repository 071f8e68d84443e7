// SPDX-License-Identifier: Apache-2.0
// Strict binding of YAML nodes to Spec structs through a table of typed, documented fields.
//
// A Spec is an aggregate whose member initializers are the only defaults. Its field table is a
// std::tuple of Field{key, &Spec::member, doc, unit, check}. bind_fields() rejects unknown keys
// (with a "did you mean"), type-checks values, runs per-field checks and leaves missing keys at
// their defaults; every problem goes to Diag so all of them are reported in one pass.
#pragma once

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "sim/core/config_node.h"
#include "sim/core/diag.h"

namespace tpesim {

// Names of an enum's values, for YAML and for messages: provide
//   constexpr auto enum_names(E) { return std::array{std::pair{E::A, "a"}, ...}; }
// in the enum's namespace.
template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) {
  enum_names(e);
};

template <NamedEnum E>
std::string_view enum_name(E value) {
  for (const auto& [v, name] : enum_names(E{})) {
    if (v == value) return name;
  }
  return "?";
}

template <NamedEnum E>
std::string enum_choices() {
  std::string out;
  for (const auto& [v, name] : enum_names(E{})) {
    if (!out.empty()) out += " | ";
    out += name;
  }
  return out;
}

// A Spec type that has its own field table: `static const auto& fields()`.
template <class S>
concept HasFields = requires {
  S::fields();
};

// Per-field check: returns an error message, or nullopt when the value is fine.
template <class T>
using Check = std::function<std::optional<std::string>(const T&)>;

template <class T>
Check<T> in_range(T lo, T hi) {
  return [lo, hi](const T& v) -> std::optional<std::string> {
    if (v < lo || v > hi) return fmt::format("must be in [{}, {}], got {}", lo, hi, v);
    return std::nullopt;
  };
}

template <class T>
Check<T> at_least(T lo) {
  return [lo](const T& v) -> std::optional<std::string> {
    if (v < lo) return fmt::format("must be >= {}, got {}", lo, v);
    return std::nullopt;
  };
}

template <class Spec, class T>
struct Field {
  std::string_view key;     // YAML key, snake_case with its unit
  T Spec::*member;          // where the value lives
  std::string_view doc;     // one line for `tpesim describe`
  std::string_view unit{};  // unit of the value, "" when dimensionless
  Check<T> check{};         // optional range / one-of rule
  bool required = false;    // a missing key is an error (at the parent's position)
};

// One row of `tpesim describe`.
struct FieldInfo {
  std::string key;    // dotted for nested specs
  std::string type;   // "integer", "boolean", "ws | os | is", ...
  std::string value;  // default (or resolved) value as YAML text
  std::string unit;
  std::string doc;
};

template <class T>
struct ValueTraits;

namespace detail {
template <class Int>
bool parse_integer(const ConfigNode& node, Int& out, Diag& diag) {
  if (!node.is_scalar() || node.is_quoted()) {
    diag.error(node.loc(), node.path(), "expected an integer");
    return false;
  }
  const std::string& s = node.scalar();
  long long value = 0;
  const char* begin = s.data();
  if (s.size() > 1 && s[0] == '+' && s[1] != '-') ++begin;  // "+-5" is not an integer
  const auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec == std::errc::result_out_of_range) {
    diag.error(node.loc(), node.path(), fmt::format("integer '{}' is out of range", s));
    return false;
  }
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty()) {
    diag.error(node.loc(), node.path(), fmt::format("expected an integer, got '{}'", s));
    return false;
  }
  if (value < static_cast<long long>(std::numeric_limits<Int>::min()) ||
      value > static_cast<long long>(std::numeric_limits<Int>::max())) {
    diag.error(node.loc(), node.path(), fmt::format("integer {} is out of range", value));
    return false;
  }
  out = static_cast<Int>(value);
  return true;
}
}  // namespace detail

template <>
struct ValueTraits<int> {
  static std::string type_name() { return "integer"; }
  static bool parse(const ConfigNode& n, int& out, Diag& d) {
    return detail::parse_integer(n, out, d);
  }
  static YAML::Node emit(int v) { return YAML::Node(v); }
};

template <>
struct ValueTraits<std::int64_t> {
  static std::string type_name() { return "integer"; }
  static bool parse(const ConfigNode& n, std::int64_t& out, Diag& d) {
    return detail::parse_integer(n, out, d);
  }
  static YAML::Node emit(std::int64_t v) { return YAML::Node(static_cast<long long>(v)); }
};

template <>
struct ValueTraits<double> {
  static std::string type_name() { return "number"; }
  static bool parse(const ConfigNode& n, double& out, Diag& d) {
    if (!n.is_scalar() || n.is_quoted()) {
      d.error(n.loc(), n.path(), "expected a number");
      return false;
    }
    const std::string& s = n.scalar();
    double value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr != s.data() + s.size() || s.empty() || !std::isfinite(value)) {
      d.error(n.loc(), n.path(), fmt::format("expected a finite number, got '{}'", s));
      return false;
    }
    out = value;
    return true;
  }
  static YAML::Node emit(double v) { return YAML::Node(v); }
};

template <>
struct ValueTraits<bool> {
  static std::string type_name() { return "boolean"; }
  static bool parse(const ConfigNode& n, bool& out, Diag& d) {
    if (n.is_scalar() && !n.is_quoted() && (n.scalar() == "true" || n.scalar() == "false")) {
      out = n.scalar() == "true";
      return true;
    }
    d.error(n.loc(), n.path(), "expected true or false");
    return false;
  }
  static YAML::Node emit(bool v) { return YAML::Node(v); }
};

template <>
struct ValueTraits<std::string> {
  static std::string type_name() { return "string"; }
  static bool parse(const ConfigNode& n, std::string& out, Diag& d) {
    if (!n.is_scalar()) {
      d.error(n.loc(), n.path(), "expected a string");
      return false;
    }
    out = n.scalar();
    return true;
  }
  static YAML::Node emit(const std::string& v) { return YAML::Node(v); }
};

template <NamedEnum E>
struct ValueTraits<E> {
  static std::string type_name() { return enum_choices<E>(); }
  static bool parse(const ConfigNode& n, E& out, Diag& d) {
    if (!n.is_scalar()) {
      d.error(n.loc(), n.path(), fmt::format("expected one of {}", enum_choices<E>()));
      return false;
    }
    std::vector<std::string> names;
    for (const auto& [v, name] : enum_names(E{})) {
      if (n.scalar() == name) {
        out = v;
        return true;
      }
      names.emplace_back(name);
    }
    const std::string hint = closest_match(n.scalar(), names);
    d.error(n.loc(), n.path(),
            fmt::format("'{}' is not one of {}{}", n.scalar(), enum_choices<E>(),
                        hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
    return false;
  }
  static YAML::Node emit(E v) { return YAML::Node(std::string(enum_name(v))); }
};

// Binds `node` (a mapping, or absent for all defaults) into `spec`.
// `extra_keys` are keys handled by the caller (e.g. "kind"), not unknown.
template <class Spec, class... T>
void bind_fields(const ConfigNode& node, const std::tuple<Field<Spec, T>...>& fields, Spec& spec,
                 Diag& diag, std::initializer_list<std::string_view> extra_keys = {});

template <HasFields S>
struct ValueTraits<S> {
  static std::string type_name() { return "mapping"; }
  static bool parse(const ConfigNode& n, S& out, Diag& d) {
    const std::size_t before = d.size();
    bind_fields(n, S::fields(), out, d);
    return d.size() == before;
  }
  static YAML::Node emit(const S& v);
};

template <class Spec, class... T>
void bind_fields(const ConfigNode& node, const std::tuple<Field<Spec, T>...>& fields, Spec& spec,
                 Diag& diag, std::initializer_list<std::string_view> extra_keys) {
  if (node.present() && !node.is_map()) {
    diag.error(node.loc(), node.path(), "expected a mapping of keys to values");
    return;
  }
  std::vector<std::string> known;
  std::apply([&](const auto&... f) { (known.emplace_back(f.key), ...); }, fields);
  for (auto k : extra_keys) known.emplace_back(k);
  report_duplicate_keys(node, diag);
  for (const std::string& key : node.keys()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    const std::string hint = closest_match(key, known);
    diag.error(node.key_loc(key), node.key_path(key),
               hint.empty() ? std::string("unknown key")
                            : fmt::format("unknown key (did you mean '{}'?)", hint));
  }
  auto bind_one = [&](const auto& f) {
    using V = std::remove_cvref_t<decltype(spec.*(f.member))>;
    const ConfigNode child = node.child(f.key);
    if (!child.present()) {
      if (f.required) diag.error(node.loc(), node.key_path(f.key), "required key is missing");
      return;
    }
    V value = spec.*(f.member);
    if (!ValueTraits<V>::parse(child, value, diag)) return;
    if (f.check) {
      if (auto message = f.check(value)) {
        diag.error(child.loc(), child.path(), *message);
        return;
      }
    }
    spec.*(f.member) = value;
  };
  std::apply([&](const auto&... f) { (bind_one(f), ...); }, fields);
}

// The spec as a YAML mapping, every field written (the resolved config).
template <class Spec, class... T>
YAML::Node emit_fields(const std::tuple<Field<Spec, T>...>& fields, const Spec& spec) {
  YAML::Node out(YAML::NodeType::Map);
  auto emit_one = [&](const auto& f) {
    using V = std::remove_cvref_t<decltype(spec.*(f.member))>;
    out[std::string(f.key)] = ValueTraits<V>::emit(spec.*(f.member));
  };
  std::apply([&](const auto&... f) { (emit_one(f), ...); }, fields);
  return out;
}

template <HasFields S>
YAML::Node ValueTraits<S>::emit(const S& v) {
  return emit_fields(S::fields(), v);
}

// Rows for `tpesim describe`, nested specs flattened with dotted keys.
template <class Spec, class... T>
std::vector<FieldInfo> describe_fields(const std::tuple<Field<Spec, T>...>& fields,
                                       const Spec& values, const std::string& prefix = "") {
  std::vector<FieldInfo> out;
  auto describe_one = [&](const auto& f) {
    using V = std::remove_cvref_t<decltype(values.*(f.member))>;
    const std::string key = prefix.empty() ? std::string(f.key) : prefix + "." + std::string(f.key);
    if constexpr (HasFields<V>) {
      auto nested = describe_fields(V::fields(), values.*(f.member), key);
      out.insert(out.end(), nested.begin(), nested.end());
    } else {
      YAML::Emitter e;
      e << ValueTraits<V>::emit(values.*(f.member));
      out.push_back(FieldInfo{key, ValueTraits<V>::type_name(),
                              f.required ? std::string("(required)") : std::string(e.c_str()),
                              std::string(f.unit), std::string(f.doc)});
    }
  };
  std::apply([&](const auto&... f) { (describe_one(f), ...); }, fields);
  return out;
}

}  // namespace tpesim
