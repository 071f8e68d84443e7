// SPDX-License-Identifier: Apache-2.0
#include "sim/cosim/array_lockstep.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "arch/adder_tree_cycle.h"
#include "arch/adder_tree_timing.h"
#include "arch/simulate.h"
#include "arch/systolic_cycle.h"
#include "pe/int_mac.h"
#include "sim/core/errors.h"

namespace tpesim::cosim {

namespace {

using Arith = pe::IntMacArith;
using Operand = Arith::Operand;
using Acc = Arith::Acc;

// Recorded cycle layouts. Systolic values: cycle, load row, R edge operands, C column-top values
// (WS partial sums, OS weights), C shadow-row operands, C outputs, C OS bus rows; flags: R edge
// flags, C column-top valid, C shadow-row valid, C output valid.
struct SystolicLayout {
  int R, C;
  int values() const { return 2 + R + 4 * C; }
  int flags() const { return R + 3 * C; }
  static constexpr int kCycle = 0, kLoadRow = 1;
  int x() const { return 2; }
  int top() const { return 2 + R; }
  int load() const { return 2 + R + C; }
  int out() const { return 2 + R + 2 * C; }
  int out_row() const { return 2 + R + 3 * C; }
  int f_x() const { return 0; }
  int f_top() const { return R; }
  int f_load() const { return R + C; }
  int f_out() const { return R + 2 * C; }
};

// Adder tree values: cycle, load lane, the edge row's used columns, L activations, C shadow-lane
// weights, C partial sums read, C outputs; flags: edge valid, edge first, C accumulator reads,
// C output valid.
struct TreeLayout {
  int L, C;
  int values() const { return 3 + L + 3 * C; }
  int flags() const { return 2 + 2 * C; }
  static constexpr int kCycle = 0, kLoadLane = 1, kEdgeColumns = 2;
  int x() const { return 3; }
  int load() const { return 3 + L; }
  int psum() const { return 3 + L + C; }
  int out() const { return 3 + L + 2 * C; }
  static constexpr int kFValid = 0, kFFirst = 1;
  int f_read() const { return 2; }
  int f_out() const { return 2 + C; }
};

// Appends one zeroed cycle to `log`; returns pointers to its values and flags.
std::pair<std::int64_t*, std::uint8_t*> append(RecordedCycles& log) {
  log.values.resize(log.values.size() + static_cast<std::size_t>(log.value_stride), 0);
  log.flags.resize(log.flags.size() + static_cast<std::size_t>(log.flag_stride), 0);
  return {log.values.data() + log.values.size() - static_cast<std::size_t>(log.value_stride),
          log.flags.data() + log.flags.size() - static_cast<std::size_t>(log.flag_stride)};
}

// Records a systolic model's cycles (both dataflows).
struct SystolicRecorder {
  static constexpr bool kEnabled = true;
  RecordedCycles* log;        // where to append
  SystolicLayout lay;         // its layout
  ArrayLockstepBase* stream;  // a given GEMM's bench: replays each cycle when recorded
  void operator()(const arch::StationaryCycleIo<Operand, Acc>& io) const {
    auto [v, f] = append(*log);
    v[SystolicLayout::kCycle] = io.cycle;
    v[SystolicLayout::kLoadRow] = io.load_row;
    for (int r = 0; r < lay.R; ++r) {
      v[lay.x() + r] = io.edge_x[static_cast<std::size_t>(r) * io.edge_stride];
      f[lay.f_x() + r] = io.edge_flags[static_cast<std::size_t>(r) * io.edge_stride];
    }
    for (int c = 0; c < lay.C; ++c) {
      v[lay.top() + c] = io.top_psum[c];
      f[lay.f_top() + c] = io.top_valid[c];
      if (io.load_row >= 0) {
        v[lay.load() + c] = io.load_value[c];
        f[lay.f_load() + c] = io.load_valid[c];
      }
      v[lay.out() + c] = io.out[c];
      f[lay.f_out() + c] = io.out_valid[c];
    }
    if (stream != nullptr) stream->replay_recorded();
  }
  void operator()(const arch::OutputStationaryCycleIo<Operand, Acc>& io) const {
    auto [v, f] = append(*log);
    v[SystolicLayout::kCycle] = io.cycle;
    v[SystolicLayout::kLoadRow] = -1;
    for (int r = 0; r < lay.R; ++r) {
      v[lay.x() + r] = io.edge_a[static_cast<std::size_t>(r) * io.edge_stride];
      f[lay.f_x() + r] = io.edge_flags[static_cast<std::size_t>(r) * io.edge_stride];
    }
    for (int c = 0; c < lay.C; ++c) {
      v[lay.top() + c] = io.top_w[c];
      f[lay.f_top() + c] = io.top_valid[c];
      v[lay.out() + c] = io.out_row[c] >= 0 ? io.out[c] : 0;
      v[lay.out_row() + c] = io.out_row[c];
      f[lay.f_out() + c] = io.out_row[c] >= 0 ? 1 : 0;
    }
    if (stream != nullptr) stream->replay_recorded();
  }
};

struct TreeRecorder {
  static constexpr bool kEnabled = true;
  RecordedCycles* log;        // where to append
  TreeLayout lay;             // its layout
  ArrayLockstepBase* stream;  // a given GEMM's bench: replays each cycle when recorded
  void operator()(const arch::AdderTreeCycleIo<Operand, Acc>& io) const {
    auto [v, f] = append(*log);
    v[TreeLayout::kCycle] = io.cycle;
    v[TreeLayout::kLoadLane] = io.load_lane;
    v[TreeLayout::kEdgeColumns] = io.edge_valid ? io.edge_columns : 0;
    f[TreeLayout::kFValid] = io.edge_valid;
    f[TreeLayout::kFFirst] = io.edge_valid && io.edge_first;
    for (int l = 0; l < lay.L; ++l) v[lay.x() + l] = io.edge_valid ? io.edge_x[l] : 0;
    for (int c = 0; c < lay.C; ++c) {
      if (io.load_lane >= 0) {
        v[lay.load() + c] =
            io.shadow[static_cast<std::size_t>(c) * lay.L + static_cast<std::size_t>(io.load_lane)];
      }
      f[lay.f_read() + c] = io.acc_read[c];
      v[lay.psum() + c] = io.acc_read[c] ? io.psum[c] : 0;
      f[lay.f_out() + c] = io.out_valid[c];
      v[lay.out() + c] = io.out_valid[c] ? io.out[c] : 0;
    }
    if (stream != nullptr) stream->replay_recorded();
  }
};

std::int64_t schedule_end(const arch::LayerSchedule& plan) {
  std::int64_t until = 0;
  for (const arch::FoldTimes& t : plan.times) until = std::max({until, t.end, t.occupied_end});
  return until;
}

Mismatch mismatch(std::string signal, bool model_valid, std::int64_t model_value, bool rtl_valid,
                  std::int64_t rtl_value) {
  auto text = [](bool valid, std::int64_t value) {
    return valid ? fmt::format("{}", value) : std::string("(no output)");
  };
  return Mismatch{std::move(signal), text(model_valid, model_value), text(rtl_valid, rtl_value)};
}

}  // namespace

// ---- ArrayLockstepBase ----

ArrayLockstepBase::ArrayLockstepBase(const ArrayStimulus& stimulus)
    : m_stimulus(stimulus), m_rng(stimulus.seed * 0x9E3779B97F4A7C15ull + 7) {}

bool ArrayLockstepBase::done() const {
  return m_rtl_cycle >= m_stimulus.cycles && m_next >= m_log.size();
}

void ArrayLockstepBase::run_given(const arch::ArchSpec& arch, const arch::GemmOperands& codes) {
  TPESIM_CHECK(m_gemms == 0, "a GEMM given to a lock-step bench that has run {}", m_gemms);
  m_given = true;
  m_given_arch = &arch;
  m_given_codes = &codes;
  run_model_gemm(m_gemms++);
  replay_recorded();
  m_given_arch = nullptr;
  m_given_codes = nullptr;
}

void ArrayLockstepBase::replay_recorded() {
  std::vector<Mismatch> mismatches;
  while (m_next < m_log.size()) {
    const std::int64_t recorded =
        m_log.values[m_next * static_cast<std::size_t>(m_log.value_stride)];
    const bool idle = m_model_cycle < recorded;
    m_last = idle ? -1 : static_cast<std::int64_t>(m_next);
    m_idle_edges += idle;
    replay(m_last, mismatches);
    if (!mismatches.empty()) {
      std::string text = fmt::format(
          "the verilated array and the C++ cycle model differ at cycle {}:", m_rtl_cycle);
      for (const Mismatch& mm : mismatches) {
        text += fmt::format(" {} is {} in the model, {} in the RTL;", mm.signal, mm.cpp_value,
                            mm.rtl_value);
      }
      throw ModelError(__FILE__, __LINE__,
                       text + fmt::format(" inputs: {} (tpesim verify-rtl --vcd writes the "
                                          "waveform of a divergence)",
                                          inputs()));
    }
    m_next += idle ? 0 : 1;
    ++m_model_cycle;
    ++m_rtl_cycle;
  }
  m_log.values.clear();
  m_log.flags.clear();
  m_next = 0;
}

std::pair<arch::ArchSpec, const arch::GemmOperands*> ArrayLockstepBase::next_gemm(
    std::int64_t index, const pe::IntMacSpec& pe) {
  if (m_given) return {*m_given_arch, m_given_codes};
  m_drawn = draw_gemm(index, pe.a_bits, pe.w_bits);
  return {arch_for(index, pe), &m_drawn};
}

std::vector<Mismatch> ArrayLockstepBase::step() {
  if (m_next >= m_log.size()) {
    m_log.values.clear();
    m_log.flags.clear();
    m_next = 0;
    m_model_cycle = 0;
    run_model_gemm(m_gemms++);
    TPESIM_CHECK(m_log.size() > 0, "GEMM {} ran no model cycle", m_gemms - 1);
  }
  const std::int64_t recorded = m_log.values[m_next * static_cast<std::size_t>(m_log.value_stride)];
  std::vector<Mismatch> mismatches;
  TPESIM_CHECK(recorded >= m_model_cycle, "recorded model cycle {} is behind the replay ({})",
               recorded, m_model_cycle);
  if (m_model_cycle < recorded) {
    ++m_idle_edges;
    m_last = -1;
    replay(-1, mismatches);
  } else {
    m_last = static_cast<std::int64_t>(m_next);
    replay(m_last, mismatches);
    ++m_next;
  }
  m_last_gemm = m_gemms - 1;
  ++m_model_cycle;
  ++m_rtl_cycle;
  return mismatches;
}

std::string ArrayLockstepBase::inputs() const {
  return fmt::format("GEMM {}: {}; {}", m_last_gemm, m_gemm_text, describe_inputs(m_last));
}

std::vector<Counter> ArrayLockstepBase::counters() const {
  return {{"gemms", m_gemms}, {"folds", m_folds},         {"outputs compared", m_outputs},
          {"macs", m_macs},   {"overflows", m_overflows}, {"idle edges", m_idle_edges}};
}

std::int32_t ArrayLockstepBase::operand(int bits, int sign) {
  const std::int64_t lo = sign > 0 ? 0 : pe::int_min(bits);
  const std::int64_t hi = sign < 0 ? 0 : pe::int_max(bits);
  std::int64_t v = 0;
  switch (m_rng() % 8) {
    case 0:
      v = lo;  // extremes a quarter of the time
      break;
    case 1:
      v = hi;
      break;
    case 2:
      v = 0;
      break;
    default:
      v = lo + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  return static_cast<std::int32_t>(v);
}

arch::GemmOperands ArrayLockstepBase::draw_gemm(std::int64_t index, int a_bits, int w_bits) {
  arch::GemmOperands op;
  op.m = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_stimulus.max_m));
  op.n = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_stimulus.max_n));
  op.k = 1 + static_cast<std::int64_t>(m_rng() % static_cast<std::uint64_t>(m_stimulus.max_k));
  // A third of the GEMMs have products of one sign, so that accumulators overflow.
  const int mode = static_cast<int>(index % 3);
  const int a_sign = mode == 0 ? 1 : 0;
  const int w_sign = mode == 0 ? ((m_rng() & 1) != 0 ? 1 : -1) : 0;
  op.a.resize(static_cast<std::size_t>(op.m * op.k));
  op.w.resize(static_cast<std::size_t>(op.k * op.n));
  for (auto& a : op.a) a = operand(a_bits, a_sign);
  for (auto& w : op.w) w = operand(w_bits, w_sign);
  return op;
}

