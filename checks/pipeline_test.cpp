#include "checks/pipeline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

#include "checks/memory_cluster_view.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

nlohmann::json Object(std::string kind, std::string ns, std::string name, std::string uid) {
  return {{"apiVersion", kind == "Deployment" || kind == "ReplicaSet" ? "apps/v1" : "v1"},
          {"kind", kind},
          {"metadata", {{"name", name}, {"namespace", ns}, {"uid", uid}}}};
}

nlohmann::json OwnedBy(nlohmann::json object, const nlohmann::json& owner) {
  object["metadata"]["ownerReferences"] = {{{"apiVersion", owner["apiVersion"]},
                                            {"kind", owner["kind"]},
                                            {"name", owner["metadata"]["name"]},
                                            {"uid", owner["metadata"]["uid"]},
                                            {"controller", true}}};
  return object;
}

CheckCode Code(std::string code, Severity severity, std::string category) {
  return {code,
          "title of " + code,
          severity,
          category,
          "",
          {{"Docs", "https://docs/" + code}},
          {"kubectl -n {namespace} describe {kind} {name}", "kubectl logs {name} -c {container}",
           "kubectl -n {namespace} get {kind} {name} -o jsonpath='{.status}'"}};
}

// A check reporting `code` on every object of `kind` in scope whose name starts with "bad".
CheckDefinition Reporting(std::string name, Stage stage, CheckCode code, std::string kind) {
  return {name, stage, {code}, [code, kind](const CheckContext& ctx, FindingSink& sink) {
            for (const auto& object : ctx.InScope(kind)) {
              if (Name(*object).starts_with("bad")) {
                sink.Add(code.code, *object).message = "broken " + std::string(Name(*object));
              }
            }
          }};
}

class PipelineTest : public ::testing::Test {
 protected:
  PipelineResult Run(std::vector<CheckDefinition> checks, PipelineOptions options = {}) {
    Pipeline pipeline(std::move(checks), std::move(options));
    CheckContext context(view, scope, now, signals, nullptr);
    return pipeline.Run(context);
  }

  MemoryClusterView view;
  Scope scope{.ns = "shop"};
  Timestamp now = ParseTime("2026-11-23T10:00:00Z").value();
  RootSignals signals;
};

