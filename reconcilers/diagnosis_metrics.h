// Metrics of Diagnosis runs. Labels are bounded: run result, catalog code and severity, check
// name — never a namespace or object name.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "checks/pipeline.h"

namespace kdiag {

class DiagnosisMetrics {
 public:
  explicit DiagnosisMetrics(prometheus::Registry& registry);

  // result: healthy, unhealthy or failed.
  void RunDone(std::string_view result, std::chrono::steady_clock::duration duration);
  void Findings(const PipelineResult& result);

 private:
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Histogram& runSeconds_;
  prometheus::Family<prometheus::Counter>& findings_;
  prometheus::Family<prometheus::Histogram>& checkSeconds_;
};

}  // namespace kdiag
