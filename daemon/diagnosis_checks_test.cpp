#include "daemon/diagnosis_checks.h"

#include <gtest/gtest.h>

#include <algorithm>

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

}  // namespace
}  // namespace kdiag
