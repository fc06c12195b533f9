// Latency figures of the load benchmarks.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

namespace kdiag::bench {

inline double Millis(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// The p-quantile (0..1) of the samples, nearest rank.
inline double Percentile(std::vector<double> samples, double p) {
  std::sort(samples.begin(), samples.end());
  const auto index = static_cast<size_t>(std::lround(p * static_cast<double>(samples.size() - 1)));
  return samples[std::min(index, samples.size() - 1)];
}

}  // namespace kdiag::bench
