// SPDX-License-Identifier: Apache-2.0
// Tests for LLM model presets, Hugging Face config import, GEMM traces and the trace CSV.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "workloads/gemm.h"
#include "workloads/llm_model.h"
#include "workloads/llm_trace.h"

namespace tpesim::workloads {
namespace {

// Writes `text` to a fresh file under the test temp dir and returns its path.
std::string write_temp(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/tpesim_llm_trace_" + name;
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  return path;
}

LlmShape preset(const std::string& name) {
  const auto s = find_llm_preset(name);
  EXPECT_TRUE(s.has_value()) << name;
  return s.value_or(LlmShape{});
}

// The message of the UserError `f` throws; fails the test when it does not throw one.
template <class F>
std::string user_error(F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a UserError";
  return {};
}

// The diagnostics of the ConfigError reading `text` throws; fails the test when it does not.
std::vector<Diagnostic> csv_errors(const std::string& name, const std::string& text) {
  try {
    read_trace_csv(write_temp(name, text));
  } catch (const ConfigError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "expected a ConfigError for " << name;
  return {};
}

void expect_row(const TraceRow& r, const std::string& name, std::int64_t m, std::int64_t n,
                std::int64_t k, std::int64_t count) {
  EXPECT_EQ(r.name, name);
  EXPECT_EQ(r.m, m) << name;
  EXPECT_EQ(r.n, n) << name;
  EXPECT_EQ(r.k, k) << name;
  EXPECT_EQ(r.count, count) << name;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// Presets carry the published config.json numbers.
TEST(LlmModelTest, PresetsHavePublishedShapes) {
  struct Expected {
    const char* name;
    std::int64_t hidden, intermediate, heads, kv_heads, layers, vocab;
    bool gated;
  };
  const Expected expected[] = {
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
  ASSERT_EQ(llm_presets().size(), std::size(expected));
  for (const Expected& e : expected) {
    const LlmShape s = preset(e.name);
    EXPECT_EQ(s.name, e.name);
    EXPECT_EQ(s.hidden, e.hidden) << e.name;
    EXPECT_EQ(s.intermediate, e.intermediate) << e.name;
    EXPECT_EQ(s.heads, e.heads) << e.name;
    EXPECT_EQ(s.kv_heads, e.kv_heads) << e.name;
    EXPECT_EQ(s.layers, e.layers) << e.name;
    EXPECT_EQ(s.vocab, e.vocab) << e.name;
    EXPECT_EQ(s.gated_mlp, e.gated) << e.name;
  }
  EXPECT_FALSE(find_llm_preset("llama-7b").has_value());
}

// GQA: k_proj and v_proj produce kv_heads * head_dim features, q_proj all of hidden.
TEST(LlmTraceTest, GqaShrinksKeyValueProjections) {
  const LlmShape s = preset("llama2-70b");
  EXPECT_EQ(s.head_dim(), 128);
  EXPECT_EQ(s.kv_dim(), 1024);  // 8 KV heads * 128
  const auto rows = make_trace(s, Phase::Decode, 4, 1, 100, TraceFormats{});
  ASSERT_GE(rows.size(), 3u);
  expect_row(rows[0], "q_proj", 4, 8192, 8192, 80);
  expect_row(rows[1], "k_proj", 4, 1024, 8192, 80);
  expect_row(rows[2], "v_proj", 4, 1024, 8192, 80);
}

// Llama-2-7B prefill at batch 1, seq 2048: T = 2048 tokens; attention per head is
// 2048 x 2048 x 128 (score) and 2048 x 128 x 2048 (context), 32 layers * 1 * 32 heads times.
TEST(LlmTraceTest, Llama2PrefillShapesAndCounts) {
  const auto rows = make_trace(preset("llama2-7b"), Phase::Prefill, 1, 2048, 0, TraceFormats{});
  ASSERT_EQ(rows.size(), 10u);
  expect_row(rows[0], "q_proj", 2048, 4096, 4096, 32);
  expect_row(rows[1], "k_proj", 2048, 4096, 4096, 32);
  expect_row(rows[2], "v_proj", 2048, 4096, 4096, 32);
  expect_row(rows[3], "attn_score", 2048, 2048, 128, 1024);
  expect_row(rows[4], "attn_context", 2048, 128, 2048, 1024);
  expect_row(rows[5], "o_proj", 2048, 4096, 4096, 32);
  expect_row(rows[6], "gate_proj", 2048, 11008, 4096, 32);
  expect_row(rows[7], "up_proj", 2048, 11008, 4096, 32);
  expect_row(rows[8], "down_proj", 2048, 4096, 11008, 32);
  expect_row(rows[9], "lm_head", 1, 32000, 4096, 1);
  for (const TraceRow& r : rows) EXPECT_EQ(r.phase, "prefill") << r.name;
  // Default formats: int4 weights in groups of 128, int8 activations; fp16 attention.
  EXPECT_EQ(rows[0].w_format, "int4");
  EXPECT_EQ(rows[0].a_format, "int8");
  EXPECT_EQ(rows[0].group_size, 128);
  EXPECT_EQ(rows[3].w_format, "fp16");
  EXPECT_EQ(rows[3].a_format, "fp16");
  EXPECT_EQ(rows[3].group_size, 0);
}

// Llama-2-7B decode at batch 1 with a 128-token KV cache: one token, M = 1 everywhere;
// score 1 x 128 x 128 and context 1 x 128 x 128 per head.
TEST(LlmTraceTest, Llama2DecodeShapesAndCounts) {
  const auto rows = make_trace(preset("llama2-7b"), Phase::Decode, 1, 1, 128, TraceFormats{});
  ASSERT_EQ(rows.size(), 10u);
  expect_row(rows[0], "q_proj", 1, 4096, 4096, 32);
  expect_row(rows[3], "attn_score", 1, 128, 128, 1024);
  expect_row(rows[4], "attn_context", 1, 128, 128, 1024);
  expect_row(rows[8], "down_proj", 1, 4096, 11008, 32);
  expect_row(rows[9], "lm_head", 1, 32000, 4096, 1);
  for (const TraceRow& r : rows) EXPECT_EQ(r.phase, "decode") << r.name;
  // Batch 8: projections take 8 tokens, attention repeats per sequence.
  const auto b8 = make_trace(preset("llama2-7b"), Phase::Decode, 8, 1, 128, TraceFormats{});
  expect_row(b8[0], "q_proj", 8, 4096, 4096, 32);
  expect_row(b8[3], "attn_score", 1, 128, 128, 32 * 8 * 32);
  expect_row(b8[9], "lm_head", 8, 32000, 4096, 1);
}

// OPT's MLP is fc1 / fc2; prefill tokens are batch * seq but the LM head takes one per sequence.
TEST(LlmTraceTest, NonGatedMlpAndBatchedPrefill) {
  TraceFormats f;
  f.w_format = "uint4";
  f.group_size = 64;
  f.a_format = "fp8_e4m3";
  const auto rows = make_trace(preset("opt-6.7b"), Phase::Prefill, 2, 16, 0, f);
  ASSERT_EQ(rows.size(), 9u);
  expect_row(rows[6], "fc1", 32, 16384, 4096, 32);
  expect_row(rows[7], "fc2", 32, 4096, 16384, 32);
  expect_row(rows[3], "attn_score", 16, 16, 128, 32 * 2 * 32);
  expect_row(rows[8], "lm_head", 2, 50272, 4096, 1);
  EXPECT_EQ(rows[6].w_format, "uint4");
  EXPECT_EQ(rows[6].group_size, 64);
  EXPECT_EQ(rows[6].a_format, "fp8_e4m3");
}

// Arguments that do not describe a step are UserErrors.
TEST(LlmTraceTest, BadArgumentsAreUserErrors) {
  const LlmShape s = preset("llama2-7b");
  EXPECT_TRUE(contains(user_error([&] { make_trace(s, Phase::Decode, 1, 4, 128, {}); }), "seq"));
  EXPECT_TRUE(contains(user_error([&] { make_trace(s, Phase::Decode, 1, 1, 0, {}); }), "context"));
  EXPECT_TRUE(
      contains(user_error([&] { make_trace(s, Phase::Prefill, 1, 16, 8, {}); }), "context"));
  EXPECT_TRUE(contains(user_error([&] { make_trace(s, Phase::Prefill, 4096, 8192, 0, {}); }),
                       "batch * seq"));
  TraceFormats f;
  f.w_format = "in4";
  EXPECT_TRUE(contains(user_error([&] { make_trace(s, Phase::Prefill, 1, 16, 0, f); }),
                       "did you mean 'int4'"));
}

// Trace formats: intN / uintN up to 16 bits, the named floats, eXmY.
TEST(LlmTraceTest, FormatNames) {
  for (const char* ok : {"int1", "int4", "int16", "uint8", "ternary", "fp16", "bf16", "fp8_e4m3",
                         "fp4_e2m1", "e4m3", "e8m23"}) {
    EXPECT_TRUE(is_trace_format(ok)) << ok;
  }
  for (const char* bad :
       {"", "int", "int0", "int17", "int04", "uint", "fp8", "e1m2", "e4m24", "e4", "INT4"}) {
    EXPECT_FALSE(is_trace_format(bad)) << bad;
  }
}

// A Hugging Face config.json: GQA from num_key_value_heads, OPT's ffn_dim and fc1/fc2.
TEST(LlmModelTest, HfConfigImport) {
  const LlmShape llama = load_hf_config(write_temp("llama3.json", R"({
    "_name_or_path": "meta-llama/Meta-Llama-3-8B", "model_type": "llama",
    "hidden_size": 4096, "intermediate_size": 14336, "num_attention_heads": 32,
    "num_key_value_heads": 8, "num_hidden_layers": 32, "vocab_size": 128256,
    "hidden_act": "silu", "rope_theta": 500000.0})"));
  EXPECT_EQ(llama.name, "meta-llama/Meta-Llama-3-8B");
  EXPECT_EQ(llama.hidden, 4096);
  EXPECT_EQ(llama.intermediate, 14336);
  EXPECT_EQ(llama.heads, 32);
  EXPECT_EQ(llama.kv_heads, 8);
  EXPECT_EQ(llama.layers, 32);
  EXPECT_EQ(llama.vocab, 128256);
  EXPECT_TRUE(llama.gated_mlp);

  const std::string opt_path = write_temp("opt.json", R"({
    "model_type": "opt", "hidden_size": 768, "ffn_dim": 3072, "num_attention_heads": 12,
    "num_hidden_layers": 12, "vocab_size": 50272})");
  const LlmShape opt = load_hf_config(opt_path);
  EXPECT_EQ(opt.name, opt_path);
  EXPECT_EQ(opt.intermediate, 3072);
  EXPECT_EQ(opt.kv_heads, 12);  // defaults to the attention heads
  EXPECT_FALSE(opt.gated_mlp);
}

// Missing, ill-typed or inconsistent keys are UserErrors naming the file and the key.
TEST(LlmModelTest, HfConfigErrorsNameFileAndKey) {
  const std::string base =
      R"("intermediate_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
         "vocab_size": 100)";
  struct Case {
    const char* file;
    std::string text;
    const char* needle;
  };
  const Case cases[] = {
      {"missing.json", "{" + base + "}", "hidden_size: required key is missing"},
      {"string.json", R"({"hidden_size": "32", )" + base + "}", "hidden_size: expected an integer"},
      {"float.json", R"({"hidden_size": 32.5, )" + base + "}", "hidden_size: expected an integer"},
      {"zero.json", R"({"hidden_size": 0, )" + base + "}", "hidden_size: must be in [1, "},
      {"gqa.json", R"({"hidden_size": 32, "num_key_value_heads": 3, )" + base + "}",
       "num_key_value_heads: 3 does not divide"},
      {"heads.json", R"({"hidden_size": 30, )" + base + "}", "num_attention_heads: 4 does not"},
      {"ffn.json",
       R"({"hidden_size": 32, "num_attention_heads": 4, "num_hidden_layers": 2,
           "vocab_size": 100})",
       "intermediate_size: required key is missing"},
      {"type.json", R"({"hidden_size": 32, "model_type": 3, )" + base + "}", "model_type:"},
      {"head_dim.json", R"({"hidden_size": 32, "head_dim": 16, )" + base + "}", "head_dim: 16"},
      {"syntax.json", "{\"hidden_size\": 32,", "not valid JSON"},
      {"array.json", "[1, 2]", "expected a JSON object"},
  };
  for (const Case& c : cases) {
    const std::string path = write_temp(c.file, c.text);
    const std::string message = user_error([&] { load_hf_config(path); });
    EXPECT_TRUE(contains(message, path)) << message;
    EXPECT_TRUE(contains(message, c.needle)) << c.file << ": " << message;
  }
  EXPECT_TRUE(
      contains(user_error([] { load_hf_config("/nonexistent/config.json"); }), "cannot open file"));
}

// make_trace -> CSV -> read gives the same rows; as a workload, one Gemm per row.
TEST(LlmTraceTest, CsvRoundTrip) {
  const auto rows = make_trace(preset("llama3-8b"), Phase::Decode, 2, 1, 512, TraceFormats{});
  const std::string path = testing::TempDir() + "/tpesim_llm_trace_sub/round_trip.csv";
  write_trace_csv(path, rows);
  EXPECT_EQ(read_trace_csv(path), rows);
  const std::string text = trace_csv(rows);
  EXPECT_EQ(text.substr(0, text.find('\n')), kTraceHeader);
  EXPECT_TRUE(is_trace_header(text.substr(0, text.find('\n'))));
  EXPECT_TRUE(is_trace_header(" name, m, n, k, count, phase, extra\r"));
  EXPECT_FALSE(is_trace_header("Layer, M, N, K,"));

  const Workload w = load_trace_csv(path);
  EXPECT_EQ(w.source, path);
  ASSERT_EQ(w.layers.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(w.layers[i].name, rows[i].name);
    EXPECT_EQ(w.layers[i].m, rows[i].m);
    EXPECT_EQ(w.layers[i].n, rows[i].n);
    EXPECT_EQ(w.layers[i].k, rows[i].k);
    EXPECT_EQ(w.layers[i].count, rows[i].count);
  }
}

// Every malformed field is reported at its line and column, all in one pass.
TEST(LlmTraceTest, MalformedCsvErrorsAreLocated) {
  const std::string header = std::string(kTraceHeader) + "\n";
  const auto d = csv_errors("bad.csv", header +
                                           "q_proj,1,4096,4096,32,decode,int4,int8,128\n"
                                           "k_proj,1,x,4096,32,decode,int4,int8,128\n"
                                           "v_proj,0,4096,4096,32,decode,int4,int8,128\n"
                                           "o_proj,1,4096,4096,32,decode,int4,int8\n"
                                           "\n"
                                           "q_proj,1,4096,4096,32,middle,in4,int8,-1\n");
  ASSERT_EQ(d.size(), 7u);
  EXPECT_EQ(d[0].loc.line, 3);
  EXPECT_EQ(d[0].loc.col, 10);
  EXPECT_EQ(d[0].path, "n");
  EXPECT_EQ(d[0].message, "expected an integer, got 'x'");
  EXPECT_EQ(d[1].loc.line, 4);
  EXPECT_EQ(d[1].loc.col, 8);
  EXPECT_EQ(d[1].message, "must be in [1, 16777216], got 0");
  EXPECT_EQ(d[2].loc.line, 5);
  EXPECT_EQ(d[2].loc.col, 39);  // the end of the line
  EXPECT_TRUE(contains(d[2].message, "expected 9 fields")) << d[2].message;
  EXPECT_EQ(d[3].loc.line, 7);
  EXPECT_EQ(d[3].loc.col, 1);
  EXPECT_EQ(d[3].message, "duplicate name 'q_proj'");
  EXPECT_EQ(d[4].loc.col, 23);
  EXPECT_EQ(d[4].message, "expected prefill or decode, got 'middle'");
  EXPECT_EQ(d[5].loc.col, 30);
  EXPECT_EQ(d[5].message, "unknown format 'in4' (did you mean 'int4'?)");
  EXPECT_EQ(d[6].loc.col, 39);
  EXPECT_EQ(d[6].path, "group_size");
  EXPECT_EQ(d[6].message, "must be in [0, 16777216], got -1");
}

// A wrong header stops the read at the first differing column; empty files are errors too.
TEST(LlmTraceTest, HeaderAndEmptyFileErrors) {
  auto d = csv_errors("header.csv", "name,m,n,K,count,phase,w_format,a_format,group_size\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].loc.line, 1);
  EXPECT_EQ(d[0].loc.col, 10);
  EXPECT_TRUE(contains(d[0].message, "expected the header")) << d[0].message;

  d = csv_errors("extra.csv", std::string(kTraceHeader) + ",x\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].loc.col, 53);

  d = csv_errors("empty.csv", "\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "empty trace file");

  d = csv_errors("no_rows.csv", std::string(kTraceHeader) + "\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].message, "no rows after the header");

  d = csv_errors("trailing.csv", std::string(kTraceHeader) + "\nq,1,2,3,4,decode,int4,int8,0,\n");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].loc.col, 30);
  EXPECT_TRUE(contains(d[0].message, "got 10")) << d[0].message;

  EXPECT_THROW(read_trace_csv("/nonexistent/trace.csv"), UserError);
}

}  // namespace
}  // namespace tpesim::workloads
