// What the Diagnosis pipeline and the source poller are built from, made from the operator
// configuration: the checks (built-in with the configured thresholds and addons, then the
// custom checks), the pipeline options, and the infrastructure sources with their intervals.
#pragma once

#include <memory>
#include <vector>

#include "checks/check.h"
#include "checks/pipeline.h"
#include "controller/http_transport.h"
#include "daemon/operator_config.h"
#include "reconcilers/source_poller.h"

namespace kdiag {

struct DiagnosisChecks {
  std::vector<CheckDefinition> checks;
  PipelineOptions pipeline;
  std::vector<PolledSource> sources;
};

// transport reaches the sources (MakeCurlTransport with the system's trust store in the
// daemon). Custom checks' expressions run in kdiag-jq-worker processes beside this program.
// Throws std::invalid_argument when a custom expression does not compile, which
// ParseOperatorConfig has already refused, and std::runtime_error when the worker cannot start.
DiagnosisChecks MakeDiagnosisChecks(const DiagnosisChecksConfig& config,
                                    const std::shared_ptr<HttpTransport>& transport);

}  // namespace kdiag
