#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/builtin_checks.h"
#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class ClusterCheckTest : public CheckAreaTest {
 protected:
  ClusterCheckTest() {
    view.Add(LoadFixture("cluster/node-kwok.json"));
    view.Add(LoadFixture("cluster/apiservice-local.json"));
    view.Add(LoadFixture("cluster/apiservice-metrics.json"));
    signals.apiServer = {{"/readyz", true, ""}, {"/livez", true, ""}};
    signals.apiLatency = std::chrono::milliseconds(42);
  }

  std::vector<Finding> Check() { return Run(ClusterRootCheck({})); }

  static nlohmann::json& NodeCondition(nlohmann::json& node, std::string_view type) {
    for (auto& condition : node["status"]["conditions"]) {
      if (condition["type"] == type) return condition;
    }
    throw std::logic_error("no condition");
  }

  // What the node lifecycle controller writes once the kubelet stops posting status.
  static nlohmann::json Unreachable(nlohmann::json node) {
    for (auto& condition : node["status"]["conditions"]) {
      if (condition["type"] == "NetworkUnavailable") continue;
      condition["status"] = "Unknown";
      condition["reason"] = "NodeStatusUnknown";
      condition["message"] = "Kubelet stopped posting node status.";
      condition["lastHeartbeatTime"] = "2026-11-23T09:55:58Z";
      condition["lastTransitionTime"] = "2026-11-23T09:56:41Z";
    }
    node["spec"]["taints"] = {{{"key", "node.kubernetes.io/unreachable"},
                               {"effect", "NoSchedule"},
                               {"timeAdded", "2026-11-23T09:56:41Z"}},
                              {{"key", "node.kubernetes.io/unreachable"},
                               {"effect", "NoExecute"},
                               {"timeAdded", "2026-11-23T09:56:46Z"}}};
    return node;
  }

  static nlohmann::json LeaseRenewedAt(std::string time) {
    auto lease = LoadFixture("cluster/lease.json");
    lease["spec"]["renewTime"] = std::move(time);
    return lease;
  }
};

TEST_F(ClusterCheckTest, HealthyNodesLeasesAndApisGiveNoFinding) {
  view.Add(LoadFixture("cluster/node-ready.json"));
  view.Add(LoadFixture("cluster/lease.json"));
  const auto result = RunPipeline(ClusterRootCheck({}));
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
}

