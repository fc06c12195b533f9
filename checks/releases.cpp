// Releases: Helm releases (their release Secrets), Flux HelmReleases, Argo CD Applications, and
// any other custom resource whose Ready condition is False.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

const Link kHelmTroubleshooting{"Helm troubleshooting",
                                "https://helm.sh/docs/faq/troubleshooting/"};
const Link kHelmRollback{"helm rollback", "https://helm.sh/docs/helm/helm_rollback/"};

std::vector<CheckCode> Codes() {
  return {
      {"KD6001",
       "Helm release failed",
       Severity::kCritical,
       "releases",
       "The latest revision of the Helm release is failed: its install or upgrade did not "
       "complete (a resource was rejected, or --wait timed out on resources that did not become "
       "ready). What runs may be a mix of the old and the new revision.",
       {{"helm history", "https://helm.sh/docs/helm/helm_history/"},
        kHelmRollback,
        kHelmTroubleshooting},
       {"helm -n {namespace} history {release}", "helm -n {namespace} status {release}",
        "helm -n {namespace} rollback {release} {goodRevision}"}},
      {"KD6002",
       "Helm release stuck pending",
       Severity::kWarning,
       "releases",
       "The latest revision of the Helm release has been pending-install, pending-upgrade or "
       "pending-rollback for long: the helm process that ran it was interrupted, and every "
       "further upgrade fails with \"another operation (install/upgrade/rollback) is in "
       "progress\".",
       {kHelmTroubleshooting, kHelmRollback},
       {"helm -n {namespace} history {release}",
        "helm -n {namespace} rollback {release} {goodRevision}",
        "kubectl -n {namespace} get secret -l owner=helm,name={release}"}},
      {"KD6003",
       "Flux HelmRelease not ready",
       Severity::kCritical,
       "releases",
       "Flux's helm-controller reports the HelmRelease not Ready: the chart could not be fetched, "
       "rendered, installed, upgraded or tested, or a dependency is not ready.",
       {{"Flux HelmReleases", "https://fluxcd.io/flux/components/helm/helmreleases/"},
        {"Flux troubleshooting", "https://fluxcd.io/flux/cheatsheets/troubleshooting/"}},
       {"flux -n {namespace} get helmreleases {name}",
        "kubectl -n {namespace} describe helmreleases.helm.toolkit.fluxcd.io {name}",
        "flux -n {namespace} logs --kind=HelmRelease --name={name}",
        "flux -n {namespace} reconcile helmrelease {name} --with-source"}},
      {"KD6004",
       "Argo CD Application degraded or failing to sync",
       Severity::kCritical,
       "releases",
       "Argo CD reports the Application's resources Degraded or Missing, or its last sync "
       "failed and the live state differs from Git.",
       {{"Argo CD resource health",
         "https://argo-cd.readthedocs.io/en/stable/operator-manual/health/"},
        {"Argo CD sync options",
         "https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/"}},
       {"argocd app get {app}", "argocd app diff {app}",
        "kubectl -n {namespace} get applications.argoproj.io {name} -o yaml"}},
      {"KD6005",
       "Custom resource not Ready",
       Severity::kWarning,
       "releases",
       "A custom resource reports its Ready condition False: the operator that reconciles it "
       "(cert-manager, a database operator, Flux, Crossplane, …) could not bring it to the "
       "desired state.",
       {{"Custom resources",
         "https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/custom-resources/"}},
       {"kubectl -n {namespace} describe {type} {name}",
        "kubectl -n {namespace} get events --field-selector involvedObject.name={name}"}},
  };
}

// Kinds other checks cover, or whose Ready condition means something else.
const std::set<std::string, std::less<>>& BuiltinKinds() {
  static const std::set<std::string, std::less<>> kinds = {
      "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "Service",
      "Endpoints", "EndpointSlice", "Ingress", "IngressClass", "PersistentVolumeClaim",
      "PersistentVolume", "StorageClass", "Secret", "ConfigMap", "Event", "Node", "Lease",
      "Namespace", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "HorizontalPodAutoscaler",
      "APIService", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "HelmRelease",
      "Application",
      // kdiag's own resources report their runs, not the cluster.
      "Diagnosis", "TroubleshootSession"};
  return kinds;
}

bool Examined(const CheckContext& ctx, std::string_view ns) {
  if (ctx.allNamespaces()) return true;
  return std::find(ctx.namespaces().begin(), ctx.namespaces().end(), ns) != ctx.namespaces().end();
}

