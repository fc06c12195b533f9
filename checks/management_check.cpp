// The management-namespaces root check: kube-system and the configured management namespaces
// healthy (the namespace checks run over them, unfiltered), and the cluster addons there
// (CoreDNS, the CNI, metrics-server, cluster-autoscaler, …) present and ready.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/label_selector.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

const Link kAddons{"Installing addons",
                   "https://kubernetes.io/docs/concepts/cluster-administration/addons/"};

std::vector<CheckCode> AddonCodes() {
  return {
      {"KD0201",
       "Required addon missing",
       Severity::kCritical,
       "addons",
       "An addon the cluster needs (CoreDNS, or one the configuration marks required) is not "
       "installed where it is expected: what depends on it (name resolution, networking, "
       "metrics, scaling) fails in every namespace.",
       {kAddons,
        {"Debugging DNS resolution",
         "https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/"}},
       {"kubectl -n {namespace} get {kind} -l {selector}", "kubectl get {kind} -A -l {selector}"}},
      {"KD0202",
       "Addon unhealthy",
       Severity::kCritical,
       "addons",
       "A cluster addon runs fewer ready replicas than it wants. Its pods' own findings say why; "
       "while it is down, what it provides (DNS, pod networking, metrics, node scaling) is "
       "degraded for every namespace.",
       {kAddons,
        {"Debug running pods",
         "https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/"}},
       {"kubectl -n {namespace} describe {kind} {name}",
        "kubectl -n {namespace} get pods -l {selector} -o wide",
        "kubectl -n {namespace} logs {kind}/{name} --all-containers --tail=100"}},
  };
}

// Specs sharing a name, in configuration order: the alternatives of one addon.
std::vector<std::vector<const AddonSpec*>> GroupByName(const std::vector<AddonSpec>& addons) {
  std::vector<std::vector<const AddonSpec*>> groups;
  for (const auto& spec : addons) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&](const auto& group) { return group.front()->name == spec.name; });
    if (it == groups.end()) {
      groups.push_back({&spec});
    } else {
      it->push_back(&spec);
    }
  }
  return groups;
}

std::string SelectorText(const AddonSpec& spec) {
  std::vector<std::string> terms;
  for (const auto& [key, value] : spec.selector.matchLabels) {
    terms.push_back(fmt::format("{}={}", key, value));
  }
  return fmt::format("{}", fmt::join(terms, ","));
}

Objects Find(const ClusterView& view, const AddonSpec& spec) {
  if (!spec.objectName.empty()) {
    auto object = view.Get(spec.kind, spec.ns, spec.objectName);
    return object ? Objects{object} : Objects{};
  }
  // An empty selector would match every workload of the namespace: such a spec finds nothing.
  if (spec.selector.Empty()) return {};
  Objects out;
  for (auto& object : view.List(spec.kind, spec.ns)) {
    if (Matches(spec.selector, Obj(Meta(*object), "labels"))) out.push_back(std::move(object));
  }
  return out;
}

// "pod coredns-5d78c9869d-abcde on node-1: not ready, container coredns waiting
// CrashLoopBackOff", for the first few pods of a workload that are not ready.
void AddUnreadyPods(const ClusterView& view, const nlohmann::json& workload,
                    std::vector<std::string>& evidence) {
  Objects pods;
  if (Kind(workload) == "Deployment") {
    for (const auto& rs : view.OwnedBy("ReplicaSet", Uid(workload))) {
      auto owned = view.OwnedBy("Pod", Uid(*rs));
      pods.insert(pods.end(), owned.begin(), owned.end());
    }
  } else {
    pods = view.OwnedBy("Pod", Uid(workload));
  }
  int shown = 0;
  for (const auto& pod : pods) {
    if (ConditionTrue(*pod, "Ready") || shown == 3) continue;
    std::string line =
        fmt::format("pod {} on {}: not ready", Name(*pod), Str(Obj(*pod, "spec"), "nodeName"));
    if (auto phase = Str(Obj(*pod, "status"), "phase"); phase != "Running") {
      line += fmt::format(", phase {}", phase);
    }
    for (const auto& status : Arr(Obj(*pod, "status"), "containerStatuses")) {
      if (auto reason = Str(Obj(Obj(status, "state"), "waiting"), "reason"); !reason.empty()) {
        line += fmt::format(", container {} waiting {}", Str(status, "name"), reason);
      }
    }
    evidence.push_back(std::move(line));
    ++shown;
  }
}

// Whether a Deployment short of available replicas is only rolling out: its controller still
// reports progress and it stays available as its strategy allows.
bool RollingOutNormally(const nlohmann::json& deployment) {
  const auto* progressing = Condition(deployment, "Progressing");
  return progressing && Str(*progressing, "status") == "True" &&
         Str(*progressing, "reason") != "NewReplicaSetAvailable" &&
         ConditionTrue(deployment, "Available");
}

