// Workload controllers: Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs
// that do not reach the state their spec asks for.
//
// Controllers are often briefly short of ready pods (a rollout, a scale-up, a node drain), so a
// shortfall is reported only once it has lasted `stuckCreatingAfter`: a pod not Ready for that
// long, a controller condition False for that long, or pod creation failing.
#include <fmt/format.h>

#include <algorithm>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/object_fields.h"
#include "checks/pod_readiness.h"

namespace kdiag {
namespace {

const Link kDeploymentDocs{"Deployments",
                           "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/"};
const Link kFailedDeploymentDocs{
    "Failed Deployment",
    "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment"};
const Link kReplicaSetDocs{"ReplicaSet",
                           "https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/"};
const Link kStatefulSetDocs{
    "StatefulSets", "https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/"};
const Link kDebugStatefulSetDocs{
    "Debug a StatefulSet",
    "https://kubernetes.io/docs/tasks/debug/debug-application/debug-statefulset/"};
const Link kDaemonSetDocs{"DaemonSet",
                          "https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/"};
const Link kJobDocs{"Jobs", "https://kubernetes.io/docs/concepts/workloads/controllers/job/"};
const Link kCronJobDocs{"CronJob",
                        "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/"};

std::vector<CheckCode> Codes() {
  const std::string category = "workloads";
  return {
      {"KD2001",
       "Deployment rollout exceeded its progress deadline",
       Severity::kCritical,
       category,
       "The Deployment controller gave up waiting for the new ReplicaSet to become available "
       "within spec.progressDeadlineSeconds (condition Progressing=False, reason "
       "ProgressDeadlineExceeded). The rollout is stuck: usually its new pods crash, cannot be "
       "scheduled or cannot be created.",
       {kFailedDeploymentDocs, kDeploymentDocs},
       {"kubectl -n {namespace} rollout status deployment/{name}",
        "kubectl -n {namespace} describe replicaset {replicaset}",
        "kubectl -n {namespace} get pods -l pod-template-hash={podtemplatehash}",
        "kubectl -n {namespace} rollout undo deployment/{name}"}},
      {"KD2002",
       "Deployment has unavailable replicas",
       Severity::kWarning,
       category,
       "Fewer replicas of the Deployment are available than it asks for, and no rollout is in "
       "progress that would explain it. The pods' own findings usually say why.",
       {{"Deployment status",
         "https://kubernetes.io/docs/concepts/workloads/controllers/deployment/"
         "#deployment-status"},
        kDeploymentDocs},
       {"kubectl -n {namespace} describe deployment {name}",
        "kubectl -n {namespace} describe pod {pod}", "kubectl -n {namespace} get pods -o wide"}},
      {"KD2003",
       "ReplicaSet cannot create pods: ResourceQuota exceeded",
       Severity::kCritical,
       category,
       "Creating the ReplicaSet's pods is forbidden because they would exceed a ResourceQuota "
       "of the namespace. Raise the quota, lower the pods' requests and limits, or free quota.",
       {{"Resource Quotas", "https://kubernetes.io/docs/concepts/policy/resource-quotas/"},
        kReplicaSetDocs},
       {"kubectl -n {namespace} describe resourcequota {quota}",
        "kubectl -n {namespace} describe replicaset {name}"}},
      {"KD2004",
       "ReplicaSet cannot create pods: Pod Security rejection",
       Severity::kCritical,
       category,
       "The namespace enforces a Pod Security Standard the pod template violates, so Pod "
       "Security Admission rejects every pod. Fix the pod's securityContext, or change the "
       "namespace's pod-security.kubernetes.io/enforce label if the level is wrong.",
       {{"Pod Security Admission",
         "https://kubernetes.io/docs/concepts/security/pod-security-admission/"},
        {"Pod Security Standards",
         "https://kubernetes.io/docs/concepts/security/pod-security-standards/"}},
       {"kubectl get namespace {namespace} --show-labels",
        "kubectl -n {namespace} describe replicaset {name}"}},
      {"KD2005",
       "ReplicaSet cannot create pods: admission webhook denied",
       Severity::kCritical,
       category,
       "A validating or mutating admission webhook (a policy engine such as Kyverno or "
       "Gatekeeper, or an operator's webhook) denies the pods. Its message says which rule; fix "
       "the pod template or the policy.",
       {{"Dynamic Admission Control",
         "https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-"
         "controllers/"},
        kReplicaSetDocs},
       {"kubectl -n {namespace} describe replicaset {name}",
        "kubectl get validatingwebhookconfigurations,mutatingwebhookconfigurations -o "
        "custom-columns=NAME:.metadata.name,WEBHOOKS:.webhooks[*].name | grep {webhook}"}},
      {"KD2006",
       "ReplicaSet cannot create pods",
       Severity::kCritical,
       category,
       "The ReplicaSet controller fails to create pods (condition ReplicaFailure, reason "
       "FailedCreate). The API server's error says why: a missing ServiceAccount, a LimitRange, "
       "an unreachable webhook, …",
       {kReplicaSetDocs, kDeploymentDocs},
       {"kubectl -n {namespace} describe replicaset {name}",
        "kubectl -n {namespace} get events --field-selector "
        "involvedObject.name={name},reason=FailedCreate"}},
      {"KD2010",
       "StatefulSet not ready",
       Severity::kWarning,
       category,
       "Fewer replicas of the StatefulSet are ready than it asks for, for longer than a restart "
       "or a rolling update takes. With the default OrderedReady policy one stuck pod also "
       "stops the creation and update of the pods after it.",
       {kDebugStatefulSetDocs, kStatefulSetDocs},
       {"kubectl -n {namespace} describe statefulset {name}",
        "kubectl -n {namespace} describe pod {pod}",
        "kubectl -n {namespace} rollout status statefulset/{name}"}},
      {"KD2011",
       "DaemonSet not ready or not scheduled",
       Severity::kWarning,
       category,
       "Some nodes that should run a pod of the DaemonSet do not have one, or have one that is "
       "not available, for longer than a rolling update takes. Node taints, resource pressure "
       "or a crashing pod are the usual causes.",
       {kDaemonSetDocs,
        {"Perform a rolling update on a DaemonSet",
         "https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/"}},
       {"kubectl -n {namespace} describe daemonset {name}",
        "kubectl -n {namespace} describe pod {pod}",
        "kubectl -n {namespace} rollout status daemonset/{name}"}},
      {"KD2020",
       "Job failed: backoff limit exceeded",
       Severity::kWarning,
       category,
       "The Job's pods failed more times than spec.backoffLimit allows, and the Job was marked "
       "Failed. The logs of its last failed pod usually say why.",
       {{"Pod backoff failure policy",
         "https://kubernetes.io/docs/concepts/workloads/controllers/job/"
         "#pod-backoff-failure-policy"},
        kJobDocs},
       {"kubectl -n {namespace} describe job {name}", "kubectl -n {namespace} logs {pod}",
        "kubectl -n {namespace} logs {pod} --previous"}},
      {"KD2021",
       "Job failed: active deadline exceeded",
       Severity::kWarning,
       category,
       "The Job ran longer than spec.activeDeadlineSeconds; its pods were stopped and the Job "
       "was marked Failed.",
       {{"Job termination and cleanup",
         "https://kubernetes.io/docs/concepts/workloads/controllers/job/"
         "#job-termination-and-cleanup"},
        kJobDocs},
       {"kubectl -n {namespace} describe job {name}", "kubectl -n {namespace} logs {pod}"}},
      {"KD2022",
       "Job failed",
       Severity::kWarning,
       category,
       "The Job was marked Failed, for a reason other than its backoff limit or deadline (a "
       "pod failure policy rule, too many failed indexes, …).",
       {{"Pod failure policy",
         "https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy"},
        kJobDocs},
       {"kubectl -n {namespace} describe job {name}", "kubectl -n {namespace} logs {pod}"}},
      {"KD2030",
       "CronJob's last run failed",
       Severity::kWarning,
       category,
       "The most recent Job the CronJob started is Failed; unless the next run succeeds, the "
       "scheduled work is not being done.",
       {kCronJobDocs, kJobDocs},
       {"kubectl -n {namespace} describe job {job}", "kubectl -n {namespace} logs job/{job}",
        "kubectl -n {namespace} create job --from=cronjob/{name} {name}-manual-run"}},
      {"KD2031",
       "CronJob suspended",
       Severity::kInfo,
       category,
       "spec.suspend is true: the CronJob starts no new Jobs until it is resumed. Fine when "
       "intended; worth knowing when the scheduled work seems not to happen.",
       {{"Schedule suspension",
         "https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/"
         "#schedule-suspension"},
        kCronJobDocs},
       {"kubectl -n {namespace} get cronjob {name} -o wide",
        "kubectl -n {namespace} edit cronjob {name}"}},
  };
}

int64_t DesiredReplicas(const nlohmann::json& object) {
  return Int(Obj(object, "spec"), "replicas", 1);
}

// The controller has seen the current spec; before that its status describes an older one.
bool ObservedLatestSpec(const nlohmann::json& object) {
  return Int(Obj(object, "status"), "observedGeneration") >= Int(Meta(object), "generation");
}

Duration Since(Timestamp now, std::string_view time) {
  const auto since = ParseTime(time);
  return since ? std::chrono::duration_cast<Duration>(now - *since) : Duration::zero();
}

// Pods not Ready for at least `grace`, as evidence lines; the first one's name in *first.
std::vector<std::string> LongUnreadyPods(const Objects& pods, Timestamp now, Duration grace,
                                         std::string* first) {
  std::vector<std::string> out;
  for (const auto& pod : pods) {
    const auto not_ready = NotReadyFor(*pod, now);
    if (!not_ready || *not_ready < grace) continue;
    if (out.empty()) *first = std::string(Name(*pod));
    out.push_back(NotReadyEvidence(*pod, *not_ready));
  }
  return out;
}

void AddEvents(Finding& finding, const Objects& events) {
  auto lines = LatestEventsEvidence(events);
  finding.evidence.insert(finding.evidence.end(), lines.begin(), lines.end());
}

void AddCondition(Finding& finding, const nlohmann::json& object, std::string_view type) {
  if (const auto* condition = Condition(object, type)) {
    finding.evidence.push_back(ConditionEvidence(*condition));
  }
}

// Progressing=True reasons of a rollout still within its deadline.
bool RolloutInProgress(const nlohmann::json* progressing) {
  if (!progressing || Str(*progressing, "status") != "True") return false;
  const auto reason = Str(*progressing, "reason");
  return reason == "ReplicaSetUpdated" || reason == "NewReplicaSetCreated" ||
         reason == "FoundNewReplicaSet" || reason == "DeploymentResumed";
}

Objects DeploymentPods(const ClusterView& view, const nlohmann::json& deployment) {
  Objects pods;
  for (const auto& rs : view.OwnedBy("ReplicaSet", Uid(deployment))) {
    auto owned = view.OwnedBy("Pod", Uid(*rs));
    pods.insert(pods.end(), owned.begin(), owned.end());
  }
  return pods;
}

std::string ReplicaCounts(const nlohmann::json& deployment) {
  const auto& status = Obj(deployment, "status");
  return fmt::format("{} desired, {} updated, {} ready, {} available, {} unavailable",
                     DesiredReplicas(deployment), Int(status, "updatedReplicas"),
                     Int(status, "readyReplicas"), Int(status, "availableReplicas"),
                     Int(status, "unavailableReplicas"));
}

void CheckDeployment(const CheckContext& ctx, const nlohmann::json& deployment, Duration grace,
                     FindingSink& sink) {
  if (Deleting(deployment) || !ObservedLatestSpec(deployment)) return;
  const int64_t desired = DesiredReplicas(deployment);
  if (desired == 0) return;  // scaled to zero on purpose
  const auto& status = Obj(deployment, "status");
  const auto* progressing = Condition(deployment, "Progressing");

  if (progressing && Str(*progressing, "status") == "False" &&
      Str(*progressing, "reason") == "ProgressDeadlineExceeded") {
    Finding& f = sink.Add("KD2001", deployment);
    f.message =
        fmt::format("The rollout of Deployment {} made no progress for {}s and stopped",
                    Name(deployment), Int(Obj(deployment, "spec"), "progressDeadlineSeconds", 600));
    f.evidence.push_back(ConditionEvidence(*progressing));
    f.evidence.push_back(ReplicaCounts(deployment));
    const auto replicaset = TextAfter(Str(*progressing, "message"), "ReplicaSet \"", '"');
    if (!replicaset.empty()) {
      f.params["replicaset"] = replicaset;
      if (auto rs = ctx.view().Get("ReplicaSet", Namespace(deployment), replicaset)) {
        const auto hash = Label(*rs, "pod-template-hash");
        if (!hash.empty()) f.params["podtemplatehash"] = std::string(hash);
      }
    }
    return;
  }

  const int64_t unavailable =
      std::max(Int(status, "unavailableReplicas"), desired - Int(status, "availableReplicas"));
  if (unavailable <= 0 || RolloutInProgress(progressing)) return;

  // Short of replicas for long enough: below its minimum for `grace`, or with a pod not Ready
  // for `grace`. A scale-up or a restarted pod is not.
  const auto* available = Condition(deployment, "Available");
  const bool below_minimum_long = available && Str(*available, "status") == "False" &&
                                  Since(ctx.now(), Str(*available, "lastTransitionTime")) >= grace;
  std::string first_pod;
  const auto unready =
      LongUnreadyPods(DeploymentPods(ctx.view(), deployment), ctx.now(), grace, &first_pod);
  if (!below_minimum_long && unready.empty()) return;

  Finding& f = sink.Add("KD2002", deployment);
  f.message = fmt::format("Deployment {} has {} of {} replicas unavailable", Name(deployment),
                          unavailable, desired);
  f.evidence.push_back(ReplicaCounts(deployment));
  AddCondition(f, deployment, "Available");
  AddCondition(f, deployment, "Progressing");
  f.evidence.insert(f.evidence.end(), unready.begin(), unready.end());
  if (!first_pod.empty()) f.params["pod"] = first_pod;
}

std::string_view CreateFailureCode(std::string_view message) {
  if (message.find("exceeded quota") != std::string_view::npos) return "KD2003";
  if (message.find("violates PodSecurity") != std::string_view::npos) return "KD2004";
  if (message.find("admission webhook") != std::string_view::npos &&
      message.find("denied the request") != std::string_view::npos) {
    return "KD2005";
  }
  return "KD2006";
}

void CheckReplicaSet(const CheckContext& ctx, const nlohmann::json& rs, FindingSink& sink) {
  if (Deleting(rs)) return;
  const int64_t desired = DesiredReplicas(rs);
  if (desired == 0) return;  // an old ReplicaSet of a Deployment creates nothing
  const auto* failure = Condition(rs, "ReplicaFailure");
  const bool failing = failure && Str(*failure, "status") == "True";
  const auto events = EventsWithReason(ctx.view(), Uid(rs), "FailedCreate");
  // The controller removes ReplicaFailure once a create succeeds; without it, events alone
  // count only while the ReplicaSet is still short of pods (events outlive the problem).
  const bool short_of_pods = Int(Obj(rs, "status"), "replicas") < desired;
  if (!failing && (events.empty() || !short_of_pods)) return;

  const std::string message(failing ? Str(*failure, "message") : Str(*events.back(), "message"));
  if (IsLimitRangeRejection(message)) return;  // KD5002's
  const auto code = CreateFailureCode(message);
  Finding& f = sink.Add(code, rs);
  f.message = fmt::format("ReplicaSet {} cannot create pods ({} of {}): {}", Name(rs),
                          Int(Obj(rs, "status"), "replicas"), desired, message);
  if (failing) f.evidence.push_back(ConditionEvidence(*failure));
  AddEvents(f, events);
  if (code == "KD2003") {
    f.params["quota"] = TextAfter(message, "exceeded quota: ", ',');
  } else if (code == "KD2004") {
    f.params["level"] = TextAfter(message, "violates PodSecurity \"", '"');
  } else if (code == "KD2005") {
    f.params["webhook"] = TextAfter(message, "admission webhook \"", '"');
  }
  std::erase_if(f.params, [](const auto& param) { return param.second.empty(); });
}

void CheckStatefulSet(const CheckContext& ctx, const nlohmann::json& sts, Duration grace,
                      FindingSink& sink) {
  if (Deleting(sts) || !ObservedLatestSpec(sts)) return;
  const int64_t desired = DesiredReplicas(sts);
  const auto& status = Obj(sts, "status");
  const int64_t ready = Int(status, "readyReplicas");
  if (desired == 0 || ready >= desired) return;

  std::string first_pod;
  const auto pods = ctx.view().OwnedBy("Pod", Uid(sts));
  const auto unready = LongUnreadyPods(pods, ctx.now(), grace, &first_pod);
  const auto failed_creates = EventsWithReason(ctx.view(), Uid(sts), "FailedCreate");
  const bool cannot_create = static_cast<int64_t>(pods.size()) < desired && !failed_creates.empty();
  if (unready.empty() && !cannot_create) return;

  Finding& f = sink.Add("KD2010", sts);
  f.message = fmt::format("StatefulSet {} has {} of {} replicas ready", Name(sts), ready, desired);
  std::string counts =
      fmt::format("{} desired, {} current, {} ready, {} updated", desired,
                  Int(status, "currentReplicas"), ready, Int(status, "updatedReplicas"));
  const auto current = Str(status, "currentRevision");
  const auto update = Str(status, "updateRevision");
  if (!update.empty() && current != update) {
    counts += fmt::format("; rolling update from revision {} to {} not finished", current, update);
  }
  f.evidence.push_back(counts);
  f.evidence.insert(f.evidence.end(), unready.begin(), unready.end());
  if (cannot_create) AddEvents(f, failed_creates);
  if (!first_pod.empty()) f.params["pod"] = first_pod;
}

void CheckDaemonSet(const CheckContext& ctx, const nlohmann::json& ds, Duration grace,
                    FindingSink& sink) {
  if (Deleting(ds) || !ObservedLatestSpec(ds)) return;
  const auto& status = Obj(ds, "status");
  const int64_t desired = Int(status, "desiredNumberScheduled");
  const int64_t scheduled = Int(status, "currentNumberScheduled");
  const int64_t unavailable = Int(status, "numberUnavailable");
  const int64_t ready = Int(status, "numberReady");
  if (desired == 0) return;  // no node matches its selector: nothing to run
  if (unavailable == 0 && scheduled >= desired && ready >= desired) return;

  std::string first_pod;
  const auto unready =
      LongUnreadyPods(ctx.view().OwnedBy("Pod", Uid(ds)), ctx.now(), grace, &first_pod);
  const auto failed_creates = EventsWithReason(ctx.view(), Uid(ds), "FailedCreate");
  const bool cannot_create = scheduled < desired && !failed_creates.empty();
  if (unready.empty() && !cannot_create) return;

  Finding& f = sink.Add("KD2011", ds);
  f.message = fmt::format("DaemonSet {} runs {} of {} pods, {} ready, {} unavailable", Name(ds),
                          scheduled, desired, ready, unavailable);
  f.evidence.push_back(fmt::format(
      "{} nodes should run it, {} do, {} ready, {} available, {} unavailable, {} updated", desired,
      scheduled, ready, Int(status, "numberAvailable"), unavailable,
      Int(status, "updatedNumberScheduled")));
  if (const auto misscheduled = Int(status, "numberMisscheduled"); misscheduled > 0) {
    f.evidence.push_back(fmt::format("{} pods run on nodes that should not run it", misscheduled));
  }
  f.evidence.insert(f.evidence.end(), unready.begin(), unready.end());
  if (cannot_create) AddEvents(f, failed_creates);
  if (!first_pod.empty()) f.params["pod"] = first_pod;
}

bool OwnedByKind(const nlohmann::json& object, std::string_view kind) {
  const auto& owners = Arr(Meta(object), "ownerReferences");
  return std::any_of(owners.begin(), owners.end(),
                     [&](const nlohmann::json& owner) { return Str(owner, "kind") == kind; });
}

// The Job's pod that failed last, or "": the one whose logs explain the failure.
std::string LastFailedPod(const ClusterView& view, const nlohmann::json& job) {
  ObjectPtr last;
  for (const auto& pod : view.OwnedBy("Pod", Uid(job))) {
    if (Str(Obj(*pod, "status"), "phase") != "Failed") continue;
    if (!last || CreationTime(*pod) >= CreationTime(*last)) last = pod;
  }
  return last ? std::string(Name(*last)) : std::string();
}

std::string JobCounts(const nlohmann::json& job) {
  const auto& status = Obj(job, "status");
  return fmt::format("{} succeeded, {} failed, {} active; backoffLimit {}",
                     Int(status, "succeeded"), Int(status, "failed"), Int(status, "active"),
                     Int(Obj(job, "spec"), "backoffLimit", 6));
}

void CheckJob(const CheckContext& ctx, const nlohmann::json& job, FindingSink& sink) {
  // A CronJob's Jobs are judged by its latest run (KD2030): an older failure is history.
  if (OwnedByKind(job, "CronJob")) return;
  const auto* failed = Condition(job, "Failed");
  if (!failed || Str(*failed, "status") != "True") return;
  const auto reason = Str(*failed, "reason");
  const std::string_view code = reason == "BackoffLimitExceeded" ? "KD2020"
                                : reason == "DeadlineExceeded"   ? "KD2021"
                                                                 : "KD2022";
  Finding& f = sink.Add(code, job);
  f.message = fmt::format("Job {} failed: {}", Name(job),
                          Str(*failed, "message").empty() ? reason : Str(*failed, "message"));
  f.evidence.push_back(ConditionEvidence(*failed));
  f.evidence.push_back(JobCounts(job));
  auto events = ctx.view().EventsFor(Uid(job));
  std::erase_if(events, [](const ObjectPtr& e) { return Str(*e, "type") != "Warning"; });
  AddEvents(f, events);
  if (auto pod = LastFailedPod(ctx.view(), job); !pod.empty()) f.params["pod"] = pod;
}

// When a CronJob's Job was meant to run: the scheduled time the CronJob controller writes on
// it, else when it started or was created.
Timestamp ScheduledTime(const nlohmann::json& job) {
  for (auto text : {Annotation(job, "batch.kubernetes.io/cronjob-scheduled-timestamp"),
                    Str(Obj(job, "status"), "startTime")}) {
    if (auto time = ParseTime(text)) return *time;
  }
  return CreationTime(job);
}

void CheckCronJob(const CheckContext& ctx, const nlohmann::json& cronjob, FindingSink& sink) {
  const auto& status = Obj(cronjob, "status");
  auto schedule_evidence = [&] {
    return fmt::format(
        "schedule \"{}\", last scheduled {}, last successful {}",
        Str(Obj(cronjob, "spec"), "schedule"),
        Str(status, "lastScheduleTime").empty() ? "never" : Str(status, "lastScheduleTime"),
        Str(status, "lastSuccessfulTime").empty() ? "never" : Str(status, "lastSuccessfulTime"));
  };
  if (Bool(Obj(cronjob, "spec"), "suspend")) {
    Finding& f = sink.Add("KD2031", cronjob);
    f.message = fmt::format("CronJob {} is suspended and starts no Jobs", Name(cronjob));
    f.evidence.push_back("spec.suspend: true");
    f.evidence.push_back(schedule_evidence());
  }

  ObjectPtr latest;
  for (const auto& job : ctx.view().OwnedBy("Job", Uid(cronjob))) {
    if (!latest || ScheduledTime(*job) > ScheduledTime(*latest)) latest = job;
  }
  if (!latest) return;
  const auto* failed = Condition(*latest, "Failed");
  if (!failed || Str(*failed, "status") != "True") return;
  Finding& f = sink.Add("KD2030", cronjob);
  f.message = fmt::format(
      "The last run of CronJob {}, Job {}, failed: {}", Name(cronjob), Name(*latest),
      Str(*failed, "message").empty() ? Str(*failed, "reason") : Str(*failed, "message"));
  f.evidence.push_back(fmt::format("Job {}: {}", Name(*latest), ConditionEvidence(*failed)));
  f.evidence.push_back(fmt::format("Job {}: {}", Name(*latest), JobCounts(*latest)));
  f.evidence.push_back(schedule_evidence());
  f.params["job"] = std::string(Name(*latest));
}

}  // namespace

CheckDefinition WorkloadChecks(const BuiltinCheckOptions& options) {
  const Duration grace = options.stuckCreatingAfter;
  return {"workloads", Stage::kNamespace, Codes(),
          [grace](const CheckContext& ctx, FindingSink& sink) {
            for (const auto& deployment : ctx.InScope("Deployment")) {
              if (ctx.OverBudget()) return;
              CheckDeployment(ctx, *deployment, grace, sink);
            }
            for (const auto& rs : ctx.InScope("ReplicaSet")) {
              if (ctx.OverBudget()) return;
              CheckReplicaSet(ctx, *rs, sink);
            }
            for (const auto& sts : ctx.InScope("StatefulSet")) {
              if (ctx.OverBudget()) return;
              CheckStatefulSet(ctx, *sts, grace, sink);
            }
            for (const auto& ds : ctx.InScope("DaemonSet")) {
              if (ctx.OverBudget()) return;
              CheckDaemonSet(ctx, *ds, grace, sink);
            }
            for (const auto& job : ctx.InScope("Job")) {
              if (ctx.OverBudget()) return;
              CheckJob(ctx, *job, sink);
            }
            for (const auto& cronjob : ctx.InScope("CronJob")) {
              if (ctx.OverBudget()) return;
              CheckCronJob(ctx, *cronjob, sink);
            }
          }};
}

}  // namespace kdiag
