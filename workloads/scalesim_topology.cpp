// SPDX-License-Identifier: Apache-2.0
#include "workloads/scalesim_topology.h"

#include <fmt/format.h>

#include <charconv>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "sim/core/diag.h"
#include "sim/core/errors.h"
#include "workloads/csv_fields.h"

namespace tpesim::workloads {

Gemm ConvLayer::to_gemm() const {
  return Gemm{name, ofmap_h() * ofmap_w(), num_filters, filter_h * filter_w * channels, 1};
}

namespace {

constexpr std::int64_t kMaxDim = std::int64_t{1} << 24;  // bound of every field and GEMM dim
// Layers one depth-wise row may expand to (one per channel); bounds memory on bad input.
constexpr std::int64_t kMaxDepthwiseChannels = std::int64_t{1} << 16;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// The row's fields, trailing empty ones (SCALE-Sim's trailing commas) dropped.
std::vector<CsvField> split_csv_line(std::string_view line) {
  std::vector<CsvField> out = split_csv_fields(line);
  while (!out.empty() && out.back().text.empty()) out.pop_back();
  return out;
}

// A whole-field decimal integer (sign allowed); false for anything else.
bool parse_int(std::string_view text, std::int64_t& out) {
  if (text.empty()) return false;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// Checks an `N:M` sparsity field. Only dense ratios (N == M) are accepted.
bool check_sparsity(const CsvField& f, const SourceLoc& loc, Diag& diag) {
  const std::string_view text = f.text;
  const std::size_t colon = text.find(':');
  std::int64_t n = 0, m = 0;
  if (colon == std::string_view::npos || !parse_int(trim(text.substr(0, colon)), n) ||
      !parse_int(trim(text.substr(colon + 1)), m) || n < 1 || m < 1 || n > m) {
    diag.error(loc, "Sparsity",
               fmt::format("expected an N:M sparsity ratio with 1 <= N <= M, got '{}'", text));
    return false;
  }
  if (n != m) {
    diag.error(loc, "Sparsity",
               fmt::format("N:M sparsity is not modelled (got {}:{}); only dense ratios with "
                           "N == M are accepted",
                           n, m));
    return false;
  }
  return true;
}

}  // namespace

Workload load_scalesim_topology(const std::string& path, TopologyFormat format) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UserError(fmt::format("{}: error: cannot open file", path));
  std::ostringstream buffer;
  buffer << in.rdbuf();
  auto source = std::make_shared<SourceText>(SourceText{path, buffer.str()});
  Diag diag;
  Workload out;
  out.source = path;

  const std::vector<std::string> conv_columns = {"Layer name",    "IFMAP Height", "IFMAP Width",
                                                 "Filter Height", "Filter Width", "Channels",
                                                 "Num Filter",    "Strides"};
  const std::vector<std::string> gemm_columns = {"Layer", "M", "N", "K"};
  const auto& columns = format == TopologyFormat::Conv ? conv_columns : gemm_columns;
  // One optional field after the required ones: stride width or N:M (conv), N:M (GEMM).
  const std::size_t max_fields = columns.size() + 1;

