#include "reconcilers/diagnosis_spec.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

nlohmann::json Diagnosis(const char* spec) {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "Diagnosis"},
          {"metadata",
           {{"name", "after-deploy"},
            {"namespace", "shop"},
            {"uid", "1b6f0c9e-0000-4000-8000-000000000001"},
            {"generation", 1},
            {"annotations", {{"kdiag.dev/rerun", "2"}}}}},
          {"spec", nlohmann::json::parse(spec)}};
}

TEST(DiagnosisSpec, DefaultsToTheOwnNamespaceAndTheOperatorsManagementNamespaces) {
  const auto parsed = ParseDiagnosisSpec(Diagnosis("{}"), {"kube-system", "ingress"});
  EXPECT_TRUE(parsed.problems.empty());
  EXPECT_EQ(parsed.spec.scope.ns, "shop");
  EXPECT_TRUE(parsed.spec.scope.rootChecks);
  EXPECT_FALSE(parsed.spec.scope.continueAfterRootFailure);
  EXPECT_EQ(parsed.spec.scope.managementNamespaces,
            (std::vector<std::string>{"kube-system", "ingress"}));
  EXPECT_EQ(parsed.spec.rerun, "2");
  EXPECT_FALSE(parsed.spec.interval);
}

TEST(DiagnosisSpec, ReadsEveryField) {
  const auto parsed = ParseDiagnosisSpec(Diagnosis(R"({
    "target": {"namespace": "payments", "cluster": "prod-eu-1", "cloudProvider": "aws", "platform": "eks"},
    "filters": {"kinds": ["Deployment"], "names": ["api"], "helmRelease": "payments",
                "labelSelector": {"matchLabels": {"team": "pay"},
                                  "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web"]}]}},
    "checks": {"include": ["pods"], "exclude": ["KD1046"]},
    "rootChecks": {"enabled": true, "onFailure": "Continue"},
    "managementNamespaces": ["platform"],
    "logWindow": "30m", "interval": "5m"})"),
                                         {"kube-system"});
  ASSERT_TRUE(parsed.problems.empty());
  const auto& scope = parsed.spec.scope;
  EXPECT_EQ(scope.ns, "payments");
  EXPECT_EQ(scope.target.cluster, "prod-eu-1");
  EXPECT_EQ(scope.filters.kinds, std::vector<std::string>{"Deployment"});
  EXPECT_EQ(scope.filters.labelSelector.matchLabels.at("team"), "pay");
  ASSERT_EQ(scope.filters.labelSelector.matchExpressions.size(), 1u);
  EXPECT_EQ(scope.checks.exclude, std::vector<std::string>{"KD1046"});
  EXPECT_TRUE(scope.continueAfterRootFailure);
  EXPECT_EQ(scope.managementNamespaces, std::vector<std::string>{"platform"});
  EXPECT_EQ(scope.logWindow, std::chrono::minutes(30));
  EXPECT_EQ(parsed.spec.interval, std::chrono::minutes(5));
}

TEST(DiagnosisSpec, NamesTheFieldOfEachProblem) {
  const auto parsed = ParseDiagnosisSpec(Diagnosis(R"({
    "filters": {"labelSelector": {"matchExpressions": [{"key": "tier", "operator": "In"}]}},
    "schedule": "61 * * * *"})"),
                                         {});
  ASSERT_EQ(parsed.problems.size(), 2u);
  EXPECT_EQ(parsed.problems[0].field, "spec.filters.labelSelector");
  EXPECT_EQ(parsed.problems[0].reason,
            "matchExpressions: key 'tier' with operator In needs values");
  EXPECT_EQ(parsed.problems[1].field, "spec.schedule");
  EXPECT_EQ(parsed.problems[1].reason, "the minute field '61' is not valid");
}

}  // namespace
}  // namespace kdiag