arch::ArchSpec ArrayLockstepBase::arch_for(std::int64_t index, const pe::IntMacSpec& pe) const {
  arch::ArchSpec arch;
  arch.array.pe = pe;
  arch.run.fidelity = arch::Fidelity::Cycle;
  // Every other GEMM waits for DRAM: idle stretches before and between folds.
  if (index % 2 == 1) {
    arch.memory.kind = arch::MemoryKind::Buffered;
    arch.memory.dram.latency_cycles = 20 + static_cast<std::int64_t>(index % 7) * 10;
    arch.memory.dram.bytes_per_cycle = 4;
  }
  return arch;
}

// ---- SystolicLockstep ----

SystolicLockstep::SystolicLockstep(std::unique_ptr<SystolicRtl> rtl, const ArrayStimulus& stimulus)
    : ArrayLockstepBase(stimulus),
      m_rtl(std::move(rtl)),
      m_shape(m_rtl->shape()),
      m_ports(m_shape) {
  const SystolicLayout lay{m_shape.rows, m_shape.cols};
  m_log.value_stride = lay.values();
  m_log.flag_stride = lay.flags();
}

void SystolicLockstep::run_model_gemm(std::int64_t index) {
  const pe::IntMacSpec spec{m_shape.a_bits, m_shape.w_bits, m_shape.acc_bits,
                            m_shape.saturate ? pe::Overflow::Saturate : pe::Overflow::Wrap};
  auto [arch, given_codes] = next_gemm(index, spec);
  const arch::GemmOperands& codes = *given_codes;
  arch.array.kind = arch::ArrayKind::Systolic;
  arch.array.rows = m_shape.rows;
  arch.array.cols = m_shape.cols;
  arch.array.dataflow = m_shape.output_stationary ? arch::Dataflow::Os : arch::Dataflow::Ws;
  const workloads::Gemm gemm{"g", codes.m, codes.n, codes.k, 1};
  const arch::LayerSchedule plan = arch::plan_layer(arch, gemm);
  m_gemm_text = fmt::format("{} x {} x {} ({} folds, {} memory)", codes.m, codes.n, codes.k,
                            plan.folds.size(), enum_name(arch.memory.kind));
  const Arith arith(spec);
  const auto op = arch::prepare_operands(arith, codes);
  const SystolicRecorder recorder{&m_log, SystolicLayout{m_shape.rows, m_shape.cols},
                                  m_given ? this : nullptr};
  const std::int64_t until = schedule_end(plan);
  const arch::CycleRunResult<Arith> r =
      m_shape.output_stationary
          ? arch::run_output_stationary_array<Arith, SystolicRecorder>(
                arith, plan.geometry, op, plan.folds, plan.times, until, plan.offsets, {}, recorder)
          : arch::run_stationary_array<Arith, false, SystolicRecorder>(
                arith, plan.geometry, op, plan.folds, plan.times, until, plan.offsets, {},
                recorder);
  model_gemm_ran(r, arith, plan);
}

