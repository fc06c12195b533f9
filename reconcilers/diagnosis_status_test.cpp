#include "reconcilers/diagnosis_status.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::HasSubstr;

RunRecord SampleRun() {
  return {.runId = "r2",
          .previousRunId = "r1",
          .startedAt = ParseTime("2026-11-23T10:00:00Z").value(),
          .completedAt = ParseTime("2026-11-23T10:00:01Z").value(),
          .nextRunAt = std::nullopt,
          .generation = 3,
          .rerun = "x",
          .deeplink = "https://kdiag.example/reports/r2"};
}

PipelineResult ResultWith(int findings) {
  PipelineResult result;
  for (int i = 0; i < findings; ++i) {
    Finding f;
    f.code = "KD1011";
    f.title = "Container exits with code 1";
    f.severity = Severity::kCritical;
    f.resource = {"v1", "Pod", "shop", "web-" + std::to_string(i), "u"};
    f.message = std::string(1000, 'x');
    result.findings.push_back(f);
  }
  result.summary = {findings, 0, 0, 0, findings == 0, "verdict"};
  result.checkpoints = {{"pods", Stage::kNamespace, StepResult::kFailed, "1 finding", {}},
                        {"custom", Stage::kNamespace, StepResult::kError, "jq: error", {}}};
  return result;
}

TEST(DiagnosisStatus, ACompletedRunCarriesItsRecordSummaryAndLink) {
  const auto status = CompletedStatus(ResultWith(1), SampleRun(), {}, nlohmann::json::object());
  EXPECT_EQ(status["phase"], "Completed");
  EXPECT_EQ(status["observedGeneration"], 3);
  EXPECT_EQ(status["observedRerun"], "x");
  EXPECT_EQ(status["runId"], "r2");
  EXPECT_EQ(status["previousRunId"], "r1");
  EXPECT_EQ(status["reportId"], "r2");
  EXPECT_EQ(status["deeplink"], "https://kdiag.example/reports/r2");
  EXPECT_EQ(status["summary"]["critical"], 1);
  EXPECT_EQ(status["findings"].size(), 1u);
  EXPECT_EQ(status["findingsOmitted"], 0);
  EXPECT_EQ(status["checkpoints"][1]["result"], "Error");
  const auto& conditions = status["conditions"];
  ASSERT_EQ(conditions.size(), 2u);
  EXPECT_EQ(conditions[0]["type"], "Ready");
  EXPECT_EQ(conditions[0]["status"], "True");
  EXPECT_EQ(conditions[1]["type"], "Degraded");
  EXPECT_EQ(conditions[1]["status"], "True");
  EXPECT_EQ(conditions[1]["reason"], "CheckError");
  EXPECT_THAT(std::string(conditions[1]["message"]), HasSubstr("custom: jq: error"));
}

TEST(DiagnosisStatus, CapsFindingsByCountAndBytesAndCountsTheRest) {
  auto status = CompletedStatus(ResultWith(80), SampleRun(), {.maxFindings = 50}, {});
  EXPECT_EQ(status["findings"].size(), 50u);
  EXPECT_EQ(status["findingsOmitted"], 30);
  status = CompletedStatus(ResultWith(80), SampleRun(),
                           {.maxFindings = 50, .maxFindingsBytes = 10'000}, {});
  EXPECT_LT(status["findings"].size(), 10u);
  EXPECT_EQ(status["findingsOmitted"], 80 - static_cast<int>(status["findings"].size()));
}

TEST(DiagnosisStatus, ConditionsKeepTheirTransitionTimeWhileUnchanged) {
  const auto first = CompletedStatus(ResultWith(0), SampleRun(), {}, {});
  auto later = SampleRun();
  later.completedAt += std::chrono::hours(1);
  const auto second = CompletedStatus(ResultWith(0), later, {}, first);
  EXPECT_EQ(second["conditions"][0]["lastTransitionTime"], "2026-11-23T10:00:01Z");
  const auto failed =
      FailedStatus("NamespaceNotFound", "spec.target.namespace: gone", later, second);
  EXPECT_EQ(failed["phase"], "Failed");
  EXPECT_EQ(failed["conditions"][0]["status"], "False");
  EXPECT_EQ(failed["conditions"][0]["reason"], "NamespaceNotFound");
  EXPECT_EQ(failed["conditions"][0]["lastTransitionTime"], "2026-11-23T11:00:01Z");
}

}  // namespace
}  // namespace kdiag
