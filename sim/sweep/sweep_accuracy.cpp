// SPDX-License-Identifier: Apache-2.0
#include "sim/sweep/sweep_accuracy.h"

#include "sim/numerics.h"

namespace tpesim::sweep {

std::int64_t dominant_k(const workloads::Workload& workload) {
  std::int64_t best_k = 1;
  double best_macs = -1;  // MACs of the best layer so far (double: no overflow on huge traces)
  for (const workloads::Gemm& g : workload.layers) {
    const double macs = static_cast<double>(g.m) * static_cast<double>(g.n) *
                        static_cast<double>(g.k) * static_cast<double>(g.count);
    if (macs > best_macs) {
      best_macs = macs;
      best_k = g.k;
    }
  }
  return best_k;
}

PointAccuracy measure_accuracy(const pe::PeConfig& pe, const workloads::Workload& workload) {
  NumericsOptions options;
  options.pe = pe;
  options.dist = OperandDistribution::LlmOutliers;
  options.seed = kAccuracySeed;
  options.dot_length = dominant_k(workload);
  options.samples = kAccuracyDots * options.dot_length;
  const NumericsReport report = run_numerics(options);
  PointAccuracy out;
  out.k = options.dot_length;
  out.rel_frobenius = report.dots.empty() ? 0.0 : report.dots.front().rel_frobenius;
  out.model_rel_frobenius =
      report.model_dots.empty() ? 0.0 : report.model_dots.front().rel_frobenius;
  return out;
}

}  // namespace tpesim::sweep
