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

class ReleasesTest : public CheckAreaTest {
 protected:
  std::vector<Finding> Check() { return Run(ReleaseChecks({})); }

  // The next revision of release web as Helm writes it.
  static nlohmann::json WebRevision(int version, std::string status, std::string modified_at) {
    auto secret = LoadFixture("releases/helm-release-secrets.json")[1];
    secret["metadata"]["name"] = "sh.helm.release.v1.web.v" + std::to_string(version);
    secret["metadata"]["uid"] = "7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0" + std::to_string(version);
    secret["metadata"]["creationTimestamp"] = "2026-11-23T09:00:00Z";
    secret["metadata"]["labels"]["version"] = std::to_string(version);
    secret["metadata"]["labels"]["status"] = std::move(status);
    if (modified_at.empty()) {
      secret["metadata"]["labels"].erase("modifiedAt");
    } else {
      secret["metadata"]["labels"]["modifiedAt"] = std::move(modified_at);
    }
    return secret;
  }

  static nlohmann::json NotReady(nlohmann::json object, std::string reason, std::string message) {
    object["status"]["conditions"][0]["status"] = "False";
    object["status"]["conditions"][0]["reason"] = std::move(reason);
    object["status"]["conditions"][0]["message"] = std::move(message);
    object["status"]["conditions"][0]["lastTransitionTime"] = "2026-11-23T09:44:10Z";
    return object;
  }
};

