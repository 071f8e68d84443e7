// SPDX-License-Identifier: Apache-2.0
// LLM GEMM traces: the GEMMs of one prefill or decode step of a decoder-only model, one row per
// GEMM kind with its shape, repetition count and quantization formats, as a strict CSV.
// Format and formulas: docs/WORKLOADS.md.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/gemm.h"
#include "workloads/llm_model.h"

namespace tpesim::workloads {

enum class Phase { Prefill, Decode };

// "prefill" or "decode".
const char* phase_name(Phase phase);

// One GEMM kind of a trace: O[m x n] = A[m x k] * W[k x n], run `count` times.
struct TraceRow {
  std::string name;             // GEMM kind, e.g. "q_proj", unique within a trace
  std::int64_t m = 0;           // output rows (tokens, or query positions of one head)
  std::int64_t n = 0;           // output columns (features, or key positions of one head)
  std::int64_t k = 0;           // reduction length, elements
  std::int64_t count = 0;       // repetitions in the step (layers, or layers * batch * heads)
  std::string phase;            // "prefill" or "decode"
  std::string w_format;         // format of the W operand (weights; K^T or V for attention)
  std::string a_format;         // format of the A operand (activations; Q or scores)
  std::int64_t group_size = 0;  // W elements along k sharing one scale; 0: per channel / none

  bool operator==(const TraceRow&) const = default;
};

// Quantization metadata written into a trace.
struct TraceFormats {
  std::string w_format = "int4";       // projection, MLP and LM head weights
  std::int64_t group_size = 128;       // weight group size along k, elements; 0: per channel
  std::string a_format = "int8";       // projection, MLP and LM head activations
  std::string attn_w_format = "fp16";  // K (score) and V (context) operands of attention
  std::string attn_a_format = "fp16";  // Q (score) and probability (context) operands
  std::int64_t attn_group_size = 0;    // group size of the attention W operand; 0: none
};

// True for a format name a trace may carry: intN / uintN (N in 1..16), ternary, fp32, bf16,
// fp16, fp8_e4m3, fp8_e5m2, fp4_e2m1, or eXmY (X in 2..8, Y in 0..23).
bool is_trace_format(std::string_view name);

// The named formats, for suggestions.
std::vector<std::string> trace_format_names();

// The GEMMs of one step. Tokens T = batch * seq (prefill) or batch (decode, which requires
// seq == 1 and the KV cache length `context` >= 1; prefill requires context == 0).
// Rows: q/k/v/o projections, attention score and context per head, the MLP (gate/up/down or
// fc1/fc2) and the LM head (last token of each sequence). Throws UserError when an argument or
// a resulting dimension is out of range (dims in [1, 2^24], counts in [1, 2^40]).
std::vector<TraceRow> make_trace(const LlmShape& shape, Phase phase, std::int64_t batch,
                                 std::int64_t seq, std::int64_t context,
                                 const TraceFormats& formats);

// The header row of the trace CSV (no newline).
inline constexpr std::string_view kTraceHeader =
    "name,m,n,k,count,phase,w_format,a_format,group_size";

// True when `first_line` (the first line of a CSV) starts a trace: `name,m,n,k,count,phase`
// after removing blanks.
bool is_trace_header(std::string_view first_line);

// The CSV text: the header, then one line per row.
std::string trace_csv(const std::vector<TraceRow>& rows);

// Writes trace_csv(rows) to `path` atomically: a temporary file in the same folder, then a
// rename. Parent folders are created. Throws UserError when it cannot.
void write_trace_csv(const std::string& path, const std::vector<TraceRow>& rows);

// Reads a trace CSV strictly: the exact header, nine fields a row, integers in range, known
// phases and formats, unique names. Every problem is reported with line and column
// (ConfigError); a missing file is a UserError. Blank lines are skipped.
std::vector<TraceRow> read_trace_csv(const std::string& path);

// read_trace_csv as a workload: one Gemm{name, m, n, k, count} per row. The formats are
// metadata only (the array uses its PE kind).
Workload load_trace_csv(const std::string& path);

}  // namespace tpesim::workloads