void SystolicLockstep::replay(std::int64_t i, std::vector<Mismatch>& mismatches) {
  const SystolicLayout lay{m_shape.rows, m_shape.cols};
  const int R = m_shape.rows, C = m_shape.cols, AB = m_shape.a_bits, WB = m_shape.w_bits,
            CB = m_shape.acc_bits;
  SystolicPorts& p = m_ports;
  p.x_valid.clear();
  p.x_mark.clear();
  p.psum_in_valid.clear();
  p.w_valid.clear();
  p.ld_en = false;
  const std::int64_t* v = nullptr;
  const std::uint8_t* f = nullptr;
  if (i >= 0) {
    v = m_log.values.data() + i * m_log.value_stride;
    f = m_log.flags.data() + i * m_log.flag_stride;
    for (int r = 0; r < R; ++r) {
      p.x_in.set(r * AB, AB, static_cast<std::uint64_t>(v[lay.x() + r]));
      p.x_valid.set(r, 1, f[lay.f_x() + r] & 1u);
      p.x_mark.set(r, 1, (f[lay.f_x() + r] >> 1) & 1u);
    }
    for (int c = 0; c < C; ++c) {
      const auto top = static_cast<std::uint64_t>(v[lay.top() + c]);
      if (m_shape.output_stationary) {
        p.w_in.set(c * WB, WB, top);
        p.w_valid.set(c, 1, f[lay.f_top() + c] & 1u);
      } else {
        p.psum_in.set(c * CB, CB, top);
        p.psum_in_valid.set(c, 1, f[lay.f_top() + c] & 1u);
      }
    }
    const std::int64_t load_row = v[SystolicLayout::kLoadRow];
    if (load_row >= 0) {
      p.ld_en = true;
      p.ld_row.set(0, m_shape.row_bits(), static_cast<std::uint64_t>(load_row));
      for (int c = 0; c < C; ++c) {
        p.ld_w.set(c * WB, WB, static_cast<std::uint64_t>(v[lay.load() + c]));
        p.ld_valid.set(c, 1, f[lay.f_load() + c] & 1u);
      }
    }
  }
  m_rtl->step(p);
  for (int c = 0; c < C; ++c) {
    const bool model_valid = f != nullptr && (f[lay.f_out() + c] & 1u) != 0;
    const std::int64_t model_value = model_valid ? v[lay.out() + c] : 0;
    const bool rtl_valid = p.out_valid.get(c, 1) != 0;
    const std::int64_t rtl_value = p.out.get_signed(c * CB, CB);
    if (model_valid != rtl_valid || (model_valid && model_value != rtl_value)) {
      mismatches.push_back(
          mismatch(fmt::format("out[{}]", c), model_valid, model_value, rtl_valid, rtl_value));
    }
    m_outputs += model_valid;
    if (m_given && rtl_valid) {
      const std::int64_t bus_row = m_shape.output_stationary && v ? v[lay.out_row() + c] : -1;
      m_rtl_outputs.push_back(RtlArrayOutput{c, bus_row, rtl_value});
    }
  }
}