TEST_F(PipelineTest, AHealthyNamespacePassesEveryStep) {
  view.Add(Object("Pod", "shop", "web", "u1"));
  const auto result = Run(
      {Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")});
  EXPECT_TRUE(result.findings.empty());
  EXPECT_TRUE(result.summary.healthy);
  EXPECT_EQ(result.summary.verdict, "Healthy: no problems found");
  ASSERT_EQ(result.checkpoints.size(), 3u);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
  EXPECT_EQ(result.checkpoints[1].name, "correlation");
  EXPECT_EQ(result.checkpoints[2].name, "enrichment");
}

TEST_F(PipelineTest, AFailedRootCheckSkipsTheNamespaceChecksUnlessAskedToContinue) {
  view.Add(Object("Node", "", "bad-node", "n1"));
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  auto checks = [] {
    return std::vector<CheckDefinition>{
        Reporting("cluster", Stage::kRoot, Code("KD9101", Severity::kCritical, "nodes"), "Node"),
        Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")};
  };
  auto root = CheckContext(view, scope, now, signals, nullptr).ForNamespaces({}, true, false);
  // The root check lists nodes cluster-wide.
  auto stopped = Pipeline(checks(), {}).Run(root);
  ASSERT_EQ(stopped.findings.size(), 1u);
  EXPECT_EQ(stopped.findings[0].code, "KD9101");
  EXPECT_TRUE(stopped.rootFailed);
  EXPECT_EQ(stopped.checkpoints[0].result, StepResult::kFailed);
  EXPECT_EQ(stopped.checkpoints[1].result, StepResult::kSkipped);
  EXPECT_THAT(stopped.summary.verdict,
              HasSubstr("Root check cluster failed, namespace checks skipped"));

  scope.continueAfterRootFailure = true;
  auto continued = Pipeline(checks(), {}).Run(root);
  EXPECT_EQ(continued.findings.size(), 2u);
  EXPECT_EQ(continued.checkpoints[1].result, StepResult::kFailed);
}

TEST_F(PipelineTest, InformationalRootFindingsDoNotGate) {
  view.Add(Object("Node", "", "bad-cordoned", "n1"));
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  auto root = CheckContext(view, scope, now, signals, nullptr).ForNamespaces({}, true, false);
  const auto result =
      Pipeline(
          {Reporting("cluster", Stage::kRoot, Code("KD9101", Severity::kInfo, "nodes"), "Node"),
           Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"),
                     "Pod")},
          {})
          .Run(root);
  EXPECT_FALSE(result.rootFailed);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
  EXPECT_EQ(result.checkpoints[0].message, "1 informational finding");
  EXPECT_EQ(result.checkpoints[1].result, StepResult::kFailed);
}

TEST_F(PipelineTest, ARootStepInErrorThatFoundProblemsStillGates) {
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  const auto result = Run(
      {{"global",
        Stage::kRoot,
        {Code("KD9201", Severity::kCritical, "global")},
        [](const CheckContext& ctx, FindingSink& sink) {
          sink.Add("KD9201", *ctx.view().List("Pod", "shop")[0]);
          throw std::runtime_error("source status-page unreachable: timeout");
        }},
       Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")});
  EXPECT_TRUE(result.rootFailed);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_EQ(result.checkpoints[1].result, StepResult::kSkipped);
  EXPECT_THAT(result.summary.verdict, HasSubstr("Root check global failed"));
}

TEST_F(PipelineTest, ACheckThatThrowsBecomesAnErrorCheckpointAndTheRunGoesOn) {
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  auto result = Run(
      {{"exploding",
        Stage::kNamespace,
        {Code("KD9002", Severity::kWarning, "pods")},
        [](const CheckContext&, FindingSink&) { throw std::runtime_error("boom"); }},
       Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")});
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_EQ(result.checkpoints[0].message, "boom");
  EXPECT_EQ(result.findings.size(), 1u);
}

TEST_F(PipelineTest, ACheckOverItsBudgetIsAnErrorAndKeepsItsFindings) {
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  PipelineOptions options;
  options.checkBudget = std::chrono::milliseconds(0);
  auto result = Run({{"slow",
                      Stage::kNamespace,
                      {Code("KD9001", Severity::kWarning, "pods")},
                      [](const CheckContext& ctx, FindingSink& sink) {
                        while (!ctx.OverBudget()) {
                        }
                        sink.Add("KD9001", *ctx.InScope("Pod")[0]);
                      }}},
                    options);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_THAT(result.checkpoints[0].message, HasSubstr("timed out"));
  EXPECT_EQ(result.findings.size(), 1u);
}

TEST_F(PipelineTest, SelectionByCodeAndCategory) {
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  auto checks = [] {
    return std::vector<CheckDefinition>{
        Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod"),
        Reporting("more-pods", Stage::kNamespace, Code("KD9002", Severity::kWarning, "other"),
                  "Pod")};
  };
  scope.checks.exclude = {"pods"};
  auto result = Run(checks());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].code, "KD9002");
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kSkipped);

  scope.checks = {{"KD9001"}, {}};
  result = Run(checks());
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].code, "KD9001");
}

TEST_F(PipelineTest, FiltersKeepObjectsWhoseOwnerMatches) {
  const auto deployment = Object("Deployment", "shop", "web", "d1");
  const auto rs = OwnedBy(Object("ReplicaSet", "shop", "web-5f", "r1"), deployment);
  view.Add(deployment);
  view.Add(rs);
  view.Add(OwnedBy(Object("Pod", "shop", "bad-web-5f-x", "p1"), rs));
  view.Add(Object("Pod", "shop", "bad-other", "p2"));
  scope.filters.names = {"web"};
  const auto result = Run(
      {Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")});
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].resource.name, "bad-web-5f-x");
  ASSERT_TRUE(result.findings[0].owner);
  EXPECT_EQ(result.findings[0].owner->kind, "Deployment");
  EXPECT_EQ(result.findings[0].owner->name, "web");
}

TEST_F(PipelineTest, APodFindingExplainsItsDeploymentsAndItsServices) {
  auto deployment = Object("Deployment", "shop", "bad-web", "d1");
  const auto rs = OwnedBy(Object("ReplicaSet", "shop", "web-5f", "r1"), deployment);
  auto pod = OwnedBy(Object("Pod", "shop", "bad-web-5f-x", "p1"), rs);
  pod["metadata"]["labels"] = {{"app", "web"}};
  auto service = Object("Service", "shop", "bad-svc", "s1");
  service["spec"] = {{"selector", {{"app", "web"}}}};
  for (const auto& o : {deployment, rs, pod, service}) view.Add(o);

  const auto result =
      Run({Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod"),
           Reporting("workloads", Stage::kNamespace,
                     Code("KD9002", Severity::kWarning, "workloads"), "Deployment"),
           Reporting("services", Stage::kNamespace,
                     Code("KD9003", Severity::kWarning, "networking"), "Service")});
  ASSERT_EQ(result.findings.size(), 3u);
  EXPECT_EQ(result.findings[0].code, "KD9001");
  EXPECT_TRUE(result.findings[0].rootCause);
  EXPECT_THAT(result.findings[0].related,
              ElementsAre("KD9002 Deployment/shop/bad-web", "KD9003 Service/shop/bad-svc"));
  EXPECT_FALSE(result.findings[1].rootCause);
  EXPECT_FALSE(result.findings[2].rootCause);
  EXPECT_THAT(result.summary.verdict, HasSubstr("KD9001 Pod bad-web-5f-x"));
}

TEST_F(PipelineTest, ClaimsAndQuotasExplainWhatWaitsOnThem) {
  auto claim = Object("PersistentVolumeClaim", "shop", "bad-data", "c1");
  auto pod = Object("Pod", "shop", "bad-db", "p1");
  pod["spec"] = {
      {"volumes", {{{"name", "data"}, {"persistentVolumeClaim", {{"claimName", "bad-data"}}}}}}};
  auto quota = Object("ResourceQuota", "shop", "bad-pods", "q1");
  auto rs = Object("ReplicaSet", "shop", "bad-api", "r1");
  for (const auto& o : {claim, pod, quota, rs}) view.Add(o);
  const auto result =
      Run({Reporting("storage", Stage::kNamespace, Code("KD9004", Severity::kCritical, "storage"),
                     "PersistentVolumeClaim"),
           Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod"),
           Reporting("capacity", Stage::kNamespace, Code("KD9005", Severity::kWarning, "capacity"),
                     "ResourceQuota"),
           {"workloads",
            Stage::kNamespace,
            {Code("KD9002", Severity::kCritical, "workloads")},
            [](const CheckContext& ctx, FindingSink& sink) {
              sink.Add("KD9002", *ctx.view().Get("ReplicaSet", "shop", "bad-api")).params["quota"] =
                  "bad-pods";
            }}});
  std::map<std::string, bool> root;
  for (const auto& f : result.findings) root[f.code] = f.rootCause;
  EXPECT_TRUE(root["KD9004"]);
  EXPECT_FALSE(root["KD9001"]);
  EXPECT_TRUE(root["KD9005"]);
  EXPECT_FALSE(root["KD9002"]);
}

TEST_F(PipelineTest, SuppressedFindingsAreKeptButDoNotCount) {
  auto deployment = Object("Deployment", "shop", "web", "d1");
  deployment["metadata"]["annotations"] = {{"kdiag.dev/ignore", "KD9001, KD9005"},
                                           {"kdiag.dev/ignore-reason", "known, fixed in 2.1"}};
  view.Add(deployment);
  view.Add(OwnedBy(Object("Pod", "shop", "bad-1", "p1"), deployment));
  auto lone = Object("Pod", "shop", "bad-2", "p2");
  lone["metadata"]["annotations"] = {{"kdiag.dev/ignore", "KD9002"}};
  view.Add(lone);
  const auto result = Run(
      {Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")});
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_FALSE(result.findings[0].suppressed);
  EXPECT_EQ(result.findings[0].resource.name, "bad-2");
  EXPECT_TRUE(result.findings[1].suppressed);
  EXPECT_EQ(result.findings[1].suppressionReason, "by Deployment web: known, fixed in 2.1");
  EXPECT_EQ(result.summary.critical, 1);
  EXPECT_EQ(result.summary.suppressed, 1);
}

TEST_F(PipelineTest, EnrichmentFillsDocsNextStepsLogLinksAndFeedback) {
  view.Add(Object("Pod", "shop", "bad-pod", "p1"));
  scope.target.cluster = "prod eu";
  scope.logWindow = std::chrono::minutes(30);
  PipelineOptions options;
  options.enrichment.docsOverrides["KD9001"] = {{"Runbook", "https://wiki/KD9001"}};
  options.enrichment.loggingDrivers = {{"loki",
                                        "https://grafana/explore?q={namespace}/"
                                        "{pod}&c={cluster}&from={startMillis}&to={endMillis}"}};
  options.enrichment.feedbackURLTemplate = "https://git/issues/new?title={code}%20{kind}";
  const auto result = Run(
      {Reporting("pods", Stage::kNamespace, Code("KD9001", Severity::kCritical, "pods"), "Pod")},
      options);
  ASSERT_EQ(result.findings.size(), 1u);
  const auto& f = result.findings[0];
  EXPECT_THAT(f.docs, ElementsAre(Link{"Docs", "https://docs/KD9001"},
                                  Link{"Runbook", "https://wiki/KD9001"}));
  // The step needing a container is left out: this finding has none.
  EXPECT_THAT(f.nextSteps, ElementsAre("kubectl -n shop describe Pod bad-pod",
                                       "kubectl -n shop get Pod bad-pod -o jsonpath='{.status}'"));
  ASSERT_EQ(f.logLinks.size(), 1u);
  EXPECT_EQ(
      f.logLinks[0].url,
      "https://grafana/explore?q=shop/bad-pod&c=prod%20eu&from=1795426200000&to=1795428000000");
  EXPECT_EQ(f.feedback, "https://git/issues/new?title=KD9001%20Pod");
}

}  // namespace
}  // namespace kdiag
