// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_runner.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "sim/core/config_node.h"
#include "sim/core/errors.h"
#include "sim/run.h"
#include "sim/sweep/sweep_accuracy.h"
#include "sim/sweep/sweep_area_budget.h"
#include "sim/sweep/sweep_reports.h"

namespace tpesim::sweep {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kResults = "results.jsonl";

// "path: message" of every diagnostic, on one line.
std::string one_line(const ConfigError& e) {
  std::string out;
  for (const Diagnostic& d : e.diagnostics()) {
    if (!out.empty()) out += "; ";
    out += d.path.empty() ? d.message : d.path + ": " + d.message;
  }
  return out;
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return text;
}

json error_row(json row, const char* kind, const std::string& message) {
  row["status"] = "error";
  row["error_kind"] = kind;
  row["error"] = one_line(message);
  return row;
}

// Seconds of the layers of one phase (each layer x its count), or null when there are none.
json phase_seconds(const SweepSpec& spec, const RunResult& r, const std::string& phase) {
  double seconds = 0;
  bool any = false;
  for (std::size_t i = 0; i < r.layers.size() && i < spec.layer_phases.size(); ++i) {
    if (spec.layer_phases[i] != phase) continue;
    any = true;
    seconds += r.cost.layers[i].perf.time_s * static_cast<double>(r.layers[i].gemm.count);
  }
  return any ? json(seconds) : json(nullptr);
}

// Per workload layer: its name, phase, count and, over all its instances, cycles, MACs and
// utilization (the `layers` key of a row; the utilization plot groups them by name).
json layer_rows(const SweepSpec& spec, const RunResult& r) {
  json out = json::array();
  for (std::size_t i = 0; i < r.layers.size(); ++i) {
    const LayerResult& l = r.layers[i];
    const std::string phase = i < spec.layer_phases.size() ? spec.layer_phases[i] : "";
    out.push_back({{"name", l.gemm.name},
                   {"phase", phase.empty() ? json(nullptr) : json(phase)},
                   {"count", l.gemm.count},
                   {"cycles", l.stats.cycles * l.gemm.count},
                   {"macs", l.stats.macs * l.gemm.count},
                   {"utilization", l.stats.utilization}});
  }
  return out;
}

// The file descriptor of results.jsonl, locked against a second sweep in the same folder.
class ResultsFile {
 public:
  explicit ResultsFile(const fs::path& path) : m_path(path) {
    m_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m_fd < 0) {
      throw UserError(
          fmt::format("{}: error: cannot open: {}", path.string(), std::strerror(errno)));
    }
    if (::flock(m_fd, LOCK_EX | LOCK_NB) != 0) {
      ::close(m_fd);
      throw UserError(fmt::format("{}: error: another sweep is writing this folder",
                                  path.parent_path().string()));
    }
  }
  ~ResultsFile() { ::close(m_fd); }
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  // Drops everything after byte `size` (a torn last line).
  void truncate(std::uintmax_t size) {
    if (::ftruncate(m_fd, static_cast<off_t>(size)) != 0) {
      throw UserError(
          fmt::format("{}: error: cannot truncate: {}", m_path.string(), std::strerror(errno)));
    }
  }

  // Appends one whole line (with its newline) in one write call; O_APPEND places it at the end.
  void append(const std::string& line) {
    std::size_t written = 0;
    while (written < line.size()) {
      const ssize_t n = ::write(m_fd, line.data() + written, line.size() - written);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        throw UserError(
            fmt::format("{}: error: cannot write: {}", m_path.string(), std::strerror(errno)));
      }
      written += static_cast<std::size_t>(n);
    }
  }

 private:
  fs::path m_path;  // results.jsonl
  int m_fd = -1;    // open for appending, flock-ed
};

std::string read_all(const fs::path& path) {
  std::string text;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return text;
  char buf[1 << 16];  // read chunk, bytes
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return text;
}

struct ExistingRows {
  std::map<std::string, json> by_id;  // rows of this sweep's points
  std::uintmax_t whole_bytes = 0;     // bytes up to and including the last newline
  bool torn = false;                  // bytes after the last newline: a killed write
};

