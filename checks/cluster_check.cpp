// The cluster root check: nodes Ready, without pressure and heartbeating; the API server healthy
// and quick; aggregated APIs (metrics.k8s.io, …) available. A problem here explains findings in
// every namespace.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/evidence_text.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

const Link kNodeStatus{"Node status", "https://kubernetes.io/docs/reference/node/node-status/"};
const Link kNodes{"Nodes", "https://kubernetes.io/docs/concepts/architecture/nodes/"};
const Link kDebugCluster{"Troubleshooting clusters",
                         "https://kubernetes.io/docs/tasks/debug/debug-cluster/"};
const std::string kKubeletLogs =
    "kubectl debug node/{node} -it --image=busybox -- chroot /host journalctl -u kubelet "
    "--since -1h";

std::vector<CheckCode> Codes() {
  return {
      {"KD0101",
       "Node not Ready",
       Severity::kCritical,
       "nodes",
       "The node's Ready condition is False (the kubelet reports a problem: container runtime, "
       "network plugin, PLEG) or Unknown (the kubelet stopped posting status). Pods on the node "
       "do not run or are evicted; their findings are symptoms of this one.",
       {kNodeStatus, kNodes, kDebugCluster},
       {"kubectl describe node {node}", "kubectl get pods -A --field-selector spec.nodeName={node}",
        kKubeletLogs}},
      {"KD0102",
       "Node under resource pressure",
       Severity::kWarning,
       "nodes",
       "The kubelet reports MemoryPressure, DiskPressure or PIDPressure: it evicts pods and the "
       "scheduler places no new pods on the node until the pressure is gone.",
       {{"Node-pressure eviction",
         "https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/"},
        kNodeStatus},
       {"kubectl describe node {node}", "kubectl top pods -A --sort-by=memory",
        "kubectl get pods -A --field-selector spec.nodeName={node}"}},
      {"KD0103",
       "Node cordoned",
       Severity::kInfo,
       "nodes",
       "The node is marked unschedulable (kubectl cordon or drain, or an upgrade in progress): "
       "new pods are not placed on it.",
       {{"Safely drain a node",
         "https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/"},
        kNodes},
       {"kubectl describe node {node}", "kubectl uncordon {node}"}},
      {"KD0104",
       "Node heartbeat stale",
       Severity::kCritical,
       "nodes",
       "The node's Lease in kube-node-lease has not been renewed: its kubelet is not heartbeating. "
       "When the node is still shown Ready, the node lifecycle controller "
       "(kube-controller-manager) "
       "is not marking it either.",
       {{"Leases", "https://kubernetes.io/docs/concepts/architecture/leases/"},
        {"Node heartbeats", "https://kubernetes.io/docs/concepts/architecture/nodes/#heartbeats"}},
       {"kubectl -n kube-node-lease get lease {node} -o yaml", "kubectl describe node {node}",
        kKubeletLogs}},
      {"KD0105",
       "Node network unavailable",
       Severity::kCritical,
       "nodes",
       "The node's NetworkUnavailable condition is True: the network plugin or the cloud route "
       "controller has not configured the node's pod network, so its pods cannot communicate.",
       {kNodeStatus,
        {"Cluster networking",
         "https://kubernetes.io/docs/concepts/cluster-administration/networking/"}},
       {"kubectl describe node {node}",
        "kubectl -n kube-system get pods -o wide --field-selector spec.nodeName={node}"}},
      {"KD0110",
       "API server unhealthy",
       Severity::kCritical,
       "cluster",
       "The API server's /readyz or /livez endpoint reports failing checks (etcd, informer sync, "
       "admission): requests fail or time out and controllers fall behind.",
       {{"Kubernetes API health endpoints",
         "https://kubernetes.io/docs/reference/using-api/health-checks/"},
        kDebugCluster},
       {"kubectl get --raw='/readyz?verbose'", "kubectl get --raw='/livez?verbose'"}},
      {"KD0111",
       "Aggregated API unavailable",
       Severity::kCritical,
       "cluster",
       "An APIService served by an extension API server (metrics.k8s.io by metrics-server, custom "
       "metrics adapters) is not Available. Discovery reports errors, HPAs cannot read metrics, "
       "and namespace deletion can hang on its resources.",
       {{"API aggregation",
         "https://kubernetes.io/docs/concepts/extend-kubernetes/api-extension/"
         "apiserver-aggregation/"},
        {"Resource metrics pipeline",
         "https://kubernetes.io/docs/tasks/debug/debug-cluster/resource-metrics-pipeline/"}},
       {"kubectl get apiservice {apiservice} -o yaml",
        "kubectl -n {serviceNamespace} get endpoints {serviceName}",
        "kubectl -n {serviceNamespace} get pods -o wide"}},
      {"KD0112",
       "API server slow",
       Severity::kWarning,
       "cluster",
       "A cheap request to the API server took longer than the configured threshold: the API "
       "server or etcd is overloaded, or requests are queued by API Priority and Fairness.",
       {{"API Priority and Fairness",
         "https://kubernetes.io/docs/concepts/cluster-administration/flow-control/"},
        {"Metrics for Kubernetes system components",
         "https://kubernetes.io/docs/concepts/cluster-administration/system-metrics/"}},
       {"kubectl get --raw='/readyz?verbose'",
        "kubectl get --raw=/metrics | grep apiserver_request_duration_seconds"}},
  };
}

