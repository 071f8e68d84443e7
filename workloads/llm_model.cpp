// SPDX-License-Identifier: Apache-2.0
#include "workloads/llm_model.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "sim/core/errors.h"

namespace tpesim::workloads {

namespace {

constexpr std::int64_t kMaxValue = std::int64_t{1} << 24;  // bound of every shape dimension

// The config's integer `key` in [1, kMaxValue]; nullopt when absent (or null) and not required.
std::optional<std::int64_t> read_dim(const nlohmann::json& config, const std::string& path,
                                     const std::string& key, bool required) {
  const auto it = config.find(key);
  if (it == config.end() || it->is_null()) {
    if (required) throw UserError(fmt::format("{}: error: {}: required key is missing", path, key));
    return std::nullopt;
  }
  if (!it->is_number_integer()) {
    throw UserError(
        fmt::format("{}: error: {}: expected an integer, got {}", path, key, it->dump()));
  }
  // Unsigned values past 2^63 come back negative, so one range check covers both signs.
  const std::int64_t v = it->get<std::int64_t>();
  if (v < 1 || v > kMaxValue) {
    throw UserError(
        fmt::format("{}: error: {}: must be in [1, {}], got {}", path, key, kMaxValue, it->dump()));
  }
  return v;
}

}  // namespace

const std::vector<LlmShape>& llm_presets() {
  // Published configs (Hugging Face config.json of each model).
  static const std::vector<LlmShape> kPresets = {
      {"llama2-7b", 4096, 11008, 32, 32, 32, 32000, true},
      {"llama2-13b", 5120, 13824, 40, 40, 40, 32000, true},
      {"llama2-70b", 8192, 28672, 64, 8, 80, 32000, true},
      {"llama3-8b", 4096, 14336, 32, 8, 32, 128256, true},
      {"llama3-70b", 8192, 28672, 64, 8, 80, 128256, true},
      {"mistral-7b", 4096, 14336, 32, 8, 32, 32000, true},
      {"opt-6.7b", 4096, 16384, 32, 32, 32, 50272, false},
      {"opt-13b", 5120, 20480, 40, 40, 40, 50272, false},
      {"bitnet-b1.58-3b", 3200, 8640, 32, 32, 26, 32002, true},
  };
  return kPresets;
}

std::optional<LlmShape> find_llm_preset(const std::string& name) {
  for (const LlmShape& s : llm_presets()) {
    if (s.name == name) return s;
  }
  return std::nullopt;
}

LlmShape load_hf_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: error: cannot open file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(buffer.str());
  } catch (const nlohmann::json::parse_error& e) {
    throw UserError(fmt::format("{}: error: not valid JSON: {}", path, e.what()));
  }
  if (!config.is_object()) {
    throw UserError(fmt::format("{}: error: expected a JSON object (a config.json)", path));
  }

  LlmShape shape;
  shape.name = path;
  if (const auto it = config.find("_name_or_path");
      it != config.end() && it->is_string() && !it->get<std::string>().empty()) {
    shape.name = it->get<std::string>();
  }
  shape.hidden = *read_dim(config, path, "hidden_size", true);
  if (const auto v = read_dim(config, path, "intermediate_size", false)) {
    shape.intermediate = *v;
  } else if (const auto f = read_dim(config, path, "ffn_dim", false)) {
    shape.intermediate = *f;
  } else {
    throw UserError(fmt::format(
        "{}: error: intermediate_size: required key is missing (OPT configs: ffn_dim)", path));
  }
  shape.heads = *read_dim(config, path, "num_attention_heads", true);
  shape.kv_heads = read_dim(config, path, "num_key_value_heads", false).value_or(shape.heads);
  shape.layers = *read_dim(config, path, "num_hidden_layers", true);
  shape.vocab = *read_dim(config, path, "vocab_size", true);

  if (const auto it = config.find("model_type"); it != config.end()) {
    if (!it->is_string()) {
      throw UserError(
          fmt::format("{}: error: model_type: expected a string, got {}", path, it->dump()));
    }
    shape.gated_mlp = it->get<std::string>() != "opt";
  }
  if (shape.hidden % shape.heads != 0) {
    throw UserError(fmt::format("{}: error: num_attention_heads: {} does not divide hidden_size {}",
                                path, shape.heads, shape.hidden));
  }
  if (shape.heads % shape.kv_heads != 0) {
    throw UserError(
        fmt::format("{}: error: num_key_value_heads: {} does not divide num_attention_heads {}",
                    path, shape.kv_heads, shape.heads));
  }
  if (const auto head_dim = read_dim(config, path, "head_dim", false);
      head_dim && *head_dim != shape.head_dim()) {
    throw UserError(
        fmt::format("{}: error: head_dim: {} differs from hidden_size / num_attention_heads = {}; "
                    "a separate head_dim is not supported",
                    path, *head_dim, shape.head_dim()));
  }
  return shape;
}

}  // namespace tpesim::workloads
