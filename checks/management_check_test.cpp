#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "checks/builtin_checks.h"
#include "checks/check_test_support.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

CheckCode CrashLoopCode() {
  return {"KD1011", "Container crash-looping", Severity::kCritical, "pods", "", {}, {}};
}

// A namespace check standing in for the pod checks: a pod that is not Ready is crash-looping.
CheckDefinition NotReadyPods() {
  return {
      "pods", Stage::kNamespace, {CrashLoopCode()}, [](const CheckContext& ctx, FindingSink& sink) {
        for (const auto& pod : ctx.InScope("Pod")) {
          if (!ConditionTrue(*pod, "Ready")) sink.Add("KD1011", *pod);
        }
      }};
}

class ManagementCheckTest : public CheckAreaTest {
 protected:
  ManagementCheckTest() {
    view.Add(LoadFixture("management/coredns.json"));
    view.AddKind("DaemonSet");
    view.AddKind("Pod");
  }

  std::vector<Finding> Check(std::vector<CheckDefinition> namespace_checks = {NotReadyPods()}) {
    return Run(ManagementNamespacesRootCheck(options, std::move(namespace_checks)));
  }

  static nlohmann::json Unavailable(nlohmann::json deployment) {
    deployment["status"]["availableReplicas"] = 1;
    deployment["status"]["readyReplicas"] = 1;
    deployment["status"]["unavailableReplicas"] = 1;
    return deployment;
  }

  BuiltinCheckOptions options;
};

TEST_F(ManagementCheckTest, HealthyAddonsAndPodsGiveNoFinding) {
  view.Add(LoadFixture("management/calico-node.json"));
  const auto result = RunPipeline(ManagementNamespacesRootCheck(options, {NotReadyPods()}));
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_EQ(result.checkpoints[0].name, "management-namespaces");
  EXPECT_EQ(result.checkpoints[0].stage, Stage::kRoot);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
}

TEST_F(ManagementCheckTest, ItsCodesAreTheAddonCodesAndThoseOfTheNamespaceChecks) {
  const auto check = ManagementNamespacesRootCheck(options, {NotReadyPods()});
  std::vector<std::string> codes;
  for (const auto& code : check.codes) codes.push_back(code.code);
  EXPECT_THAT(codes, ElementsAre("KD0201", "KD0202", "KD1011"));
  EXPECT_EQ(check.codes[0].category, "addons");
}

TEST_F(ManagementCheckTest, NamespaceChecksRunOverTheManagementNamespacesUnfiltered) {
  auto broken = LoadFixture("management/coredns-pod-crashing.json");
  view.Add(broken);
  auto app_pod = broken;
  app_pod["metadata"]["namespace"] = "shop";
  app_pod["metadata"]["name"] = "web-1";
  app_pod["metadata"]["uid"] = "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
  view.Add(app_pod);
  // The Diagnosis' filters are for its own namespace; the management namespaces are whole.
  scope.filters.names = {"web"};
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD1011");
  EXPECT_EQ(findings[0].resource.ns, "kube-system");
  EXPECT_EQ(findings[0].resource.name, "coredns-7c65d6cfc9-x8kqp");

  scope.managementNamespaces = {"kube-system", "shop"};
  EXPECT_EQ(Check().size(), 2u);
}

TEST_F(ManagementCheckTest, AnAddonShortOfReplicasIsUnhealthyAndNamesItsPods) {
  view.Add(Unavailable(LoadFixture("management/coredns.json")));
  view.Add(LoadFixture("management/coredns-replicaset.json"));
  view.Add(LoadFixture("management/coredns-pod-crashing.json"));
  const auto findings = Check({});
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD0202");
  EXPECT_EQ(f.category, "addons");
  EXPECT_EQ(f.resource.kind, "Deployment");
  EXPECT_EQ(f.resource.name, "coredns");
  EXPECT_EQ(f.message,
            "Addon coredns (Deployment kube-system/coredns) has 1 of 2 replicas available");
  EXPECT_THAT(f.evidence,
              ElementsAre("1 of 2 replicas available",
                          "pod coredns-7c65d6cfc9-x8kqp on worker-2: not ready, container "
                          "coredns waiting CrashLoopBackOff"));
  EXPECT_EQ(f.params.at("addon"), "coredns");
  EXPECT_EQ(f.params.at("app"), "coredns");
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n kube-system get pods -l k8s-app=kube-dns -o wide"));
}

TEST_F(ManagementCheckTest, TheCrashingPodIsTheRootCauseOfTheUnhealthyAddon) {
  view.Add(Unavailable(LoadFixture("management/coredns.json")));
  view.Add(LoadFixture("management/coredns-replicaset.json"));
  view.Add(LoadFixture("management/coredns-pod-crashing.json"));
  const auto findings = Check();
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].code, "KD1011");
  EXPECT_TRUE(findings[0].rootCause);
  EXPECT_EQ(findings[1].code, "KD0202");
  EXPECT_FALSE(findings[1].rootCause);
}

TEST_F(ManagementCheckTest, ARolloutThatKeepsTheAddonAvailableIsNotAProblem) {
  auto rolling = Unavailable(LoadFixture("management/coredns.json"));
  rolling["status"]["conditions"][1]["reason"] = "ReplicaSetUpdated";
  rolling["status"]["conditions"][1]["message"] =
      "ReplicaSet \"coredns-6f8b9d4c5d\" is progressing.";
  view.Add(rolling);
  EXPECT_THAT(Check({}), IsEmpty());
}

