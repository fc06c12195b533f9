// Capacity and policy: ResourceQuotas used up, LimitRanges rejecting pods, PodDisruptionBudgets
// that block every eviction, and HorizontalPodAutoscalers that cannot work or are at their
// ceiling.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/object_fields.h"
#include "controller/quantity.h"

namespace kdiag {
namespace {

const Link kHpa{"Horizontal Pod Autoscaling",
                "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/"};

std::vector<CheckCode> Codes() {
  return {
      {"KD5001",
       "ResourceQuota exhausted",
       Severity::kWarning,
       "capacity",
       "A ResourceQuota of the namespace is used up for at least one resource: the API server "
       "rejects new pods (or objects) that would exceed it, so ReplicaSets, Jobs and "
       "StatefulSets cannot create their pods.",
       {{"Resource quotas", "https://kubernetes.io/docs/concepts/policy/resource-quotas/"}},
       {"kubectl -n {namespace} describe resourcequota {name}",
        "kubectl -n {namespace} get pods --sort-by=.metadata.creationTimestamp"}},
      {"KD5002",
       "Pods rejected by a LimitRange",
       Severity::kCritical,
       "capacity",
       "The controller cannot create pods because their resource requests or limits fall "
       "outside a LimitRange of the namespace (above the maximum, below the minimum, or with too "
       "high a limit-to-request ratio).",
       {{"Limit ranges", "https://kubernetes.io/docs/concepts/policy/limit-range/"}},
       {"kubectl -n {namespace} describe limitrange",
        "kubectl -n {namespace} describe {kind} {name}"}},
      {"KD5003",
       "PodDisruptionBudget allows no disruptions",
       Severity::kWarning,
       "capacity",
       "The PodDisruptionBudget allows no voluntary disruption of its pods: node drains, cluster "
       "upgrades and the cluster autoscaler's scale-down wait on it forever. Either its pods are "
       "unhealthy, or it asks for as many healthy pods as there are (minAvailable equal to the "
       "replicas, or maxUnavailable 0).",
       {{"Disruptions", "https://kubernetes.io/docs/concepts/workloads/pods/disruptions/"},
        {"Specifying a Disruption Budget",
         "https://kubernetes.io/docs/tasks/run-application/configure-pdb/"}},
       {"kubectl -n {namespace} describe poddisruptionbudget {name}",
        "kubectl -n {namespace} get pods -l {selector}"}},
      {"KD5010",
       "HPA cannot read its metrics",
       Severity::kWarning,
       "capacity",
       "The HorizontalPodAutoscaler cannot get the metrics it scales on (metrics-server or a "
       "metrics adapter is down, the pods have no resource requests, or the metric does not "
       "exist), so it does not scale.",
       {kHpa,
        {"Resource metrics pipeline",
         "https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/"}},
       {"kubectl -n {namespace} describe hpa {hpa}",
        "kubectl get apiservice v1beta1.metrics.k8s.io", "kubectl -n {namespace} top pods"}},
      {"KD5011",
       "HPA scale target missing",
       Severity::kWarning,
       "capacity",
       "The HorizontalPodAutoscaler cannot get the scale of its target: the workload it names does "
       "not exist (renamed or deleted) or does not support scaling.",
       {kHpa},
       {"kubectl -n {namespace} describe hpa {hpa}", "kubectl -n {namespace} get {target}"}},
      {"KD5012",
       "HPA pinned at its maximum",
       Severity::kWarning,
       "capacity",
       "The HorizontalPodAutoscaler wants more replicas than its maxReplicas allows: the workload "
       "runs at its ceiling and is likely overloaded.",
       {kHpa,
        {"HorizontalPodAutoscaler walkthrough",
         "https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/"}},
       {"kubectl -n {namespace} describe hpa {hpa}", "kubectl -n {namespace} top pods",
        "kubectl -n {namespace} edit hpa {hpa}"}},
  };
}

void CheckQuotas(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& quota : ctx.InScope("ResourceQuota")) {
    const auto& hard = Obj(Obj(*quota, "status"), "hard");
    const auto& used = Obj(Obj(*quota, "status"), "used");
    std::vector<std::string> exhausted;
    std::vector<std::string> evidence;
    for (const auto& [resource, limit_text] : hard.items()) {
      if (!limit_text.is_string()) continue;
      const auto limit = ParseQuantity(limit_text.get<std::string>());
      const auto in_use = ParseQuantity(Str(used, resource));
      // A zero quota forbids the resource on purpose; it is not used up.
      if (!limit || !in_use || limit->value <= 0 || *in_use < *limit) continue;
      exhausted.push_back(resource);
      evidence.push_back(fmt::format("{}: used {} of {}", resource, Str(used, resource),
                                     limit_text.get<std::string>()));
    }
    if (exhausted.empty()) continue;
    Finding& f = sink.Add("KD5001", *quota);
    f.message =
        fmt::format("ResourceQuota {} is used up for {}", Name(*quota), fmt::join(exhausted, ", "));
    f.evidence = std::move(evidence);
    f.params["quota"] = std::string(Name(*quota));
  }
}

void CheckLimitRangeRejections(const CheckContext& ctx, FindingSink& sink) {
  for (const char* kind : {"ReplicaSet", "StatefulSet", "DaemonSet", "Job"}) {
    for (const auto& workload : ctx.InScope(kind)) {
      if (ctx.OverBudget()) return;
      // Old ReplicaSets of a Deployment are scaled to zero; their past failures do not matter.
      if (std::string_view(kind) == "ReplicaSet" && Int(Obj(*workload, "spec"), "replicas") == 0) {
        continue;
      }
      // Only a rejection the controller has not since got past.
      ObjectPtr rejection;
      for (const auto& event : ctx.view().EventsFor(Uid(*workload))) {
        if (Str(*event, "reason") == "SuccessfulCreate") rejection = nullptr;
        if (Str(*event, "reason") == "FailedCreate" &&
            IsLimitRangeRejection(Str(*event, "message"))) {
          rejection = event;
        }
      }
      if (!rejection) continue;
      Finding& f = sink.Add("KD5002", *workload);
      f.message =
          fmt::format("{} {} cannot create pods: a LimitRange rejects them", kind, Name(*workload));
      f.evidence.push_back(EventEvidence(*rejection));
    }
  }
}

std::string IntOrString(const nlohmann::json& value) {
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  return value.is_string() ? value.get<std::string>() : std::string();
}

void CheckDisruptionBudgets(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& pdb : ctx.InScope("PodDisruptionBudget")) {
    const auto& spec = Obj(*pdb, "spec");
    const auto& status = Obj(*pdb, "status");
    // A budget the controller has not computed yet, or one without pods, blocks nothing.
    if (!status.contains("disruptionsAllowed") || Int(status, "expectedPods") <= 0 ||
        Int(status, "disruptionsAllowed") > 0) {
      continue;
    }
    const int64_t healthy = Int(status, "currentHealthy");
    const int64_t desired = Int(status, "desiredHealthy");
    const int64_t expected = Int(status, "expectedPods");
    Finding& f = sink.Add("KD5003", *pdb);
    f.message = healthy < desired
                    ? fmt::format(
                          "PodDisruptionBudget {} allows no disruptions: {} of {} pods healthy, "
                          "{} required",
                          Name(*pdb), healthy, expected, desired)
                    : fmt::format(
                          "PodDisruptionBudget {} allows no disruptions: it requires all {} "
                          "pods to stay healthy, so no node running them can be drained",
                          Name(*pdb), expected);
    if (spec.contains("minAvailable")) {
      f.evidence.push_back(fmt::format("spec.minAvailable: {}", IntOrString(spec["minAvailable"])));
    }
    if (spec.contains("maxUnavailable")) {
      f.evidence.push_back(
          fmt::format("spec.maxUnavailable: {}", IntOrString(spec["maxUnavailable"])));
    }
    f.evidence.push_back(fmt::format(
        "status: currentHealthy {}, desiredHealthy {}, expectedPods {}, disruptionsAllowed 0",
        healthy, desired, expected));
    if (const auto* allowed = Condition(*pdb, "DisruptionAllowed")) {
      f.evidence.push_back(ConditionEvidence(*allowed));
    }
    std::vector<std::string> terms;
    for (const auto& [key, value] : Obj(Obj(spec, "selector"), "matchLabels").items()) {
      if (value.is_string()) terms.push_back(fmt::format("{}={}", key, value.get<std::string>()));
    }
    if (!terms.empty()) f.params["selector"] = fmt::format("{}", fmt::join(terms, ","));
  }
}