// GitOps objects usually live in the tool's own namespace (flux-system, argocd) and deploy into
// the one diagnosed: both count as in scope.
Objects InScopeOrDeployingInto(const CheckContext& ctx, std::string_view kind,
                               std::string_view (*target_namespace)(const nlohmann::json&)) {
  Objects out;
  for (auto& object : ctx.view().List(kind, "")) {
    if (!Examined(ctx, Namespace(*object)) && !Examined(ctx, target_namespace(*object))) continue;
    if (ctx.Selected(*object)) out.push_back(std::move(object));
  }
  return out;
}

int64_t ParseInt(std::string_view text, int64_t fallback) {
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : fallback;
}

struct ReleaseHistory {
  ObjectPtr latest;
  int64_t latestRevision = -1;
  // The newest revision that was deployed, to roll back to.
  int64_t goodRevision = -1;
};

void CheckHelmReleases(const CheckContext& ctx, const BuiltinCheckOptions& options,
                       FindingSink& sink) {
  // A release's Secrets carry its name, not the filtered objects' labels: a Helm release filter
  // selects them by that name.
  const auto unfiltered = ctx.ForNamespaces(ctx.namespaces(), ctx.allNamespaces(), false);
  std::map<std::pair<std::string, std::string>, ReleaseHistory> releases;
  for (const auto& secret : unfiltered.InScope("Secret")) {
    if (Str(*secret, "type") != "helm.sh/release.v1" || Label(*secret, "owner") != "helm") continue;
    const auto release = Label(*secret, "name");
    if (release.empty()) continue;
    if (!ctx.Selected(*secret) && ctx.scope().filters.helmRelease != release) continue;
    auto& history = releases[{std::string(Namespace(*secret)), std::string(release)}];
    const int64_t revision = ParseInt(Label(*secret, "version"), 0);
    if (revision > history.latestRevision) {
      history.latestRevision = revision;
      history.latest = secret;
    }
    const auto status = Label(*secret, "status");
    if ((status == "deployed" || status == "superseded") && revision > history.goodRevision) {
      history.goodRevision = revision;
    }
  }

  for (const auto& [key, history] : releases) {
    const auto& secret = *history.latest;
    const auto status = Label(secret, "status");
    const bool failed = status == "failed";
    const bool pending = status.starts_with("pending-");
    if (!failed && !pending) continue;
    // Helm writes modifiedAt (epoch seconds) on every update of the release Secret.
    Timestamp modified = CreationTime(secret);
    if (const int64_t seconds = ParseInt(Label(secret, "modifiedAt"), -1); seconds >= 0) {
      modified = Timestamp(std::chrono::seconds(seconds));
    }
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(ctx.now() - modified);
    if (pending && age < options.helmPendingAfter) continue;

    Finding& f = sink.Add(failed ? "KD6001" : "KD6002", secret);
    f.message = failed ? fmt::format("Helm release {} revision {} failed", key.second,
                                     history.latestRevision)
                       : fmt::format("Helm release {} has been {} for {}", key.second, status,
                                     FormatDuration(age));
    f.evidence.push_back(fmt::format("Secret {}: status {}, revision {}, modified {}", Name(secret),
                                     status, history.latestRevision, FormatTime(modified)));
    if (history.goodRevision >= 0) {
      f.evidence.push_back(fmt::format("last deployed revision {}", history.goodRevision));
      f.params["goodRevision"] = std::to_string(history.goodRevision);
    }
    f.params["release"] = key.second;
    f.params["revision"] = std::to_string(history.latestRevision);
  }
}

std::string_view FluxTargetNamespace(const nlohmann::json& release) {
  return Str(Obj(release, "spec"), "targetNamespace");
}

void CheckFluxHelmReleases(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& release : InScopeOrDeployingInto(ctx, "HelmRelease", FluxTargetNamespace)) {
    if (!Str(*release, "apiVersion").starts_with("helm.toolkit.fluxcd.io/")) continue;
    const auto* ready = Condition(*release, "Ready");
    if (!ready || Str(*ready, "status") != "False") continue;
    Finding& f = sink.Add("KD6003", *release);
    f.message =
        fmt::format("Flux HelmRelease {} is not ready ({})", Name(*release), Str(*ready, "reason"));
    f.evidence.push_back(ConditionEvidence(*ready));
    for (const auto& condition : Arr(Obj(*release, "status"), "conditions")) {
      if (Str(condition, "type") != "Ready" && Str(condition, "status") == "False") {
        f.evidence.push_back(ConditionEvidence(condition));
      }
    }
    const auto& status = Obj(*release, "status");
    if (auto attempted = Str(status, "lastAttemptedRevision"); !attempted.empty()) {
      f.evidence.push_back(fmt::format("last attempted chart version {}", attempted));
    }
    AddRecentEvents(ctx.view(), *release, f.evidence);
    const auto release_name = Str(Obj(*release, "spec"), "releaseName");
    f.params["release"] = std::string(release_name.empty() ? Name(*release) : release_name);
  }
}

