// SPDX-License-Identifier: Apache-2.0
// The `tpesim` command line: run, sweep, gemm, numerics, synth, verify-rtl, verify-gpu, trace,
// check-config, list-kinds, describe.
// Exit codes: 0 success, 2 bad user input, 3 a model invariant broke (a bug), 1 anything else.
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "arch/arch_spec.h"
#include "pe/pe_config.h"
#include "sim/core/config_node.h"
#include "sim/core/errors.h"
#include "sim/cosim/rtl_value_engine.h"
#include "sim/cosim/verify_rtl_command.h"
#include "sim/gemm_command.h"
#include "sim/numerics.h"
#include "sim/report/reports.h"
#include "sim/run.h"
#include "sim/scalesim/scalesim_config.h"
#include "sim/scalesim/scalesim_reports.h"
#include "sim/sweep/sweep_progress.h"
#include "sim/sweep/sweep_runner.h"
#include "sim/synth/synth_command.h"
#include "sim/verify_gpu/gpu_binary.h"
#include "sim/verify_gpu/verify_gpu_command.h"
#include "sim/version.h"
#include "sim/workload_file.h"
#include "workloads/llm_model.h"
#include "workloads/llm_trace.h"
#include "workloads/scalesim_topology.h"

namespace {

using namespace tpesim;
namespace fs = std::filesystem;

constexpr int kExitOk = 0;
constexpr int kExitOther = 1;
constexpr int kExitUser = 2;
constexpr int kExitModel = 3;

struct RunOptions {
  std::string arch;                    // --arch
  std::string workload;                // --workload
  std::string scalesim_config;         // --scalesim-config
  std::string topology;                // --topology
  bool gemm_topology = false;          // --gemm
  std::vector<std::string> overrides;  // --set
  std::string fidelity;                // --fidelity
  std::string timing;                  // --timing
  bool values = false;                 // --values
  bool verify = false;                 // --verify
  std::string out;                     // --out
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int run_command(const RunOptions& o) {
  std::vector<std::string> overrides = o.overrides;
  if (!o.fidelity.empty()) overrides.push_back("run.fidelity=" + o.fidelity);
  if (!o.timing.empty()) overrides.push_back("run.timing=" + o.timing);
  if (o.values) overrides.emplace_back("run.values=true");
  if (o.verify) overrides.emplace_back("run.verify=true");

  arch::ArchSpec spec;
  workloads::Workload workload;
  const bool scalesim = !o.scalesim_config.empty();
  if (scalesim) {
    if (!o.arch.empty() || !o.workload.empty()) {
      throw UserError("error: --scalesim-config/--topology and --arch/--workload are exclusive");
    }
    const scalesim::ScalesimConfig cfg = scalesim::load_scalesim_config(o.scalesim_config);
    for (const std::string& w : cfg.warnings) fmt::print(stderr, "{}\n", w);
    std::string topology = o.topology.empty() ? cfg.topology_csv : o.topology;
    if (topology.empty()) throw UserError("error: --topology is required with --scalesim-config");
    // Route the mapped config through the binder so --set and --fidelity are checked the same way.
    YAML::Emitter e;
    e << arch::emit_arch(scalesim::to_arch(cfg));
    ConfigDoc doc = ConfigDoc::from_string(e.c_str(), o.scalesim_config + " (as tpesim YAML)");
    Diag diag;
    for (const auto& s : overrides) doc.apply_override(s, diag);
    diag.throw_if_any();
    spec = arch::bind_arch(doc);
    workload = workloads::load_scalesim_topology(topology, o.gemm_topology
                                                               ? workloads::TopologyFormat::Gemm
                                                               : workloads::TopologyFormat::Conv);
  } else {
    if (o.arch.empty() || o.workload.empty()) {
      throw UserError(
          "error: run needs --arch and --workload (or --scalesim-config and --topology)");
    }
    spec = arch::load_arch(o.arch, overrides);
    workload = load_workload_file(o.workload, o.gemm_topology);
  }
  StagedOutput out{fs::path(o.out)};
  const RunResult result = run_workload(spec, workload);
  write_run_reports(result, out);
  if (scalesim) scalesim::write_scalesim_reports(result, out);
  out.commit();
  fmt::print("{}: {} layers, {} cycles ({} stalled), utilization {:.2f} %\n", spec.name,
             result.layers.size(), result.totals.cycles, result.totals.stall_cycles,
             100 * result.totals.utilization);
  fmt::print("report: {}\n", (fs::path(o.out) / "report.md").string());
  return kExitOk;
}

struct SweepCliOptions {
  std::string file;       // the sweep file
  std::string out;        // --out
  int jobs = 0;           // --jobs; 0: the hardware threads
  bool resume = false;    // --resume
  bool no_plots = false;  // --no-plots
};

int sweep_command(const SweepCliOptions& o) {
  const sweep::SweepSpec spec = sweep::load_sweep(o.file);
  sweep::SweepOptions options;
  options.out = o.out;
  options.jobs =
      o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.resume = o.resume;
  options.plots = !o.no_plots;
  options.progress = sweep::ProgressPrinter(stderr, ::isatty(STDERR_FILENO) != 0, spec.name);
  const sweep::SweepSummary s = sweep::run_sweep(spec, options);
  fmt::print(
      "{}: {} points ({} ok, {} errors; {} run now, {} from an earlier run), {} on the "
      "Pareto front\n",
      spec.name, s.total, s.ok, s.errors, s.ran, s.resumed, s.pareto);
  if (s.errors > 0) fmt::print(stderr, "first error: {}\n", s.first_error);
  if (!s.plots.problem.empty()) fmt::print(stderr, "warning: {}\n", s.plots.problem);
  if (!s.plots.files.empty()) {
    fmt::print("plots: {}\n", (fs::path(o.out) / "plots").string());
  }
  fmt::print("report: {}\n", (fs::path(o.out) / "report.md").string());
  return s.internal_errors > 0 ? kExitModel : kExitOk;
}

int check_config_command(const std::vector<std::string>& files, bool gemm_csv) {
  int failures = 0;
  for (const std::string& f : files) {
    try {
      if (ends_with(f, ".cfg")) {
        scalesim::load_scalesim_config(f);
      } else if (ends_with(f, ".csv")) {
        load_csv_workload(f, gemm_csv);
      } else {
        const ConfigDoc doc = ConfigDoc::from_file(f);
        if (doc.root().child("gemms").present()) {
          workloads::load_gemm_yaml(f);
        } else if (doc.root().child("axes").present()) {
          sweep::load_sweep(f);
        } else if (doc.root().child("tech_table").present()) {
          arch::bind_tech_table(doc);
        } else {
          arch::bind_arch(doc);
        }
      }
      fmt::print("{}: ok\n", f);
    } catch (const ConfigError& e) {
      fmt::print(stderr, "{}\n", e.what());
      ++failures;
    } catch (const UserError& e) {
      fmt::print(stderr, "{}\n", e.what());
      ++failures;
    }
  }
  return failures ? kExitUser : kExitOk;
}

struct TraceCliOptions {
  std::string model;                // --model: a preset key or a config.json
  std::string phase;                // --phase: prefill | decode
  std::int64_t batch = 0;           // --batch, sequences
  std::int64_t seq = 0;             // --seq, tokens per sequence (prefill)
  std::int64_t context = 0;         // --context, KV cache length (decode); 0: unset
  workloads::TraceFormats formats;  // --w-format, --group-size, --a-format
  std::string out;                  // --out, the trace CSV
};

// A preset key, or (a name ending in .json, or an existing file) a Hugging Face config.json.
workloads::LlmShape resolve_model(const std::string& model) {
  if (const auto preset = workloads::find_llm_preset(model)) return *preset;
  std::error_code ec;
  if (ends_with(model, ".json") || fs::is_regular_file(model, ec)) {
    return workloads::load_hf_config(model);
  }
  std::vector<std::string> names;
  for (const workloads::LlmShape& s : workloads::llm_presets()) names.push_back(s.name);
  const std::string hint = closest_match(model, names);
  throw UserError(
      fmt::format("error: --model: unknown model '{}'{}; presets: {} (or the path of "
                  "a Hugging Face config.json)",
                  model, hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint),
                  fmt::join(names, ", ")));
}

int trace_command(const TraceCliOptions& o) {
  const workloads::LlmShape shape = resolve_model(o.model);
  const workloads::Phase phase =
      o.phase == "prefill" ? workloads::Phase::Prefill : workloads::Phase::Decode;
  if (phase == workloads::Phase::Decode && o.context == 0) {
    throw UserError("error: --context (the KV cache length) is required with --phase decode");
  }
  const std::vector<workloads::TraceRow> rows =
      workloads::make_trace(shape, phase, o.batch, o.seq, o.context, o.formats);
  workloads::write_trace_csv(o.out, rows);
  fmt::print("{} {}: {} GEMM kinds\ntrace: {}\n", shape.name, o.phase, rows.size(), o.out);
  return kExitOk;
}

struct NumericsCliOptions {
  std::string kind;                    // --pe
  std::vector<std::string> overrides;  // --set, relative to the PE mapping
  bool exhaustive = false;             // --exhaustive
  std::int64_t samples = 100000;       // --samples
  std::string dist = "normal";         // --dist
  std::uint64_t seed = 1;              // --seed
  std::int64_t dot_length = 128;       // --dot-length
  std::vector<std::string> compare;    // --compare-format
  std::string out;                     // --out
};

int numerics_command(const NumericsCliOptions& o) {
  // The PE goes through the same strict binder as a config file's `array.pe`.
  ConfigDoc doc = ConfigDoc::from_string(fmt::format("kind: {}\n", o.kind), "--pe");
  Diag diag;
  for (const auto& s : o.overrides) doc.apply_override(s, diag);
  diag.throw_if_any();
  NumericsOptions options;
  options.pe = pe::bind_pe(doc.root(), diag);
  diag.throw_if_any();
  options.exhaustive = o.exhaustive;
  options.samples = o.samples;
  options.seed = o.seed;
  options.dot_length = o.dot_length;
  for (const auto& [value, name] : enum_names(OperandDistribution{})) {
    if (o.dist == name) options.dist = value;
  }
  for (const std::string& name : o.compare) {
    const auto f = pe::parse_float_format(name);
    if (!f) throw UserError(fmt::format("error: --compare-format: unknown format '{}'", name));
    options.compare_formats.push_back(*f);
  }
  const NumericsReport report = run_numerics(options);
  StagedOutput out{fs::path(o.out)};
  {
    std::ofstream json(out.file("numerics.json"));
    json << report.to_json().dump(2) << "\n";
    std::ofstream md(out.file("report.md"));
    md << report.to_markdown();
  }
  out.commit();
  fmt::print("{}", report.to_markdown());
  fmt::print("\nreport: {}\n", (fs::path(o.out) / "report.md").string());
  return kExitOk;
}

void print_fields(const std::vector<FieldInfo>& fields) {
  std::size_t key_w = 3, type_w = 4, value_w = 7;
  for (const auto& f : fields) {
    key_w = std::max(key_w, f.key.size());
    type_w = std::max(type_w, f.type.size());
    value_w = std::max(value_w, f.value.size());
  }
  fmt::print("  {:<{}}  {:<{}}  {:<{}}  {:<12}  {}\n", "key", key_w, "type", type_w, "default",
             value_w, "unit", "meaning");
  for (const auto& f : fields) {
    fmt::print("  {:<{}}  {:<{}}  {:<{}}  {:<12}  {}\n", f.key, key_w, f.type, type_w, f.value,
               value_w, f.unit.empty() ? "-" : f.unit, f.doc);
  }
}

int list_kinds_command() {
  fmt::print("PE kinds (array.pe.kind):\n");
  for (const auto& [name, entry] : pe::pe_registry().entries()) {
    fmt::print("  {:<12} {}\n", name, entry.doc);
  }
  fmt::print("array kinds (array.kind):\n");
  for (const arch::ArrayKindInfo& k : arch::array_kinds()) {
    fmt::print("  {:<12} {}\n", k.name, k.doc);
  }
  fmt::print("memory kinds (memory.kind):\n");
  fmt::print("  {:<12} {}\n", "ideal", "no stalls; every operand tile fetched once");
  fmt::print("  {:<12} {}\n", "buffered", "per-operand double-buffered SRAM and a DRAM model");
  fmt::print(
      "sections: run (fidelity, timing, values, verify, seed), tech (table, node_nm, "
      "clock_ghz, vdd_v, pe_area)\n");
  fmt::print(
      "Each PE kind is also rtl_<kind>: the same timing, the output values from its verilated "
      "Verilog (docs/CONFIG.md).\n");
  fmt::print("Use `tpesim describe KIND` for every parameter.\n");
  return kExitOk;
}

int describe_command(const std::string& kind) {
  if (const pe::PeKindEntry* e = pe::pe_registry().find(kind)) {
    fmt::print("PE kind `{}`: {}\nkeys under array.pe:\n", kind, e->doc);
    print_fields(e->describe());
    return kExitOk;
  }
  for (const arch::ArrayKindInfo& k : arch::array_kinds()) {
    if (kind != k.name) continue;
    fmt::print("array kind `{}`: {}\nkeys under array:\n", k.name, k.doc);
    print_fields(arch::describe_array_fields(k.kind));
    fmt::print("  {:<8}  the PE, a mapping with `kind` (see list-kinds)\n", "pe");
    return kExitOk;
  }
  if (kind == "memory" || kind == "ideal" || kind == "buffered") {
    fmt::print("memory system (memory.kind: ideal | buffered)\nkeys under memory:\n");
    print_fields(describe_fields(arch::MemorySpec::fields(), arch::MemorySpec{}));
    return kExitOk;
  }
  if (kind == "run") {
    fmt::print("run options\nkeys under run:\n");
    print_fields(describe_fields(arch::RunSpec::fields(), arch::RunSpec{}));
    return kExitOk;
  }
  if (kind == "tech") {
    fmt::print(
        "technology and clock of the energy / area model (docs/COST_MODEL.md)\n"
        "keys under tech:\n");
    print_fields(describe_fields(arch::TechSpec::fields(), arch::TechSpec{}));
    return kExitOk;
  }
  std::vector<std::string> known = pe::pe_registry().names();
  for (const arch::ArrayKindInfo& k : arch::array_kinds()) known.push_back(k.name);
  known.insert(known.end(), {"memory", "run", "tech"});
  const std::string hint = closest_match(kind, known);
  throw UserError(fmt::format("error: unknown kind '{}'{}; see `tpesim list-kinds`", kind,
                              hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint)));
}

}  // namespace

