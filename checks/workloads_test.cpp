#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class WorkloadChecksTest : public CheckAreaTest {
 protected:
  std::vector<Finding> Run() { return CheckAreaTest::Run(WorkloadChecks(Options())); }
};

TEST_F(WorkloadChecksTest, DeploymentsStuckOrShortOfReplicasForLong) {
  // web: ProgressDeadlineExceeded. cart: both pods unready for 30 minutes. Healthy: api
  // (complete), checkout (mid-rollout within its deadline), reports (scaled to zero), search
  // (scaled up two minutes ago), ledger (new spec not yet observed).
  view.AddAll(LoadFixture("workloads/deployments.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD2001 Deployment/shop/web", "KD2002 Deployment/shop/cart"));

  const auto& stuck = Only(findings, "KD2001", "web");
  EXPECT_EQ(stuck.severity, Severity::kCritical);
  EXPECT_EQ(stuck.category, "workloads");
  EXPECT_EQ(stuck.message, "The rollout of Deployment web made no progress for 600s and stopped");
  EXPECT_THAT(stuck.evidence, Contains("condition Progressing=False (ProgressDeadlineExceeded) "
                                       "since 2026-11-23T09:12:00Z: ReplicaSet "
                                       "\"web-7c9f8d6b5\" has timed out progressing."));
  EXPECT_THAT(stuck.nextSteps,
              ElementsAre("kubectl -n shop rollout status deployment/web",
                          "kubectl -n shop describe replicaset web-7c9f8d6b5",
                          "kubectl -n shop get pods -l pod-template-hash=7c9f8d6b5",
                          "kubectl -n shop rollout undo deployment/web"));
  EXPECT_FALSE(stuck.docs.empty());

  const auto& unavailable = Only(findings, "KD2002", "cart");
  EXPECT_EQ(unavailable.message, "Deployment cart has 2 of 2 replicas unavailable");
  EXPECT_THAT(unavailable.evidence,
              Contains("condition Available=False (MinimumReplicasUnavailable) since "
                       "2026-11-23T09:30:00Z: Deployment does "
                       "not have minimum availability."));
  EXPECT_THAT(unavailable.evidence,
              Contains("pod cart-84d5f9c7b-b7c8d not Ready for 30m (ContainersNotReady: "
                       "containers with unready status: [app])"));
  EXPECT_THAT(unavailable.nextSteps, Contains("kubectl -n shop describe pod cart-84d5f9c7b-b7c8d"));
}

TEST_F(WorkloadChecksTest, AScaleUpStillBelowItsMinimumAfterTheGracePeriodIsReported) {
  auto list = LoadFixture("workloads/deployments.json");
  // search below its minimum availability for half an hour rather than two minutes.
  auto& search = Item(list, "Deployment", "search");
  search["status"]["conditions"][1]["lastTransitionTime"] = "2026-11-23T09:30:00Z";
  view.AddAll(list);
  EXPECT_THAT(Keys(Run()), Contains("KD2002 Deployment/shop/search"));
}

TEST_F(WorkloadChecksTest, ReplicaSetCreateFailuresBySplitCause) {
  // frontend's FailedCreate events are an hour old and its pods exist: no finding.
  view.AddAll(LoadFixture("workloads/replicasets.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings), ElementsAre("KD2003 ReplicaSet/shop/worker-6d4b8c7f9",
                                          "KD2004 ReplicaSet/shop/admin-7f6d5c4b3",
                                          "KD2005 ReplicaSet/shop/ui-5b6c7d8e9",
                                          "KD2006 ReplicaSet/shop/mailer-6f7d8c9b5"));

  const auto& quota = Only(findings, "KD2003", "worker-6d4b8c7f9");
  EXPECT_THAT(quota.message, HasSubstr("exceeded quota: compute-resources"));
  EXPECT_THAT(quota.evidence,
              Contains(HasSubstr("condition ReplicaFailure=True (FailedCreate) since ")));
  EXPECT_THAT(quota.evidence,
              Contains("Event FailedCreate (x14): Error creating: pods \"worker-6d4b8c7f9-7xk2m\" "
                       "is forbidden: exceeded quota: compute-resources, requested: "
                       "limits.cpu=2, used: limits.cpu=8, limited: limits.cpu=8"));
  EXPECT_THAT(quota.nextSteps,
              Contains("kubectl -n shop describe resourcequota compute-resources"));
  ASSERT_TRUE(quota.owner);
  EXPECT_EQ(quota.owner->kind, "Deployment");
  EXPECT_EQ(quota.owner->name, "worker");

  EXPECT_THAT(Only(findings, "KD2004", "admin-7f6d5c4b3").message,
              HasSubstr("violates PodSecurity \"restricted:latest\""));
  EXPECT_THAT(Only(findings, "KD2005", "ui-5b6c7d8e9").nextSteps,
              Contains(HasSubstr("grep validate.kyverno.svc-fail")));
  EXPECT_THAT(Only(findings, "KD2006", "mailer-6f7d8c9b5").message,
              HasSubstr("serviceaccount \"mailer\" not found"));
}

