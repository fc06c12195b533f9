#include "controller/health.h"

namespace kdiag {

void HealthChecks::Add(Probe probe, std::string name, Check check) {
  std::lock_guard lock(mutex_);
  entries_.push_back({probe, std::move(name), std::move(check)});
}

HealthChecks::Report HealthChecks::Evaluate(Probe probe, bool verbose) const {
  std::vector<Entry> entries;
  {
    std::lock_guard lock(mutex_);
    entries = entries_;
  }
  Report report;
  std::string lines;
  for (const auto& entry : entries) {
    if (probe == Probe::kLiveness && entry.probe != Probe::kLiveness) continue;
    const auto failure = entry.check();
    if (failure) {
      report.healthy = false;
      lines += "[-]" + entry.name + " failed: " + *failure + "\n";
    } else {
      lines += "[+]" + entry.name + " ok\n";
    }
  }
  const char* what = probe == Probe::kLiveness ? "livez" : "readyz";
  if (report.healthy) {
    report.body = verbose ? lines + what + " check passed\n" : std::string("ok");
  } else {
    report.body = lines + what + " check failed\n";
  }
  return report;
}

}  // namespace kdiag
