// What the root checks read besides the cluster view: the latest results of the configured
// infrastructure sources (alerts, status pages, probes) and of the API server's health
// endpoints. The reconcilers poll them; checks only read the results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checks/finding.h"
#include "controller/duration.h"

namespace kdiag {

// One problem a source reports: a firing alert, an incident on a status page, a failed probe.
struct SourceProblem {
  std::string name;  // alert name, component, probe target
  Severity severity = Severity::kCritical;
  std::string message;               // summary or description
  std::vector<std::string> details;  // labels, status text
};

struct SourceResult {
  std::string source;  // configured name
  std::string type;    // alertmanager, statusPage, httpProbe
  // The source could not be read; the global checkpoint reports an Error, not a finding.
  std::string error;
  std::vector<SourceProblem> problems;
};

struct EndpointHealth {
  std::string path;  // /readyz, /livez
  bool ok = false;
  std::string detail;  // the failing checks the endpoint lists
};

struct RootSignals {
  std::vector<SourceResult> sources;
  std::vector<EndpointHealth> apiServer;  // empty when not probed
  std::optional<Duration> apiLatency;     // of a cheap request, when measured
};

}  // namespace kdiag