  std::set<std::string> names;  // every layer name so far, depth-wise expansions included
  bool header_seen = false;
  int line_no = 0;
  std::istringstream lines(source->text);
  for (std::string line; std::getline(lines, line);) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();  // CRLF file
    std::vector<CsvField> fields = split_csv_line(line);
    if (fields.empty()) continue;  // blank line
    if (!header_seen) {
      header_seen = true;  // SCALE-Sim skips the first row, whatever it says
      continue;
    }
    auto where = [&](int col) { return SourceLoc{source, line_no, col}; };
    if (fields.size() < columns.size()) {
      diag.error(where(static_cast<int>(line.size()) + 1), fmt::format("row {}", line_no),
                 fmt::format("expected {} fields ({}), got {}", columns.size(),
                             fmt::format("{}", fmt::join(columns, ", ")), fields.size()));
      continue;
    }
    bool row_ok = true;
    if (fields.size() > max_fields) {
      diag.error(where(fields[max_fields].col), fmt::format("row {}", line_no),
                 fmt::format("expected at most {} fields, got {}", max_fields, fields.size()));
      row_ok = false;
    }
    // Checks one dimension field: a whole integer in [1, kMaxDim].
    auto parse_dim = [&](const CsvField& f, const std::string& column, std::int64_t& v) {
      if (!parse_int(f.text, v)) {
        diag.error(where(f.col), column,
                   fmt::format("expected a positive integer, got '{}'", f.text));
        return false;
      }
      if (v < 1 || v > kMaxDim) {
        diag.error(where(f.col), column, fmt::format("must be in [1, {}], got {}", kMaxDim, v));
        return false;
      }
      return true;
    };
    std::vector<std::int64_t> values(columns.size(), 0);
    for (std::size_t i = 1; i < columns.size(); ++i) {
      if (!parse_dim(fields[i], columns[i], values[i])) row_ok = false;
    }
    std::int64_t stride_w = 0;  // 0: the same as the vertical stride
    if (fields.size() == max_fields) {
      const CsvField& f = fields[columns.size()];
      if (f.text.find(':') != std::string::npos) {
        if (!check_sparsity(f, where(f.col), diag)) row_ok = false;
      } else if (format == TopologyFormat::Conv) {
        if (!parse_dim(f, "Stride Width", stride_w)) row_ok = false;
      } else {
        diag.error(where(f.col), "Sparsity",
                   fmt::format("expected an N:M sparsity ratio, got '{}'", f.text));
        row_ok = false;
      }
    }
    const std::string& name = fields[0].text;
    if (name.empty()) {
      diag.error(where(fields[0].col), columns[0], "layer name is empty");
      row_ok = false;
    } else if (!names.insert(name).second) {
      diag.error(where(fields[0].col), columns[0], fmt::format("duplicate layer name '{}'", name));
      row_ok = false;
    }
    if (!row_ok) continue;
    if (format == TopologyFormat::Gemm) {
      out.layers.push_back(Gemm{name, values[1], values[2], values[3], 1});
      continue;
    }
    ConvLayer conv{name,      values[1], values[2],
                   values[3], values[4], values[5],
                   values[6], values[7], stride_w > 0 ? stride_w : values[7]};
    if (conv.filter_h > conv.ifmap_h) {
      diag.error(
          where(fields[3].col), columns[3],
          fmt::format("filter height {} exceeds IFMAP height {}", conv.filter_h, conv.ifmap_h));
      row_ok = false;
    }
    if (conv.filter_w > conv.ifmap_w) {
      diag.error(
          where(fields[4].col), columns[4],
          fmt::format("filter width {} exceeds IFMAP width {}", conv.filter_w, conv.ifmap_w));
      row_ok = false;
    }
    if (!row_ok) continue;
    // SCALE-Sim's depth-wise convention: "DP" anywhere in the name, one layer per channel.
    const bool depthwise = name.find("DP") != std::string::npos;
    if (depthwise && conv.channels > kMaxDepthwiseChannels) {
      diag.error(where(fields[5].col), columns[5],
                 fmt::format("a depth-wise layer expands to one layer per channel; at most {} "
                             "channels are supported, got {}",
                             kMaxDepthwiseChannels, conv.channels));
      continue;
    }
    // The lowered GEMM must respect the same bounds as a GEMM given directly.
    const std::int64_t window = conv.filter_h * conv.filter_w;  // <= 2^48, no overflow
    const std::int64_t k_channels = depthwise ? 1 : conv.channels;
    if (conv.ofmap_h() * conv.ofmap_w() > kMaxDim) {
      diag.error(where(fields[1].col), columns[1],
                 fmt::format("lowered GEMM M = {} x {} OFMAP pixels exceeds {}", conv.ofmap_h(),
                             conv.ofmap_w(), kMaxDim));
      row_ok = false;
    }
    if (window > kMaxDim / k_channels) {
      diag.error(where(fields[3].col), columns[3],
                 fmt::format("lowered GEMM K = {} x {} x {} exceeds {}", conv.filter_h,
                             conv.filter_w, k_channels, kMaxDim));
      row_ok = false;
    }
    if (!row_ok) continue;
    if (!depthwise) {
      out.layers.push_back(conv.to_gemm());
      continue;
    }
    ConvLayer channel = conv;
    channel.channels = 1;
    for (std::int64_t c = 0; c < conv.channels; ++c) {
      channel.name = fmt::format("{}Channel_{}", name, c);
      if (!names.insert(channel.name).second) {
        diag.error(
            where(fields[0].col), columns[0],
            fmt::format("duplicate layer name '{}' (from depth-wise expansion)", channel.name));
        break;
      }
      out.layers.push_back(channel.to_gemm());
    }
  }
  if (!header_seen) {
    diag.error(SourceLoc{source, 1, 1}, "", "empty topology file");
  } else if (out.layers.empty() && diag.empty()) {
    diag.error(SourceLoc{source, line_no, 1}, "", "no layers after the header row");
  }
  diag.throw_if_any();
  return out;
}

}  // namespace tpesim::workloads
