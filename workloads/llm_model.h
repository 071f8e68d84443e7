// SPDX-License-Identifier: Apache-2.0
// Decoder-only LLM shapes (the dimensions that size its GEMMs): built-in presets with their
// published numbers, and import of a Hugging Face `config.json`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tpesim::workloads {

struct LlmShape {
  std::string name;               // preset key (`llama2-7b`) or the config's model name
  std::int64_t hidden = 0;        // model width d_model, elements
  std::int64_t intermediate = 0;  // MLP width (SwiGLU gate/up, or OPT fc1 output), elements
  std::int64_t heads = 0;         // query heads; head_dim = hidden / heads
  std::int64_t kv_heads = 0;      // key/value heads (GQA; == heads for multi-head attention)
  std::int64_t layers = 0;        // transformer blocks
  std::int64_t vocab = 0;         // vocabulary size (LM head output width), tokens
  bool gated_mlp = true;          // SwiGLU gate+up+down; false: OPT-style fc1/fc2

  std::int64_t head_dim() const { return hidden / heads; }
  std::int64_t kv_dim() const { return kv_heads * head_dim(); }
};

// The built-in presets, in a fixed order (Llama-2, Llama-3, Mistral, OPT, BitNet).
const std::vector<LlmShape>& llm_presets();

// The preset with key `name` (e.g. "llama3-8b"), or nullopt.
std::optional<LlmShape> find_llm_preset(const std::string& name);

// Reads a Hugging Face `config.json`: hidden_size, intermediate_size (or OPT's ffn_dim),
// num_attention_heads, num_key_value_heads (default: num_attention_heads), num_hidden_layers,
// vocab_size. `model_type: "opt"` is a non-gated (fc1/fc2) MLP, anything else gated (SwiGLU).
// The name is `_name_or_path` when present, else the path. Every value must be an integer in
// [1, 2^24]; heads must divide hidden_size and num_key_value_heads must divide heads; a
// `head_dim` key must equal hidden_size / num_attention_heads. Any problem is a UserError that
// names the file and the key.
LlmShape load_hf_config(const std::string& path);

}  // namespace tpesim::workloads
