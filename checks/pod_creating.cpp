// Scheduled pods whose containers never get created: the kubelet cannot mount a volume
// (FailedMount) or the runtime cannot create the pod sandbox (FailedCreatePodSandBox).
#include <fmt/format.h>

#include <set>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"

namespace kdiag {
namespace {

// Whether no container of the pod has started yet: every status still waits to be created.
bool NothingStarted(const nlohmann::json& pod) {
  const auto& status = Obj(pod, "status");
  for (const char* list : {"initContainerStatuses", "containerStatuses"}) {
    for (const auto& container : Arr(status, list)) {
      const auto& state = Obj(container, "state");
      const auto reason = Str(Obj(state, "waiting"), "reason");
      if (reason != "ContainerCreating" && reason != "PodInitializing") return false;
      if (!Obj(Obj(container, "lastState"), "terminated").empty()) return false;
    }
  }
  return true;
}

// Pod volume names a FailedMount message is about: 'for volume "config"' and
// 'unmounted volumes=[config data]'. A PersistentVolume's name (pvc-…) is not a pod volume.
std::set<std::string> VolumesIn(std::string_view message) {
  std::set<std::string> names;
  if (auto name = QuotedAfter(message, "for volume "); !name.empty()) names.insert(name);
  constexpr std::string_view kUnmounted = "unmounted volumes=[";
  if (const size_t at = message.find(kUnmounted); at != std::string_view::npos) {
    const size_t begin = at + kUnmounted.size();
    const size_t end = message.find(']', begin);
    auto list = message.substr(begin, end == std::string_view::npos ? end : end - begin);
    while (!list.empty()) {
      const size_t space = list.find(' ');
      if (auto name = list.substr(0, space); !name.empty()) names.emplace(name);
      if (space == std::string_view::npos) break;
      list.remove_prefix(space + 1);
    }
  }
  return names;
}

const nlohmann::json* Volume(const nlohmann::json& pod, std::string_view name) {
  for (const auto& volume : Arr(Obj(pod, "spec"), "volumes")) {
    if (Str(volume, "name") == name) return &volume;
  }
  return nullptr;
}

// Claims belong to the storage checks (KD4004).
bool BackedByClaim(const nlohmann::json& volume) {
  return volume.contains("persistentVolumeClaim") || volume.contains("ephemeral");
}

// "volume config: configMap app-config".
std::string DescribeVolume(const nlohmann::json& volume, PodProblem& problem) {
  const auto name = Str(volume, "name");
  if (auto secret = Str(Obj(volume, "secret"), "secretName"); !secret.empty()) {
    problem.params.emplace("secret", secret);
    return fmt::format("volume {}: secret {}", name, secret);
  }
  if (auto map = Str(Obj(volume, "configMap"), "name"); !map.empty()) {
    problem.params.emplace("configmap", map);
    return fmt::format("volume {}: configMap {}", name, map);
  }
  for (const auto& [type, source] : volume.items()) {
    if (type != "name") return fmt::format("volume {}: {}", name, type);
  }
  return fmt::format("volume {}", name);
}

}  // namespace

std::optional<PodProblem> CreatingProblem(const PodFacts& facts) {
  const auto& pod = facts.pod;
  const auto node = Str(Obj(pod, "spec"), "nodeName");
  if (Str(Obj(pod, "status"), "phase") != "Pending" || node.empty() ||
      !ConditionTrue(pod, "PodScheduled") || !NothingStarted(pod)) {
    return std::nullopt;
  }
  Timestamp since = CreationTime(pod);
  if (auto scheduled = ParseTime(Str(*Condition(pod, "PodScheduled"), "lastTransitionTime"))) {
    since = std::max(since, *scheduled);
  }
  if (facts.now - since < facts.options.stuckCreatingAfter) return std::nullopt;

  // The newest of the two failures explains the pod's state now.
  const nlohmann::json* sandbox = nullptr;
  if (auto events = EventsWithReason(facts.events.Get(), "FailedCreatePodSandBox");
      !events.empty()) {
    sandbox = events.back();
  }
  const nlohmann::json* mount = nullptr;
  std::vector<const nlohmann::json*> volumes;
  for (const auto* event : EventsWithReason(facts.events.Get(), "FailedMount")) {
    std::vector<const nlohmann::json*> failing;
    for (const auto& name : VolumesIn(Str(*event, "message"))) {
      const auto* volume = Volume(pod, name);
      if (volume && !BackedByClaim(*volume)) failing.push_back(volume);
    }
    if (!failing.empty()) {
      mount = event;
      volumes = std::move(failing);
    }
  }
  if (!sandbox && !mount) return std::nullopt;

  PodProblem problem;
  problem.params["node"] = std::string(node);
  problem.evidence.push_back(
      fmt::format("scheduled to {} {} ago; no container has started", node, Ago(since, facts.now)));
  if (mount && (!sandbox || EventTime(*mount) >= EventTime(*sandbox))) {
    problem.code = "KD1044";
    std::string names;
    for (const auto* volume : volumes) {
      names += (names.empty() ? "" : ", ") + std::string(Str(*volume, "name"));
      problem.evidence.push_back(DescribeVolume(*volume, problem));
    }
    problem.params["volume"] = std::string(Str(*volumes.front(), "name"));
    problem.message = fmt::format("Pod is stuck creating: volume {} cannot be mounted", names);
    problem.evidence.push_back(EventLine(*mount));
  } else {
    problem.code = "KD1045";
    problem.message =
        fmt::format("Pod is stuck creating: the pod sandbox cannot be created on node {}", node);
    problem.evidence.push_back(EventLine(*sandbox));
  }
  return problem;
}

}  // namespace kdiag