TEST_F(ClusterCheckTest, ANodeWhoseKubeletStoppedPostingIsNotReadyWithItsStaleLease) {
  view.Add(Unreachable(LoadFixture("cluster/node-ready.json")));
  view.Add(LeaseRenewedAt("2026-11-23T09:55:51.902114Z"));
  view.AddAll(LoadFixture("cluster/node-events.json"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD0101");
  EXPECT_EQ(f.severity, Severity::kCritical);
  EXPECT_EQ(f.category, "nodes");
  EXPECT_EQ(f.resource.kind, "Node");
  EXPECT_EQ(f.resource.name, "worker-1");
  EXPECT_EQ(f.message, "Node worker-1 is not Ready: its status is unknown");
  EXPECT_THAT(f.evidence,
              ElementsAre("condition Ready=Unknown (NodeStatusUnknown) since 2026-11-23T09:56:41Z: "
                          "Kubelet stopped posting node status.",
                          "last heartbeat 2026-11-23T09:55:58Z",
                          "Lease kube-node-lease/worker-1 last renewed 4m8s ago",
                          "Event NodeNotReady: Node worker-1 status is now: NodeNotReady"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl describe node worker-1"));
  EXPECT_THAT(f.nextSteps, Contains(HasSubstr("debug node/worker-1")));
}

TEST_F(ClusterCheckTest, ANodeWhoseKubeletReportsNotReady) {
  auto node = LoadFixture("cluster/node-ready.json");
  auto& ready = NodeCondition(node, "Ready");
  ready["status"] = "False";
  ready["reason"] = "KubeletNotReady";
  ready["message"] =
      "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady "
      "message:Network plugin returns error: cni plugin not initialized";
  ready["lastTransitionTime"] = "2026-11-23T09:40:12Z";
  view.Add(node);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0101");
  EXPECT_EQ(findings[0].message, "Node worker-1 is not Ready");
  EXPECT_THAT(findings[0].evidence[0], HasSubstr("cni plugin not initialized"));
}

TEST_F(ClusterCheckTest, PressureConditionsAreOneFindingPerNode) {
  auto node = LoadFixture("cluster/node-ready.json");
  auto& memory = NodeCondition(node, "MemoryPressure");
  memory["status"] = "True";
  memory["reason"] = "KubeletHasInsufficientMemory";
  memory["message"] = "kubelet has insufficient memory available";
  auto& disk = NodeCondition(node, "DiskPressure");
  disk["status"] = "True";
  disk["reason"] = "KubeletHasDiskPressure";
  disk["message"] = "kubelet has disk pressure";
  view.Add(node);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0102");
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_EQ(findings[0].message, "Node worker-1 has MemoryPressure, DiskPressure");
  EXPECT_EQ(findings[0].evidence.size(), 2u);
  EXPECT_THAT(findings[0].evidence[0], HasSubstr("KubeletHasInsufficientMemory"));
}

TEST_F(ClusterCheckTest, ACordonedNodeIsInformation) {
  auto node = LoadFixture("cluster/node-ready.json");
  node["spec"]["unschedulable"] = true;
  node["spec"]["taints"] = {{{"key", "node.kubernetes.io/unschedulable"},
                             {"effect", "NoSchedule"},
                             {"timeAdded", "2026-11-23T09:30:00Z"}}};
  view.Add(node);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0103");
  EXPECT_EQ(findings[0].severity, Severity::kInfo);
  EXPECT_THAT(
      findings[0].evidence,
      ElementsAre("spec.unschedulable: true", "taint node.kubernetes.io/unschedulable:NoSchedule"));
  EXPECT_THAT(findings[0].nextSteps, Contains("kubectl uncordon worker-1"));
}

TEST_F(ClusterCheckTest, AStaleLeaseOnANodeStillShownReady) {
  view.Add(LoadFixture("cluster/node-ready.json"));
  view.Add(LeaseRenewedAt("2026-11-23T09:58:50.000000Z"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0104");
  EXPECT_EQ(findings[0].message, "Node worker-1's kubelet has not renewed its lease for 1m10s");
  EXPECT_THAT(findings[0].nextSteps,
              Contains("kubectl -n kube-node-lease get lease worker-1 -o yaml"));

  // A longer threshold: the same lease is fresh enough.
  BuiltinCheckOptions options;
  options.nodeLeaseStaleAfter = std::chrono::minutes(2);
  EXPECT_TRUE(Run(ClusterRootCheck(options)).empty());
}

TEST_F(ClusterCheckTest, ANodeWithoutALeaseInTheViewIsNotStale) {
  view.Add(LoadFixture("cluster/node-ready.json"));
  view.AddKind("Lease");
  EXPECT_TRUE(Check().empty());
}

TEST_F(ClusterCheckTest, NetworkUnavailable) {
  auto node = LoadFixture("cluster/node-ready.json");
  auto& network = NodeCondition(node, "NetworkUnavailable");
  network["status"] = "True";
  network["reason"] = "NoRouteCreated";
  network["message"] = "Node created without a route";
  view.Add(node);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0105");
  EXPECT_THAT(findings[0].evidence[0], HasSubstr("NetworkUnavailable=True (NoRouteCreated)"));
}

TEST_F(ClusterCheckTest, FailingHealthEndpointsAreOneApiServerFinding) {
  signals.apiServer = {
      {"/readyz", false, "[-]etcd failed: reason withheld\n[-]informer-sync failed"},
      {"/livez", true, ""}};
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0110");
  EXPECT_EQ(findings[0].resource.kind, "APIServer");
  EXPECT_EQ(findings[0].message, "The API server's /readyz is failing");
  EXPECT_THAT(findings[0].evidence[0], HasSubstr("etcd failed"));
  EXPECT_THAT(findings[0].nextSteps, Contains("kubectl get --raw='/readyz?verbose'"));
}

TEST_F(ClusterCheckTest, SlowApiServer) {
  signals.apiLatency = std::chrono::milliseconds(2500);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0112");
  EXPECT_EQ(findings[0].severity, Severity::kWarning);
  EXPECT_EQ(findings[0].message,
            "The API server took 2.5s to answer a cheap request (threshold 1s)");
}

TEST_F(ClusterCheckTest, AnUnavailableAggregatedApi) {
  auto metrics = LoadFixture("cluster/apiservice-metrics.json");
  metrics["status"]["conditions"][0] = {
      {"type", "Available"},
      {"status", "False"},
      {"lastTransitionTime", "2026-11-23T09:31:02Z"},
      {"reason", "FailedDiscoveryCheck"},
      {"message",
       "failing or missing response from https://10.96.118.47:443/apis/metrics.k8s.io/v1beta1: "
       "Get \"https://10.96.118.47:443/apis/metrics.k8s.io/v1beta1\": dial tcp "
       "10.96.118.47:443: connect: connection refused"}};
  view.Add(metrics);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD0111");
  EXPECT_EQ(f.resource.name, "v1beta1.metrics.k8s.io");
  EXPECT_EQ(f.message, "Aggregated API v1beta1.metrics.k8s.io is not available");
  EXPECT_THAT(f.evidence[0], HasSubstr("Available=False (FailedDiscoveryCheck)"));
  EXPECT_EQ(f.evidence[1], "served by Service kube-system/metrics-server");
  EXPECT_THAT(f.nextSteps, ElementsAre("kubectl get apiservice v1beta1.metrics.k8s.io -o yaml",
                                       "kubectl -n kube-system get endpoints metrics-server",
                                       "kubectl -n kube-system get pods -o wide"));
}

}  // namespace
}  // namespace kdiag