std::string SystolicLockstep::describe_inputs(std::int64_t i) const {
  const SystolicLayout lay{m_shape.rows, m_shape.cols};
  if (i < 0) return "idle edge (a cycle the model skipped): no input valid, no write";
  const std::int64_t* v = m_log.values.data() + i * m_log.value_stride;
  const std::uint8_t* f = m_log.flags.data() + i * m_log.flag_stride;
  std::string s = fmt::format("model cycle {}; rows (x valid mark):", v[SystolicLayout::kCycle]);
  for (int r = 0; r < m_shape.rows; ++r) {
    s += fmt::format(" {}:{} {} {}", r, v[lay.x() + r], f[lay.f_x() + r] & 1,
                     (f[lay.f_x() + r] >> 1) & 1);
  }
  s += m_shape.output_stationary ? "; column tops (w valid):" : "; column tops (psum valid):";
  for (int c = 0; c < m_shape.cols; ++c) {
    s += fmt::format(" {}:{} {}", c, v[lay.top() + c], f[lay.f_top() + c] & 1);
  }
  const std::int64_t load_row = v[SystolicLayout::kLoadRow];
  if (load_row >= 0) {
    s += fmt::format("; write port row {} (w valid):", load_row);
    for (int c = 0; c < m_shape.cols; ++c) {
      s += fmt::format(" {}:{} {}", c, v[lay.load() + c], f[lay.f_load() + c] & 1);
    }
  }
  if (m_shape.output_stationary) {
    s += "; result bus rows:";
    for (int c = 0; c < m_shape.cols; ++c) s += fmt::format(" {}", v[lay.out_row() + c]);
  }
  return s;
}

