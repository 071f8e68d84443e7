// SPDX-License-Identifier: Apache-2.0
#include "workloads/llm_trace.h"

#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "workloads/csv_fields.h"

namespace tpesim::workloads {

namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kMaxDim = std::int64_t{1} << 24;    // bound of m, n, k (as Gemm)
constexpr std::int64_t kMaxCount = std::int64_t{1} << 40;  // bound of count (as Gemm)
constexpr std::size_t kTraceFields = 9;                    // columns of kTraceHeader

constexpr std::array<std::string_view, kTraceFields> kColumns = {
    "name", "m", "n", "k", "count", "phase", "w_format", "a_format", "group_size"};

// Named formats besides intN / uintN / eXmY.
const std::vector<std::string> kNamedFormats = {"ternary",  "fp32",     "bf16",    "fp16",
                                                "fp8_e4m3", "fp8_e5m2", "fp4_e2m1"};

// A whole-field decimal integer (sign allowed); false for anything else.
bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Parses the unsigned decimal `text` (no sign, no leading zero) into [lo, hi].
bool small_number_in(std::string_view text, int lo, int hi) {
  if (text.empty() || text.size() > 2 || (text.size() > 1 && text[0] == '0')) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return v >= lo && v <= hi;
}

void check_range(std::int64_t value, std::int64_t lo, std::int64_t hi, const std::string& what) {
  if (value < lo || value > hi) {
    throw UserError(fmt::format("error: {} must be in [{}, {}], got {}", what, lo, hi, value));
  }
}

void check_format(const std::string& name, const std::string& what) {
  if (is_trace_format(name)) return;
  const std::string hint = closest_match(name, trace_format_names());
  throw UserError(fmt::format("error: {}: unknown format '{}'{}", what, name,
                              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace

const char* phase_name(Phase phase) { return phase == Phase::Prefill ? "prefill" : "decode"; }

bool is_trace_format(std::string_view name) {
  for (const std::string& f : kNamedFormats) {
    if (name == f) return true;
  }
  if (name.starts_with("uint")) return small_number_in(name.substr(4), 1, 16);
  if (name.starts_with("int")) return small_number_in(name.substr(3), 1, 16);
  if (name.starts_with("e")) {
    const std::size_t m = name.find('m');
    return m != std::string_view::npos && small_number_in(name.substr(1, m - 1), 2, 8) &&
           small_number_in(name.substr(m + 1), 0, 23);
  }
  return false;
}

std::vector<std::string> trace_format_names() {
  std::vector<std::string> names = {"int2", "int4", "int8", "uint4", "uint8"};
  names.insert(names.end(), kNamedFormats.begin(), kNamedFormats.end());
  return names;
}

std::vector<TraceRow> make_trace(const LlmShape& shape, Phase phase, std::int64_t batch,
                                 std::int64_t seq, std::int64_t context,
                                 const TraceFormats& formats) {
  check_range(shape.hidden, 1, kMaxDim, "hidden size");
  check_range(shape.intermediate, 1, kMaxDim, "intermediate size");
  check_range(shape.heads, 1, kMaxDim, "heads");
  check_range(shape.kv_heads, 1, shape.heads, "KV heads");
  check_range(shape.layers, 1, kMaxDim, "layers");
  check_range(shape.vocab, 1, kMaxDim, "vocab size");
  if (shape.hidden % shape.heads != 0 || shape.heads % shape.kv_heads != 0) {
    throw UserError(fmt::format(
        "error: model {}: heads ({}) must divide hidden ({}) and KV heads ({}) must divide heads",
        shape.name, shape.heads, shape.hidden, shape.kv_heads));
  }
  check_range(batch, 1, kMaxDim, "batch");
  check_range(seq, 1, kMaxDim, "seq");
  const bool prefill = phase == Phase::Prefill;
  if (prefill) {
    if (context != 0) {
      throw UserError(
          "error: the context length applies to decode only (prefill attends to its "
          "own seq tokens)");
    }
    check_range(batch * seq, 1, kMaxDim, "tokens batch * seq");
  } else {
    if (seq != 1) {
      throw UserError(fmt::format(
          "error: decode makes one token per sequence: seq must be 1, got {} (the KV cache "
          "length is the context)",
          seq));
    }
    check_range(context, 1, kMaxDim, "context (KV cache length) for decode");
  }
  check_format(formats.w_format, "weight format");
  check_format(formats.a_format, "activation format");
  check_format(formats.attn_w_format, "attention W format");
  check_format(formats.attn_a_format, "attention A format");
  check_range(formats.group_size, 0, kMaxDim, "group size");
  check_range(formats.attn_group_size, 0, kMaxDim, "attention group size");

  const std::int64_t tokens = prefill ? batch * seq : batch;
  const std::int64_t queries = prefill ? seq : 1;     // query positions of one head
  const std::int64_t keys = prefill ? seq : context;  // key positions (KV cache length)
  // layers * heads <= 2^48; bound batch so that the product stays <= kMaxCount.
  const std::int64_t per_batch = shape.layers * shape.heads;
  if (per_batch > kMaxCount || batch > kMaxCount / per_batch) {
    throw UserError(
        fmt::format("error: attention count layers * batch * heads = {} * {} * {} "
                    "exceeds {}",
                    shape.layers, batch, shape.heads, kMaxCount));
  }
  const std::int64_t attn_count = per_batch * batch;
  const std::string ph = phase_name(phase);

  std::vector<TraceRow> rows;
  auto linear = [&](const char* name, std::int64_t m, std::int64_t n, std::int64_t k,
                    std::int64_t count) {
    rows.push_back(
        TraceRow{name, m, n, k, count, ph, formats.w_format, formats.a_format, formats.group_size});
  };
  auto attention = [&](const char* name, std::int64_t n, std::int64_t k) {
    rows.push_back(TraceRow{name, queries, n, k, attn_count, ph, formats.attn_w_format,
                            formats.attn_a_format, formats.attn_group_size});
  };
  linear("q_proj", tokens, shape.hidden, shape.hidden, shape.layers);
  linear("k_proj", tokens, shape.kv_dim(), shape.hidden, shape.layers);
  linear("v_proj", tokens, shape.kv_dim(), shape.hidden, shape.layers);
  // NOTE(model): the prefill score GEMM is the full seq x seq square; the causal mask is not
  // used to skip the upper triangle.
  attention("attn_score", keys, shape.head_dim());
  attention("attn_context", shape.head_dim(), keys);
  linear("o_proj", tokens, shape.hidden, shape.hidden, shape.layers);
  if (shape.gated_mlp) {
    linear("gate_proj", tokens, shape.intermediate, shape.hidden, shape.layers);
    linear("up_proj", tokens, shape.intermediate, shape.hidden, shape.layers);
    linear("down_proj", tokens, shape.hidden, shape.intermediate, shape.layers);
  } else {
    linear("fc1", tokens, shape.intermediate, shape.hidden, shape.layers);
    linear("fc2", tokens, shape.hidden, shape.intermediate, shape.layers);
  }
  linear("lm_head", batch, shape.vocab, shape.hidden, 1);  // the last token of each sequence
  return rows;
}

bool is_trace_header(std::string_view first_line) {
  std::string compact;
  for (char c : first_line) {
    if (c != ' ' && c != '\t' && c != '\r') compact += c;
  }
  return compact.starts_with("name,m,n,k,count,phase");
}

std::string trace_csv(const std::vector<TraceRow>& rows) {
  std::string out = fmt::format("{}\n", kTraceHeader);
  for (const TraceRow& r : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}\n", r.name, r.m, r.n, r.k, r.count, r.phase,
                       r.w_format, r.a_format, r.group_size);
  }
  return out;
}

void write_trace_csv(const std::string& path, const std::vector<TraceRow>& rows) {
  const fs::path target(path);
  const fs::path parent = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent, ec);
  if (ec) {
    throw UserError(
        fmt::format("{}: error: cannot create folder {}: {}", path, parent.string(), ec.message()));
  }
  const fs::path temp =
      parent / fmt::format(".{}.partial-{}", target.filename().string(), ::getpid());
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << trace_csv(rows);
    out.close();
    if (!out) {
      fs::remove(temp, ec);
      throw UserError(fmt::format("{}: error: cannot write {}", path, temp.string()));
    }
  }
  fs::rename(temp, target, ec);
  if (ec) {
    const std::string why = ec.message();
    fs::remove(temp, ec);
    throw UserError(fmt::format("{}: error: cannot write: {}", path, why));
  }
}

