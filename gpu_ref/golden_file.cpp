// SPDX-License-Identifier: Apache-2.0
#include "gpu_ref/golden_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tpesim::gpu_ref {

const char* golden_kind_name(GoldenKind kind) {
  switch (kind) {
    case GoldenKind::IntMac:
      return "int_mac";
    case GoldenKind::FpMac:
      return "fp_mac";
    case GoldenKind::Lmul:
      return "lmul";
    case GoldenKind::Mixpe:
      return "mixpe";
    case GoldenKind::LutTc:
      return "lut_tc";
  }
  return "?";
}

void write_golden(const GoldenVector& g, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot write");
  const bool int_mac = g.kind == GoldenKind::IntMac;
  out << "# tpesim golden vector: " << golden_kind_name(g.kind)
      << " GEMM computed by the gpu_ref twin kernel.\n"
      << "# Regenerate on a GPU machine with scripts/gpu-golden.\n";
  // int_mac files keep the first version's layout (no `kind`), so regenerating them is a no-op.
  if (int_mac) {
    out << "a_bits " << g.a_bits << "\nw_bits " << g.w_bits << "\nacc_bits " << g.acc_bits
        << "\noverflow " << (g.saturate ? "saturate" : "wrap");
  } else {
    out << "kind " << golden_kind_name(g.kind);
    if (g.kind == GoldenKind::FpMac) {
      out << "\na_format " << g.a_format << "\nw_format " << g.w_format << "\nout_format "
          << g.out_format;
    } else if (g.kind == GoldenKind::Lmul) {
      out << "\nformat " << g.format << "\nacc_format " << g.acc_format;
    } else if (g.kind == GoldenKind::Mixpe) {
      out << "\nvariant " << g.variant << "\nw_bits " << g.w_bits << "\ngroup_size " << g.group_size
          << "\nout_format " << g.out_format;
    } else {
      out << "\nactivation " << g.activation << "\nw_bits " << g.w_bits << "\nlut_group "
          << g.lut_group << "\ntable_format " << g.table_format << "\nacc_format " << g.acc_format
          << "\ngroup_size " << g.group_size << "\nout_format " << g.out_format;
    }
    out << "\nedge_per_mille " << g.edge_per_mille;
  }
  out << "\nm " << g.m << "\nn " << g.n << "\nk " << g.k << "\nseed " << g.seed << "\ndevice "
      << g.device << "\noverflows " << g.overflows << "\noutputs\n";
  if (!int_mac) out << std::hex << std::showbase;
  for (std::int64_t i = 0; i < g.m; ++i) {
    for (std::int64_t j = 0; j < g.n; ++j) {
      const std::int64_t v = g.out[static_cast<std::size_t>(i * g.n + j)];
      out << (j ? " " : "");
      if (!int_mac && v == 0) {
        out << "0x0";  // std::showbase writes a bare 0
      } else {
        out << v;
      }
    }
    out << "\n";
  }
  if (!out) throw std::runtime_error(path + ": write failed");
}

GoldenVector read_golden(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  GoldenVector g;
  std::string line;
  int line_no = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(path + ":" + std::to_string(line_no) + ": " + why);
  };
  bool outputs = false;
  while (!outputs && std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string key;
    fields >> key;
    if (key == "outputs") {
      outputs = true;
      continue;
    }
    std::string value;
    std::getline(fields >> std::ws, value);
    try {
      if (key == "kind") {
        if (value == "int_mac")
          g.kind = GoldenKind::IntMac;
        else if (value == "fp_mac")
          g.kind = GoldenKind::FpMac;
        else if (value == "lmul")
          g.kind = GoldenKind::Lmul;
        else if (value == "mixpe")
          g.kind = GoldenKind::Mixpe;
        else if (value == "lut_tc")
          g.kind = GoldenKind::LutTc;
        else
          fail("kind must be int_mac, fp_mac, lmul, mixpe or lut_tc");
      } else if (key == "a_bits")
        g.a_bits = std::stoi(value);
      else if (key == "w_bits")
        g.w_bits = std::stoi(value);
      else if (key == "acc_bits")
        g.acc_bits = std::stoi(value);
      else if (key == "overflow") {
        if (value != "wrap" && value != "saturate") fail("overflow must be wrap or saturate");
        g.saturate = value == "saturate";
      } else if (key == "a_format")
        g.a_format = value;
      else if (key == "w_format")
        g.w_format = value;
      else if (key == "out_format")
        g.out_format = value;
      else if (key == "format")
        g.format = value;
      else if (key == "acc_format")
        g.acc_format = value;
      else if (key == "variant")
        g.variant = value;
      else if (key == "activation")
        g.activation = value;
      else if (key == "table_format")
        g.table_format = value;
      else if (key == "lut_group")
        g.lut_group = std::stoi(value);
      else if (key == "group_size")
        g.group_size = std::stoll(value);
      else if (key == "edge_per_mille")
        g.edge_per_mille = std::stoi(value);
      else if (key == "m")
        g.m = std::stoll(value);
      else if (key == "n")
        g.n = std::stoll(value);
      else if (key == "k")
        g.k = std::stoll(value);
      else if (key == "seed")
        g.seed = std::stoull(value);
      else if (key == "device")
        g.device = value;
      else if (key == "overflows")
        g.overflows = std::stoull(value);
      else
        fail("unknown key '" + key + "'");
    } catch (const std::logic_error&) {
      fail("bad value for '" + key + "'");
    }
  }
  if (!outputs) fail("no `outputs` section");
  if (g.m <= 0 || g.n <= 0 || g.k <= 0) fail("m, n and k must be positive");
  const bool fp_mac = g.kind == GoldenKind::FpMac, lmul = g.kind == GoldenKind::Lmul;
  if (fp_mac && (g.a_format.empty() || g.w_format.empty() || g.out_format.empty()))
    fail("fp_mac needs a_format, w_format and out_format");
  if (lmul && (g.format.empty() || g.acc_format.empty())) fail("lmul needs format and acc_format");
  if (g.kind == GoldenKind::Mixpe &&
      (g.variant.empty() || g.out_format.empty() || g.group_size <= 0))
    fail("mixpe needs variant, w_bits, group_size and out_format");
  if (g.kind == GoldenKind::LutTc &&
      (g.activation.empty() || g.table_format.empty() || g.acc_format.empty() ||
       g.out_format.empty() || g.lut_group <= 0 || g.group_size <= 0))
    fail(
        "lut_tc needs activation, w_bits, lut_group, table_format, acc_format, group_size and "
        "out_format");
  g.out.reserve(static_cast<std::size_t>(g.m * g.n));
  // Outputs: decimal integers, or 0x-prefixed hex bit patterns (float kinds).
  std::string token;
  while (in >> token) {
    const bool hex = token.size() > 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X');
    std::size_t used = 0;
    std::int64_t v = 0;
    try {
      v = std::stoll(token, &used, hex ? 16 : 10);
    } catch (const std::logic_error&) {
      used = 0;
    }
    if (used != token.size() || (hex && token.find('-') != std::string::npos))
      fail("bad output '" + token + "'");
    g.out.push_back(v);
  }
  if (static_cast<std::int64_t>(g.out.size()) != g.m * g.n) {
    fail("expected " + std::to_string(g.m * g.n) + " outputs, found " +
         std::to_string(g.out.size()));
  }
  return g;
}

}  // namespace tpesim::gpu_ref
