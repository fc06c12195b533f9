// Wiring of the Diagnosis controller into the manager: the caches the checks read (optional
// kinds only where served and permitted), the pipeline, the report store and the reconciler.
#pragma once

#include <memory>

#include "checks/pipeline.h"
#include "controller/api_event_recorder.h"
#include "controller/manager.h"
#include "daemon/operator_config.h"
#include "reconcilers/diagnosis_reconciler.h"

namespace kdiag {

class DiagnosisController {
 public:
  // Adds the informers and the controller to manager; call before manager.Run. Reads
  // discovery, and probes optional kinds with a one-item list.
  DiagnosisController(const OperatorConfig& config, std::vector<CheckDefinition> checks,
                      PipelineOptions pipeline, Client& client, Manager& manager,
                      const RootSignalsProvider& signals, EventRecorder& events,
                      prometheus::Registry& registry);

  const InformerSet& informers() const { return informers_; }
  ReportStore& reports() { return *reports_; }

 private:
  InformerSet informers_;
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<ReportStore> reports_;
  std::unique_ptr<DiagnosisMetrics> metrics_;
  std::unique_ptr<DiagnosisReconciler> reconciler_;
};

}  // namespace kdiag
