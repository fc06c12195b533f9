#include "checks/custom_checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <nlohmann/json.hpp>

#include "checks/memory_cluster_view.h"
#include "checks/pipeline.h"

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

nlohmann::json Deployment(const std::string& name, int replicas, const std::string& team) {
  return nlohmann::json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": ")" + name +
                               R"(", "namespace": "shop", "uid": "uid-)" + name + R"(",
                 "creationTimestamp": "2026-01-01T00:00:00Z", "labels": {"team": ")" +
                               team +
                               R"("}},
    "spec": {"replicas": )" + std::to_string(replicas) +
                               R"(,
             "selector": {"matchLabels": {"app": ")" +
                               name + R"("}}},
    "status": {"replicas": 1, "readyReplicas": 1}
  })");
}

CustomCheckSpec Spec(std::string code, std::string expression) {
  return {.code = std::move(code),
          .title = "Single replica",
          .kind = "Deployment",
          .severity = Severity::kWarning,
          .expression = std::move(expression),
          .message = "{kind} {namespace}/{name} runs a single replica",
          .nextSteps = {"kubectl -n {namespace} scale deployment {name} --replicas=2"},
          .docs = {{"Runbook", "https://wiki.example.com/replicas"}}};
}

class CustomChecksTest : public ::testing::Test {
 protected:
  CustomChecksTest() {
    view.Add(Deployment("api", 1, "payments"));
    view.Add(Deployment("web", 3, "payments"));
    view.Add(Deployment("batch", 1, ""));
    scope.ns = "shop";
  }

  PipelineResult Run(std::vector<CustomCheckSpec> specs) {
    Pipeline pipeline({CustomChecks(std::move(specs))}, {});
    RootSignals signals;
    CheckContext context(view, scope, now, signals, nullptr);
    return pipeline.Run(context);
  }

  MemoryClusterView view;
  Scope scope;
  Timestamp now = std::chrono::sys_days(std::chrono::year{2026} / 1 / 2);
};

TEST_F(CustomChecksTest, ReportsObjectsForWhichTheExpressionIsTrue) {
  const auto result = Run({Spec("KD9001", ".spec.replicas == 1")});
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].code, "KD9001");
  EXPECT_EQ(result.findings[0].category, "custom");
  EXPECT_EQ(result.findings[0].message, "Deployment shop/api runs a single replica");
  EXPECT_EQ(result.findings[1].resource.name, "batch");
  EXPECT_THAT(result.findings[0].nextSteps,
              ElementsAre("kubectl -n shop scale deployment api --replicas=2"));
  EXPECT_EQ(result.findings[0].docs,
            (std::vector<Link>{{"Runbook", "https://wiki.example.com/replicas"}}));
  ASSERT_FALSE(result.checkpoints.empty());
  EXPECT_EQ(result.checkpoints[0].name, "custom");
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kFailed);
}

TEST_F(CustomChecksTest, FalseAndNoOutputAreHealthy) {
  const auto result = Run(
      {Spec("KD9001", ".spec.replicas > 5"), Spec("KD9002", "select(.spec.replicas > 5) | true")});
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kPassed);
}

TEST_F(CustomChecksTest, SkipsObjectsOnWhichTheExpressionFails) {
  // "batch" has an empty team label: the expression raises an error for it alone.
  const auto result = Run({Spec("KD9001",
                                "if .metadata.labels.team == \"\" then error(\"no team\") "
                                "else .spec.replicas == 1 end")});
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].resource.name, "api");
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_THAT(result.checkpoints[0].message,
              HasSubstr("1 object skipped: KD9001 on Deployment shop/batch: no team"));
}

TEST_F(CustomChecksTest, ReportsNonBooleanResults) {
  const auto result = Run({Spec("KD9001", ".spec.replicas")});
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.checkpoints[0].result, StepResult::kError);
  EXPECT_THAT(result.checkpoints[0].message, HasSubstr("3 objects skipped"));
  EXPECT_THAT(result.checkpoints[0].message, HasSubstr("not a boolean: 1"));
}

TEST_F(CustomChecksTest, ReadsOnlyTheFirstOutputSoGeneratorsStop) {
  const auto result = Run({Spec("KD9001", "(.spec.replicas == 1), (range(infinite) | true)")});
  EXPECT_EQ(result.findings.size(), 2u);
}

TEST_F(CustomChecksTest, CannotReadTheEnvironmentOrInput) {
  setenv("KDIAG_SECRET_FOR_TEST", "s3cret", 1);
  EXPECT_TRUE(Run({Spec("KD9001", "$ENV.KDIAG_SECRET_FOR_TEST == \"s3cret\"")}).findings.empty());
  EXPECT_TRUE(Run({Spec("KD9001", "env.KDIAG_SECRET_FOR_TEST == \"s3cret\"")}).findings.empty());
  const auto input = Run({Spec("KD9001", "input == 1")});
  EXPECT_EQ(input.checkpoints[0].result, StepResult::kError);
  EXPECT_THAT(input.checkpoints[0].message, HasSubstr("input is not available"));
  EXPECT_TRUE(CustomExpressionError("import \"foo\" as foo; true").has_value());
  EXPECT_TRUE(CustomExpressionError("include \"foo\"; true").has_value());
}

