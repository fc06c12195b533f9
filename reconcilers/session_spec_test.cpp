#include "reconcilers/session_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// As the API server returns it, defaults of the CRD applied.
nlohmann::json Session(const char* spec, const char* owner = nullptr) {
  nlohmann::json session = {{"apiVersion", "kdiag.dev/v1alpha1"},
                            {"kind", "TroubleshootSession"},
                            {"metadata",
                             {{"name", "net-debug"},
                              {"namespace", "payments"},
                              {"uid", "9edb2a90-4c1d-4e57-a0c3-5d2f1b7e8a61"},
                              {"generation", 1},
                              {"creationTimestamp", "2026-11-24T03:17:24Z"}}},
                            {"spec", nlohmann::json::parse(spec)}};
  if (owner != nullptr) session["metadata"]["annotations"] = {{"kdiag.dev/owner", owner}};
  return session;
}

TEST(SessionSpec, FillsTheOperatorsDefaults) {
  const SessionOptions options;
  const auto parsed = ParseSessionSpec(
      Session(R"({"ttl": "1h", "recording": {"enabled": true, "keepOnDelete": true}})"), options);
  EXPECT_THAT(parsed.problems, IsEmpty());
  const auto& spec = parsed.spec;
  EXPECT_EQ(spec.image, options.defaultImage);
  EXPECT_EQ(spec.ttl, std::chrono::hours(1));
  EXPECT_EQ(spec.idleTimeout, std::chrono::minutes(30));
  EXPECT_TRUE(spec.recording);
  EXPECT_TRUE(spec.existingClaim.empty());
  EXPECT_EQ(spec.recordingSize, "1Gi");
  EXPECT_TRUE(spec.keepRecordingOnDelete);
  EXPECT_EQ(spec.runAsUser, 1000);
  EXPECT_EQ(spec.runAsGroup, 1000);
  EXPECT_EQ(spec.requests.cpu, "100m");
  EXPECT_EQ(spec.limits.memory, "512Mi");
  EXPECT_FALSE(spec.temporaryNamespace);
}

TEST(SessionSpec, ReadsEveryField) {
  SessionOptions options;
  options.allowedImages = {"registry.example.com/debug/*"};
  const auto parsed = ParseSessionSpec(Session(R"({
    "image": "registry.example.com/debug/netshoot:v2", "ttl": "30m", "idleTimeout": "10m",
    "recording": {"enabled": true, "size": "2Gi", "storageClassName": "retained", "keepOnDelete": false},
    "runAsUser": 2000, "runAsGroup": 3000,
    "resources": {"requests": {"cpu": "50m", "memory": 64}, "limits": {"cpu": 2, "memory": "256Mi"}},
    "targetNamespace": "checkout", "nodeName": "ip-10-0-1-7.eu-west-1.compute.internal",
    "sshSecretRef": {"name": "bastion-keys"}, "purpose": "INC-4711",
    "env": [{"name": "TARGET", "value": "db.internal"}, {"name": "EMPTY"}]})"),
                                       options);
  EXPECT_THAT(parsed.problems, IsEmpty());
  const auto& spec = parsed.spec;
  EXPECT_EQ(spec.image, "registry.example.com/debug/netshoot:v2");
  EXPECT_EQ(spec.ttl, std::chrono::minutes(30));
  EXPECT_EQ(spec.idleTimeout, std::chrono::minutes(10));
  EXPECT_EQ(spec.recordingSize, "2Gi");
  EXPECT_EQ(spec.storageClassName, "retained");
  EXPECT_FALSE(spec.keepRecordingOnDelete);
  EXPECT_EQ(spec.runAsUser, 2000);
  EXPECT_EQ(spec.runAsGroup, 3000);
  EXPECT_EQ(spec.requests.cpu, "50m");
  EXPECT_EQ(spec.requests.memory, "64");
  EXPECT_EQ(spec.limits.cpu, "2");
  EXPECT_EQ(spec.targetNamespace, "checkout");
  EXPECT_EQ(spec.nodeName, "ip-10-0-1-7.eu-west-1.compute.internal");
  EXPECT_EQ(spec.sshSecretName, "bastion-keys");
  EXPECT_EQ(spec.purpose, "INC-4711");
  EXPECT_THAT(spec.env, ElementsAre(std::pair<std::string, std::string>{"TARGET", "db.internal"},
                                    std::pair<std::string, std::string>{"EMPTY", ""}));
}