// The reasons the HPA controller gives ScalingActive=False when a metric cannot be read.
bool IsMetricFailure(std::string_view reason) {
  return (reason.starts_with("FailedGet") && reason.ends_with("Metric")) ||
         reason == "FailedComputeMetricsReplicas" || reason == "InvalidMetricSourceType";
}

void CheckAutoscalers(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& hpa : ctx.InScope("HorizontalPodAutoscaler")) {
    const auto& spec = Obj(*hpa, "spec");
    const auto& status = Obj(*hpa, "status");
    const auto& target = Obj(spec, "scaleTargetRef");
    const std::string target_text = fmt::format("{}/{}", Str(target, "kind"), Str(target, "name"));
    const auto report = [&](std::string_view code, std::string message,
                            const nlohmann::json& condition) {
      Finding& f = sink.Add(code, *hpa);
      f.message = std::move(message);
      f.evidence.push_back(ConditionEvidence(condition));
      AddRecentEvents(ctx.view(), *hpa, f.evidence);
      f.params["hpa"] = std::string(Name(*hpa));
      f.params["target"] = target_text;
      return &f;
    };

    const auto* able = Condition(*hpa, "AbleToScale");
    if (able && Str(*able, "status") == "False" && Str(*able, "reason") == "FailedGetScale") {
      Finding* f = report(
          "KD5011",
          fmt::format("HPA {} cannot scale {}: the target cannot be read", Name(*hpa), target_text),
          *able);
      if (!ctx.view().Get(Str(target, "kind"), Namespace(*hpa), Str(target, "name"))) {
        f->evidence.push_back(fmt::format("{} does not exist in {}", target_text, Namespace(*hpa)));
      }
      // Without a target there are no metrics either; that is the same problem.
      continue;
    }

    const auto* active = Condition(*hpa, "ScalingActive");
    if (active && Str(*active, "status") == "False" && IsMetricFailure(Str(*active, "reason"))) {
      report("KD5010",
             fmt::format("HPA {} cannot read its metrics and does not scale {}", Name(*hpa),
                         target_text),
             *active);
    }

    // At its maximum because it wants more; at its minimum is the quiet normal.
    const auto* limited = Condition(*hpa, "ScalingLimited");
    const int64_t max_replicas = Int(spec, "maxReplicas");
    if (limited && Str(*limited, "status") == "True" &&
        Str(*limited, "reason") == "TooManyReplicas" && max_replicas > 0 &&
        Int(status, "currentReplicas") >= max_replicas) {
      Finding* f = report("KD5012",
                          fmt::format("HPA {} keeps {} at its maximum of {} replicas", Name(*hpa),
                                      target_text, max_replicas),
                          *limited);
      f->evidence.insert(f->evidence.begin(),
                         fmt::format("currentReplicas {}, desiredReplicas {}, maxReplicas {}",
                                     Int(status, "currentReplicas"), Int(status, "desiredReplicas"),
                                     max_replicas));
    }
  }
}

}  // namespace

CheckDefinition CapacityChecks(const BuiltinCheckOptions& /*options*/) {
  return {"capacity", Stage::kNamespace, Codes(), [](const CheckContext& ctx, FindingSink& sink) {
            CheckQuotas(ctx, sink);
            CheckLimitRangeRejections(ctx, sink);
            CheckDisruptionBudgets(ctx, sink);
            CheckAutoscalers(ctx, sink);
          }};
}

}  // namespace kdiag