std::string Seconds(Duration d) {
  return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(d));
}

// The API server is not an object of the view; findings about it name it as a kdiag kind.
nlohmann::json ApiServerObject() {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "APIServer"},
          {"metadata", {{"name", "kube-apiserver"}}}};
}

// How long since the node's kubelet renewed its lease, when the view holds leases.
std::optional<Duration> LeaseAge(const CheckContext& ctx, std::string_view node) {
  if (!ctx.view().Has("Lease")) return std::nullopt;
  const auto lease = ctx.view().Get("Lease", "kube-node-lease", node);
  if (!lease) return std::nullopt;
  const auto renewed = ParseTime(Str(Obj(*lease, "spec"), "renewTime"));
  if (!renewed) return std::nullopt;
  return std::chrono::duration_cast<Duration>(ctx.now() - *renewed);
}

void CheckNode(const CheckContext& ctx, const BuiltinCheckOptions& options,
               const nlohmann::json& node, FindingSink& sink) {
  const auto name = std::string(Name(node));
  const auto lease_age = LeaseAge(ctx, name);
  const bool lease_stale = lease_age && *lease_age > options.nodeLeaseStaleAfter;
  const auto lease_evidence = [&] {
    return fmt::format("Lease kube-node-lease/{} last renewed {} ago", name, Seconds(*lease_age));
  };

  // The most telling finding of a node comes first: correlation blames a pod's problems on the
  // node's first finding.
  const auto* ready = Condition(node, "Ready");
  const bool not_ready =
      ready && (Str(*ready, "status") == "False" || Str(*ready, "status") == "Unknown");
  if (not_ready) {
    Finding& f = sink.Add("KD0101", node);
    f.message = Str(*ready, "status") == "Unknown"
                    ? fmt::format("Node {} is not Ready: its status is unknown", name)
                    : fmt::format("Node {} is not Ready", name);
    f.evidence.push_back(ConditionEvidence(*ready));
    if (auto heartbeat = Str(*ready, "lastHeartbeatTime"); !heartbeat.empty()) {
      f.evidence.push_back(fmt::format("last heartbeat {}", heartbeat));
    }
    // The stale lease is why the status is unknown; it is evidence here, not a finding of its own.
    if (lease_stale) f.evidence.push_back(lease_evidence());
    AddRecentEvents(ctx.view(), node, f.evidence);
  } else if (lease_stale) {
    Finding& f = sink.Add("KD0104", node);
    f.message = fmt::format("Node {}'s kubelet has not renewed its lease for {}", name,
                            Seconds(*lease_age));
    f.evidence.push_back(lease_evidence());
    if (ready) f.evidence.push_back(ConditionEvidence(*ready));
  }

  std::vector<std::string> pressures;
  std::vector<std::string> pressure_evidence;
  for (const char* type : {"MemoryPressure", "DiskPressure", "PIDPressure"}) {
    if (const auto* condition = Condition(node, type);
        condition && Str(*condition, "status") == "True") {
      pressures.emplace_back(type);
      pressure_evidence.push_back(ConditionEvidence(*condition));
    }
  }
  if (!pressures.empty()) {
    Finding& f = sink.Add("KD0102", node);
    f.message = fmt::format("Node {} has {}", name, fmt::join(pressures, ", "));
    f.evidence = std::move(pressure_evidence);
    f.params["pressure"] = fmt::format("{}", fmt::join(pressures, ","));
  }

  if (const auto* network = Condition(node, "NetworkUnavailable");
      network && Str(*network, "status") == "True") {
    Finding& f = sink.Add("KD0105", node);
    f.message = fmt::format("Node {}'s pod network is not configured", name);
    f.evidence.push_back(ConditionEvidence(*network));
  }

  if (Bool(Obj(node, "spec"), "unschedulable")) {
    Finding& f = sink.Add("KD0103", node);
    f.message = fmt::format("Node {} is cordoned: no new pods are scheduled on it", name);
    f.evidence.push_back("spec.unschedulable: true");
    for (const auto& taint : Arr(Obj(node, "spec"), "taints")) {
      if (Str(taint, "key") == "node.kubernetes.io/unschedulable") {
        f.evidence.push_back(fmt::format("taint {}:{}", Str(taint, "key"), Str(taint, "effect")));
      }
    }
  }
}

