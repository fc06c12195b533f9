// Liveness and readiness checks served as /healthz, /livez and /readyz, in the format the
// Kubernetes API server uses ("[+]name ok" lines with ?verbose, a plain "ok" otherwise).
#pragma once

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace kdiag {

class HealthChecks {
 public:
  // A check returns nullopt when healthy, else the reason it is not.
  using Check = std::function<std::optional<std::string>()>;
  enum class Probe { kLiveness, kReadiness };

  struct Report {
    bool healthy = true;
    std::string body;  // what the probe endpoint answers
  };

  // Readiness checks are only asked by /readyz; liveness checks by every probe, since a process
  // that is not alive is not ready either.
  void Add(Probe probe, std::string name, Check check);
  Report Evaluate(Probe probe, bool verbose) const;

 private:
  struct Entry {
    Probe probe;
    std::string name;
    Check check;
  };
  mutable std::mutex mutex_;
  std::vector<Entry> entries_;
};

}  // namespace kdiag