TEST_F(ReleasesTest, DeployedReleasesHealthyApplicationsAndReadyResourcesGiveNoFinding) {
  view.AddAll(LoadFixture("releases/helm-release-secrets.json"));
  view.Add(LoadFixture("releases/flux-helmrelease.json"));
  view.Add(LoadFixture("releases/argo-application.json"));
  view.Add(LoadFixture("releases/certificate.json"));
  // An old failed revision does not matter once a newer one is deployed.
  view.Add(WebRevision(3, "failed", "1795420000"));
  view.Add(WebRevision(4, "deployed", "1795421000"));
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(ReleasesTest, AFailedLatestRevision) {
  view.AddAll(LoadFixture("releases/helm-release-secrets.json"));
  view.Add(WebRevision(3, "failed", "1795426200"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD6001");
  EXPECT_EQ(f.category, "releases");
  EXPECT_EQ(f.resource.kind, "Secret");
  EXPECT_EQ(f.resource.name, "sh.helm.release.v1.web.v3");
  EXPECT_EQ(f.message, "Helm release web revision 3 failed");
  EXPECT_THAT(f.evidence, ElementsAre("Secret sh.helm.release.v1.web.v3: status failed, revision "
                                      "3, modified 2026-11-23T09:30:00Z",
                                      "last deployed revision 2"));
  EXPECT_THAT(f.nextSteps, ElementsAre("helm -n shop history web", "helm -n shop status web",
                                       "helm -n shop rollback web 2"));
}

TEST_F(ReleasesTest, AReleasePendingForLong) {
  view.AddAll(LoadFixture("releases/helm-release-secrets.json"));
  view.Add(WebRevision(3, "pending-upgrade", "1795426200"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD6002");
  EXPECT_EQ(findings[0].message, "Helm release web has been pending-upgrade for 30m");
  EXPECT_THAT(findings[0].nextSteps, Contains("helm -n shop rollback web 2"));
}

TEST_F(ReleasesTest, AReleasePendingBrieflyIsInProgress) {
  view.Add(WebRevision(1, "pending-install", "1795427400"));
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(ReleasesTest, WithoutModifiedAtThePendingTimeIsTheSecretsCreation) {
  view.Add(WebRevision(1, "pending-install", ""));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message, "Helm release web has been pending-install for 1h");
  // Nothing was ever deployed: no rollback to suggest.
  EXPECT_THAT(findings[0].nextSteps, ::testing::Not(Contains(HasSubstr("rollback"))));
}

TEST_F(ReleasesTest, AHelmReleaseFilterSelectsTheReleasesOwnSecrets) {
  view.AddAll(LoadFixture("releases/helm-release-secrets.json"));
  view.Add(WebRevision(3, "failed", "1795426200"));
  scope.filters.helmRelease = "web";
  EXPECT_EQ(Check().size(), 1u);
  scope.filters.helmRelease = "worker";
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(ReleasesTest, AFluxHelmReleaseDeployingIntoTheNamespaceIsNotReady) {
  auto release = NotReady(LoadFixture("releases/flux-helmrelease.json"), "UpgradeFailed",
                          "Helm upgrade failed for release shop/api with chart api@1.8.3: "
                          "context deadline exceeded");
  release["status"]["conditions"][1] = {
      {"type", "Released"},
      {"status", "False"},
      {"observedGeneration", 8},
      {"lastTransitionTime", "2026-11-23T09:44:10Z"},
      {"reason", "UpgradeFailed"},
      {"message",
       "Helm upgrade failed for release shop/api with chart api@1.8.3: context "
       "deadline exceeded"}};
  release["status"]["lastAttemptedRevision"] = "1.8.3";
  view.Add(release);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD6003");
  EXPECT_EQ(f.resource.ns, "flux-system");
  EXPECT_EQ(f.message, "Flux HelmRelease shop-api is not ready (UpgradeFailed)");
  EXPECT_EQ(f.evidence.size(), 3u);
  EXPECT_THAT(f.evidence[0], HasSubstr("Ready=False (UpgradeFailed)"));
  EXPECT_EQ(f.evidence[2], "last attempted chart version 1.8.3");
  EXPECT_EQ(f.params.at("release"), "api");
  EXPECT_THAT(f.nextSteps, Contains("flux -n flux-system get helmreleases shop-api"));

  // Diagnosing another namespace: not in scope.
  scope.ns = "billing";
  EXPECT_THAT(Check(), IsEmpty());
}

TEST_F(ReleasesTest, ADegradedArgoApplication) {
  auto app = LoadFixture("releases/argo-application.json");
  app["status"]["health"] = {{"status", "Degraded"},
                             {"message", "Deployment \"frontend\" exceeded its progress deadline"}};
  app["status"]["resources"][0]["health"] = app["status"]["health"];
  view.Add(app);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD6004");
  EXPECT_EQ(f.message, "Argo CD Application shop-frontend is Degraded");
  EXPECT_THAT(f.evidence, Contains("health Degraded: Deployment \"frontend\" exceeded its "
                                   "progress deadline"));
  EXPECT_THAT(f.evidence, Contains("Deployment shop/frontend: Degraded Deployment \"frontend\" "
                                   "exceeded its progress deadline"));
  EXPECT_THAT(f.nextSteps, Contains("argocd app get shop-frontend"));
}

TEST_F(ReleasesTest, AnArgoApplicationOutOfSyncIsOnlyAProblemWhenItsSyncFailed) {
  auto app = LoadFixture("releases/argo-application.json");
  app["status"]["sync"]["status"] = "OutOfSync";
  view.Add(app);
  EXPECT_THAT(Check(), IsEmpty());

  app["status"]["operationState"]["phase"] = "Failed";
  app["status"]["operationState"]["message"] =
      "one or more objects failed to apply, reason: Deployment.apps \"frontend\" is invalid: "
      "spec.template.spec.containers[0].image: Required value";
  app["status"]["conditions"] = {{{"type", "SyncError"},
                                  {"message",
                                   "Failed sync attempt to 9f1c2e3: one or more objects "
                                   "failed to apply"},
                                  {"lastTransitionTime", "2026-11-23T09:51:00Z"}}};
  MemoryClusterView failed;
  failed.Add(app);
  Pipeline pipeline({ReleaseChecks({})}, {});
  const auto findings = pipeline.Run(CheckContext(failed, scope, now, signals, nullptr)).findings;
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].message,
            "Argo CD Application shop-frontend is OutOfSync: its last sync failed");
  EXPECT_THAT(findings[0].evidence,
              Contains(HasSubstr("last operation Failed: one or more objects")));
  EXPECT_THAT(findings[0].evidence,
              Contains(HasSubstr("condition SyncError: Failed sync attempt")));
}

TEST_F(ReleasesTest, AnyCustomResourceNotReady) {
  view.Add(NotReady(LoadFixture("releases/certificate.json"), "Failed",
                    "The certificate request has failed to complete and will be retried: Failed "
                    "to wait for order resource \"shop-tls-1-1844416154\" to become ready"));
  // Built-in kinds have their own checks, even with a Ready condition.
  auto claim = NotReady(LoadFixture("releases/certificate.json"), "Failed", "");
  claim["apiVersion"] = "v1";
  claim["kind"] = "PersistentVolumeClaim";
  claim["metadata"]["uid"] = "6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d";
  view.Add(claim);
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD6005");
  EXPECT_EQ(f.resource.kind, "Certificate");
  EXPECT_EQ(f.message, "Certificate shop-tls is not ready (Failed)");
  EXPECT_THAT(f.nextSteps,
              Contains("kubectl -n shop describe Certificate.cert-manager.io shop-tls"));
}

}  // namespace
}  // namespace kdiag
