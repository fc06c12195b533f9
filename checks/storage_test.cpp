#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class StorageChecksTest : public CheckAreaTest {
 protected:
  std::vector<Finding> Run() { return CheckAreaTest::Run(StorageChecks(Options())); }
};

TEST_F(StorageChecksTest, ClaimsPendingForAClassOrAProvisionerAndLostClaims) {
  // Healthy: scratch (WaitForFirstConsumer, no pod yet), cache (Bound), logs (no class, gp3 is
  // the default), imported (storageClassName "": waits for a matching volume).
  view.AddAll(LoadFixture("storage/claims.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings), ElementsAre("KD4001 PersistentVolumeClaim/shop/data-premium",
                                          "KD4002 PersistentVolumeClaim/shop/uploads",
                                          "KD4005 PersistentVolumeClaim/shop/archive"));

  const auto& missing_class = Only(findings, "KD4001", "data-premium");
  EXPECT_EQ(missing_class.message,
            "PersistentVolumeClaim data-premium is Pending: StorageClass premium does not exist");
  EXPECT_THAT(
      missing_class.evidence,
      ElementsAre("spec.storageClassName: premium", "StorageClasses: gp3 (default), io2-immediate",
                  "Event ProvisioningFailed (x42): storageclass.storage.k8s.io "
                  "\"premium\" not found"));
  EXPECT_THAT(missing_class.nextSteps,
              ElementsAre("kubectl get storageclass", "kubectl -n shop describe pvc data-premium"));

  const auto& provisioning = Only(findings, "KD4002", "uploads");
  EXPECT_THAT(provisioning.message, HasSubstr("UnauthorizedOperation"));
  EXPECT_THAT(provisioning.evidence,
              Contains("StorageClass io2-immediate: provisioner ebs.csi.aws.com, "
                       "volumeBindingMode Immediate"));
  EXPECT_THAT(provisioning.nextSteps, Contains("kubectl get storageclass io2-immediate -o yaml"));

  const auto& lost = Only(findings, "KD4005", "archive");
  EXPECT_EQ(lost.message,
            "PersistentVolumeClaim archive is Lost: its PersistentVolume "
            "pvc-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a is gone");
  EXPECT_THAT(lost.nextSteps, Contains("kubectl get pv pvc-9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a"));
}

TEST_F(StorageChecksTest, AClaimWithoutAClassNeedsADefaultStorageClass) {
  auto list = LoadFixture("storage/claims.json");
  Item(list, "StorageClass", "gp3")["metadata"].erase("annotations");
  view.AddAll(list);
  const auto findings = Run();
  const auto& finding = Only(findings, "KD4001", "logs");
  EXPECT_EQ(finding.message,
            "PersistentVolumeClaim logs is Pending: it names no StorageClass and the cluster has "
            "no default StorageClass");
  EXPECT_THAT(finding.evidence, Contains("StorageClasses: gp3, io2-immediate"));
}

TEST_F(StorageChecksTest, AWaitForFirstConsumerClaimFailingOnceAPodUsesItIsReported) {
  auto list = LoadFixture("storage/claims.json");
  const auto& scratch = Item(list, "PersistentVolumeClaim", "scratch");
  view.AddAll(list);
  view.Add({{"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata",
             {{"name", "etl-0"},
              {"namespace", "shop"},
              {"uid", "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"},
              {"creationTimestamp", "2026-11-23T09:40:00Z"}}},
            {"spec",
             {{"containers", {{{"name", "etl"}, {"image", "registry.example.com/shop/etl:1.0"}}}},
              {"volumes",
               {{{"name", "scratch"}, {"persistentVolumeClaim", {{"claimName", "scratch"}}}}}}}},
            {"status", {{"phase", "Pending"}}}});
  view.Add({{"apiVersion", "v1"},
            {"kind", "Event"},
            {"metadata",
             {{"name", "scratch.187a2b3c4d5e6f70"},
              {"namespace", "shop"},
              {"uid", "5d6e7f80-91a2-4b3c-8d4e-5f6a7b8c9d0e"},
              {"creationTimestamp", "2026-11-23T09:41:00Z"}}},
            {"involvedObject",
             {{"apiVersion", "v1"},
              {"kind", "PersistentVolumeClaim"},
              {"namespace", "shop"},
              {"name", "scratch"},
              {"uid", scratch["metadata"]["uid"]}}},
            {"reason", "ProvisioningFailed"},
            {"message",
             "failed to provision volume with StorageClass \"gp3\": rpc error: code = "
             "ResourceExhausted desc = Could not create volume: VolumeLimitExceeded"},
            {"source", {{"component", "ebs.csi.aws.com_ebs-csi-controller-7b8c9d6f5-x2k4m"}}},
            {"firstTimestamp", "2026-11-23T09:41:00Z"},
            {"lastTimestamp", "2026-11-23T09:58:00Z"},
            {"count", 6},
            {"type", "Warning"}});
  EXPECT_THAT(Keys(Run()), Contains("KD4002 PersistentVolumeClaim/shop/scratch"));
}

TEST_F(StorageChecksTest, PodsWaitingForAClaimsVolumeToAttachOrMount) {
  // api's ConfigMap volume is the pods area's; worker got its volume after the old events.
  view.AddAll(LoadFixture("storage/pods.json"));
  const auto findings = Run();
  EXPECT_THAT(Keys(findings),
              ElementsAre("KD4003 Pod/shop/db-0", "KD4004 Pod/shop/db-0", "KD4004 Pod/shop/web-0"));

  const auto& attach = Only(findings, "KD4003", "db-0");
  EXPECT_THAT(attach.message, HasSubstr("Multi-Attach error"));
  EXPECT_THAT(attach.nextSteps,
              Contains("kubectl describe pv pvc-3f2a1b0c-9d8e-4f7a-b6c5-d4e3f2a1b0c9"));

  // By the pod's volume name in the kubelet's summary...
  const auto& unmounted = Only(findings, "KD4004", "db-0");
  EXPECT_EQ(unmounted.params.at("claim"), "data-db-0");
  EXPECT_THAT(unmounted.evidence,
              ElementsAre(HasSubstr("Event FailedMount (x13): Unable to attach or mount volumes: "
                                    "unmounted volumes=[data]")));
  // ...and by the bound PersistentVolume's name in the CSI driver's error.
  const auto& device = Only(findings, "KD4004", "web-0");
  EXPECT_THAT(device.message,
              HasSubstr("Volume www (PersistentVolumeClaim www-web-0) of pod web-0"));
  EXPECT_THAT(device.nextSteps, Contains("kubectl -n shop describe pvc www-web-0"));
}

TEST_F(StorageChecksTest, AHealthyNamespaceHasNoFinding) {
  auto list = LoadFixture("storage/claims.json");
  nlohmann::json healthy = nlohmann::json::array();
  for (const auto& item : list["items"]) {
    const auto name =
        Kind(item) == "Event" ? Name(item).substr(0, Name(item).find('.')) : Name(item);
    if (name != "data-premium" && name != "uploads" && name != "archive") healthy.push_back(item);
  }
  view.AddAll(healthy);
  EXPECT_THAT(Run(), IsEmpty());
}

}  // namespace
}  // namespace kdiag