TEST_F(WorkloadChecksTest, StatefulSetsNotReady) {
  // db: db-1 unready for 40 minutes. vault: cannot create vault-0. Healthy: cache (rolling
  // update, its new pod started a minute ago), queue (OnDelete: revisions differ on purpose).
  view.AddAll(LoadFixture("workloads/statefulsets.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD2010 StatefulSet/shop/db", "KD2010 StatefulSet/shop/vault"));
  const auto& db = Only(findings, "KD2010", "db");
  EXPECT_EQ(db.message, "StatefulSet db has 1 of 3 replicas ready");
  EXPECT_THAT(db.evidence, Contains(HasSubstr("pod db-1 not Ready for 40m")));
  EXPECT_THAT(db.nextSteps, Contains("kubectl -n shop describe pod db-1"));
  EXPECT_THAT(Only(findings, "KD2010", "vault").evidence,
              Contains(HasSubstr("Event FailedCreate (x23): create Pod vault-0 in StatefulSet "
                                 "vault failed error")));
}

TEST_F(WorkloadChecksTest, DaemonSetsNotReadyOrNotScheduled) {
  // node-exporter: a pod unready for 75 minutes. fluent-bit: a node without its pod, quota.
  // Healthy: log-agent, gpu-device-plugin (no node to run on), net-agent (rolling update).
  view.AddAll(LoadFixture("workloads/daemonsets.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings), ElementsAre("KD2011 DaemonSet/shop/fluent-bit",
                                          "KD2011 DaemonSet/shop/node-exporter"));
  EXPECT_EQ(Only(findings, "KD2011", "fluent-bit").message,
            "DaemonSet fluent-bit runs 2 of 3 pods, 2 ready, 1 unavailable");
  EXPECT_THAT(Only(findings, "KD2011", "fluent-bit").evidence,
              Contains(HasSubstr("Event FailedCreate (x31): Error creating: pods")));
  EXPECT_THAT(Only(findings, "KD2011", "node-exporter").nextSteps,
              Contains("kubectl -n shop describe pod node-exporter-r2t6v"));
}

TEST_F(WorkloadChecksTest, FailedJobsAndCronJobs) {
  // Jobs of CronJobs are judged by their CronJob's last run: hourly-sync's old failure is
  // history; seed completed.
  view.AddAll(LoadFixture("workloads/jobs.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD2020 Job/shop/migrate", "KD2021 Job/shop/export",
                          "KD2022 Job/shop/index-build", "KD2030 CronJob/shop/nightly-backup",
                          "KD2031 CronJob/shop/cleanup"));

  const auto& backoff = Only(findings, "KD2020", "migrate");
  EXPECT_EQ(backoff.message, "Job migrate failed: Job has reached the specified backoff limit");
  EXPECT_THAT(backoff.evidence, Contains("0 succeeded, 7 failed, 0 active; backoffLimit 6"));
  EXPECT_THAT(backoff.evidence,
              Contains("Event BackoffLimitExceeded: Job has reached the specified backoff limit"));
  // The pod that failed last has the logs to read.
  EXPECT_THAT(backoff.nextSteps, Contains("kubectl -n shop logs migrate-z8w4n"));

  EXPECT_THAT(Only(findings, "KD2022", "index-build").evidence,
              Contains(HasSubstr("condition Failed=True (PodFailurePolicy) since ")));

  const auto& cron = Only(findings, "KD2030", "nightly-backup");
  EXPECT_THAT(cron.message, HasSubstr("Job nightly-backup-29923320, failed"));
  EXPECT_THAT(cron.nextSteps, Contains("kubectl -n shop logs job/nightly-backup-29923320"));
  const auto& suspended = Only(findings, "KD2031", "cleanup");
  EXPECT_EQ(suspended.severity, Severity::kInfo);
  EXPECT_THAT(suspended.evidence, Contains("spec.suspend: true"));
}

TEST_F(WorkloadChecksTest, AHealthyNamespaceHasNoFinding) {
  auto list = LoadFixture("workloads/jobs.json");
  Item(list, "CronJob", "cleanup")["spec"]["suspend"] = false;
  nlohmann::json healthy = nlohmann::json::array();
  for (const auto& item : list["items"]) {
    const auto name = std::string(Name(item));
    if (name == "seed" || name.starts_with("hourly-sync") || name == "cleanup") {
      healthy.push_back(item);
    }
  }
  view.AddAll(healthy);
  EXPECT_THAT(Run(), IsEmpty());
}

}  // namespace
}  // namespace kdiag
