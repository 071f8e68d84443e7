// SPDX-License-Identifier: Apache-2.0
// The lock-step bench of the SystemC tests: one sc_clock drives a Verilated --sc model and the
// C++ model's sc_module (tests/systemc/*_sc.h) through shared input signals. A stimulus process
// (SC_THREAD) holds reset, then writes seeded random inputs after every falling edge; a checker
// process (SC_METHOD on the falling edge) compares every output of the two models, which both
// registered at the rising edge before. A kind's bench derives from LockstepBench and supplies
// drive() and check(); run_lockstep() runs the kernel and says whether the run passed.
#pragma once

#include <chrono>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <systemc>

namespace tpesim::sc {

// Counts compared values and mismatches; prints the first mismatches with both values.
class LockstepLog {
 public:
  explicit LockstepLog(std::string kind) : m_kind(std::move(kind)) {}

  // Compares one output port's value on one cycle; a mismatch is printed (the first ten).
  template <class T>
  void compare(std::int64_t cycle, const char* port, const T& rtl, const T& model) {
    ++m_compared;
    if (rtl == model) return;
    ++m_mismatches;
    if (m_mismatches <= kReported) {
      std::cerr << m_kind << ": mismatch at cycle " << cycle << " on " << port << ": rtl "
                << show(rtl) << ", model " << show(model) << "\n";
    }
  }
  // A coverage requirement of the stimulus (an overflow seen, a step of each length): a run
  // that does not meet it fails, so the test cannot pass on a stimulus that misses the case.
  void require(bool met, const std::string& what) {
    if (!met) {
      ++m_unmet;
      std::cerr << m_kind << ": stimulus did not cover: " << what << "\n";
    }
  }
  const std::string& kind() const { return m_kind; }
  std::int64_t compared() const { return m_compared; }
  std::int64_t mismatches() const { return m_mismatches; }
  int unmet() const { return m_unmet; }

 private:
  static constexpr std::int64_t kReported = 10;  // mismatches printed in full
  template <class T>
  static std::string show(const T& v) {
    std::ostringstream os;
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      os << "0x" << std::hex << static_cast<std::uint64_t>(v) << std::dec << " ("
         << static_cast<std::int64_t>(v) << ")";
    } else {
      os << v;
    }
    return os.str();
  }

  std::string m_kind;             // the kind and parameter set, for messages
  std::int64_t m_compared = 0;    // output values compared
  std::int64_t m_mismatches = 0;  // compared values that differed
  int m_unmet = 0;                // coverage requirements not met
};

// The stimulus and checker processes around two models of one PE. Derived benches own the
// input and output signals; drive() writes the next cycle's inputs, check() compares outputs.
class LockstepBench : public sc_core::sc_module {
 public:
  sc_core::sc_in<bool> clk;   // the shared clock
  sc_core::sc_out<bool> rst;  // synchronous reset of both models, held for kResetCycles edges

  SC_HAS_PROCESS(LockstepBench);
  LockstepBench(const sc_core::sc_module_name& name, std::uint64_t seed, std::int64_t cycles,
                LockstepLog& log)
      : sc_core::sc_module(name), m_rng(seed), m_cycles(cycles), m_log(log) {
    SC_THREAD(stimulus);
    SC_METHOD(checker);
    sensitive << clk.neg();
    dont_initialize();
  }

  // Cycles compared so far (falling edges after the reset).
  std::int64_t cycle() const { return m_cycle; }
  // After the run: the stimulus's coverage requirements (LockstepLog::require).
  virtual void coverage(LockstepLog& log) const = 0;

 protected:
  // Writes the inputs the models sample at the next rising edge.
  virtual void drive(std::mt19937_64& rng) = 0;
  // Compares every output after a rising edge (`cycle` counts from 0 after the reset).
  virtual void check(std::int64_t cycle, LockstepLog& log) = 0;
  // A random signed operand of `bits` bits: the extremes a quarter of the time.
  static std::int64_t operand(std::mt19937_64& rng, int bits) {
    const std::int64_t lo = -(std::int64_t{1} << (bits - 1)), hi = -lo - 1;
    switch (rng() % 8) {
      case 0:
        return lo;
      case 1:
        return hi;
      default:
        return lo + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(hi - lo + 1));
    }
  }
  // Two's complement pattern of v in the low `bits` bits.
  static std::uint64_t pattern(std::int64_t v, int bits) {
    return static_cast<std::uint64_t>(v) & ((std::uint64_t{1} << bits) - 1);
  }

 private:
  static constexpr int kResetCycles = 2;  // rising edges with rst = 1

  void stimulus() {
    rst.write(true);
    for (int i = 0; i < kResetCycles; ++i) wait(clk.negedge_event());
    rst.write(false);
    drive(m_rng);
    for (;;) {
      wait(clk.negedge_event());
      drive(m_rng);
    }
  }
  void checker() {
    // The first falling edges follow reset edges only (the first at time 0, which a model may
    // or may not see); comparing starts after the last reset edge.
    if (++m_edges <= kResetCycles) return;
    check(m_cycle, m_log);
    ++m_cycle;
    if (m_cycle == m_cycles) sc_core::sc_stop();
  }

  std::mt19937_64 m_rng;     // the seeded stimulus
  std::int64_t m_cycles;     // cycles to compare, then stop
  LockstepLog& m_log;        // where comparisons go
  std::int64_t m_edges = 0;  // falling edges seen
  std::int64_t m_cycle = 0;  // cycles compared
};

// Runs the kernel until `bench` has compared `cycles` cycles, prints the figures (cycles,
// mismatches, kernel speed in cycles/s) and returns the exit code: 0 when every value matched,
// all `cycles` were compared and every coverage requirement was met.
inline int run_lockstep(const LockstepBench& bench, LockstepLog& log, std::int64_t cycles) {
  const auto start = std::chrono::steady_clock::now();
  sc_core::sc_start();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bench.coverage(log);
  std::cout << log.kind() << ": " << bench.cycle() << " cycles, " << log.compared()
            << " values compared, " << log.mismatches() << " mismatches, " << std::fixed
            << std::setprecision(0) << static_cast<double>(bench.cycle()) / seconds
            << " cycles/s\n";
  const bool passed = bench.cycle() == cycles && log.mismatches() == 0 && log.unmet() == 0;
  std::cout << (passed ? "PASSED" : "FAILED") << "\n";
  return passed ? 0 : 1;
}

}  // namespace tpesim::sc
