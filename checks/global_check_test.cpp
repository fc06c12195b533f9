#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "checks/builtin_checks.h"
#include "checks/check_test_support.h"

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class GlobalCheckTest : public CheckAreaTest {};

SourceResult Alertmanager() {
  return {"alertmanager-infra",
          "alertmanager",
          "",
          {{"TransitGatewayAttachmentDown",
            Severity::kCritical,
            "Transit gateway attachment tgw-attach-0a1b is down in eu-west-1",
            {"severity=critical", "region=eu-west-1", "startsAt=2026-11-23T09:41:07Z"}},
           {"DirectConnectBgpFlapping",
            Severity::kWarning,
            "BGP session dx-vif-77 flapping",
            {"severity=warning"}}}};
}

TEST_F(GlobalCheckTest, QuietSourcesPass) {
  signals.sources = {{"alertmanager-infra", "alertmanager", "", {}},
                     {"aws-health", "statusPage", "", {}},
                     {"registry", "httpProbe", "", {}}};
  const auto result = RunPipeline(GlobalRootCheck());
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.checkpoints[0].name, "global");
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
}

TEST_F(GlobalCheckTest, EveryFiringAlertIsAFindingWithItsOwnSeverity) {
  signals.sources = {Alertmanager()};
  const auto result = RunPipeline(GlobalRootCheck());
  ASSERT_EQ(result.findings.size(), 2u);
  const auto& critical = result.findings[0];
  EXPECT_EQ(critical.code, "KD0001");
  EXPECT_EQ(critical.severity, Severity::kCritical);
  EXPECT_EQ(critical.category, "global");
  EXPECT_EQ(critical.resource.kind, "InfrastructureSource");
  EXPECT_EQ(critical.resource.apiVersion, "kdiag.dev/v1alpha1");
  EXPECT_EQ(critical.resource.name, "alertmanager-infra");
  EXPECT_EQ(critical.message,
            "alertmanager-infra reports TransitGatewayAttachmentDown: Transit gateway attachment "
            "tgw-attach-0a1b is down in eu-west-1");
  EXPECT_THAT(critical.evidence, ElementsAre("severity=critical", "region=eu-west-1",
                                             "startsAt=2026-11-23T09:41:07Z"));
  EXPECT_THAT(critical.nextSteps[0],
              HasSubstr("amtool alert query alertname=TransitGatewayAttachmentDown"));
  EXPECT_EQ(result.findings[1].severity, Severity::kWarning);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kFailed);
  EXPECT_TRUE(result.rootFailed);
}

TEST_F(GlobalCheckTest, StatusPageIncidentsAndFailingProbesHaveTheirOwnCodes) {
  signals.sources = {
      {"aws-health",
       "statusPage",
       "",
       {{"EC2 eu-west-1",
         Severity::kCritical,
         "Increased API error rates",
         {"status: investigating"}}}},
      {"registry",
       "httpProbe",
       "",
       {{"https://registry.example.com/v2/", Severity::kCritical, "HTTP 503 after 2.1s", {}}}}};
  const auto findings = Run(GlobalRootCheck());
  ASSERT_EQ(findings.size(), 2u);
  EXPECT_EQ(findings[0].code, "KD0002");
  EXPECT_EQ(findings[0].resource.name, "aws-health");
  EXPECT_EQ(findings[1].code, "KD0003");
  EXPECT_THAT(findings[1].nextSteps,
              ::testing::Contains("Probe https://registry.example.com/v2/ by hand: curl -sv "
                                  "https://registry.example.com/v2/"));
}

TEST_F(GlobalCheckTest, AnUnreachableSourceIsAnErrorAfterTheOthersAreReported) {
  signals.sources = {
      {"datadog-network", "alertmanager", "GET https://api.datadoghq.eu: timeout", {}},
      Alertmanager()};
  const auto result = RunPipeline(GlobalRootCheck());
  EXPECT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_EQ(result.checkpoints[0].message,
            "source datadog-network unreachable: GET https://api.datadoghq.eu: timeout");
}

}  // namespace
}  // namespace kdiag
