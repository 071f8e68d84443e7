// SPDX-License-Identifier: Apache-2.0
// Array vs model: rtl/arrays/systolic_array.sv, verilated (WS and OS, 4 x 4 and 16 x 16, wrap and
// saturate), against run_stationary_array / run_output_stationary_array in lock step: the same
// edge inputs every cycle, every output compared (valid bit and value) after every edge.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "sim/cosim/array_catalogue.h"
#include "sim/cosim/array_lockstep.h"
#include "sim/cosim/lockstep.h"

namespace tpesim::cosim {
namespace {

std::int64_t counter(const LockstepResult& r, const std::string& name) {
  for (const Counter& c : r.counters) {
    if (c.name == name) return c.value;
  }
  ADD_FAILURE() << "no counter " << name;
  return 0;
}

// Runs one verilated set on random GEMMs and requires zero mismatches, with the stimulus
// covering what it must: outputs, overflows of the accumulator, idle edges, several folds.
void expect_lockstep(const std::string& name, std::int64_t cycles, std::uint64_t seed) {
  const SystolicRtlSet& set = systolic_rtl_set(name);
  ArrayStimulus stimulus;
  stimulus.seed = seed;
  stimulus.cycles = cycles;
  stimulus.max_m = 3 * set.shape.rows;
  stimulus.max_n = 3 * set.shape.cols;
  // ws: K folds over the rows; os: K streams through, long enough for 18-bit chains to saturate.
  stimulus.max_k = set.shape.output_stationary ? 64 : 3 * set.shape.rows;
  const LockstepResult r = run_lockstep(systolic_lockstep(set.make, stimulus), LockstepOptions{});
  ASSERT_FALSE(r.divergence.has_value()) << name << ": " << describe(*r.divergence);
  EXPECT_GE(static_cast<std::int64_t>(r.cycles), cycles);
  EXPECT_GT(counter(r, "outputs compared"), cycles / 20) << name;
  EXPECT_GT(counter(r, "overflows"), 0) << name << ": the accumulators must overflow";
  EXPECT_GT(counter(r, "idle edges"), 0) << name << ": folds must wait for memory";
  EXPECT_GT(counter(r, "folds"), 2 * counter(r, "gemms")) << name;
  ::testing::Test::RecordProperty("cycles", static_cast<int>(r.cycles));
  ::testing::Test::RecordProperty("outputs", static_cast<int>(counter(r, "outputs compared")));
}

// Weight stationary, 4 x 4, 16 x 16 -> 32 wrapping.
TEST(ArraySystolicLockstepTest, Ws4x4Wrap32MatchesModelEveryCycle) {
  expect_lockstep("systolic_ws_4x4_wrap32", 30000, 1);
}

// Weight stationary, 16 x 16, 8 x 8 -> 18 saturating (chained K folds saturate in k order).
TEST(ArraySystolicLockstepTest, Ws16x16Sat18MatchesModelEveryCycle) {
  expect_lockstep("systolic_ws_16x16_sat18", 30000, 2);
}

// Output stationary, 4 x 4, 8 x 8 -> 18 saturating.
TEST(ArraySystolicLockstepTest, Os4x4Sat18MatchesModelEveryCycle) {
  expect_lockstep("systolic_os_4x4_sat18", 30000, 3);
}

// Output stationary, 16 x 16, 16 x 16 -> 32 wrapping.
TEST(ArraySystolicLockstepTest, Os16x16Wrap32MatchesModelEveryCycle) {
  expect_lockstep("systolic_os_16x16_wrap32", 30000, 4);
}

// The RTL side with one fault: the valid bit of out[column] flipped after edge `at` (a spurious
// or a missing output, whatever the cycle holds).
class FlippedValidAt final : public SystolicRtl {
 public:
  FlippedValidAt(std::unique_ptr<SystolicRtl> inner, std::int64_t at, int column)
      : m_inner(std::move(inner)), m_at(at), m_column(column) {}
  const SystolicShape& shape() const override { return m_inner->shape(); }
  void step(SystolicPorts& ports) override {
    m_inner->step(ports);
    if (m_edges++ == m_at) ports.out_valid.set(m_column, 1, ports.out_valid.get(m_column, 1) ^ 1u);
  }
  void start_vcd(const std::string& path) override { m_inner->start_vcd(path); }
  void stop_vcd() override { m_inner->stop_vcd(); }

 private:
  std::unique_ptr<SystolicRtl> m_inner;  // the correct array
  std::int64_t m_at;                     // the edge whose output is flipped
  int m_column;                          // the column flipped
  std::int64_t m_edges = 0;              // edges taken
};

// An injected fault is reported at exactly its cycle, with the inputs of that cycle, and the
// deterministic re-run writes a VCD of the window around it.
TEST(ArraySystolicLockstepTest, InjectedFaultIsReportedAtItsCycleWithVcd) {
  const SystolicRtlSet& set = systolic_rtl_set("systolic_os_4x4_sat18");
  constexpr std::int64_t kAt = 1234;
  ArrayStimulus stimulus;
  stimulus.cycles = 3000;
  const auto faulty = [&](std::uint64_t seed, bool traced) -> std::unique_ptr<SystolicRtl> {
    return std::make_unique<FlippedValidAt>(set.make(seed, traced), kAt, 2);
  };
  const std::filesystem::path vcd =
      std::filesystem::temp_directory_path() / "tpesim_array_fault.vcd";
  LockstepOptions options;
  options.vcd_path = vcd.string();
  options.vcd_window = 8;
  const LockstepResult r = run_lockstep(systolic_lockstep(faulty, stimulus), options);
  ASSERT_TRUE(r.divergence.has_value());
  EXPECT_EQ(r.divergence->cycle, static_cast<std::uint64_t>(kAt));
  ASSERT_EQ(r.divergence->mismatches.size(), 1u);
  EXPECT_EQ(r.divergence->mismatches[0].signal, "out[2]");
  EXPECT_NE(r.divergence->inputs.find("model cycle"), std::string::npos) << r.divergence->inputs;
  ASSERT_TRUE(r.vcd.has_value());
  EXPECT_EQ(r.vcd->first, static_cast<std::uint64_t>(kAt - 8));
  EXPECT_EQ(r.vcd->last, static_cast<std::uint64_t>(kAt + 8));
  EXPECT_GT(std::filesystem::file_size(vcd), 1000u);
  std::filesystem::remove(vcd);
}

}  // namespace
}  // namespace tpesim::cosim
