// A Diagnosis' status from a run: phase, summary, checkpoints, findings (capped), report link,
// conditions. Pure: the reconciler writes what these return.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/pipeline.h"
#include "controller/micro_time.h"
#include "reconcilers/conditions.h"
#include "reconcilers/diagnosis_spec.h"

namespace kdiag {

struct RunRecord {
  std::string runId;
  std::string previousRunId;
  Timestamp startedAt;
  Timestamp completedAt;
  std::optional<Timestamp> nextRunAt;
  int64_t generation = 0;
  std::string rerun;
  std::string deeplink;
};

struct StatusLimits {
  int maxFindings = 50;
  // Findings stop being added past this many bytes of JSON, far below the API server's
  // request limit, so one status never comes near it.
  size_t maxFindingsBytes = 256 * 1024;
};

// The status after a completed run; `previous` is the status it replaces (conditions keep
// their lastTransitionTime when they did not change).
nlohmann::json CompletedStatus(const PipelineResult& result, const RunRecord& run,
                               const StatusLimits& limits, const nlohmann::json& previous);

// "N steps could not run: name: message, …" when steps ended in Error (the Degraded condition
// and the CheckError Event say it); nullopt when every selected step ran.
std::optional<std::string> StepErrors(const PipelineResult& result);

// The status of a run that could not be done: phase Failed, Ready False with the reason.
nlohmann::json FailedStatus(std::string_view reason, std::string_view message, const RunRecord& run,
                            const nlohmann::json& previous);

// The full report of a run, for the report store.
nlohmann::json MakeReport(const PipelineResult& result, const RunRecord& run,
                          const nlohmann::json& diagnosis, const DiagnosisSpec& spec);

}  // namespace kdiag