int main(int argc, char** argv) {
  cosim::install_verilated_values();  // the rtl_<kind> PE kinds' values
  CLI::App app{"tpesim: cycle-level simulator of quantized tensor-processing hardware"};
  app.set_version_flag("--version", std::string("tpesim ") + kTpesimVersion);
  app.require_subcommand(1);
  app.failure_message(CLI::FailureMessage::help);

  RunOptions run;
  CLI::App* run_cmd = app.add_subcommand(
      "run", "simulate a workload on an architecture and write reports into --out");
  run_cmd->add_option("--arch", run.arch, "architecture YAML (see configs/arch)");
  run_cmd->add_option("--workload", run.workload,
                      "workload: GEMM list YAML, LLM trace CSV, or SCALE-Sim topology CSV");
  run_cmd->add_option("--scalesim-config", run.scalesim_config,
                      "SCALE-Sim v2 .cfg (INI) instead of --arch");
  run_cmd->add_option("--topology", run.topology,
                      "SCALE-Sim topology CSV (with --scalesim-config)");
  run_cmd->add_flag("--gemm", run.gemm_topology, "the topology CSV is `Layer, M, N, K,` rows");
  run_cmd->add_option("--set", run.overrides,
                      "override a config value: key.path=value (repeatable)");
  run_cmd
      ->add_option("--fidelity", run.fidelity, "fast | cycle (default: the config's run.fidelity)")
      ->check(CLI::IsMember({"fast", "cycle"}));
  run_cmd
      ->add_option("--timing", run.timing, "overlap | scalesim (default: the config's run.timing)")
      ->check(CLI::IsMember({"overlap", "scalesim"}));
  run_cmd->add_flag("--values", run.values, "compute output values in fast fidelity");
  run_cmd->add_flag("--verify", run.verify, "check outputs against the CPU golden GEMM");
  run_cmd->add_option("--out", run.out, "output folder for the reports")->required();

  SweepCliOptions sweep_opts;
  CLI::App* sweep_cmd = app.add_subcommand(
      "sweep",
      "run every design point of a sweep file (docs/SWEEPS.md) and write results.jsonl, "
      "results.csv, pareto.csv and report.md into --out");
  sweep_cmd->add_option("file", sweep_opts.file, "the sweep YAML (see configs/sweeps)")->required();
  sweep_cmd->add_option("--out", sweep_opts.out, "output folder (must be empty unless --resume)")
      ->required();
  sweep_cmd
      ->add_option("--jobs,-j", sweep_opts.jobs,
                   "points run in parallel, in-process threads (default: the hardware threads)")
      ->check(CLI::Range(1, 4096));
  sweep_cmd->footer(
      "Sweep file (docs/SWEEPS.md); paths are relative to it:\n"
      "  name: my_sweep\n"
      "  base: ../arch/systolic_32x32_ws.yaml\n"
      "  workload: {file: ../workloads/gemm_64.yaml}\n"
      "    # or {model: llama2-7b, phase: decode, batch: 1, seq: 1, context: 128}\n"
      "  axes:   # every point: the base plus one choice of each axis, as --set overrides\n"
      "    - {key: array.dataflow, values: [ws, os]}\n"
      "    - zip: [{key: array.rows, values: [16, 32]}, {key: array.cols, values: [16, 32]}]\n"
      "    - variants: [{name: int8, set: {array.pe: {kind: int_mac}}},\n"
      "                 {name: fp16, set: {array.pe: {kind: fp_mac}}}]\n"
      "Writes results.jsonl (one row per finished point, appended as it goes), then\n"
      "results.csv, pareto.csv, plots/*.png (matplotlib; a warning when it is missing) and\n"
      "report.md. A point whose config is invalid is an error row.\n"
      "Exit codes: 0 done (error rows included), 2 bad input, 3 a point broke a model invariant.");
  sweep_cmd->add_flag("--no-plots", sweep_opts.no_plots,
                      "do not draw DIR/plots/*.png (scripts/plot-sweep, matplotlib through "
                      "/usr/bin/python3)");
  sweep_cmd->add_flag("--resume", sweep_opts.resume,
                      "continue the sweep in --out: keep its results.jsonl rows and run only the "
                      "missing points");

  std::vector<std::string> check_files;
  bool check_gemm = false;
  CLI::App* check_cmd = app.add_subcommand(
      "check-config",
      "validate configs, technology tables, workloads, LLM traces, SCALE-Sim .cfg and topology "
      "CSV files");
  check_cmd->add_option("files", check_files, "files to check")->required();
  check_cmd->add_flag("--gemm", check_gemm, "CSV files are `Layer, M, N, K,` topologies");

  GemmCommandOptions gemm;
  CLI::App* gemm_cmd = app.add_subcommand(
      "gemm", "one GEMM on your operands (.npy) through the configured array, with its error");
  gemm_cmd->add_option("--arch", gemm.arch, "architecture YAML")->required();
  gemm_cmd
      ->add_option("--a", gemm.a,
                   "activations, M x K .npy: signed integers for int_mac, floats or integers "
                   "for float kinds and mixpe (which quantizes floats)")
      ->required();
  gemm_cmd->add_option("--w", gemm.w, "weights, K x N .npy (as --a; mixpe codes as int8/16/32)")
      ->required();
  gemm_cmd->add_option("--w-scales", gemm.w_scales, "group weight scales (group-quantized kinds)");
  gemm_cmd->add_option("--w-zeros", gemm.w_zeros, "group zero points (group-quantized kinds)");
  gemm_cmd->add_option("--a-scales", gemm.a_scales, "per-token activation scales");
  gemm_cmd->add_option("--set", gemm.overrides,
                       "override a config value: key.path=value (repeatable)");
  gemm_cmd->add_option("--out", gemm.out, "output folder")->required();

  NumericsCliOptions numerics;
  CLI::App* numerics_cmd = app.add_subcommand(
      "numerics", "error statistics of a PE kind's products and dot products vs exact arithmetic");
  numerics_cmd->add_option("--pe", numerics.kind, "PE kind (see list-kinds)")->required();
  numerics_cmd->add_option("--set", numerics.overrides,
                           "a PE parameter: key=value, e.g. format=fp8_e4m3 (repeatable)");
  numerics_cmd->add_flag("--exhaustive", numerics.exhaustive,
                         "every operand pair (operands of at most 8 bits)");
  numerics_cmd
      ->add_option("--samples", numerics.samples,
                   "sampled operand pairs (also sizes the dot products: samples / K)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 32));
  numerics_cmd->add_option("--dist", numerics.dist, "normal | uniform | llm-outliers")
      ->capture_default_str()
      ->check(CLI::IsMember({"normal", "uniform", "llm-outliers"}));
  numerics_cmd->add_option("--seed", numerics.seed, "sampling seed")->capture_default_str();
  numerics_cmd->add_option("--dot-length", numerics.dot_length, "K of the sampled dot products")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 20));
  numerics_cmd->add_option("--compare-format", numerics.compare,
                           "also measure exact products rounded to this format (repeatable)");
  numerics_cmd->add_option("--out", numerics.out, "output folder")->required();

  TraceCliOptions trace;
  CLI::App* trace_cmd = app.add_subcommand(
      "trace", "write the GEMMs of one LLM prefill or decode step as a trace CSV");
  trace_cmd
      ->add_option("--model", trace.model,
                   "a preset (llama2-7b, llama3-8b, mistral-7b, opt-6.7b, bitnet-b1.58-3b, ...) "
                   "or a Hugging Face config.json")
      ->required();
  trace_cmd->add_option("--phase", trace.phase, "prefill | decode")
      ->required()
      ->check(CLI::IsMember({"prefill", "decode"}));
  trace_cmd->add_option("--batch", trace.batch, "sequences")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 24));
  trace_cmd->add_option("--seq", trace.seq, "tokens per sequence (prefill); 1 for decode")
      ->required()
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 24));
  trace_cmd
      ->add_option("--context", trace.context, "KV cache length, tokens (decode only, required)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 24));
  trace_cmd->add_option("--w-format", trace.formats.w_format, "weight format (metadata)")
      ->capture_default_str();
  trace_cmd
      ->add_option("--group-size", trace.formats.group_size,
                   "weight group size along K; 0: per channel (metadata)")
      ->capture_default_str()
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 24));
  trace_cmd->add_option("--a-format", trace.formats.a_format, "activation format (metadata)")
      ->capture_default_str();
  trace_cmd->add_option("--out", trace.out, "the trace CSV to write")->required();

  synth::SynthCommandOptions synth_opts;
  CLI::App* synth_cmd = app.add_subcommand(
      "synth",
      "synthesize a PE's Verilog (rtl/) with Yosys and the OSU 0.18 um cells, time it with "
      "OpenSTA, scale it to a node: area, NAND2-eq, critical path, fmax (docs/RTL.md)");
  synth_cmd
      ->add_option("--pe", synth_opts.kind,
                   "PE kind: int_mac, bitslice (booth_csa, serial_digit), lmul or fp_mac")
      ->required();
  synth_cmd->add_option("--set", synth_opts.overrides,
                        "a PE parameter: key=value, as under array.pe (repeatable)");
  synth_cmd
      ->add_option("--node", synth_opts.node_nm,
                   "node to scale to, nm (default: the technology table's, 45)")
      ->check(CLI::Range(1, 1000));
  synth_cmd->add_option("--out", synth_opts.out, "folder for synth.json and netlist.v");
  synth_cmd->add_option("--cache-dir", synth_opts.cache_dir,
                        "synthesis cache (default: $TPESIM_CACHE_DIR, else .synth-cache in the "
                        "build folder)");

  cosim::VerifyRtlOptions verify_rtl;
  CLI::App* verify_rtl_cmd = app.add_subcommand(
      "verify-rtl",
      "run the configured PE's verilated Verilog in lock step with the C++ model: cycles "
      "compared, mismatches, cycles/s; a VCD around the first divergence. With --golden, run the "
      "verilated PEs on GPU golden vectors and compare every output bit for bit (docs/RTL.md)");
  verify_rtl_cmd->add_option("--arch", verify_rtl.arch,
                             "architecture YAML (required without --golden; with it, only the "
                             "golden files of this PE are checked)");
  verify_rtl_cmd->add_option("--golden", verify_rtl.golden,
                             "folder of GPU golden vectors (tests/golden/<kind>, or tests/golden "
                             "for every kind): each file's GEMM on every verilated PE of its "
                             "parameters, outputs compared with the GPU's; exit 1 on a mismatch, 2 "
                             "when a kind has no checkable file");
  verify_rtl_cmd->add_option("--set", verify_rtl.overrides,
                             "override a config value: key.path=value (repeatable)");
  verify_rtl_cmd->add_option("--cycles", verify_rtl.cycles, "random cycles per check")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{1}, std::uint64_t{1} << 40));
  verify_rtl_cmd->add_option("--seed", verify_rtl.seed, "stimulus seed")->capture_default_str();
  verify_rtl_cmd->add_option("--vcd", verify_rtl.vcd, "VCD written on a divergence")
      ->capture_default_str();
  verify_rtl_cmd
      ->add_option("--vcd-window", verify_rtl.vcd_window,
                   "cycles traced on each side of the divergence")
      ->capture_default_str()
      ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 20));

  verify_gpu::VerifyGpuOptions verify_gpu_opts;
  CLI::App* verify_gpu_cmd = app.add_subcommand(
      "verify-gpu",
      "run every GEMM of a workload on the GPU through the PE kind's CUDA twin and cuBLASLt: "
      "bit-exact checks against the simulator on sampled tiles, errors, timings (docs/GPU.md)");
  verify_gpu_cmd->add_option("--arch", verify_gpu_opts.arch, "architecture YAML")->required();
  verify_gpu_cmd->add_option("--set", verify_gpu_opts.overrides,
                             "override a config value: key.path=value (repeatable)");
  verify_gpu_cmd->add_option("--workload", verify_gpu_opts.workload, "GEMM list or trace CSV")
      ->required();
  verify_gpu_cmd->add_option("--layers", verify_gpu_opts.layers, "layer names to check")
      ->delimiter(',');
  verify_gpu_cmd->add_option("--seed", verify_gpu_opts.seed, "operand seed")->capture_default_str();
  verify_gpu_cmd
      ->add_option("--tiles", verify_gpu_opts.tiles,
                   "32 x 32 output tiles the simulator computes per layer")
      ->capture_default_str()
      ->check(CLI::Range(2, 4096));
  verify_gpu_cmd->add_option("--out", verify_gpu_opts.out, "folder for verify_gpu.csv, report.md")
      ->required();
  verify_gpu_cmd->add_flag("--time", verify_gpu_opts.time,
                           "time the cuBLASLt kernels (CUDA events, one warm-up, median of 5)");

  CLI::App* list_cmd = app.add_subcommand("list-kinds", "list PE, array and memory kinds");
  std::string describe_kind;
  CLI::App* describe_cmd =
      app.add_subcommand("describe", "every parameter of a kind: type, default, unit, meaning");
  describe_cmd->add_option("kind", describe_kind, "a kind from list-kinds, or memory / run / tech")
      ->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUser;
  }

  try {
    if (run_cmd->parsed()) return run_command(run);
    if (sweep_cmd->parsed()) return sweep_command(sweep_opts);
    if (check_cmd->parsed()) return check_config_command(check_files, check_gemm);
    if (numerics_cmd->parsed()) return numerics_command(numerics);
    if (synth_cmd->parsed()) return synth::run_synth_command(synth_opts);
    if (verify_rtl_cmd->parsed()) return cosim::run_verify_rtl_command(verify_rtl);
#if TPESIM_GPU_BINARY
    if (verify_gpu_cmd->parsed()) return verify_gpu::run_verify_gpu_command(verify_gpu_opts);
#else
    if (verify_gpu_cmd->parsed()) return verify_gpu::exec_gpu_binary(argc, argv);
#endif
    if (gemm_cmd->parsed()) return run_gemm_command(gemm);
    if (trace_cmd->parsed()) return trace_command(trace);
    if (list_cmd->parsed()) return list_kinds_command();
    if (describe_cmd->parsed()) return describe_command(describe_kind);
  } catch (const ConfigError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitUser;
  } catch (const UserError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return kExitUser;
  } catch (const ModelError& e) {
    fmt::print(stderr, "tpesim: internal error (a simulator bug, please report it):\n{}\n",
               e.what());
    return kExitModel;
  } catch (const std::exception& e) {
    fmt::print(stderr, "tpesim: error: {}\n", e.what());
    return kExitOther;
  }
  return kExitOther;
}
