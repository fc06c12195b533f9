#include "daemon/diagnosis_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "checks/memory_cluster_view.h"
#include "controller/testing/mocks.h"

namespace kdiag {
namespace {

TEST(MakeDiagnosisChecks, BuildsChecksPipelineOptionsAndSourcesFromTheConfiguration) {
  const auto config = ParseOperatorConfig(R"(
diagnosis:
  rootSources:
    - {name: am, type: alertmanager, url: "http://127.0.0.1:1", interval: 20s}
    - {name: probe, type: httpProbe, url: "http://127.0.0.1:1/healthz"}
  customChecks:
    - {code: KD9001, title: No team, kind: Deployment, expression: '.metadata.labels.team == null'}
  checkBudget: 3s
)",
                                          "config.yaml");
  auto transport = std::make_shared<testing::MockHttpTransport>();
  const auto built = MakeDiagnosisChecks(config.checks, transport);
  ASSERT_FALSE(built.checks.empty());
  const auto& custom = built.checks.back();
  EXPECT_EQ(custom.name, "custom");
  ASSERT_EQ(custom.codes.size(), 1u);
  EXPECT_EQ(custom.codes[0].code, "KD9001");
  EXPECT_EQ(built.pipeline.checkBudget, std::chrono::seconds(3));
  ASSERT_EQ(built.sources.size(), 2u);
  EXPECT_EQ(built.sources[0].interval, std::chrono::seconds(20));
  EXPECT_EQ(built.sources[1].interval, std::chrono::minutes(1));
}

// The daemon's custom checks run in kdiag-jq-worker: an expression that never ends is stopped
// at its limit, reported, and left out of later runs, while the other custom codes go on.
TEST(MakeDiagnosisChecks, StopsACustomExpressionThatNeverEnds) {
  const auto config = ParseOperatorConfig(R"(
diagnosis:
  customChecks:
    - {code: KD9001, title: Loops, kind: Deployment, expression: 'def f: f; f'}
    - {code: KD9002, title: Big, kind: Deployment, expression: '.spec.replicas > 1'}
  customCheckLimits: {timePerObject: 200ms}
  checkBudget: 20s
)",
                                          "config.yaml");
  auto built = MakeDiagnosisChecks(config.checks, std::make_shared<testing::MockHttpTransport>());
  const Pipeline pipeline({std::move(built.checks.back())}, built.pipeline);
  MemoryClusterView view;
  view.Add(nlohmann::json::parse(R"({"apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "uid": "u1"}, "spec": {"replicas": 3}})"));
  const Scope scope{.ns = "shop"};
  const RootSignals signals;
  const CheckContext context(view, scope, Timestamp{}, signals, nullptr);
  for (int run = 0; run < 2; ++run) {
    const auto started = std::chrono::steady_clock::now();
    const auto result = pipeline.Run(context);
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
    ASSERT_EQ(result.findings.size(), 1u);
    EXPECT_EQ(result.findings[0].code, "KD9002");
    EXPECT_EQ(result.checkpoints.at(0).result, StepResult::kError);
    EXPECT_THAT(result.checkpoints[0].message,
                ::testing::StartsWith("KD9001 is off since 1970-01-01T00:00:00Z: its expression "
                                      "did not finish within 200 ms of CPU time on Deployment "
                                      "shop/web"));
  }
}

}  // namespace
}  // namespace kdiag
