// Wiring of the Diagnosis controller into the manager: the caches the checks read (optional
// kinds only where served and permitted, looked for again every discoveryInterval), the
// pipeline, the report store and the reconciler.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "checks/pipeline.h"
#include "controller/api_event_recorder.h"
#include "controller/manager.h"
#include "daemon/operator_config.h"
#include "reconcilers/diagnosis_reconciler.h"
#include "reconcilers/watched_kinds.h"

namespace kdiag {

class DiagnosisController {
 public:
  // Adds the informers and the controller to manager; call before manager.Run. Reads
  // discovery, and probes optional kinds with a one-item list. With a discovery interval,
  // a thread does that again on it until destruction (before the manager's).
  DiagnosisController(const OperatorConfig& config, std::vector<CheckDefinition> checks,
                      PipelineOptions pipeline, Client& client, Manager& manager,
                      const RootSignalsProvider& signals, EventRecorder& events,
                      prometheus::Registry& registry);
  ~DiagnosisController();
  DiagnosisController(const DiagnosisController&) = delete;
  DiagnosisController& operator=(const DiagnosisController&) = delete;

  ReportStore& reports() { return *reports_; }

 private:
  // Compares what the server serves with what is watched: starts informers for optional kinds
  // now served (once synced, they join the set runs read), drops kinds no longer served.
  // Keeps the current set when discovery fails.
  void Rediscover(const std::stop_token& stop);
  bool MayList(const WatchedKind& kind);

  Client& client_;
  Manager& manager_;
  std::vector<WatchedKind> kinds_;
  CurrentInformerSet informers_;
  std::map<std::string, const Informer*> informerOf_;  // by kind, for removal
  std::set<std::string> refused_;  // optional kinds served but not listable, logged once
  std::unique_ptr<Pipeline> pipeline_;
  std::unique_ptr<ReportStore> reports_;
  std::unique_ptr<DiagnosisMetrics> metrics_;
  std::unique_ptr<DiagnosisReconciler> reconciler_;
  std::jthread rediscovery_;  // last: stops first
};

}  // namespace kdiag