// Reads results.jsonl: every complete line must be a row of one of `points` (same id and
// overrides), each id at most once. A last line without its newline is a torn write and is
// ignored.
ExistingRows read_rows(const fs::path& path, const std::vector<SweepPoint>& points) {
  std::map<std::string, const SweepPoint*> by_id;
  for (const SweepPoint& p : points) by_id.emplace(p.id, &p);
  const std::string text = read_all(path);
  ExistingRows out;
  const std::size_t last_newline = text.rfind('\n');
  out.whole_bytes = last_newline == std::string::npos ? 0 : last_newline + 1;
  out.torn = out.whole_bytes < text.size();
  int line_no = 0;
  for (std::size_t start = 0; start < out.whole_bytes;) {
    const std::size_t end = text.find('\n', start);
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    auto bad = [&](const std::string& why) {
      return UserError(fmt::format("{}:{}: error: {}", path.string(), line_no, why));
    };
    json row = json::parse(line, nullptr, false);
    if (row.is_discarded() || !row.is_object() || !row.contains("id") || !row["id"].is_string() ||
        !row.contains("status")) {
      throw bad("not a row of a sweep (a JSON object with id and status)");
    }
    const std::string id = row["id"].get<std::string>();
    const auto it = by_id.find(id);
    json overrides = json::array();
    if (it != by_id.end()) {
      for (const Override& o : it->second->overrides) overrides.push_back(o.assignment());
    }
    if (it == by_id.end() || row.value("overrides", json()) != overrides) {
      throw bad(fmt::format(
          "point {} is not a point of this sweep (was the sweep file changed?); use a new --out "
          "folder",
          id));
    }
    if (out.by_id.count(id)) throw bad(fmt::format("a second row for point {}", id));
    out.by_id.emplace(id, std::move(row));
  }
  return out;
}

// The output folder: created, and empty unless resuming.
void prepare_folder(const fs::path& dir, bool resume) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) {
      throw UserError(fmt::format("{}: error: --out is not a folder", dir.string()));
    }
    if (!resume && !fs::is_empty(dir, ec)) {
      throw UserError(
          fmt::format("{}: error: the output folder is not empty; use --resume to continue the "
                      "sweep there, or choose a new folder",
                      dir.string()));
    }
  }
  fs::create_directories(dir, ec);
  if (ec) {
    throw UserError(
        fmt::format("{}: error: cannot create output folder: {}", dir.string(), ec.message()));
  }
}

}  // namespace

json run_point(const SweepSpec& spec, const SweepPoint& point) {
  json row = json::object();
  row["id"] = point.id;
  row["index"] = point.index;
  json overrides = json::array();
  for (const Override& o : point.overrides) overrides.push_back(o.assignment());
  row["overrides"] = overrides;
  json params = json::object();
  const std::vector<std::string> columns = spec.param_columns();
  for (std::size_t i = 0; i < columns.size() && i < point.params.size(); ++i) {
    params[columns[i]] = point.params[i];
  }
  row["params"] = params;
  try {
    std::vector<Override> applied;  // the overrides that edit the config: all but a budget
    std::optional<AreaBudget> budget;
    for (const Override& o : point.overrides) {
      if (o.key == kAreaBudgetKey) {
        budget = parse_budget_value(o.value);
      } else {
        applied.push_back(o);
      }
    }
    auto bind = [&](const std::vector<Override>& extra) {
      ConfigDoc doc = ConfigDoc::from_string(spec.base_text, spec.base_path);
      Diag diag;
      for (const Override& o : applied) doc.apply_override(o.assignment(), diag);
      for (const Override& o : extra) doc.apply_override(o.assignment(), diag);
      diag.throw_if_any();
      return arch::bind_arch(doc);
    };
    const arch::ArchSpec arch =
        bind(budget ? size_to_budget(*budget, bind) : std::vector<Override>{});
    const RunResult r = run_workload(arch, spec.workload);
    const arch::RunCost& c = r.cost;
    row["status"] = "ok";
    row["error"] = nullptr;
    row["fidelity"] = enum_name(arch.run.fidelity);
    row["array_rows"] = arch.array.rows;
    row["array_cols"] = arch.array.cols;
    row["cycles"] = r.totals.cycles;
    row["stall_cycles"] = r.totals.stall_cycles;
    row["macs"] = r.totals.macs;
    row["utilization"] = r.totals.utilization;
    row["time_s"] = c.perf.time_s;
    row["energy_pj"] = c.energy.total_pj();
    row["energy"] = {{"pe_arithmetic_pj", c.energy.pe_arithmetic_pj},
                     {"pe_registers_pj", c.energy.pe_registers_pj},
                     {"buffers_pj", c.energy.buffers_pj},
                     {"dram_pj", c.energy.dram_pj},
                     {"leakage_pj", c.energy.leakage_pj}};
    row["area_mm2"] = c.area.total_mm2();
    row["area"] = {{"pe_array_mm2", c.area.pe_array_mm2},
                   {"periphery_mm2", c.area.periphery_mm2},
                   {"buffers_mm2", c.area.buffers_mm2}};
    row["power_w"] = c.perf.power_w;
    row["tops"] = c.perf.tops;
    row["tops_per_w"] = c.perf.tops_per_w;
    row["tops_per_mm2"] = c.perf.tops_per_mm2;
    row["prefill_s"] = phase_seconds(spec, r, "prefill");
    row["decode_token_s"] = phase_seconds(spec, r, "decode");
    const PointAccuracy accuracy = measure_accuracy(arch.array.pe, spec.workload);
    row["numeric_error"] = accuracy.rel_frobenius;
    row["numeric_error_k"] = accuracy.k;
    row["model_error"] = accuracy.model_rel_frobenius;
    row["layers"] = layer_rows(spec, r);
  } catch (const ConfigError& e) {
    return error_row(std::move(row), "config", one_line(e));
  } catch (const UserError& e) {
    return error_row(std::move(row), "input", e.what());
  } catch (const ModelError& e) {
    return error_row(
        std::move(row), "internal",
        std::string("internal error (a simulator bug, please report it): ") + e.what());
  } catch (const std::exception& e) {
    return error_row(std::move(row), "internal", std::string("unexpected error: ") + e.what());
  }
  return row;
}

