// SPDX-License-Identifier: Apache-2.0
#include "gpu_ref/golden_file.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace tpesim::gpu_ref {

void write_golden(const GoldenIntMac& g, const std::string& path) {
  std::ofstream out(path);
  if (!out) throw std::runtime_error(path + ": cannot write");
  out << "# tpesim golden vector: int_mac GEMM computed by the gpu_ref twin kernel.\n"
      << "# Regenerate on a GPU machine with scripts/gpu-golden.\n"
      << "a_bits " << g.a_bits << "\nw_bits " << g.w_bits << "\nacc_bits " << g.acc_bits
      << "\noverflow " << (g.saturate ? "saturate" : "wrap") << "\nm " << g.m << "\nn " << g.n
      << "\nk " << g.k << "\nseed " << g.seed << "\ndevice " << g.device << "\noverflows "
      << g.overflows << "\noutputs\n";
  for (std::int64_t i = 0; i < g.m; ++i) {
    for (std::int64_t j = 0; j < g.n; ++j) {
      out << (j ? " " : "") << g.out[static_cast<std::size_t>(i * g.n + j)];
    }
    out << "\n";
  }
  if (!out) throw std::runtime_error(path + ": write failed");
}

GoldenIntMac read_golden(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  GoldenIntMac g;
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
      if (key == "a_bits")
        g.a_bits = std::stoi(value);
      else if (key == "w_bits")
        g.w_bits = std::stoi(value);
      else if (key == "acc_bits")
        g.acc_bits = std::stoi(value);
      else if (key == "overflow") {
        if (value != "wrap" && value != "saturate") fail("overflow must be wrap or saturate");
        g.saturate = value == "saturate";
      } else if (key == "m")
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
  g.out.reserve(static_cast<std::size_t>(g.m * g.n));
  std::int64_t v = 0;
  while (in >> v) g.out.push_back(v);
  if (!in.eof()) fail("non-integer in outputs");
  if (static_cast<std::int64_t>(g.out.size()) != g.m * g.n) {
    fail("expected " + std::to_string(g.m * g.n) + " outputs, found " +
         std::to_string(g.out.size()));
  }
  return g;
}

}  // namespace tpesim::gpu_ref