TEST_F(ManagementCheckTest, ADaemonSetAddonWithUnreadyPods) {
  auto calico = LoadFixture("management/calico-node.json");
  calico["status"]["numberReady"] = 2;
  calico["status"]["numberAvailable"] = 2;
  calico["status"]["numberUnavailable"] = 1;
  view.Add(calico);
  const auto findings = Check({});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0202");
  EXPECT_EQ(findings[0].resource.ns, "calico-system");
  EXPECT_EQ(findings[0].message,
            "Addon calico-node (DaemonSet calico-system/calico-node) has 2 of 3 scheduled pods "
            "ready");
  EXPECT_EQ(findings[0].params.at("addon"), "calico-node");
}

TEST_F(ManagementCheckTest, ARequiredAddonMissingIsAFindingAnOptionalOneIsNot) {
  MemoryClusterView empty;
  empty.AddKind("Deployment");
  empty.AddKind("DaemonSet");
  Pipeline pipeline({ManagementNamespacesRootCheck(options, {})}, {});
  const auto findings = pipeline.Run(CheckContext(empty, scope, now, signals, nullptr)).findings;
  ASSERT_EQ(findings.size(), 1u);
  const auto& f = findings[0];
  EXPECT_EQ(f.code, "KD0201");
  EXPECT_EQ(f.resource.kind, "Deployment");
  EXPECT_EQ(f.resource.ns, "kube-system");
  EXPECT_EQ(f.resource.name, "coredns");
  EXPECT_EQ(f.message,
            "Required addon coredns is not installed: no Deployment in kube-system with labels "
            "k8s-app=kube-dns");
  EXPECT_THAT(f.nextSteps, Contains("kubectl -n kube-system get Deployment -l k8s-app=kube-dns"));
}

TEST_F(ManagementCheckTest, AViewWithoutTheKindCannotTellAnAddonIsMissing) {
  MemoryClusterView pods_only;
  pods_only.AddKind("Pod");
  Pipeline pipeline({ManagementNamespacesRootCheck(options, {})}, {});
  EXPECT_THAT(pipeline.Run(CheckContext(pods_only, scope, now, signals, nullptr)).findings,
              IsEmpty());
}

TEST_F(ManagementCheckTest, AlternativeSpecsFindAnAddonOnce) {
  auto autoscaler = LoadFixture("management/coredns.json");
  autoscaler["metadata"]["name"] = "cluster-autoscaler";
  autoscaler["metadata"]["uid"] = "4d5e6f70-8192-4a3b-bc4d-5e6f70819203";
  // Labelled as both alternatives match.
  autoscaler["metadata"]["labels"] = {{"app", "cluster-autoscaler"},
                                      {"app.kubernetes.io/name", "cluster-autoscaler"}};
  autoscaler["spec"]["replicas"] = 1;
  autoscaler["status"] = {{"replicas", 1}, {"unavailableReplicas", 1}};
  view.Add(autoscaler);
  const auto findings = Check({});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0202");
  EXPECT_EQ(findings[0].params.at("addon"), "cluster-autoscaler");
}

TEST_F(ManagementCheckTest, AnAddonNamedInTheConfigurationIsFoundByName) {
  AddonSpec ingress;
  ingress.name = "ingress-nginx";
  ingress.ns = "ingress-nginx";
  ingress.objectName = "ingress-nginx-controller";
  ingress.loggingName = "nginx-ingress";
  ingress.required = true;
  options.addons = {ingress};
  auto findings = Check({});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0201");
  EXPECT_EQ(findings[0].resource.name, "ingress-nginx-controller");
  EXPECT_EQ(findings[0].params.at("app"), "nginx-ingress");

  auto controller = Unavailable(LoadFixture("management/coredns.json"));
  controller["metadata"]["name"] = "ingress-nginx-controller";
  controller["metadata"]["namespace"] = "ingress-nginx";
  controller["metadata"]["labels"] = {{"app.kubernetes.io/name", "ingress-nginx"}};
  view.Add(controller);
  findings = Check({});
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].code, "KD0202");
  EXPECT_EQ(findings[0].params.at("app"), "nginx-ingress");
}

TEST_F(ManagementCheckTest, AFailingNamespaceCheckIsAnErrorThatKeepsTheAddonFindings) {
  view.Add(Unavailable(LoadFixture("management/coredns.json")));
  CheckDefinition failing{
      "pods", Stage::kNamespace, {CrashLoopCode()}, [](const CheckContext&, FindingSink&) {
        throw std::runtime_error("cannot read pods");
      }};
  const auto result = RunPipeline(ManagementNamespacesRootCheck(options, {failing}));
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].code, "KD0202");
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_EQ(result.checkpoints[0].message, "pods: cannot read pods");
}

TEST(DefaultAddons, OnlyCoreDnsIsRequired) {
  std::set<std::string> required;
  std::set<std::string> names;
  for (const auto& addon : DefaultAddons()) {
    names.insert(addon.name);
    if (addon.required) required.insert(addon.name);
    EXPECT_FALSE(addon.selector.Empty()) << addon.name;
    EXPECT_EQ(addon.loggingName, addon.name);
  }
  EXPECT_THAT(required, ElementsAre("coredns"));
  EXPECT_THAT(names,
              ElementsAre("aws-node", "calico-node", "cilium", "cluster-autoscaler", "coredns",
                          "external-dns", "kube-flannel", "kube-proxy", "metrics-server"));
}

}  // namespace
}  // namespace kdiag
