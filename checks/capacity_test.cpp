#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/builtin_checks.h"
#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class CapacityTest : public CheckAreaTest {
 protected:
  std::vector<Finding> Check() { return Run(CapacityChecks({})); }

  static nlohmann::json WithCondition(nlohmann::json object, nlohmann::json condition) {
    for (auto& existing : object["status"]["conditions"]) {
      if (existing["type"] == condition["type"]) existing = condition;
    }
    return object;
  }
};

TEST_F(CapacityTest, HealthyQuotaBudgetAndAutoscalerAtItsMinimumGiveNoFinding) {
  view.Add(LoadFixture("capacity/resourcequota.json"));
  view.Add(LoadFixture("capacity/pdb.json"));
  view.Add(LoadFixture("capacity/hpa.json"));
  auto rs = LoadFixture("capacity/replicaset.json");
  rs["status"] = {{"replicas", 3}, {"readyReplicas", 3}, {"availableReplicas", 3}};
  view.Add(rs);
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(CapacityTest, AQuotaUsedUpForAResource) {
  auto quota = LoadFixture("capacity/resourcequota.json");
  quota["status"]["used"]["pods"] = "10";
  quota["status"]["used"]["limits.memory"] = "8192Mi";
  view.Add(quota);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5001");
  EXPECT_EQ(f.category, "capacity");
  EXPECT_EQ(f.message, "ResourceQuota compute is used up for limits.memory, pods");
  // A zero quota forbids load balancers on purpose: not reported.
  EXPECT_THAT(f.evidence, ElementsAre("limits.memory: used 8192Mi of 8Gi", "pods: used 10 of 10"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop describe resourcequota compute"));
}

TEST_F(CapacityTest, PodsRejectedByALimitRangeAreReportedOnTheirController) {
  view.Add(LoadFixture("capacity/replicaset.json"));
  view.AddAll(LoadFixture("capacity/replicaset-events.json"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5002");
  EXPECT_EQ(f.resource.kind, "ReplicaSet");
  EXPECT_EQ(f.resource.name, "web-5f7d8c9b4");
  EXPECT_EQ(f.message, "ReplicaSet web-5f7d8c9b4 cannot create pods: a LimitRange rejects them");
  EXPECT_THAT(f.evidence[0], HasSubstr("Event FailedCreate (x14): Error creating: pods "));
  EXPECT_THAT(f.evidence[0], HasSubstr("maximum cpu usage per Container is 500m, but limit is 1"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop describe ReplicaSet web-5f7d8c9b4"));
}

TEST_F(CapacityTest, ARejectionTheControllerGotPastOrAQuotaRejectionIsNotALimitRangeFinding) {
  view.Add(LoadFixture("capacity/replicaset.json"));
  auto events = LoadFixture("capacity/replicaset-events.json");
  auto created = events[0];
  created["metadata"]["name"] = "web-5f7d8c9b4.1879cf9a8b7c6d5e";
  created["reason"] = "SuccessfulCreate";
  created["type"] = "Normal";
  created["message"] = "Created pod: web-5f7d8c9b4-p9v2m";
  created["firstTimestamp"] = created["lastTimestamp"] = "2026-11-23T09:59:01Z";
  created["count"] = 1;
  view.AddAll(nlohmann::json::array({events[0], created}));
  EXPECT_THAT(Check(), IsEmpty());

  MemoryClusterView quota_view;
  quota_view.Add(LoadFixture("capacity/replicaset.json"));
  events[0]["message"] =
      "Error creating: pods \"web-5f7d8c9b4-xk2lq\" is forbidden: exceeded quota: compute, "
      "requested: pods=1, used: pods=10, limited: pods=10";
  quota_view.AddAll(events);
  Pipeline pipeline({CapacityChecks({})}, {});
  EXPECT_THAT(pipeline.Run(CheckContext(quota_view, scope, now, signals, nullptr)).findings,
              IsEmpty());
}

TEST_F(CapacityTest, ABudgetRequiringEveryPodBlocksDrains) {
  auto pdb = LoadFixture("capacity/pdb.json");
  pdb["spec"]["minAvailable"] = 3;
  pdb["status"]["desiredHealthy"] = 3;
  pdb["status"]["disruptionsAllowed"] = 0;
  pdb["status"]["conditions"][0] = {{"type", "DisruptionAllowed"},
                                    {"status", "False"},
                                    {"lastTransitionTime", "2026-11-23T08:00:12Z"},
                                    {"reason", "InsufficientPods"},
                                    {"message", ""},
                                    {"observedGeneration", 2}};
  view.Add(pdb);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5003");
  EXPECT_EQ(f.message,
            "PodDisruptionBudget web allows no disruptions: it requires all 3 pods to stay "
            "healthy, so no node running them can be drained");
  EXPECT_THAT(f.evidence, ElementsAre("spec.minAvailable: 3",
                                      "status: currentHealthy 3, desiredHealthy 3, expectedPods 3, "
                                      "disruptionsAllowed 0",
                                      "condition DisruptionAllowed=False (InsufficientPods) since "
                                      "2026-11-23T08:00:12Z"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get pods -l app=web"));
}

TEST_F(CapacityTest, ABudgetWithUnhealthyPodsSaysSo) {
  auto pdb = LoadFixture("capacity/pdb.json");
  pdb["spec"] = {{"maxUnavailable", "10%"}, {"selector", {{"matchLabels", {{"app", "web"}}}}}};
  pdb["status"]["currentHealthy"] = 2;
  pdb["status"]["desiredHealthy"] = 3;
  pdb["status"]["disruptionsAllowed"] = 0;
  view.Add(pdb);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "PodDisruptionBudget web allows no disruptions: 2 of 3 pods healthy, 3 required");
  EXPECT_EQ(findings[0].evidence[0], "spec.maxUnavailable: 10%");
}

TEST_F(CapacityTest, ABudgetWithoutPodsBlocksNothing) {
  auto pdb = LoadFixture("capacity/pdb.json");
  pdb["status"] = {{"currentHealthy", 0},
                   {"desiredHealthy", 2},
                   {"disruptionsAllowed", 0},
                   {"expectedPods", 0},
                   {"observedGeneration", 1}};
  view.Add(pdb);
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(CapacityTest, AnAutoscalerThatCannotReadItsMetrics) {
  auto hpa = WithCondition(
      LoadFixture("capacity/hpa.json"),
      {{"type", "ScalingActive"},
       {"status", "False"},
       {"lastTransitionTime", "2026-11-23T09:31:07Z"},
       {"reason", "FailedGetResourceMetric"},
       {"message",
        "the HPA was unable to compute the replica count: failed to get cpu utilization: unable "
        "to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the "
        "server could not find the requested resource (get pods.metrics.k8s.io)"}});
  hpa["status"].erase("currentMetrics");
  view.Add(hpa);
  view.AddAll(LoadFixture("capacity/hpa-events.json"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5010");
  EXPECT_EQ(f.message, "HPA web cannot read its metrics and does not scale Deployment/web");
  EXPECT_THAT(f.evidence[0], HasSubstr("ScalingActive=False (FailedGetResourceMetric)"));
  EXPECT_THAT(f.evidence[1], HasSubstr("Event FailedGetResourceMetric (x113): failed to get cpu"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop describe hpa web"));
}

TEST_F(CapacityTest, AnAutoscalerWithoutItsTarget) {
  auto hpa = WithCondition(LoadFixture("capacity/hpa.json"),
                           {{"type", "AbleToScale"},
                            {"status", "False"},
                            {"lastTransitionTime", "2026-11-23T09:12:40Z"},
                            {"reason", "FailedGetScale"},
                            {"message",
                             "the HPA controller was unable to get the target's current scale: "
                             "deployments/scale.apps \"web\" not found"}});
  view.Add(hpa);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5011");
  EXPECT_EQ(f.message, "HPA web cannot scale Deployment/web: the target cannot be read");
  EXPECT_THAT(f.evidence, Contains("Deployment/web does not exist in shop"));
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n shop get Deployment/web"));
}

TEST_F(CapacityTest, AnAutoscalerPinnedAtItsMaximum) {
  auto hpa = WithCondition(LoadFixture("capacity/hpa.json"),
                           {{"type", "ScalingLimited"},
                            {"status", "True"},
                            {"lastTransitionTime", "2026-11-23T08:47:02Z"},
                            {"reason", "TooManyReplicas"},
                            {"message",
                             "the desired replica count is more than the maximum "
                             "replica count"}});
  hpa["status"]["currentReplicas"] = 10;
  hpa["status"]["desiredReplicas"] = 10;
  view.Add(hpa);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD5012");
  EXPECT_EQ(f.message, "HPA web keeps Deployment/web at its maximum of 10 replicas");
  EXPECT_EQ(f.evidence[0], "currentReplicas 10, desiredReplicas 10, maxReplicas 10");
  EXPECT_THAT(f.evidence[1], HasSubstr("ScalingLimited=True (TooManyReplicas)"));
}

}  // namespace
}  // namespace kdiag