// ---- AdderTreeLockstep ----

AdderTreeLockstep::AdderTreeLockstep(std::unique_ptr<AdderTreeRtl> rtl,
                                     const ArrayStimulus& stimulus)
    : ArrayLockstepBase(stimulus),
      m_rtl(std::move(rtl)),
      m_shape(m_rtl->shape()),
      m_ports(m_shape) {
  const TreeLayout lay{m_shape.k_lanes, m_shape.columns};
  m_log.value_stride = lay.values();
  m_log.flag_stride = lay.flags();
}

void AdderTreeLockstep::run_model_gemm(std::int64_t index) {
  const pe::IntMacSpec spec{m_shape.a_bits, m_shape.w_bits, m_shape.acc_bits, pe::Overflow::Wrap};
  auto [arch, given_codes] = next_gemm(index, spec);
  const arch::GemmOperands& codes = *given_codes;
  arch.array.kind = arch::ArrayKind::AdderTree;
  arch.array.rows = m_shape.k_lanes;
  arch.array.cols = m_shape.columns;
  arch.array.tree_stages_per_level = m_shape.stages_per_level;
  arch.array.activation =
      m_shape.forward ? arch::TreeActivation::Forward : arch::TreeActivation::Broadcast;
  const workloads::Gemm gemm{"g", codes.m, codes.n, codes.k, 1};
  const arch::LayerSchedule plan = arch::plan_layer(arch, gemm);
  m_gemm_text = fmt::format("{} x {} x {} ({} folds, {} memory)", codes.m, codes.n, codes.k,
                            plan.folds.size(), enum_name(arch.memory.kind));
  const Arith arith(spec);
  const auto op = arch::prepare_operands(arith, codes);
  const TreeRecorder recorder{&m_log, TreeLayout{m_shape.k_lanes, m_shape.columns},
                              m_given ? this : nullptr};
  const arch::AdderTreeTiming timing(arch.array, plan.geometry);
  const arch::CycleRunResult<Arith> r = arch::run_adder_tree_array<Arith, TreeRecorder>(
      arith, timing, op, plan.folds, plan.times, schedule_end(plan), {}, recorder);
  model_gemm_ran(r, arith, plan);
}