std::string_view ArgoDestinationNamespace(const nlohmann::json& application) {
  return Str(Obj(Obj(application, "spec"), "destination"), "namespace");
}

void CheckArgoApplications(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& app : InScopeOrDeployingInto(ctx, "Application", ArgoDestinationNamespace)) {
    if (!Str(*app, "apiVersion").starts_with("argoproj.io/")) continue;
    const auto& status = Obj(*app, "status");
    const auto health = Str(Obj(status, "health"), "status");
    const auto sync = Str(Obj(status, "sync"), "status");
    const auto& operation = Obj(status, "operationState");
    const auto phase = Str(operation, "phase");
    const bool unhealthy = health == "Degraded" || health == "Missing";
    // OutOfSync alone is a change waiting to be synced; with a failed sync it is stuck.
    const bool sync_failed = sync == "OutOfSync" && (phase == "Failed" || phase == "Error");
    if (!unhealthy && !sync_failed) continue;

    Finding& f = sink.Add("KD6004", *app);
    f.message = unhealthy ? fmt::format("Argo CD Application {} is {}", Name(*app), health)
                          : fmt::format("Argo CD Application {} is OutOfSync: its last sync {}",
                                        Name(*app), phase == "Failed" ? "failed" : "errored");
    std::string health_line = fmt::format("health {}", health.empty() ? "Unknown" : health);
    if (auto message = Str(Obj(status, "health"), "message"); !message.empty()) {
      health_line += fmt::format(": {}", message);
    }
    f.evidence.push_back(std::move(health_line));
    f.evidence.push_back(fmt::format("sync {} at revision {}", sync.empty() ? "Unknown" : sync,
                                     Str(Obj(status, "sync"), "revision")));
    if (!phase.empty()) {
      f.evidence.push_back(fmt::format("last operation {}: {}", phase, Str(operation, "message")));
    }
    // Application conditions (ComparisonError, SyncError, …) carry no status field.
    for (const auto& condition : Arr(status, "conditions")) {
      f.evidence.push_back(
          fmt::format("condition {}: {}", Str(condition, "type"), Str(condition, "message")));
    }
    for (const auto& resource : Arr(status, "resources")) {
      const auto resource_health = Str(Obj(resource, "health"), "status");
      if (resource_health != "Degraded" && resource_health != "Missing") continue;
      f.evidence.push_back(fmt::format("{} {}/{}: {} {}", Str(resource, "kind"),
                                       Str(resource, "namespace"), Str(resource, "name"),
                                       resource_health, Str(Obj(resource, "health"), "message")));
    }
    f.params["app"] = std::string(Name(*app));
  }
}

// "Certificate.cert-manager.io": how kubectl names a kind without ambiguity.
std::string KubectlType(const nlohmann::json& object) {
  const auto api_version = Str(object, "apiVersion");
  const auto slash = api_version.find('/');
  if (slash == std::string_view::npos) return std::string(Kind(object));
  return fmt::format("{}.{}", Kind(object), api_version.substr(0, slash));
}

void CheckCustomResources(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& kind : ctx.view().Kinds()) {
    if (BuiltinKinds().contains(kind)) continue;
    for (const auto& object : ctx.InScope(kind)) {
      if (ctx.OverBudget()) return;
      const auto* ready = Condition(*object, "Ready");
      if (!ready || Str(*ready, "status") != "False") continue;
      Finding& f = sink.Add("KD6005", *object);
      f.message = fmt::format("{} {} is not ready", kind, Name(*object));
      if (auto reason = Str(*ready, "reason"); !reason.empty()) {
        f.message += fmt::format(" ({})", reason);
      }
      f.evidence.push_back(ConditionEvidence(*ready));
      AddRecentEvents(ctx.view(), *object, f.evidence);
      f.params["type"] = KubectlType(*object);
    }
  }
}

}  // namespace

CheckDefinition ReleaseChecks(const BuiltinCheckOptions& options) {
  return {"releases", Stage::kNamespace, Codes(),
          [options](const CheckContext& ctx, FindingSink& sink) {
            CheckHelmReleases(ctx, options, sink);
            CheckFluxHelmReleases(ctx, sink);
            CheckArgoApplications(ctx, sink);
            CheckCustomResources(ctx, sink);
          }};
}

}  // namespace kdiag
