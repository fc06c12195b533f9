// The Diagnosis reconciler: decides whether a Diagnosis needs a run (new, spec changed,
// kdiag.dev/rerun changed, its interval or schedule came round), runs the pipeline over the
// caches, keeps the report, writes the status in one conflict-safe update, records Events, and
// deletes finished one-off Diagnoses after ttlSecondsAfterFinished.
#pragma once

#include <functional>
#include <memory>
#include <stop_token>
#include <string>

#include "checks/pipeline.h"
#include "controller/client.h"
#include "controller/clock.h"
#include "controller/event_recorder.h"
#include "controller/informer.h"
#include "controller/reconcile_loop.h"
#include "controller/status_writer.h"
#include "reconcilers/api_log_tail.h"
#include "reconcilers/diagnosis_metrics.h"
#include "reconcilers/diagnosis_status.h"
#include "reconcilers/finding_history.h"
#include "reconcilers/informer_cluster_view.h"
#include "reconcilers/options.h"
#include "reconcilers/report_store.h"
#include "reconcilers/root_signals_provider.h"

namespace kdiag {

struct DiagnosisReconcilerDeps {
  Client& client;
  Informer& diagnoses;
  const CurrentInformerSet& informers;
  const Pipeline& pipeline;
  const RootSignalsProvider& signals;
  ReportStore& reports;
  EventRecorder& events;
  Clock& clock;
  DiagnosisMetrics* metrics = nullptr;       // optional
  prometheus::Registry* registry = nullptr;  // optional, for the status writer's metrics
};

class DiagnosisReconciler {
 public:
  DiagnosisReconciler(DiagnosisReconcilerDeps deps, DiagnosisOptions options,
                      LogTailBudget log_budget = {});

  ReconcileOutcome Reconcile(const std::string& key, const std::stop_token& stop);

 private:
  // What is due for a Diagnosis now.
  struct Due {
    bool run = false;
    std::string why;  // for the log and the RunStarted event
    std::optional<Duration> requeueAfter;
    bool expired = false;  // ttlSecondsAfterFinished has passed
  };
  Due WhatIsDue(const nlohmann::json& diagnosis, const DiagnosisSpec& spec) const;
  ReconcileOutcome Run(const nlohmann::json& diagnosis, const ParsedSpec& parsed,
                       const std::string& why);
  // The reason a valid spec still cannot run (namespace missing, not trusted), or "".
  std::pair<std::string, std::string> ScopeProblem(const nlohmann::json& diagnosis,
                                                   const DiagnosisSpec& spec,
                                                   const ClusterView& view) const;
  std::optional<Timestamp> NextRun(const DiagnosisSpec& spec, Timestamp after) const;

  DiagnosisReconcilerDeps deps_;
  DiagnosisOptions options_;
  LogTailBudget logBudget_;
  StatusWriter statusWriter_;
  FindingHistory history_;
  ParsedObjectCache parsed_;
  LogTailCache logTails_;
};

}  // namespace kdiag