SweepSummary run_sweep(const SweepSpec& spec, const SweepOptions& options) {
  const Clock::time_point start = Clock::now();
  const std::vector<SweepPoint> points = enumerate_points(spec);
  prepare_folder(options.out, options.resume);
  const fs::path results = options.out / kResults;
  ResultsFile file(results);
  ExistingRows existing = read_rows(results, points);
  if (existing.torn) file.truncate(existing.whole_bytes);

  std::vector<const SweepPoint*> pending;
  SweepProgress progress;
  progress.total = static_cast<std::int64_t>(points.size());
  for (const SweepPoint& p : points) {
    const auto it = existing.by_id.find(p.id);
    if (it == existing.by_id.end()) {
      pending.push_back(&p);
    } else {
      ++progress.resumed;
      if (it->second.value("status", "") != "ok") ++progress.errors;
    }
  }
  progress.done = progress.resumed;
  std::mutex mutex;  // guards the file's appends, `progress` and the callback
  auto report = [&](bool finished) {
    progress.elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    progress.finished = finished;
    if (options.progress) options.progress(progress);
  };
  report(false);

  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;  // the first write failure; stops every worker
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= pending.size() || stop.load()) return;
      const Clock::time_point t0 = Clock::now();
      json row = run_point(spec, *pending[i]);
      row["run_s"] = std::chrono::duration<double>(Clock::now() - t0).count();
      const std::string line = row.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
      const std::lock_guard<std::mutex> lock(mutex);
      try {
        file.append(line);
      } catch (...) {
        if (!failure) failure = std::current_exception();
        stop = true;
        return;
      }
      ++progress.done;
      if (row["status"] != "ok") ++progress.errors;
      report(false);
    }
  };
  const std::size_t jobs =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(1, options.jobs)), pending.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < jobs; ++t) threads.emplace_back(worker);
  for (std::thread& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);

  // The final reports come from the file, whatever ran now or before.
  existing = read_rows(results, points);
  std::vector<SweepRow> rows;
  SweepSummary summary;
  summary.total = progress.total;
  summary.resumed = progress.resumed;
  summary.ran = static_cast<std::int64_t>(pending.size());
  for (const SweepPoint& p : points) {
    const auto it = existing.by_id.find(p.id);
    TPESIM_CHECK(it != existing.by_id.end(), "point {} has no row after the sweep", p.id);
    rows.push_back(SweepRow{&p, it->second});
    if (it->second["status"] == "ok") {
      ++summary.ok;
    } else {
      ++summary.errors;
      if (it->second.value("error_kind", "") == "internal") ++summary.internal_errors;
      if (summary.first_error.empty()) {
        summary.first_error = fmt::format("{}: {}", p.id, it->second.value("error", ""));
      }
    }
  }
  const SweepReportFiles files = write_sweep_reports(spec, rows, options.out, options.plots);
  summary.pareto = files.pareto;
  summary.plots = files.plots;
  report(true);
  return summary;
}

}  // namespace tpesim::sweep
