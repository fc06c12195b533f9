// Pods the scheduler cannot place, told apart by the scheduler's message in the PodScheduled
// condition: "0/3 nodes are available: 1 node(s) had untolerated taint {...}, 2 Insufficient
// cpu. preemption: ...".
#include <fmt/format.h>

#include <algorithm>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"

namespace kdiag {
namespace {

// The per-node reasons, without the preemption summary that follows them.
std::string_view Reasons(std::string_view message) {
  if (const size_t at = message.find(" preemption:"); at != std::string_view::npos) {
    return message.substr(0, at);
  }
  return message;
}

// "Insufficient cpu, Insufficient memory" → "cpu, memory".
std::string InsufficientResources(std::string_view reasons) {
  std::string out;
  constexpr std::string_view kWord = "Insufficient ";
  for (size_t at = reasons.find(kWord); at != std::string_view::npos;
       at = reasons.find(kWord, at + 1)) {
    const size_t begin = at + kWord.size();
    size_t end = begin;
    while (end < reasons.size() && reasons[end] != ',' && reasons[end] != '.' &&
           reasons[end] != ' ') {
      ++end;
    }
    const auto resource = reasons.substr(begin, end - begin);
    if (resource.empty() || out.find(resource) != std::string::npos) continue;
    out += (out.empty() ? "" : ", ") + std::string(resource);
  }
  if (ContainsAny(reasons, {"too many pods"})) out += out.empty() ? "pods" : ", pods";
  return out;
}

std::string Requests(const nlohmann::json& pod) {
  std::string out;
  for (const auto& container : Arr(Obj(pod, "spec"), "containers")) {
    const auto& requests = Obj(Obj(container, "resources"), "requests");
    if (requests.empty()) continue;
    std::string items;
    for (const auto& [resource, quantity] : requests.items()) {
      items += fmt::format("{}{}={}", items.empty() ? "" : " ", resource,
                           quantity.is_string() ? quantity.get<std::string>() : quantity.dump());
    }
    out += fmt::format("{}{}: {}", out.empty() ? "" : "; ", Str(container, "name"), items);
  }
  return out;
}

std::vector<std::string> ClaimNames(const nlohmann::json& pod) {
  std::vector<std::string> names;
  for (const auto& volume : Arr(Obj(pod, "spec"), "volumes")) {
    if (auto claim = Str(Obj(volume, "persistentVolumeClaim"), "claimName"); !claim.empty()) {
      names.emplace_back(claim);
    }
  }
  return names;
}

bool Tolerates(const nlohmann::json& toleration, const nlohmann::json& taint) {
  const auto effect = Str(toleration, "effect");
  if (!effect.empty() && effect != Str(taint, "effect")) return false;
  const auto key = Str(toleration, "key");
  if (Str(toleration, "operator") == "Exists") return key.empty() || key == Str(taint, "key");
  return key == Str(taint, "key") && Str(toleration, "value") == Str(taint, "value");
}

// The scheduler names one reason per node, taints before the node selector: "1 node(s) didn't
// match Pod's node affinity/selector, 1 node(s) had untolerated taint" may mean the only node
// the selector picks is tainted. A node in the view that matches the pod's nodeSelector and has
// a NoSchedule or NoExecute taint the pod does not tolerate: "kwok-node-0 has taint
// dedicated=database:NoSchedule".
std::optional<std::string> TaintedSelectedNode(const PodFacts& facts) {
  const auto& spec = Obj(facts.pod, "spec");
  const auto& selector = Obj(spec, "nodeSelector");
  if (selector.empty() || !facts.view.Has("Node")) return std::nullopt;
  for (const auto& node : facts.view.List("Node", "")) {
    const auto& labels = Obj(Meta(*node), "labels");
    bool selected = true;
    for (const auto& [key, value] : selector.items()) {
      if (!value.is_string() || Str(labels, key) != value.get<std::string>()) selected = false;
    }
    if (!selected) continue;
    for (const auto& taint : Arr(Obj(*node, "spec"), "taints")) {
      const auto effect = Str(taint, "effect");
      if (effect != "NoSchedule" && effect != "NoExecute") continue;
      const auto& tolerations = Arr(spec, "tolerations");
      if (std::any_of(tolerations.begin(), tolerations.end(),
                      [&](const nlohmann::json& t) { return Tolerates(t, taint); })) {
        continue;
      }
      const auto value = Str(taint, "value");
      return fmt::format("node {} matches the nodeSelector but has taint {}{}{}:{}", Name(*node),
                         Str(taint, "key"), value.empty() ? "" : "=", value, effect);
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<PodProblem> SchedulingProblem(const PodFacts& facts) {
  // A bound pod is placed (read first: it spares most pods the scan of their conditions).
  if (!Str(Obj(facts.pod, "spec"), "nodeName").empty()) return std::nullopt;
  const auto* scheduled = Condition(facts.pod, "PodScheduled");
  // Scheduling gates hold a pod back on purpose; only the scheduler's verdict counts.
  if (!scheduled || Str(*scheduled, "status") != "False" ||
      Str(*scheduled, "reason") != "Unschedulable") {
    return std::nullopt;
  }

  const auto message = Str(*scheduled, "message");
  const auto reasons = Reasons(message);
  PodProblem problem;
  problem.params["unschedulable"] = "true";
  problem.evidence.push_back(fmt::format("PodScheduled False Unschedulable: {}", message));
  if (auto since = ParseTime(Str(*scheduled, "lastTransitionTime"))) {
    problem.evidence.push_back(fmt::format("unschedulable for {}", Ago(*since, facts.now)));
  }

  std::string why;
  if (ContainsAny(reasons,
                  {"unbound immediate persistentvolumeclaims", "persistentvolumeclaim \""})) {
    problem.code = "KD1033";
    why = "a PersistentVolumeClaim it uses is not bound";
    if (auto claims = ClaimNames(facts.pod); !claims.empty()) {
      problem.params["pvc"] = claims.front();
      std::string list;
      for (const auto& claim : claims) list += (list.empty() ? "" : ", ") + claim;
      problem.evidence.push_back(fmt::format("claims: {}", list));
    }
  } else if (ContainsAny(reasons, {"insufficient ", "too many pods"})) {
    problem.code = "KD1030";
    const auto resources = InsufficientResources(reasons);
    problem.params["resource"] = resources;
    why = fmt::format("no node has enough free {}", resources);
    if (auto requests = Requests(facts.pod); !requests.empty()) {
      problem.evidence.push_back(fmt::format("requests: {}", requests));
    }
  } else if (ContainsAny(reasons, {"didn't have free ports"})) {
    problem.code = "KD1034";
    why = "its host port is taken on every suitable node";
  } else if (auto tainted = ContainsAny(reasons, {"untolerated taint", "had taint"})
                                ? TaintedSelectedNode(facts)
                                : std::nullopt) {
    problem.code = "KD1031";
    why = "the nodes it may run on have taints it does not tolerate";
    problem.evidence.push_back(*tainted);
  } else if (ContainsAny(reasons,
                         {"didn't match pod's node affinity/selector", "didn't match node selector",
                          "didn't match pod affinity", "didn't match pod anti-affinity",
                          "didn't satisfy existing pods anti-affinity"})) {
    problem.code = "KD1032";
    why = "no node matches its node selector or affinity rules";
    const auto& selector = Obj(Obj(facts.pod, "spec"), "nodeSelector");
    if (!selector.empty()) {
      problem.evidence.push_back(fmt::format("nodeSelector: {}", selector.dump()));
    }
  } else if (ContainsAny(reasons, {"untolerated taint", "had taint"})) {
    problem.code = "KD1031";
    why = "the nodes have taints it does not tolerate";
  } else {
    problem.code = "KD1035";
    why = "the scheduler finds no suitable node";
  }
  problem.message = fmt::format("Pod cannot be scheduled: {}", why);

  auto failed = EventsWithReason(facts.events.Get(), "FailedScheduling");
  if (!failed.empty()) problem.evidence.push_back(EventLine(*failed.back()));
  // What the cluster autoscaler made of it, when one runs.
  for (const char* reason : {"NotTriggerScaleUp", "TriggeredScaleUp"}) {
    auto events = EventsWithReason(facts.events.Get(), reason);
    if (!events.empty()) problem.evidence.push_back(EventLine(*events.back()));
  }
  return problem;
}

}  // namespace kdiag
