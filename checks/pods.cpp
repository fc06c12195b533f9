// The pod checks: every pod in scope, what keeps it from running well, one finding per
// problem (the most specific code for each container).
#include <fmt/format.h>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"
#include "checks/redaction.h"

namespace kdiag {
namespace {

const nlohmann::json* ControllerOfKind(const nlohmann::json& object, std::string_view kind) {
  for (const auto& owner : Arr(Meta(object), "ownerReferences")) {
    if (Str(owner, "kind") == kind) return &owner;
  }
  return nullptr;
}

// A Job that finished successfully leaves its failed attempts behind; they are not a problem.
// Of a Job still failing, only its newest failed pod is reported: older ones are the same story.
bool JobPodToSkip(const ClusterView& view, const nlohmann::json& pod) {
  const auto* owner = ControllerOfKind(pod, "Job");
  if (!owner) return false;
  if (auto job = view.Get("Job", Namespace(pod), Str(*owner, "name"))) {
    if (ConditionTrue(*job, "Complete") || ConditionTrue(*job, "SuccessCriteriaMet")) return true;
  }
  if (Str(Obj(pod, "status"), "phase") != "Failed") return false;
  for (const auto& sibling : view.OwnedBy("Pod", Str(*owner, "uid"))) {
    if (Str(Obj(*sibling, "status"), "phase") != "Failed") continue;
    if (CreationTime(*sibling) > CreationTime(pod)) return true;
  }
  return false;
}

void AddNode(const PodFacts& facts, PodProblem& problem) {
  const auto node = Str(Obj(facts.pod, "spec"), "nodeName");
  if (node.empty()) return;
  problem.params["node"] = std::string(node);
  if (!facts.view.Has("Node")) return;
  auto object = facts.view.Get("Node", "", node);
  if (!object) {
    problem.evidence.push_back(fmt::format("node {} no longer exists", node));
  } else if (!ConditionTrue(*object, "Ready")) {
    const auto* ready = Condition(*object, "Ready");
    problem.evidence.push_back(
        fmt::format("node {} is not Ready{}", node,
                    ready ? fmt::format(" ({}: {})", Str(*ready, "reason"), Str(*ready, "message"))
                          : std::string()));
  }
}

std::optional<PodProblem> StuckTerminating(const PodFacts& facts) {
  const auto deleted = ParseTime(Str(Meta(facts.pod), "deletionTimestamp"));
  if (!deleted || facts.now - *deleted < facts.options.stuckTerminatingAfter) return std::nullopt;
  PodProblem problem;
  problem.code = "KD1043";
  problem.evidence.push_back(fmt::format("deletionTimestamp {} ({} ago)",
                                         Str(Meta(facts.pod), "deletionTimestamp"),
                                         Ago(*deleted, facts.now)));
  std::string finalizers;
  for (const auto& finalizer : Arr(Meta(facts.pod), "finalizers")) {
    if (finalizer.is_string()) {
      finalizers += (finalizers.empty() ? "" : ", ") + finalizer.get<std::string>();
    }
  }
  if (!finalizers.empty()) problem.evidence.push_back("finalizers: " + finalizers);
  AddNode(facts, problem);
  for (const auto& status : Arr(Obj(facts.pod, "status"), "containerStatuses")) {
    if (!Obj(Obj(status, "state"), "running").empty()) {
      problem.evidence.push_back(StateLine(status, facts.now));
    }
  }
  problem.message =
      fmt::format("Pod was deleted {} ago and is still terminating", Ago(*deleted, facts.now));
  if (!finalizers.empty()) problem.message += fmt::format(": finalizers {} remain", finalizers);
  return problem;
}

PodProblem Evicted(const PodFacts& facts) {
  PodProblem problem;
  problem.code = "KD1042";
  const auto message = Str(Obj(facts.pod, "status"), "message");
  problem.message = fmt::format("Pod was evicted: {}", message);
  problem.evidence.push_back(fmt::format("status: Failed Evicted: {}", message));
  AddNode(facts, problem);
  for (const auto* event : EventsWithReason(facts.events.Get(), "Evicted")) {
    problem.evidence.push_back(EventLine(*event));
  }
  return problem;
}

std::vector<PodProblem> FindProblems(const PodFacts& facts) {
  const auto& status = Obj(facts.pod, "status");
  const auto phase = Str(status, "phase");
  // A pod being deleted is going away; only one that does not go is a problem.
  if (Deleting(facts.pod)) {
    if (auto stuck = StuckTerminating(facts)) return {std::move(*stuck)};
    return {};
  }
  if (phase == "Succeeded") return {};
  if (phase == "Failed" && Str(status, "reason") == "Evicted") return {Evicted(facts)};
  if (auto unschedulable = SchedulingProblem(facts)) return {std::move(*unschedulable)};
  auto problems = ContainerProblems(facts);
  if (problems.empty()) {
    if (auto creating = CreatingProblem(facts)) problems.push_back(std::move(*creating));
  }
  return problems;
}

void AddLogTail(const CheckContext& ctx, const nlohmann::json& pod, PodProblem& problem) {
  if (!problem.wantsLogTail || problem.container.empty() || !ctx.logs()) return;
  int64_t restarts = 0;
  const auto& status = Obj(pod, "status");
  for (const char* list : {"containerStatuses", "initContainerStatuses"}) {
    for (const auto& container : Arr(status, list)) {
      if (Str(container, "name") == problem.container) restarts = Int(container, "restartCount");
    }
  }
  const auto instance = fmt::format("{}/{}/{}", Uid(pod), problem.container, restarts);
  auto tail = ctx.logs()->PreviousLogTail(Namespace(pod), Name(pod), problem.container, instance);
  if (!tail || tail->empty()) return;
  problem.evidence.push_back("previous log tail:\n" + RedactLogTail(*tail));
}

// Findings are keyed by code and object: containers with the same problem share one.
std::vector<PodProblem> MergeByCode(std::vector<PodProblem> problems) {
  std::vector<PodProblem> merged;
  for (auto& problem : problems) {
    auto same = std::find_if(merged.begin(), merged.end(),
                             [&](const PodProblem& p) { return p.code == problem.code; });
    if (same == merged.end()) {
      merged.push_back(std::move(problem));
      continue;
    }
    same->message += "; " + problem.message;
    same->evidence.insert(same->evidence.end(), problem.evidence.begin(), problem.evidence.end());
    for (auto& [key, value] : problem.params) same->params.emplace(key, value);
  }
  return merged;
}

}  // namespace

CheckDefinition PodChecks(const BuiltinCheckOptions& options) {
  return {"pods", Stage::kNamespace, PodCheckCodes(),
          [options](const CheckContext& ctx, FindingSink& sink) {
            for (const auto& pod : ctx.InScope("Pod")) {
              if (ctx.OverBudget()) return;
              const PodEvents events(ctx.view(), Uid(*pod));
              const PodFacts facts{*pod, events, ctx.view(), ctx.now(), options};
              auto problems = FindProblems(facts);
              // Asked only of a pod with problems: most have none, and reading owners is not free.
              if (problems.empty() || JobPodToSkip(ctx.view(), *pod)) continue;
              for (auto& problem : problems) AddLogTail(ctx, *pod, problem);
              for (auto& problem : MergeByCode(std::move(problems))) {
                Finding& finding = sink.Add(problem.code, *pod);
                finding.message = std::move(problem.message);
                finding.evidence = std::move(problem.evidence);
                finding.params = std::move(problem.params);
              }
            }
          }};
}

}  // namespace kdiag
