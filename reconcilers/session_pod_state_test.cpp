#include "reconcilers/session_pod_state.h"

#include <gtest/gtest.h>

namespace kdiag {
namespace {

const Timestamp kExpires = *ParseTime("2026-11-24T04:00:00Z");

// A debug pod as the API server returns it, with the given status.
nlohmann::json Pod(const char* status) {
  return {{"apiVersion", "v1"},
          {"kind", "Pod"},
          {"metadata", {{"name", "net-debug-debug"}, {"namespace", "payments"}}},
          {"status", nlohmann::json::parse(status)}};
}

TEST(SessionPodState, RunningOnceTheShellRuns) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Running", "containerStatuses": [
    {"name": "recorder", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-24T03:00:01Z"}}},
    {"name": "shell", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-24T03:00:02Z"}}}]})"),
                                       kExpires);
  EXPECT_TRUE(state.running);
  EXPECT_EQ(state.startedAt, ParseTime("2026-11-24T03:00:02Z"));
  EXPECT_FALSE(state.ended);
  EXPECT_FALSE(state.recorder);
}

TEST(SessionPodState, SaysWhyItDoesNotRunYet) {
  auto state = ObserveSessionPod(Pod(R"({"phase": "Pending", "conditions": [
    {"type": "PodScheduled", "status": "False", "reason": "Unschedulable",
     "message": "0/3 nodes are available: 3 Insufficient memory."}]})"),
                                 kExpires);
  EXPECT_FALSE(state.running);
  EXPECT_EQ(state.waitingReason, "Unschedulable");
  EXPECT_EQ(state.waitingMessage, "0/3 nodes are available: 3 Insufficient memory.");
  state = ObserveSessionPod(Pod(R"({"phase": "Pending", "containerStatuses": [
    {"name": "shell", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "ImagePullBackOff",
     "message": "Back-off pulling image \"registry.example.com/debug:2\""}}}]})"),
                            kExpires);
  EXPECT_EQ(state.waitingReason, "ImagePullBackOff");
  EXPECT_FALSE(state.ended);
}

TEST(SessionPodState, TheRecorderReportsIdleness) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Running", "containerStatuses": [
    {"name": "recorder", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed",
     "message": "{\"reason\":\"idle\",\"digest\":\"sha256:ab12\",\"bytes\":4096,\"lastActivityAt\":\"2026-11-24T03:20:00Z\"}"}}},
    {"name": "shell", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-24T03:00:02Z"}}}]})"),
                                       kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kIdle);
  ASSERT_TRUE(state.recorder);
  EXPECT_EQ(state.recorder->digest, "sha256:ab12");
  EXPECT_EQ(state.recorder->bytes, 4096);
  EXPECT_EQ(state.recorder->lastActivityAt, ParseTime("2026-11-24T03:20:00Z"));
}

TEST(SessionPodState, ARecorderThatFailsEndsTheSession) {
  auto state = ObserveSessionPod(Pod(R"({"phase": "Running", "containerStatuses": [
    {"name": "recorder", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 1, "reason": "Error",
     "message": "{\"reason\":\"failed\",\"error\":\"cannot write /recording/sessions: No space left on device\"}"}}}]})"),
                                 kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kPodFailed);
  EXPECT_EQ(state.endMessage,
            "recording failed: cannot write /recording/sessions: No space left on device");
  // Killed before it could say anything.
  state = ObserveSessionPod(Pod(R"({"phase": "Running", "containerStatuses": [
    {"name": "recorder", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 137, "reason": "OOMKilled"}}}]})"),
                            kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kPodFailed);
  EXPECT_NE(state.endMessage.find("OOMKilled"), std::string::npos);
}

TEST(SessionPodState, NoSessionGoesOnUnrecorded) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Running", "containerStatuses": [
    {"name": "recorder", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed",
     "message": "{\"reason\":\"stopped\",\"digest\":\"sha256:ab12\",\"bytes\":10}"}}},
    {"name": "shell", "ready": true, "restartCount": 0, "state": {"running": {"startedAt": "2026-11-24T03:00:02Z"}}}]})"),
                                       kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kPodFailed);
  EXPECT_EQ(state.recorder->digest, "sha256:ab12");
}

TEST(SessionPodState, AShellThatEndsNearTheTTLWasEndedByIt) {
  auto state = ObserveSessionPod(Pod(R"({"phase": "Succeeded", "containerStatuses": [
    {"name": "shell", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed",
     "startedAt": "2026-11-24T03:00:02Z", "finishedAt": "2026-11-24T03:59:58Z"}}}]})"),
                                 kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kTTL);
  state = ObserveSessionPod(Pod(R"({"phase": "Succeeded", "containerStatuses": [
    {"name": "shell", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed",
     "startedAt": "2026-11-24T03:00:02Z", "finishedAt": "2026-11-24T03:10:00Z"}}}]})"),
                            kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kExited);
}

TEST(SessionPodState, AFailingShellIsAFailedPod) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Failed", "containerStatuses": [
    {"name": "shell", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 127, "reason": "Error",
     "message": "sh: 1: script: not found"}}}]})"),
                                       kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kPodFailed);
  EXPECT_NE(state.endMessage.find("exit code 127"), std::string::npos);
  EXPECT_NE(state.endMessage.find("script: not found"), std::string::npos);
}

TEST(SessionPodState, TheDeadlineBackstopIsTheTTL) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Failed", "reason": "DeadlineExceeded",
    "message": "Pod was active on the node longer than the specified deadline"})"),
                                       kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kTTL);
}

TEST(SessionPodState, AnEvictedPodFailed) {
  const auto state = ObserveSessionPod(Pod(R"({"phase": "Failed", "reason": "Evicted",
    "message": "The node was low on resource: ephemeral-storage."})"),
                                       kExpires);
  ASSERT_TRUE(state.ended);
  EXPECT_EQ(*state.ended, EndReason::kPodFailed);
  EXPECT_NE(state.endMessage.find("Evicted"), std::string::npos);
}

TEST(RecorderReport, IsOneLineOfJson) {
  EXPECT_FALSE(ParseRecorderReport(""));
  EXPECT_FALSE(ParseRecorderReport("Completed"));
  EXPECT_FALSE(ParseRecorderReport(R"({"digest": "sha256:00"})"));
  const auto report =
      ParseRecorderReport(R"({"reason":"stopped","digest":"sha256:00","bytes":12})");
  ASSERT_TRUE(report);
  EXPECT_EQ(report->reason, "stopped");
  EXPECT_FALSE(report->lastActivityAt);
}

}  // namespace
}  // namespace kdiag