TEST(SessionSpec, RefusesAnImageOffTheAllowList) {
  SessionOptions options;
  options.allowedImages = {"registry.example.com/debug/*", "docker.io/nicolaka/netshoot:v0.13"};
  EXPECT_TRUE(ImageAllowed(options, options.defaultImage));
  EXPECT_TRUE(ImageAllowed(options, "docker.io/nicolaka/netshoot:v0.13"));
  EXPECT_TRUE(ImageAllowed(options, "registry.example.com/debug/tools:1"));
  EXPECT_FALSE(ImageAllowed(options, "docker.io/nicolaka/netshoot:latest"));
  EXPECT_FALSE(ImageAllowed(options, "registry.example.com/other/tools:1"));
  const auto parsed =
      ParseSessionSpec(Session(R"({"image": "docker.io/library/busybox:1.36"})"), options);
  ASSERT_EQ(parsed.problems.size(), 1U);
  EXPECT_EQ(parsed.problems[0].field, "spec.image");
  EXPECT_THAT(parsed.problems[0].reason, HasSubstr("sessions.allowedImages"));
}

TEST(SessionSpec, HoldsTheTTLToTheOperatorsMaximum) {
  SessionOptions options;
  options.maxTTL = std::chrono::minutes(30);
  const auto parsed = ParseSessionSpec(Session(R"({"ttl": "1h"})"), options);
  EXPECT_THAT(parsed.problems, ElementsAre(Field(&SpecProblem::field, "spec.ttl")));
  EXPECT_THAT(parsed.problems[0].reason, HasSubstr("30m"));
}

TEST(SessionSpec, AnIdleTimeoutAtTheTTLNeverFires) {
  const auto parsed = ParseSessionSpec(Session(R"({"ttl": "10m", "idleTimeout": "10m"})"), {});
  EXPECT_EQ(parsed.spec.idleTimeout, Duration::zero());
}

TEST(SessionSpec, TheShellMayNotRunAsTheRecorder) {
  const auto parsed = ParseSessionSpec(Session(R"({"runAsUser": 65532})"), {});
  EXPECT_THAT(parsed.problems, ElementsAre(Field(&SpecProblem::field, "spec.runAsUser")));
  // Without a recording there is no recorder to protect.
  EXPECT_THAT(
      ParseSessionSpec(Session(R"({"runAsUser": 65532, "recording": {"enabled": false}})"), {})
          .problems,
      IsEmpty());
}

TEST(SessionSpec, KdiagEnvironmentNamesAreReserved) {
  const auto parsed = ParseSessionSpec(
      Session(R"({"env": [{"name": "KDIAG_EXPIRES_AT", "value": "9999999999"}]})"), {});
  EXPECT_THAT(parsed.problems, ElementsAre(Field(&SpecProblem::field, "spec.env")));
  EXPECT_THAT(parsed.spec.env, IsEmpty());
}

TEST(SessionOwner, RoundTripsThroughTheAnnotation) {
  const SessionOwner alice{"alice@example.com", "5d1e", {"sre", "system:authenticated"}};
  const auto session = Session("{}", alice.ToJson().dump().c_str());
  const auto owner = OwnerOf(session);
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->username, "alice@example.com");
  EXPECT_EQ(owner->uid, "5d1e");
  EXPECT_THAT(owner->groups, ElementsAre("sre", "system:authenticated"));
  EXPECT_FALSE(OwnerOf(Session("{}")));
  EXPECT_FALSE(OwnerOf(Session("{}", "not json")));
  EXPECT_FALSE(OwnerOf(Session("{}", R"({"uid": "no name"})")));
}

}  // namespace
}  // namespace kdiag