void AdderTreeLockstep::replay(std::int64_t i, std::vector<Mismatch>& mismatches) {
  const TreeLayout lay{m_shape.k_lanes, m_shape.columns};
  const int L = m_shape.k_lanes, C = m_shape.columns, AB = m_shape.a_bits, WB = m_shape.w_bits,
            CB = m_shape.acc_bits;
  AdderTreePorts& p = m_ports;
  p.x_valid = false;
  p.x_first = false;
  p.x_cols.clear();
  p.ld_en = false;
  const std::int64_t* v = nullptr;
  const std::uint8_t* f = nullptr;
  if (i >= 0) {
    v = m_log.values.data() + i * m_log.value_stride;
    f = m_log.flags.data() + i * m_log.flag_stride;
    p.x_valid = f[TreeLayout::kFValid] != 0;
    p.x_first = f[TreeLayout::kFFirst] != 0;
    for (int l = 0; l < L; ++l) p.x_in.set(l * AB, AB, static_cast<std::uint64_t>(v[lay.x() + l]));
    for (int c = 0; c < v[TreeLayout::kEdgeColumns]; ++c) p.x_cols.set(c, 1, 1);
    const std::int64_t lane = v[TreeLayout::kLoadLane];
    if (lane >= 0) {
      p.ld_en = true;
      p.ld_lane.set(0, m_shape.lane_bits(), static_cast<std::uint64_t>(lane));
      for (int c = 0; c < C; ++c) {
        p.ld_w.set(c * WB, WB, static_cast<std::uint64_t>(v[lay.load() + c]));
      }
    }
    for (int c = 0; c < C; ++c) {
      p.psum_in.set(c * CB, CB, static_cast<std::uint64_t>(v[lay.psum() + c]));
    }
  }
  m_rtl->step(p);
  for (int c = 0; c < C; ++c) {
    const bool model_read = f != nullptr && f[lay.f_read() + c] != 0;
    const bool rtl_read = p.acc_rd.get(c, 1) != 0;
    if (model_read != rtl_read) {
      mismatches.push_back(
          Mismatch{fmt::format("acc_rd[{}]", c), model_read ? "1" : "0", rtl_read ? "1" : "0"});
    }
    const bool model_valid = f != nullptr && f[lay.f_out() + c] != 0;
    const std::int64_t model_value = model_valid ? v[lay.out() + c] : 0;
    const bool rtl_valid = p.out_valid.get(c, 1) != 0;
    const std::int64_t rtl_value = p.out.get_signed(c * CB, CB);
    if (model_valid != rtl_valid || (model_valid && model_value != rtl_value)) {
      mismatches.push_back(
          mismatch(fmt::format("out[{}]", c), model_valid, model_value, rtl_valid, rtl_value));
    }
    m_outputs += model_valid;
    if (m_given && rtl_valid) m_rtl_outputs.push_back(RtlArrayOutput{c, -1, rtl_value});
  }
}

