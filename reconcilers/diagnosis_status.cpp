#include "reconcilers/diagnosis_status.h"

#include <fmt/format.h>

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {
namespace {

nlohmann::json CheckpointsJson(const std::vector<Checkpoint>& checkpoints) {
  auto out = nlohmann::json::array();
  for (const auto& c : checkpoints) {
    nlohmann::json item = {{"name", c.name},
                           {"stage", ToString(c.stage)},
                           {"result", ToString(c.result)},
                           {"durationMillis", c.duration.count()}};
    if (!c.message.empty()) item["message"] = c.message.substr(0, 1024);
    out.push_back(std::move(item));
  }
  return out;
}

nlohmann::json SummaryJson(const Summary& s) {
  return {{"critical", s.critical}, {"warning", s.warning},
          {"info", s.info},         {"suppressed", s.suppressed},
          {"healthy", s.healthy},   {"verdict", s.verdict.substr(0, 1024)}};
}

nlohmann::json RunFields(const RunRecord& run, const nlohmann::json& previous) {
  nlohmann::json status = {{"observedGeneration", run.generation},
                           {"runId", run.runId},
                           {"startedAt", FormatTime(run.startedAt)},
                           {"completedAt", FormatTime(run.completedAt)},
                           {"conditions", Arr(previous, "conditions")}};
  if (!run.previousRunId.empty()) status["previousRunId"] = run.previousRunId;
  if (!run.rerun.empty()) status["observedRerun"] = run.rerun;
  if (run.nextRunAt) status["nextRunAt"] = FormatTime(*run.nextRunAt);
  return status;
}

}  // namespace

nlohmann::json CompletedStatus(const PipelineResult& result, const RunRecord& run,
                               const StatusLimits& limits, const nlohmann::json& previous) {
  auto status = RunFields(run, previous);
  status["phase"] = "Completed";
  status["summary"] = SummaryJson(result.summary);
  status["checkpoints"] = CheckpointsJson(result.checkpoints);
  auto findings = nlohmann::json::array();
  size_t bytes = 0;
  for (const auto& finding : result.findings) {
    if (static_cast<int>(findings.size()) >= limits.maxFindings) break;
    auto item = ToJson(finding);
    bytes += item.dump().size();
    if (bytes > limits.maxFindingsBytes) break;
    findings.push_back(std::move(item));
  }
  status["findingsOmitted"] = static_cast<int>(result.findings.size() - findings.size());
  status["findings"] = std::move(findings);
  status["reportId"] = run.runId;
  if (!run.deeplink.empty()) status["deeplink"] = run.deeplink;

  SetCondition(status["conditions"], "Ready", true, "RunCompleted",
               result.summary.verdict.substr(0, 1024), run.generation, run.completedAt);
  if (auto errors = StepErrors(result)) {
    SetCondition(status["conditions"], "Degraded", true, "CheckError", *errors, run.generation,
                 run.completedAt);
  } else {
    SetCondition(status["conditions"], "Degraded", false, "AllChecksRan",
                 "every selected check ran", run.generation, run.completedAt);
  }
  return status;
}

std::optional<std::string> StepErrors(const PipelineResult& result) {
  size_t errors = 0;
  std::string names;
  for (const auto& c : result.checkpoints) {
    if (c.result != StepResult::kError) continue;
    ++errors;
    names += (names.empty() ? "" : ", ") + c.name + ": " + c.message;
  }
  if (errors == 0) return std::nullopt;
  return fmt::format("{} step{} could not run: {}", errors, errors == 1 ? "" : "s", names);
}

nlohmann::json FailedStatus(std::string_view reason, std::string_view message, const RunRecord& run,
                            const nlohmann::json& previous) {
  auto status = RunFields(run, previous);
  status["phase"] = "Failed";
  status["summary"] = {{"healthy", false}, {"verdict", std::string(message).substr(0, 1024)}};
  SetCondition(status["conditions"], "Ready", false, reason, message, run.generation,
               run.completedAt);
  SetCondition(status["conditions"], "Degraded", true, reason, message, run.generation,
               run.completedAt);
  return status;
}

nlohmann::json MakeReport(const PipelineResult& result, const RunRecord& run,
                          const nlohmann::json& diagnosis, const DiagnosisSpec& spec) {
  auto findings = nlohmann::json::array();
  for (const auto& finding : result.findings) findings.push_back(ToJson(finding));
  const auto& scope = spec.scope;
  return {
      {"id", run.runId},
      {"previousId", run.previousRunId},
      {"diagnosis",
       {{"namespace", Namespace(diagnosis)}, {"name", Name(diagnosis)}, {"uid", Uid(diagnosis)}}},
      {"target",
       {{"namespace", scope.allNamespaces ? "" : scope.ns},
        {"allNamespaces", scope.allNamespaces},
        {"cluster", scope.target.cluster},
        {"cloudProvider", scope.target.cloudProvider},
        {"platform", scope.target.platform}}},
      {"startedAt", FormatTime(run.startedAt)},
      {"completedAt", FormatTime(run.completedAt)},
      {"summary", SummaryJson(result.summary)},
      {"checkpoints", CheckpointsJson(result.checkpoints)},
      {"findings", std::move(findings)}};
}

}  // namespace kdiag
