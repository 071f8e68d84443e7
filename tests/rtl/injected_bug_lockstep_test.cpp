// SPDX-License-Identifier: Apache-2.0
// The lock-step runner catches an injected model bug: the C++ side of the int_mac bench with one
// bit of its accumulator flipped at one cycle must be reported at exactly that cycle, with both
// values, and a VCD of the window around it must be written.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "Vpe_bitslice_booth_csa_narrow.h"
#include "Vpe_int_mac_wrap32.h"
#include "sim/cosim/booth_csa_lockstep.h"
#include "sim/cosim/int_mac_lockstep.h"
#include "sim/cosim/lockstep.h"
#include "tests/support/temp_dir.h"

namespace tpesim::cosim {
namespace {

namespace fs = std::filesystem;

// The C++ side with one fault: bit `bit` of acc is flipped in the outputs of cycle `at` only.
template <class CycleModel>
class FlippedAccAt {
 public:
  FlippedAccAt(CycleModel inner, std::uint64_t at, int bit)
      : m_inner(std::move(inner)), m_at(at), m_bit(bit) {}
  template <class Inputs>
  void edge(const Inputs& in) {
    m_inner.edge(in);
    ++m_edges;
  }
  std::int64_t acc() const {
    const std::int64_t v = m_inner.acc();
    return m_edges == m_at + 1 ? v ^ (std::int64_t{1} << m_bit) : v;
  }
  bool overflow() const { return m_inner.overflow(); }
  int nonzero_digits() const { return m_inner.nonzero_digits(); }

 private:
  CycleModel m_inner;         // the correct model
  std::uint64_t m_at;         // the cycle whose output is flipped
  int m_bit;                  // the bit flipped
  std::uint64_t m_edges = 0;  // edges taken
};

// A minimal VCD reader: the times it holds and the binary value changes of one signal.
struct VcdSignal {
  std::uint64_t first_time = 0;                  // first `#t`
  std::uint64_t last_time = 0;                   // last `#t`
  std::map<std::uint64_t, std::string> changes;  // time -> value bits of the signal
};
VcdSignal read_vcd(const fs::path& path, const std::string& name) {
  std::ifstream in(path);
  std::string id;  // the signal's identifier code
  VcdSignal s;
  bool any_time = false;
  std::uint64_t now = 0;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string w;
    words >> w;
    if (w == "$var") {
      std::string type, width, code, reference;
      words >> type >> width >> code >> reference;
      if (reference == name && id.empty()) id = code;
    } else if (!w.empty() && w[0] == '#') {
      now = std::stoull(w.substr(1));
      if (!any_time) s.first_time = now;
      any_time = true;
      s.last_time = now;
    } else if (!w.empty() && w[0] == 'b') {
      std::string code;
      words >> code;
      if (code == id) s.changes[now] = w.substr(1);
    }
  }
  EXPECT_FALSE(id.empty()) << "no signal " << name << " in " << path;
  EXPECT_TRUE(any_time) << "no time stamps in " << path;
  return s;
}
// The value of the signal at `time` (its last change at or before it), as an unsigned integer.
std::uint64_t value_at(const VcdSignal& s, std::uint64_t time) {
  auto it = s.changes.upper_bound(time);
  EXPECT_NE(it, s.changes.begin()) << "no value before time " << time;
  return std::stoull(std::prev(it)->second, nullptr, 2);
}

// Bit 7 of the accumulator flipped at cycle 12,345: the runner stops there, reports both values
// (differing in exactly that bit) and the inputs, and writes a VCD of cycles 12,329 .. 12,361
// whose acc after the edge of cycle 12,345 is the RTL's reported value.
TEST(InjectedBugLockstepTest, FlippedAccumulatorBitIsCaughtAtItsCycleWithAVcd) {
  constexpr std::uint64_t kAt = 12345;
  constexpr int kBit = 7;
  const pe::IntMacSpec spec{16, 16, 32, pe::Overflow::Wrap};
  const fs::path vcd = testing_support::fresh_dir("cosim_fault") / "divergence.vcd";
  LockstepOptions options;
  options.vcd_path = vcd.string();
  options.vcd_window = 16;
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        using Faulty = FlippedAccAt<IntMacCycleModel>;
        return std::make_unique<IntMacLockstep<Vpe_int_mac_wrap32, Faulty>>(
            spec, 5, 100000, traced, Faulty(IntMacCycleModel(spec), kAt, kBit));
      },
      options);
  ASSERT_TRUE(r.divergence) << "the flipped bit was not caught";
  EXPECT_EQ(r.divergence->cycle, kAt);
  EXPECT_EQ(r.cycles, kAt + 1) << "the run must stop at the first divergence";
  EXPECT_EQ(r.mismatches(), 1u);
  ASSERT_EQ(r.divergence->mismatches.size(), 1u);
  const Mismatch& m = r.divergence->mismatches[0];
  EXPECT_EQ(m.signal, "acc");
  const std::int64_t cpp = std::stoll(m.cpp_value), rtl = std::stoll(m.rtl_value);
  RecordProperty("divergence", describe(*r.divergence));
  EXPECT_EQ(cpp ^ rtl, std::int64_t{1} << kBit) << describe(*r.divergence);
  EXPECT_NE(r.divergence->inputs.find("in_valid="), std::string::npos);
  EXPECT_NE(describe(*r.divergence).find("first divergence at cycle 12345"), std::string::npos);

  ASSERT_TRUE(r.vcd);
  EXPECT_EQ(r.vcd->first, kAt - 16);
  EXPECT_EQ(r.vcd->last, kAt + 16);
  ASSERT_TRUE(fs::exists(vcd));
  const VcdSignal acc = read_vcd(vcd, "acc");
  EXPECT_EQ(acc.first_time, 2 * (kAt - 16));
  EXPECT_EQ(acc.last_time, 2 * (kAt + 16) + 1);
  EXPECT_EQ(value_at(acc, 2 * kAt + 1), static_cast<std::uint64_t>(rtl) & 0xFFFFFFFFu)
      << "the VCD's acc after the diverging edge must be the RTL value reported";
}

// The same fault in the booth_csa bench at cycle 0 (right after reset), with a window that would
// start before it: caught at cycle 0, VCD from cycle 0.
TEST(InjectedBugLockstepTest, FaultAtTheFirstCycleClampsTheWindow) {
  const pe::BitsliceSpec spec = booth_csa_spec(6, 5, 14);
  const fs::path vcd = testing_support::fresh_dir("cosim_fault") / "booth.vcd";
  LockstepOptions options;
  options.vcd_path = vcd.string();
  options.vcd_window = 4;
  const LockstepResult r = run_lockstep(
      [&](bool traced) -> std::unique_ptr<PeLockstep> {
        using Faulty = FlippedAccAt<BoothCsaCycleModel>;
        return std::make_unique<BoothCsaLockstep<Vpe_bitslice_booth_csa_narrow, Faulty>>(
            spec, 6, 1000, traced, Faulty(BoothCsaCycleModel(spec), 0, 13));
      },
      options);
  ASSERT_TRUE(r.divergence);
  EXPECT_EQ(r.divergence->cycle, 0u);
  ASSERT_TRUE(r.vcd);
  EXPECT_EQ(r.vcd->first, 0u);
  EXPECT_EQ(r.vcd->last, 4u);
  const VcdSignal acc = read_vcd(vcd, "acc");
  EXPECT_EQ(acc.first_time, 0u);
  EXPECT_EQ(acc.last_time, 9u);
}

}  // namespace
}  // namespace tpesim::cosim
