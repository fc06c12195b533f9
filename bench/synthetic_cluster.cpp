#include "bench/synthetic_cluster.h"

#include <fmt/format.h>

namespace kdiag::bench {
namespace {

constexpr const char* kCreated = "2026-11-23T08:00:00Z";
constexpr const char* kRecent = "2026-11-23T09:58:00Z";

std::string Uid(std::string_view kind, int a, int b) {
  // Deterministic UIDs in the 8-4-4-4-12 form.
  return fmt::format("{:08x}-{:04x}-4000-8000-{:012x}",
                     std::hash<std::string_view>{}(kind)&0xffffffff, a & 0xffff,
                     static_cast<uint64_t>(a) << 24 | static_cast<uint64_t>(b));
}

nlohmann::json Metadata(std::string name, const std::string& ns, const std::string& uid) {
  nlohmann::json meta = {{"name", std::move(name)},
                         {"uid", uid},
                         {"resourceVersion", "1000"},
                         {"creationTimestamp", kCreated}};
  if (!ns.empty()) meta["namespace"] = ns;
  return meta;
}

nlohmann::json OwnerRef(const char* api_version, const char* kind, const std::string& name,
                        const std::string& uid) {
  return nlohmann::json::array({{{"apiVersion", api_version},
                                 {"kind", kind},
                                 {"name", name},
                                 {"uid", uid},
                                 {"controller", true},
                                 {"blockOwnerDeletion", true}}});
}

nlohmann::json Condition(const char* type, const char* status, const char* reason = nullptr) {
  nlohmann::json c = {{"type", type}, {"status", status}, {"lastTransitionTime", kCreated}};
  if (reason) c["reason"] = reason;
  return c;
}

nlohmann::json Event(const std::string& ns, const nlohmann::json& pod, int i, const char* reason,
                     const std::string& message, const char* type) {
  return {{"apiVersion", "v1"},
          {"kind", "Event"},
          {"metadata",
           Metadata(fmt::format("{}.{:x}", pod["metadata"]["name"].get<std::string>(), i), ns,
                    Uid("Event", i,
                        static_cast<int>(
                            std::hash<std::string>{}(pod["metadata"]["uid"].get<std::string>()) &
                            0xffffff)))},
          {"involvedObject",
           {{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"namespace", ns},
            {"name", pod["metadata"]["name"]},
            {"uid", pod["metadata"]["uid"]}}},
          {"reason", reason},
          {"message", message},
          {"type", type},
          {"count", 1},
          {"firstTimestamp", kRecent},
          {"lastTimestamp", kRecent},
          {"source", {{"component", "kubelet"}}}};
}

}  // namespace

void BuildCluster(const ClusterShape& shape, const std::function<void(nlohmann::json)>& add) {
  for (int n = 0; n < shape.nodes; ++n) {
    add({{"apiVersion", "v1"},
         {"kind", "Node"},
         {"metadata", Metadata(fmt::format("node-{}", n), "", Uid("Node", n, 0))},
         {"spec", nlohmann::json::object()},
         {"status",
          {{"conditions",
            {Condition("MemoryPressure", "False", "KubeletHasSufficientMemory"),
             Condition("DiskPressure", "False", "KubeletHasNoDiskPressure"),
             Condition("PIDPressure", "False", "KubeletHasSufficientPID"),
             Condition("Ready", "True", "KubeletReady")}}}}});
  }
  // kube-system with a healthy CoreDNS, the addon the root checks require: without it they
  // fail and the namespace checks are skipped.
  add({{"apiVersion", "v1"},
       {"kind", "Namespace"},
       {"metadata", Metadata("kube-system", "", Uid("Namespace", 0xffff, 0))},
       {"status", {{"phase", "Active"}}}});
  const nlohmann::json dns_labels = {{"k8s-app", "kube-dns"}};
  const std::string dns_uid = Uid("Deployment", 0xffff, 0);
  const std::string dns_rs_uid = Uid("ReplicaSet", 0xffff, 0);
  auto dns_meta = Metadata("coredns", "kube-system", dns_uid);
  dns_meta["labels"] = dns_labels;
  add({{"apiVersion", "apps/v1"},
       {"kind", "Deployment"},
       {"metadata", dns_meta},
       {"spec", {{"replicas", 2}, {"selector", {{"matchLabels", dns_labels}}}}},
       {"status",
        {{"observedGeneration", 1},
         {"replicas", 2},
         {"updatedReplicas", 2},
         {"readyReplicas", 2},
         {"availableReplicas", 2},
         {"conditions",
          {Condition("Available", "True", "MinimumReplicasAvailable"),
           Condition("Progressing", "True", "NewReplicaSetAvailable")}}}}});
  auto dns_rs_meta = Metadata("coredns-668d6bf9bc", "kube-system", dns_rs_uid);
  dns_rs_meta["labels"] = dns_labels;
  dns_rs_meta["ownerReferences"] = OwnerRef("apps/v1", "Deployment", "coredns", dns_uid);
  add({{"apiVersion", "apps/v1"},
       {"kind", "ReplicaSet"},
       {"metadata", dns_rs_meta},
       {"spec", {{"replicas", 2}}},
       {"status", {{"replicas", 2}, {"readyReplicas", 2}, {"availableReplicas", 2}}}});
  for (int p = 0; p < 2; ++p) {
    auto meta =
        Metadata(fmt::format("coredns-668d6bf9bc-{:05x}", p), "kube-system", Uid("Pod", 0xffff, p));
    meta["labels"] = dns_labels;
    meta["ownerReferences"] = OwnerRef("apps/v1", "ReplicaSet", "coredns-668d6bf9bc", dns_rs_uid);
    add({{"apiVersion", "v1"},
         {"kind", "Pod"},
         {"metadata", meta},
         {"spec",
          {{"nodeName", fmt::format("node-{}", p % shape.nodes)},
           {"containers",
            {{{"name", "coredns"}, {"image", "registry.k8s.io/coredns/coredns:v1.12.0"}}}}}},
         {"status",
          {{"phase", "Running"},
           {"podIP", fmt::format("10.255.0.{}", p + 1)},
           {"conditions",
            {Condition("Initialized", "True"), Condition("Ready", "True"),
             Condition("ContainersReady", "True"), Condition("PodScheduled", "True")}},
           {"containerStatuses",
            {{{"name", "coredns"},
              {"image", "registry.k8s.io/coredns/coredns:v1.12.0"},
              {"ready", true},
              {"restartCount", 0},
              {"state", {{"running", {{"startedAt", kCreated}}}}}}}}}}});
  }

  int broken = 0;
  int event_number = 0;
  for (int s = 0; s < shape.namespaces; ++s) {
    const std::string ns = fmt::format("ns-{}", s);
    add({{"apiVersion", "v1"},
         {"kind", "Namespace"},
         {"metadata", Metadata(ns, "", Uid("Namespace", s, 0))},
         {"status", {{"phase", "Active"}}}});
    const int deployments = shape.podsPerNamespace / shape.podsPerDeployment;
    for (int d = 0; d < deployments; ++d) {
      const std::string app = fmt::format("app-{}", d);
      const std::string deployment_uid = Uid("Deployment", s, d);
      const std::string rs_name = app + "-5f7c9d8b4";
      const std::string rs_uid = Uid("ReplicaSet", s, d);
      const bool is_broken = broken < shape.brokenWorkloads && d < 2;
      if (is_broken) ++broken;
      const int replicas = shape.podsPerDeployment;
      const int ready = is_broken ? 0 : replicas;
      nlohmann::json labels = {{"app", app}};
      add({{"apiVersion", "apps/v1"},
           {"kind", "Deployment"},
           {"metadata", Metadata(app, ns, deployment_uid)},
           {"spec",
            {{"replicas", replicas},
             {"selector", {{"matchLabels", labels}}},
             {"progressDeadlineSeconds", 600}}},
           {"status",
            {{"observedGeneration", 1},
             {"replicas", replicas},
             {"updatedReplicas", replicas},
             {"readyReplicas", ready},
             {"availableReplicas", ready},
             {"conditions",
              {is_broken ? Condition("Available", "False", "MinimumReplicasUnavailable")
                         : Condition("Available", "True", "MinimumReplicasAvailable"),
               Condition("Progressing", "True", "NewReplicaSetAvailable")}}}}});
      auto rs_meta = Metadata(rs_name, ns, rs_uid);
      rs_meta["ownerReferences"] = OwnerRef("apps/v1", "Deployment", app, deployment_uid);
      add({{"apiVersion", "apps/v1"},
           {"kind", "ReplicaSet"},
           {"metadata", rs_meta},
           {"spec", {{"replicas", replicas}}},
           {"status",
            {{"replicas", replicas}, {"readyReplicas", ready}, {"availableReplicas", ready}}}});
      nlohmann::json endpoints = nlohmann::json::array();
      for (int p = 0; p < replicas; ++p) {
        const int index = d * replicas + p;
        auto meta = Metadata(fmt::format("{}-{:05x}", rs_name, index), ns, Uid("Pod", s, index));
        meta["labels"] = labels;
        meta["ownerReferences"] = OwnerRef("apps/v1", "ReplicaSet", rs_name, rs_uid);
        nlohmann::json container_status = {{"name", "app"},
                                           {"image", "registry.example/" + app + ":1.0"},
                                           {"ready", !is_broken},
                                           {"restartCount", 0}};
        if (!is_broken) {
          container_status["state"] = {{"running", {{"startedAt", kCreated}}}};
        } else if (d == 0) {
          container_status["restartCount"] = 7;
          container_status["state"] = {{"waiting", {{"reason", "CrashLoopBackOff"}}}};
          container_status["lastState"] = {
              {"terminated", {{"reason", "Error"}, {"exitCode", 1}, {"finishedAt", kRecent}}}};
        } else {
          container_status["state"] = {{"waiting", {{"reason", "ImagePullBackOff"}}}};
        }
        nlohmann::json pod = {
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", meta},
            {"spec",
             {{"nodeName", fmt::format("node-{}", index % shape.nodes)},
              {"containers",
               {{{"name", "app"},
                 {"image", "registry.example/" + app + ":1.0"},
                 {"ports", {{{"name", "http"}, {"containerPort", 8080}}}},
                 {"resources", {{"requests", {{"cpu", "100m"}, {"memory", "128Mi"}}}}}}}}}},
            {"status",
             {{"phase", is_broken && d != 0 ? "Pending" : "Running"},
              {"podIP", fmt::format("10.{}.{}.{}", s, index / 250, index % 250)},
              {"conditions",
               {Condition("Initialized", "True"), Condition("Ready", is_broken ? "False" : "True"),
                Condition("ContainersReady", is_broken ? "False" : "True"),
                Condition("PodScheduled", "True")}},
              {"containerStatuses", {container_status}}}}};
        for (int e = 0; e < shape.eventsPerPod; ++e) {
          static const char* kRoutine[] = {"Scheduled", "Pulled", "Created", "Started", "Killing"};
          const bool failure = is_broken && e == 0;
          add(Event(ns, pod, ++event_number,
                    failure ? (d == 0 ? "BackOff" : "Failed") : kRoutine[e % 5],
                    failure ? (d == 0 ? "Back-off restarting failed container app"
                                      : "Failed to pull image: manifest unknown")
                            : "routine",
                    failure ? "Warning" : "Normal"));
        }
        if (!is_broken) {
          endpoints.push_back(
              {{"addresses", {pod["status"]["podIP"]}},
               {"conditions", {{"ready", true}}},
               {"targetRef", {{"kind", "Pod"}, {"name", meta["name"]}, {"namespace", ns}}}});
        }
        add(std::move(pod));
      }
      add({{"apiVersion", "v1"},
           {"kind", "Service"},
           {"metadata", Metadata(app, ns, Uid("Service", s, d))},
           {"spec", {{"selector", labels}, {"ports", {{{"port", 80}, {"targetPort", "http"}}}}}}});
      auto slice_meta = Metadata(app + "-x7k2p", ns, Uid("EndpointSlice", s, d));
      slice_meta["labels"] = {{"kubernetes.io/service-name", app}};
      add({{"apiVersion", "discovery.k8s.io/v1"},
           {"kind", "EndpointSlice"},
           {"metadata", slice_meta},
           {"addressType", "IPv4"},
           {"endpoints", endpoints},
           {"ports", {{{"name", ""}, {"port", 8080}, {"protocol", "TCP"}}}}});
    }
  }
}

}  // namespace kdiag::bench
