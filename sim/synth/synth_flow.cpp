// SPDX-License-Identifier: Apache-2.0
#include "sim/synth/synth_flow.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>

#include "sim/core/errors.h"
#include "sim/synth/process.h"
#include "sim/synth/sha256.h"
#include "sim/synth/synth_cache.h"
#include "sim/synth/tool_output.h"

namespace tpesim::synth {

namespace {

namespace fs = std::filesystem;

// The clock of the timing run: long enough that every path meets it, so the critical path is
// the period minus the worst slack (setup time included).
constexpr double kStaPeriodNs = 1000;
constexpr const char* kClockPort = "clk";  // every Verilog PE's clock
constexpr const char* kNand2Cell = "NAND2X1";

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read '{}'", path.string()));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_lines(const fs::path& path, const std::vector<std::string>& lines) {
  std::ofstream out(path);
  for (const std::string& l : lines) out << l << "\n";
  if (!out) throw std::runtime_error(fmt::format("cannot write '{}'", path.string()));
}

std::string in_quotes(const fs::path& p) { return fmt::format("\"{}\"", p.string()); }

// The first line of a tool's output, or a runtime_error naming the tool.
std::string tool_version(const std::string& program, const std::string& flag,
                         const fs::path& work) {
  static std::map<std::string, std::string> known;  // by program; guarded by synthesize()'s lock
  if (const auto it = known.find(program); it != known.end()) return it->second;
  const fs::path log = work / fmt::format("version-{}.log", ::getpid());  // one per process
  fs::remove(log);
  const int rc = run_process({program, flag}, work, log);
  std::string text = read_text(log);
  std::string line = text.substr(0, text.find('\n'));
  if (rc != 0 || line.empty()) {
    throw std::runtime_error(fmt::format("`{} {}` failed (exit {}): {}", program, flag, rc, text));
  }
  fs::remove(log);
  return known[program] = line;
}

// The top file and every file it includes (transitively), with their hashes.
std::vector<VerilogFile> verilog_files(const fs::path& rtl_dir, const std::string& top) {
  static const std::regex kInclude(R"(^\s*`include\s+"([^"]+)\")");
  std::vector<VerilogFile> out;
  std::set<std::string> seen{top};
  std::deque<std::string> pending{top};
  while (!pending.empty()) {
    const std::string name = pending.front();
    pending.pop_front();
    const fs::path path = rtl_dir / name;
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      throw UserError(fmt::format(
          "error: no Verilog file '{}' (rtl/ of $TPESIM_DATA_DIR, else of the source tree)",
          path.string()));
    }
    const std::string text = read_text(path);
    out.push_back({name, sha256_hex(text)});
    std::istringstream lines(text);
    std::smatch m;
    for (std::string line; std::getline(lines, line);) {
      if (std::regex_search(line, m, kInclude) && seen.insert(m[1]).second) pending.push_back(m[1]);
    }
  }
  return out;
}

const Liberty& liberty_of(const fs::path& file) {
  static std::map<std::string, Liberty> parsed;  // by path; guarded by synthesize()'s lock
  if (const auto it = parsed.find(file.string()); it != parsed.end()) return it->second;
  Liberty lib = parse_liberty(read_text(file), file.string());
  if (!lib.cells.count(kNand2Cell)) {
    throw std::runtime_error(
        fmt::format("{}: no {} cell to count NAND2-equivalents", file.string(), kNand2Cell));
  }
  return parsed[file.string()] = std::move(lib);
}

std::vector<std::string> yosys_script(const RtlTarget& t, const SynthEnv& env) {
  std::string chparam = "chparam";
  for (const RtlParam& p : t.params) chparam += fmt::format(" -set {} {}", p.name, p.value);
  std::vector<std::string> s = {fmt::format("read_verilog -sv -I{} {}", env.rtl_dir.string(),
                                            in_quotes(env.rtl_dir / t.file))};
  if (!t.params.empty()) s.push_back(chparam + " " + t.module);
  // -noshare: Yosys 0.23's `share` pass (SAT over the float units' shifters) runs for tens of
  // minutes on pe_mixpe_w4a8 and pe_lut_tc; one flow for every PE keeps the areas comparable.
  s.insert(s.end(), {fmt::format("synth -flatten -noshare -top {}", t.module),
                     fmt::format("dfflibmap -liberty {}", in_quotes(env.liberty)),
                     fmt::format("abc -liberty {}", in_quotes(env.liberty)),
                     // For OpenSTA's Verilog reader: no x constants, no kept internal wires
                     // (their concatenated assigns do not parse), and the plain module name
                     // (chparam of a module with submodules leaves a $paramod name).
                     "setundef -zero", "opt_clean -purge", fmt::format("rename -top {}", t.module),
                     fmt::format("tee -o stat.txt stat -liberty {}", in_quotes(env.liberty)),
                     "write_verilog -noattr netlist.v"});
  return s;
}

std::vector<std::string> sta_script(const RtlTarget& t, const SynthEnv& env) {
  return {fmt::format("read_liberty {{{}}}", env.liberty.string()),
          "read_verilog netlist.v",
          fmt::format("link_design {}", t.module),
          fmt::format("create_clock -name clk -period {} [get_ports {}]", kStaPeriodNs, kClockPort),
          fmt::format("set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports {}]]",
                      kClockPort),
          "set_output_delay 0 -clock clk [all_outputs]",
          "puts \"tpesim-section all\"",
          "report_checks -path_delay max -digits 4",
          "puts \"tpesim-section reg_to_reg\"",
          "report_checks -path_delay max -digits 4 -from [all_registers -clock_pins] -to "
          "[all_registers -data_pins]",
          "puts \"tpesim-section power\"",
          "report_power -digits 6",
          "exit"};
}

// Runs one tool over its script in `work`; a runtime_error naming the log when it fails.
void run_tool(const std::vector<std::string>& argv, const fs::path& work, const std::string& log) {
  const int rc = run_process(argv, work, work / log);
  if (rc != 0) {
    throw std::runtime_error(fmt::format("`{}` failed (exit {}); see {}", fmt::join(argv, " "), rc,
                                         (work / log).string()));
  }
}

fs::path fresh_work_dir(const fs::path& cache_dir, const std::string& key) {
  static std::atomic<int> counter{0};
  const fs::path dir =
      cache_dir / "tmp" / fmt::format("{}-{}-{}", key.substr(0, 16), ::getpid(), counter++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Fills the measured fields of `r` from the files the tools wrote into `work`.
void measure(SynthResult& r, const fs::path& work, const Liberty& lib) {
  const CellStats stats =
      parse_yosys_stat(read_text(work / "stat.txt"), (work / "stat.txt").string());
  std::vector<std::string> unmapped;
  double sum_um2 = 0;
  for (const auto& [type, n] : stats.cells) {
    const auto it = lib.cells.find(type);
    if (it == lib.cells.end()) {
      unmapped.push_back(fmt::format("{} x{}", type, n));
      continue;
    }
    sum_um2 += double(n) * it->second.area_um2;
    if (it->second.sequential) r.flip_flops += n;
  }
  if (!unmapped.empty()) {
    throw std::runtime_error(
        fmt::format("cells left unmapped to the liberty (their area would be missing): {}; see {}",
                    fmt::join(unmapped, ", "), (work / "yosys.log").string()));
  }
  TPESIM_CHECK(std::abs(sum_um2 - stats.area_um2) <= 1e-6 * stats.area_um2 + 1e-6,
               "cell areas add up to {} um^2, Yosys reports {}", sum_um2, stats.area_um2);
  r.cells = stats.cells;
  r.cell_count = stats.cell_count;
  r.area_um2 = stats.area_um2;
  r.nand2_um2 = lib.cells.at(kNand2Cell).area_um2;
  r.nand2_eq = r.area_um2 / r.nand2_um2;

  const StaReport sta = parse_sta_report(read_text(work / "sta.log"), (work / "sta.log").string());
  if (!sta.all || !sta.power) {
    throw std::runtime_error(fmt::format("OpenSTA reported no timed path or no power; see {}",
                                         (work / "sta.log").string()));
  }
  r.critical_path_ns = kStaPeriodNs - sta.all->slack_ns;
  r.critical_from = sta.all->startpoint;
  r.critical_to = sta.all->endpoint;
  if (sta.reg_to_reg) r.reg_to_reg_ns = kStaPeriodNs - sta.reg_to_reg->slack_ns;
  r.fmax_mhz = 1000.0 / r.critical_path_ns;
  // W x ns = nJ: x 1e3 for pJ per cycle of the timing clock.
  r.dynamic_energy_pj = (sta.power->internal_w + sta.power->switching_w) * kStaPeriodNs * 1e3;
  r.leakage_mw = sta.power->leakage_w * 1e3;
}

}  // namespace

SynthEnv default_synth_env(const std::string& cache_dir) {
  SynthEnv env;
  const char* data = std::getenv("TPESIM_DATA_DIR");
  env.rtl_dir = fs::path(data && *data ? data : TPESIM_DEFAULT_DATA_DIR) / "rtl";
  env.liberty = kOsu018Liberty;
  const char* cache = std::getenv("TPESIM_CACHE_DIR");
  env.cache_dir = fs::absolute(!cache_dir.empty() ? fs::path(cache_dir)
                               : cache && *cache  ? fs::path(cache)
                                                  : fs::path(TPESIM_DEFAULT_CACHE_DIR));
  return env;
}

std::string missing_tools(const SynthEnv& env) {
  std::vector<std::string> missing;
  if (find_program(env.yosys).empty())
    missing.push_back(fmt::format("{} (Yosys) is not on $PATH", env.yosys));
  if (find_program(env.sta).empty())
    missing.push_back(fmt::format("{} (OpenSTA) is not on $PATH", env.sta));
  std::error_code ec;
  if (!fs::is_regular_file(env.liberty, ec)) {
    missing.push_back(fmt::format("the liberty {} is missing", env.liberty.string()));
  }
  if (missing.empty()) return {};
  return fmt::format(
      "{}; install them with scripts/install-deps (Debian: apt-get install yosys opensta "
      "qflow-tech-osu018)",
      fmt::join(missing, "; "));
}

SynthResult synthesize(const RtlTarget& target, const SynthEnv& env) {
  static std::mutex lock;  // one synthesis at a time per process (sweeps run points in threads)
  const std::lock_guard<std::mutex> guard(lock);
  if (const std::string why = missing_tools(env); !why.empty()) {
    throw UserError("error: synthesis needs Yosys, OpenSTA and the OSU 0.18 um liberty: " + why);
  }
  std::error_code ec;
  fs::create_directories(env.cache_dir / "tmp", ec);
  if (ec) {
    throw UserError(
        fmt::format("error: cannot create the synthesis cache '{}': {} (set "
                    "TPESIM_CACHE_DIR or --cache-dir)",
                    env.cache_dir.string(), ec.message()));
  }
  SynthInputs in;
  in.target = target;
  in.verilog = verilog_files(env.rtl_dir, target.file);
  in.liberty_sha256 = sha256_file(env.liberty);
  in.yosys_version = tool_version(env.yosys, "-V", env.cache_dir / "tmp");
  in.sta_version = tool_version(env.sta, "-version", env.cache_dir / "tmp");
  const std::string key = cache_key(in);
  if (auto hit = cache_lookup(env.cache_dir, key)) return *hit;

  const auto start = std::chrono::steady_clock::now();
  const Liberty& lib = liberty_of(env.liberty);
  const fs::path work = fresh_work_dir(env.cache_dir, key);
  SynthResult r;
  r.kind = target.kind;
  r.module = target.module;
  r.params = target.params;
  r.verilog = in.verilog;
  r.liberty = env.liberty.string();
  r.liberty_sha256 = in.liberty_sha256;
  r.library = lib.name;
  r.library_node_nm = kOsu018NodeNm;
  r.library_vdd_v = lib.nom_voltage_v;
  r.yosys_version = in.yosys_version;
  r.sta_version = in.sta_version;
  r.cache_key = key;
  r.commands = {{env.yosys + " -s synth.ys", yosys_script(target, env)},
                {env.sta + " -no_init -exit sta.tcl", sta_script(target, env)}};
  write_lines(work / "synth.ys", r.commands[0].script);
  write_lines(work / "sta.tcl", r.commands[1].script);
  run_tool({env.yosys, "-s", "synth.ys"}, work, "yosys.log");
  run_tool({env.sta, "-no_init", "-exit", "sta.tcl"}, work, "sta.log");
  measure(r, work, lib);
  r.entry = cache_store(env.cache_dir, work, r);
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return r;
}

}  // namespace tpesim::synth
