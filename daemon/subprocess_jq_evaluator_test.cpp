#include "daemon/subprocess_jq_evaluator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

namespace kdiag {
namespace {

using ::testing::HasSubstr;
using Kind = JqOutcome::Kind;
using SteadyClock = std::chrono::steady_clock;

const Timestamp kNow = std::chrono::sys_days(std::chrono::year{2026} / 1 / 2);

SteadyClock::time_point In(std::chrono::milliseconds time) { return SteadyClock::now() + time; }

std::unique_ptr<SubprocessJqEvaluator> Evaluator(std::vector<std::string> programs,
                                                 JqWorkerLimits limits = {}) {
  return std::make_unique<SubprocessJqEvaluator>(JqWorkerBesideThisProgram(), std::move(programs),
                                                 limits);
}

TEST(SubprocessJqEvaluator, AnswersAsTheInProcessEvaluatorDoes) {
  const std::vector<std::string> programs = {".spec.replicas == 1",
                                             ".spec.replicas",
                                             "error(\"no team\")",
                                             "empty",
                                             "(now | todate) == \"2026-01-02T00:00:00Z\"",
                                             "$ENV | length == 0",
                                             "input"};
  const std::vector<std::string> inputs = {R"({"spec": {"replicas": 1}})",
                                           R"({"spec": {"replicas": 3}})", "not json"};
  auto subprocess = Evaluator(programs);
  InProcessJqEvaluator in_process(programs);
  for (size_t program = 0; program < programs.size(); ++program) {
    const auto expected = in_process.Run(program, inputs, kNow, In(std::chrono::seconds(10)));
    const auto got = subprocess->Run(program, inputs, kNow, In(std::chrono::seconds(10)));
    ASSERT_EQ(got.size(), expected.size()) << programs[program];
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].kind, expected[i].kind) << programs[program] << " on " << inputs[i];
      EXPECT_EQ(got[i].detail, expected[i].detail) << programs[program] << " on " << inputs[i];
    }
  }
  EXPECT_EQ(subprocess->Run(0, inputs, kNow, In(std::chrono::seconds(10)))[0].kind, Kind::kTrue);
}

TEST(SubprocessJqEvaluator, StopsAProgramThatNeverEndsAndGoesOnWithAFreshWorker) {
  auto evaluator = Evaluator({"if . == 2 then (def f: f; f) else true end", ". == 1"},
                             {.timePerObject = std::chrono::milliseconds(300)});
  const auto started = SteadyClock::now();
  const auto outcomes = evaluator->Run(0, std::vector<std::string>{"1", "2", "3"}, kNow,
                                       In(std::chrono::seconds(30)));
  // The first input answered, the second stopped, the third never run.
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].kind, Kind::kTrue);
  EXPECT_EQ(outcomes[1].kind, Kind::kStopped);
  EXPECT_EQ(outcomes[1].detail, "did not finish within 300 ms of CPU time");
  // Long before the deadline: the stop came from the per-object limit.
  EXPECT_LT(SteadyClock::now() - started, std::chrono::seconds(20));

  const auto next =
      evaluator->Run(1, std::vector<std::string>{"1"}, kNow, In(std::chrono::seconds(10)));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].kind, Kind::kTrue);
}

TEST(SubprocessJqEvaluator, StopsAProgramThatTakesTooMuchMemory) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "the memory limit is not applied under AddressSanitizer";
#endif
  // Doubles a string until the worker's 128 MiB are gone.
  auto evaluator =
      Evaluator({"def f: (. + .) | f; \"0123456789abcdef\" | f", ". == 1"},
                {.timePerObject = std::chrono::seconds(20), .memoryBytes = 128u << 20});
  const auto outcomes =
      evaluator->Run(0, std::vector<std::string>{"1"}, kNow, In(std::chrono::seconds(30)));
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].kind, Kind::kStopped);
  EXPECT_EQ(outcomes[0].detail, "ran out of memory (the limit is 128 MiB)");
  const auto next =
      evaluator->Run(1, std::vector<std::string>{"1"}, kNow, In(std::chrono::seconds(10)));
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].kind, Kind::kTrue);
}

TEST(SubprocessJqEvaluator, AnswersFewerInputsWhenTheDeadlinePasses) {
  auto evaluator = Evaluator({". == 1"});
  const std::vector<std::string> inputs(1000, "1");
  const auto outcomes = evaluator->Run(0, inputs, kNow, SteadyClock::now());
  EXPECT_LT(outcomes.size(), inputs.size());
  for (const auto& outcome : outcomes) EXPECT_EQ(outcome.kind, Kind::kTrue);
  // The worker given up at the deadline is replaced.
  EXPECT_EQ(evaluator->Run(0, inputs, kNow, In(std::chrono::seconds(30))).size(), inputs.size());
}

TEST(SubprocessJqEvaluator, RunsBatchesFromSeveralThreadsAtOnce) {
  auto evaluator = Evaluator({".n % 2 == 0"});
  std::vector<std::string> inputs;
  for (int n = 0; n < 300; ++n) inputs.push_back(R"({"n": )" + std::to_string(n) + "}");
  std::vector<std::thread> threads;
  std::vector<std::vector<JqOutcome>> results(4);
  for (auto& result : results) {
    threads.emplace_back(
        [&] { result = evaluator->Run(0, inputs, kNow, In(std::chrono::seconds(30))); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& result : results) {
    ASSERT_EQ(result.size(), inputs.size());
    for (size_t n = 0; n < result.size(); ++n) {
      EXPECT_EQ(result[n].kind, n % 2 == 0 ? Kind::kTrue : Kind::kFalse);
    }
  }
}

TEST(SubprocessJqEvaluator, AWorkerThatCannotStartIsAnErrorAtOnce) {
  try {
    SubprocessJqEvaluator evaluator("/nonexistent/kdiag-jq-worker", {". == 1"}, {});
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_THAT(e.what(), HasSubstr("starting /nonexistent/kdiag-jq-worker: No such file"));
  }
}

}  // namespace
}  // namespace kdiag