std::string AdderTreeLockstep::describe_inputs(std::int64_t i) const {
  const TreeLayout lay{m_shape.k_lanes, m_shape.columns};
  if (i < 0) return "idle edge (a cycle the model skipped): no row, no write";
  const std::int64_t* v = m_log.values.data() + i * m_log.value_stride;
  const std::uint8_t* f = m_log.flags.data() + i * m_log.flag_stride;
  std::string s =
      fmt::format("model cycle {}; row valid {} first {} columns {}; x:", v[TreeLayout::kCycle],
                  f[TreeLayout::kFValid], f[TreeLayout::kFFirst], v[TreeLayout::kEdgeColumns]);
  for (int l = 0; l < m_shape.k_lanes; ++l) s += fmt::format(" {}", v[lay.x() + l]);
  const std::int64_t lane = v[TreeLayout::kLoadLane];
  if (lane >= 0) {
    s += fmt::format("; write port lane {}:", lane);
    for (int c = 0; c < m_shape.columns; ++c) s += fmt::format(" {}", v[lay.load() + c]);
  }
  s += "; partial sums read (unit:value):";
  for (int c = 0; c < m_shape.columns; ++c) {
    if (f[lay.f_read() + c]) s += fmt::format(" {}:{}", c, v[lay.psum() + c]);
  }
  return s;
}

// ---- factories ----

PeLockstepFactory systolic_lockstep(SystolicRtlFactory make, const ArrayStimulus& stimulus) {
  return [make = std::move(make), stimulus](bool traced) -> std::unique_ptr<PeLockstep> {
    return std::make_unique<SystolicLockstep>(make(stimulus.seed, traced), stimulus);
  };
}

PeLockstepFactory adder_tree_lockstep(AdderTreeRtlFactory make, const ArrayStimulus& stimulus) {
  return [make = std::move(make), stimulus](bool traced) -> std::unique_ptr<PeLockstep> {
    return std::make_unique<AdderTreeLockstep>(make(stimulus.seed, traced), stimulus);
  };
}

}  // namespace tpesim::cosim