std::vector<TraceRow> read_trace_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: error: cannot open file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto source = std::make_shared<SourceText>(SourceText{path, buffer.str()});
  Diag diag;
  std::vector<TraceRow> rows;
  std::set<std::string> names;
  bool header_seen = false;
  int line_no = 0;
  std::istringstream lines(source->text);
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF file
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    const std::vector<CsvField> fields = split_csv_fields(line);
    auto where = [&](int col) { return SourceLoc{source, line_no, col}; };
    const int end_col = static_cast<int>(line.size()) + 1;
    if (!header_seen) {
      header_seen = true;
      for (std::size_t i = 0; i < kTraceFields; ++i) {
        if (i >= fields.size() || fields[i].text != kColumns[i]) {
          diag.error(where(i < fields.size() ? fields[i].col : end_col), "header",
                     fmt::format("expected the header `{}`", kTraceHeader));
          break;
        }
      }
      if (fields.size() > kTraceFields && diag.empty()) {
        diag.error(where(fields[kTraceFields].col), "header",
                   fmt::format("expected the header `{}`; extra column", kTraceHeader));
      }
      if (!diag.empty()) break;  // rows cannot be read against a wrong header
      continue;
    }
    const std::string row = fmt::format("row {}", line_no);
    if (fields.size() != kTraceFields) {
      diag.error(where(fields.size() > kTraceFields ? fields[kTraceFields].col : end_col), row,
                 fmt::format("expected {} fields ({}), got {}", kTraceFields, kTraceHeader,
                             fields.size()));
      continue;
    }
    bool ok = true;
    // An integer field in [lo, hi].
    auto integer = [&](std::size_t i, std::int64_t lo, std::int64_t hi, std::int64_t& v) {
      const CsvField& f = fields[i];
      const std::string column(kColumns[i]);
      if (!parse_int(f.text, v)) {
        diag.error(where(f.col), column, fmt::format("expected an integer, got '{}'", f.text));
        ok = false;
      } else if (v < lo || v > hi) {
        diag.error(where(f.col), column, fmt::format("must be in [{}, {}], got {}", lo, hi, v));
        ok = false;
      }
    };
    auto format = [&](std::size_t i, std::string& v) {
      const CsvField& f = fields[i];
      v = f.text;
      if (!is_trace_format(v)) {
        const std::string hint = closest_match(v, trace_format_names());
        diag.error(where(f.col), std::string(kColumns[i]),
                   fmt::format("unknown format '{}'{}", v,
                               hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
        ok = false;
      }
    };
    TraceRow r;
    r.name = fields[0].text;
    if (r.name.empty()) {
      diag.error(where(fields[0].col), "name", "name is empty");
      ok = false;
    } else if (!names.insert(r.name).second) {
      diag.error(where(fields[0].col), "name", fmt::format("duplicate name '{}'", r.name));
      ok = false;
    }
    integer(1, 1, kMaxDim, r.m);
    integer(2, 1, kMaxDim, r.n);
    integer(3, 1, kMaxDim, r.k);
    integer(4, 1, kMaxCount, r.count);
    r.phase = fields[5].text;
    if (r.phase != "prefill" && r.phase != "decode") {
      diag.error(where(fields[5].col), "phase",
                 fmt::format("expected prefill or decode, got '{}'", r.phase));
      ok = false;
    }
    format(6, r.w_format);
    format(7, r.a_format);
    integer(8, 0, kMaxDim, r.group_size);
    if (ok) rows.push_back(r);
  }
  if (!header_seen) {
    diag.error(SourceLoc{source, 1, 1}, "", "empty trace file");
  } else if (rows.empty() && diag.empty()) {
    diag.error(SourceLoc{source, line_no, 1}, "", "no rows after the header");
  }
  diag.throw_if_any();
  return rows;
}

Workload load_trace_csv(const std::string& path) {
  Workload out;
  out.source = path;
  for (const TraceRow& r : read_trace_csv(path)) {
    out.layers.push_back(Gemm{r.name, r.m, r.n, r.k, r.count});
  }
  return out;
}

}  // namespace tpesim::workloads