void CheckApiServer(const CheckContext& ctx, const BuiltinCheckOptions& options,
                    FindingSink& sink) {
  std::vector<std::string> failing;
  std::vector<std::string> evidence;
  for (const auto& endpoint : ctx.signals().apiServer) {
    if (endpoint.ok) continue;
    failing.push_back(endpoint.path);
    evidence.push_back(endpoint.detail.empty()
                           ? fmt::format("{} failed", endpoint.path)
                           : fmt::format("{} failed: {}", endpoint.path, endpoint.detail));
  }
  if (!failing.empty()) {
    Finding& f = sink.Add("KD0110", ApiServerObject());
    f.message = fmt::format("The API server's {} {} failing", fmt::join(failing, " and "),
                            failing.size() == 1 ? "is" : "are");
    f.evidence = std::move(evidence);
  }
  const auto& latency = ctx.signals().apiLatency;
  if (latency && *latency > options.apiLatencyWarning) {
    Finding& f = sink.Add("KD0112", ApiServerObject());
    f.message = fmt::format("The API server took {} to answer a cheap request (threshold {})",
                            FormatDuration(*latency), FormatDuration(options.apiLatencyWarning));
    f.evidence.push_back(fmt::format("request latency {}", FormatDuration(*latency)));
  }
}

void CheckApiServices(const CheckContext& ctx, FindingSink& sink) {
  for (const auto& service : ctx.view().List("APIService", "")) {
    const auto* available = Condition(*service, "Available");
    if (!available || Str(*available, "status") != "False") continue;
    const auto& backend = Obj(Obj(*service, "spec"), "service");
    Finding& f = sink.Add("KD0111", *service);
    f.message = fmt::format("Aggregated API {} is not available", Name(*service));
    f.evidence.push_back(ConditionEvidence(*available));
    f.params["apiservice"] = std::string(Name(*service));
    if (!backend.empty()) {
      f.evidence.push_back(
          fmt::format("served by Service {}/{}", Str(backend, "namespace"), Str(backend, "name")));
      f.params["serviceNamespace"] = std::string(Str(backend, "namespace"));
      f.params["serviceName"] = std::string(Str(backend, "name"));
    }
  }
}

}  // namespace

CheckDefinition ClusterRootCheck(const BuiltinCheckOptions& options) {
  return {"cluster", Stage::kRoot, Codes(), [options](const CheckContext& ctx, FindingSink& sink) {
            CheckApiServer(ctx, options, sink);
            CheckApiServices(ctx, sink);
            for (const auto& node : ctx.view().List("Node", "")) {
              if (ctx.OverBudget()) return;
              CheckNode(ctx, options, *node, sink);
            }
          }};
}

}  // namespace kdiag