TEST_F(CustomChecksTest, NowIsTheRunsTime) {
  // Deployments older than a day, by the run's clock (2026-01-02), not the machine's.
  const auto result =
      Run({Spec("KD9001", "(now - (.metadata.creationTimestamp | fromdateiso8601)) >= 86400")});
  EXPECT_EQ(result.findings.size(), 3u);
}

// Answers in this process, but stops program `stopped` on the input naming `object`, as an
// evaluator that runs programs apart does when one runs away. Counts the batches per program.
class StoppingEvaluator : public JqEvaluator {
 public:
  StoppingEvaluator(const std::vector<std::string>& programs, size_t stopped, std::string object)
      : inner_(programs), stopped_(stopped), object_("\"" + std::move(object) + "\"") {}

  std::vector<JqOutcome> Run(size_t program, std::span<const std::string> inputs, Timestamp now,
                             Deadline deadline) override {
    ++batches[program];
    std::vector<JqOutcome> outcomes;
    for (const auto& input : inputs) {
      if (program == stopped_ && input.find(object_) != std::string::npos) {
        outcomes.push_back({JqOutcome::Kind::kStopped, "did not finish within 1 ms of CPU time"});
        return outcomes;
      }
      outcomes.push_back(inner_.Run(program, std::span(&input, 1), now, deadline).at(0));
    }
    return outcomes;
  }

  std::map<size_t, int> batches;

 private:
  InProcessJqEvaluator inner_;
  size_t stopped_;
  std::string object_;
};

TEST_F(CustomChecksTest, AStoppedExpressionTurnsItsCodeOffWhileTheOthersGoOn) {
  std::shared_ptr<StoppingEvaluator> evaluator;
  Pipeline pipeline(
      {CustomChecks(
          {Spec("KD9001", ".spec.replicas == 1"), Spec("KD9002", ".metadata.labels.team == \"\"")},
          [&](const std::vector<std::string>& programs) {
            evaluator = std::make_shared<StoppingEvaluator>(programs, 0, "batch");
            return evaluator;
          })},
      {});
  RootSignals signals;
  const CheckContext context(view, scope, now, signals, nullptr);
  const std::string off =
      "KD9001 is off since 2026-01-02T00:00:00Z: its expression did not finish within 1 ms of "
      "CPU time on Deployment shop/batch; correct it in the configuration and restart the "
      "controller";

  const auto first = pipeline.Run(context);
  // KD9001 was stopped on batch; KD9002 still ran over every Deployment.
  std::vector<std::string> found;
  for (const auto& finding : first.findings) {
    found.push_back(finding.code + " " + finding.resource.name);
  }
  EXPECT_THAT(found, ::testing::Contains("KD9002 batch"));
  EXPECT_THAT(found, Not(::testing::Contains("KD9001 batch")));
  EXPECT_EQ(first.checkpoints[0].result, StepResult::kError);
  EXPECT_EQ(first.checkpoints[0].message, off);

  // Later runs leave KD9001 out and say why, without running it again.
  const auto second = pipeline.Run(context);
  EXPECT_EQ(evaluator->batches[0], 1);
  EXPECT_EQ(evaluator->batches[1], 2);
  EXPECT_EQ(second.checkpoints[0].message, off);
  for (const auto& finding : second.findings) EXPECT_EQ(finding.code, "KD9002");
  EXPECT_EQ(second.findings.size(), 1u);
}

TEST(CustomExpression, RejectsProgramsThatDoNotCompileWithJqsMessage) {
  EXPECT_EQ(CustomExpressionError(".spec.replicas == 1"), std::nullopt);
  EXPECT_EQ(CustomExpressionError("def f: .a; f == 1  # a comment"), std::nullopt);
  const auto error = CustomExpressionError(".spec.replicas ==");
  ASSERT_TRUE(error.has_value());
  EXPECT_THAT(*error, HasSubstr("syntax error"));
  EXPECT_THAT(*error, HasSubstr("unexpected end of the expression"));
  EXPECT_THAT(CustomExpressionError(".a ==\n  .b ] 1").value_or(""), HasSubstr("line 2"));
  EXPECT_THAT(*error, Not(HasSubstr("$ENV")));  // the frame stays out of messages
  EXPECT_THAT(CustomExpressionError("nosuchfunction(1)").value_or(""),
              HasSubstr("nosuchfunction/1 is not defined"));
  EXPECT_THROW(CustomChecks({Spec("KD9001", "][")}), std::invalid_argument);
}

}  // namespace
}  // namespace kdiag
