#include "reconcilers/diagnosis_reconciler.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "checks/object_fields.h"
#include "reconcilers/cron_schedule.h"
#include "reconcilers/kdiag_resources.h"

namespace kdiag {
namespace {

std::string JoinProblems(const std::vector<SpecProblem>& problems) {
  std::string out;
  for (const auto& p : problems) out += (out.empty() ? "" : "; ") + p.field + ": " + p.reason;
  return out;
}

Duration Until(Timestamp now, Timestamp then) {
  // At least a second, so a clock skew never spins the queue.
  return std::max<Duration>(std::chrono::duration_cast<Duration>(then - now),
                            std::chrono::seconds(1));
}

}  // namespace

DiagnosisReconciler::DiagnosisReconciler(DiagnosisReconcilerDeps deps, DiagnosisOptions options,
                                         LogTailBudget log_budget)
    : deps_(deps),
      options_(std::move(options)),
      logBudget_(log_budget),
      statusWriter_(deps.client, deps.clock, {.fieldManager = "kdiag-controller"}, deps.registry) {}

std::optional<Timestamp> DiagnosisReconciler::NextRun(const DiagnosisSpec& spec,
                                                      Timestamp after) const {
  if (spec.interval) return after + *spec.interval;
  if (!spec.schedule.empty()) {
    std::string error;
    if (auto schedule = CronSchedule::Parse(spec.schedule, &error)) return schedule->Next(after);
  }
  return std::nullopt;
}

DiagnosisReconciler::Due DiagnosisReconciler::WhatIsDue(const nlohmann::json& diagnosis,
                                                        const DiagnosisSpec& spec) const {
  const auto& status = Obj(diagnosis, "status");
  const auto phase = Str(status, "phase");
  const Timestamp now = deps_.clock.WallNow();
  Due due;
  if (phase.empty() || phase == "Pending" || phase == "Running") {
    due = {true, "new"};
  } else if (Int(status, "observedGeneration") != Int(Meta(diagnosis), "generation")) {
    due = {true, "spec changed"};
  } else if (spec.rerun != Str(status, "observedRerun")) {
    due = {true, "kdiag.dev/rerun changed to '" + spec.rerun + "'"};
  } else if (spec.interval || !spec.schedule.empty()) {
    auto next = ParseTime(Str(status, "nextRunAt"));
    if (!next) {
      const auto completed = ParseTime(Str(status, "completedAt"));
      next = NextRun(spec, completed.value_or(now));
    }
    if (next && *next <= now) {
      due = {true, spec.interval ? "interval" : "schedule"};
    } else if (next) {
      due.requeueAfter = Until(now, *next);
    }
  } else if (spec.ttlAfterFinished) {
    if (auto completed = ParseTime(Str(status, "completedAt"))) {
      const auto expiry = *completed + *spec.ttlAfterFinished;
      if (expiry <= now) {
        due.expired = true;
      } else {
        due.requeueAfter = Until(now, expiry);
      }
    }
  }
  return due;
}

std::pair<std::string, std::string> DiagnosisReconciler::ScopeProblem(
    const nlohmann::json& diagnosis, const DiagnosisSpec& spec, const ClusterView& view) const {
  const auto own = Namespace(diagnosis);
  const bool elsewhere = spec.scope.allNamespaces || spec.scope.ns != own;
  const auto& trusted = options_.trustedNamespaces;
  if (elsewhere && std::find(trusted.begin(), trusted.end(), own) == trusted.end()) {
    return {"NotTrusted",
            fmt::format("spec.target: a Diagnosis in namespace {} may only diagnose {}; "
                        "diagnosing {} needs a namespace the operator trusts ({})",
                        own, own,
                        spec.scope.allNamespaces ? "all namespaces" : "namespace " + spec.scope.ns,
                        fmt::join(trusted, ", "))};
  }
  if (!spec.scope.allNamespaces && view.Has("Namespace") &&
      !view.Get("Namespace", "", spec.scope.ns)) {
    return {"NamespaceNotFound",
            fmt::format("spec.target.namespace: namespace {} does not exist", spec.scope.ns)};
  }
  return {};
}

ReconcileOutcome DiagnosisReconciler::Reconcile(const std::string& key, const std::stop_token&) {
  const auto [ns, name] = SplitObjectKey(key);
  const auto cached = deps_.diagnoses.store().Get(ns, name);
  if (!cached) {
    history_.Forget(key);
    return ReconcileResult::Done();
  }
  const nlohmann::json diagnosis = cached->Parse();
  if (Deleting(diagnosis)) return ReconcileResult::Done();

  const auto parsed = ParseDiagnosisSpec(diagnosis, options_.managementNamespaces);
  const auto due = WhatIsDue(diagnosis, parsed.spec);
  if (due.expired) {
    auto deleted =
        deps_.client.Delete(kDiagnoses, ns, name, {.preconditionUid = std::string(Uid(diagnosis))});
    if (!deleted && deleted.error().kind != ErrorKind::kNotFound &&
        deleted.error().kind != ErrorKind::kConflict) {
      return tl::unexpected("deleting after ttlSecondsAfterFinished: " +
                            deleted.error().Describe());
    }
    spdlog::info("diagnosis {}: deleted, ttlSecondsAfterFinished passed", key);
    history_.Forget(key);
    return ReconcileResult::Done();
  }
  if (!due.run) {
    return due.requeueAfter ? ReconcileResult::RequeueAfter(*due.requeueAfter)
                            : ReconcileResult::Done();
  }
  return Run(diagnosis, parsed, due.why);
}

ReconcileOutcome DiagnosisReconciler::Run(const nlohmann::json& diagnosis, const ParsedSpec& parsed,
                                          const std::string& why) {
  const auto started = std::chrono::steady_clock::now();
  const std::string key = std::string(Namespace(diagnosis)) + "/" + std::string(Name(diagnosis));
  const auto& previous = Obj(diagnosis, "status");
  RunRecord run{.runId = NewReportId(),
                .previousRunId = std::string(Str(previous, "runId")),
                .startedAt = deps_.clock.WallNow(),
                .completedAt = {},
                .nextRunAt = std::nullopt,
                .generation = Int(Meta(diagnosis), "generation"),
                .rerun = parsed.spec.rerun,
                .deeplink = {}};
  deps_.events.Record(diagnosis, EventType::kNormal, "RunStarted", "Diagnose",
                      fmt::format("run {} started ({})", run.runId, why));

  const auto informers = deps_.informers.Get();
  InformerClusterView view(*informers, parsed_);
  nlohmann::json status;
  std::string result_label;
  auto [problem_reason, problem] =
      parsed.problems.empty()
          ? ScopeProblem(diagnosis, parsed.spec, view)
          : std::pair<std::string, std::string>{"InvalidSpec", JoinProblems(parsed.problems)};
  std::optional<PipelineResult> result;
  if (!problem_reason.empty()) {
    run.completedAt = deps_.clock.WallNow();
    status = FailedStatus(problem_reason, problem, run, previous);
    result_label = "failed";
    deps_.events.Record(diagnosis, EventType::kWarning, problem_reason, "Diagnose", problem);
  } else {
    const RootSignals signals = deps_.signals.Snapshot();
    ApiLogTail logs(deps_.client, logBudget_, &logTails_);
    CheckContext context(view, parsed.spec.scope, run.startedAt, signals, &logs);
    result = deps_.pipeline.Run(context);
    history_.Record(key, std::string(Uid(diagnosis)), run.startedAt, result->findings,
                    Arr(previous, "findings"));
    run.completedAt = deps_.clock.WallNow();
    run.nextRunAt = NextRun(parsed.spec, run.completedAt);
    run.deeplink = options_.publicBaseURL + "/reports/" + run.runId;
    if (!deps_.reports.Save(MakeReport(*result, run, diagnosis, parsed.spec))) {
      spdlog::warn("diagnosis {}: report {} could not be stored", key, run.runId);
    }
    status = CompletedStatus(*result, run, {.maxFindings = options_.maxFindingsInStatus}, previous);
    result_label = result->summary.healthy ? "healthy" : "unhealthy";
  }

  auto written = statusWriter_.Update(
      diagnosis, kDiagnoses,
      [&](nlohmann::json& current, const nlohmann::json&) { current = status; });
  if (!written) {
    if (written.error().kind == ErrorKind::kNotFound) return ReconcileResult::Done();
    if (deps_.metrics) deps_.metrics->RunDone("failed", std::chrono::steady_clock::now() - started);
    deps_.events.Record(diagnosis, EventType::kWarning, "StatusWriteFailed", "Diagnose",
                        written.error().Describe());
    return tl::unexpected("writing the status: " + written.error().Describe());
  }
  if (deps_.metrics) {
    deps_.metrics->RunDone(result_label, std::chrono::steady_clock::now() - started);
    if (result) deps_.metrics->Findings(*result);
  }
  if (result) {
    if (auto errors = StepErrors(*result)) {
      deps_.events.Record(diagnosis, EventType::kWarning, "CheckError", "Diagnose",
                          fmt::format("run {}: {}", run.runId, *errors));
    }
    deps_.events.Record(diagnosis,
                        result->summary.healthy ? EventType::kNormal : EventType::kWarning,
                        result->summary.healthy ? "Healthy" : "ProblemsFound", "Diagnose",
                        fmt::format("run {}: {}", run.runId, result->summary.verdict));
    spdlog::info("diagnosis {}: run {} {} in {} ms: {}", key, run.runId, result_label,
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - started)
                     .count(),
                 result->summary.verdict);
  }
  if (run.nextRunAt) {
    return ReconcileResult::RequeueAfter(Until(deps_.clock.WallNow(), *run.nextRunAt));
  }
  if (parsed.spec.ttlAfterFinished) {
    return ReconcileResult::RequeueAfter(
        Until(deps_.clock.WallNow(), run.completedAt + *parsed.spec.ttlAfterFinished));
  }
  return ReconcileResult::Done();
}

}  // namespace kdiag