void CheckReadiness(const CheckContext& ctx, const AddonSpec& spec, const nlohmann::json& workload,
                    FindingSink& sink) {
  const auto& status = Obj(workload, "status");
  int64_t wanted = 0;
  int64_t ready = 0;
  std::string noun;
  if (Kind(workload) == "DaemonSet") {
    wanted = Int(status, "desiredNumberScheduled");
    ready = Int(status, "numberReady");
    noun = "scheduled pods ready";
  } else {
    wanted = Int(Obj(workload, "spec"), "replicas", 1);
    ready = Int(status, "availableReplicas");
    noun = "replicas available";
    if (RollingOutNormally(workload)) return;
  }
  if (ready >= wanted) return;

  Finding& f = sink.Add("KD0202", workload);
  f.message = fmt::format("Addon {} ({} {}/{}) has {} of {} {}", spec.name, Kind(workload),
                          Namespace(workload), Name(workload), ready, wanted, noun);
  f.evidence.push_back(fmt::format("{} of {} {}", ready, wanted, noun));
  for (const auto& condition : Arr(status, "conditions")) {
    if (Str(condition, "status") == "False") f.evidence.push_back(ConditionEvidence(condition));
  }
  AddUnreadyPods(ctx.view(), workload, f.evidence);
  f.params["addon"] = spec.name;
  f.params["app"] = spec.loggingName.empty() ? spec.name : spec.loggingName;
  const auto& selector = Obj(Obj(Obj(workload, "spec"), "selector"), "matchLabels");
  std::vector<std::string> terms;
  for (const auto& [key, value] : selector.items()) {
    if (value.is_string()) terms.push_back(fmt::format("{}={}", key, value.get<std::string>()));
  }
  if (!terms.empty()) f.params["selector"] = fmt::format("{}", fmt::join(terms, ","));
}

void CheckAddon(const CheckContext& ctx, const std::vector<const AddonSpec*>& alternatives,
                FindingSink& sink) {
  bool required = false;
  bool kind_known = false;
  std::set<std::string> seen;
  for (const auto* spec : alternatives) {
    required = required || spec->required;
    // A view without the kind cannot tell whether the addon is there.
    if (!ctx.view().Has(spec->kind)) continue;
    kind_known = true;
    for (const auto& workload : Find(ctx.view(), *spec)) {
      if (!seen.insert(std::string(Uid(*workload))).second) continue;
      CheckReadiness(ctx, *spec, *workload, sink);
    }
  }
  if (!seen.empty() || !required || !kind_known) return;

  const AddonSpec& spec = *alternatives.front();
  const std::string wanted = spec.objectName.empty() ? spec.name : spec.objectName;
  const nlohmann::json missing = {{"apiVersion", "apps/v1"},
                                  {"kind", spec.kind},
                                  {"metadata", {{"name", wanted}, {"namespace", spec.ns}}}};
  Finding& f = sink.Add("KD0201", missing);
  for (const auto* alternative : alternatives) {
    f.evidence.push_back(alternative->objectName.empty()
                             ? fmt::format("no {} in {} with labels {}", alternative->kind,
                                           alternative->ns, SelectorText(*alternative))
                             : fmt::format("no {} {}/{}", alternative->kind, alternative->ns,
                                           alternative->objectName));
  }
  f.message = fmt::format("Required addon {} is not installed: {}", spec.name, f.evidence.front());
  f.params["addon"] = spec.name;
  f.params["app"] = spec.loggingName.empty() ? spec.name : spec.loggingName;
  if (!spec.selector.Empty()) f.params["selector"] = SelectorText(spec);
}

}  // namespace

CheckDefinition ManagementNamespacesRootCheck(const BuiltinCheckOptions& options,
                                              std::vector<CheckDefinition> namespace_checks) {
  CheckDefinition check{"management-namespaces", Stage::kRoot, AddonCodes(), {}};
  // The pipeline finds the catalog entries of what the namespace checks report here.
  for (const auto& namespace_check : namespace_checks) {
    check.codes.insert(check.codes.end(), namespace_check.codes.begin(),
                       namespace_check.codes.end());
  }
  check.run = [addons = options.addons, checks = std::move(namespace_checks)](
                  const CheckContext& ctx, FindingSink& sink) {
    std::vector<std::string> errors;
    const auto management = ctx.ForNamespaces(ctx.scope().managementNamespaces, false, false);
    for (const auto& namespace_check : checks) {
      if (ctx.OverBudget()) return;
      // One failing check must not hide what the others and the addon checks find.
      try {
        namespace_check.run(management, sink);
      } catch (const std::exception& e) {
        errors.push_back(fmt::format("{}: {}", namespace_check.name, e.what()));
      }
    }
    for (const auto& alternatives : GroupByName(addons)) {
      if (ctx.OverBudget()) return;
      CheckAddon(ctx, alternatives, sink);
    }
    if (!errors.empty()) throw std::runtime_error(fmt::format("{}", fmt::join(errors, "; ")));
  };
  return check;
}

}  // namespace kdiag
