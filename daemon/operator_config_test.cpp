#include "daemon/operator_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kdiag {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Runs the parser and returns its problems (none when the text is valid).
std::vector<std::string> ProblemsOf(const std::string& yaml) {
  try {
    ParseOperatorConfig(yaml, "config.yaml");
  } catch (const ConfigError& e) {
    return e.problems();
  }
  return {};
}

TEST(OperatorConfig, EmptyFileGivesTheDefaults) {
  const auto config = ParseOperatorConfig("", "config.yaml");
  EXPECT_EQ(config.log.format, LogFormat::kText);
  EXPECT_EQ(config.server.address, "0.0.0.0:8080");
  EXPECT_TRUE(config.leaderElection.enabled);
  EXPECT_EQ(config.leaderElection.leaseDuration, std::chrono::seconds(15));
  EXPECT_EQ(config.sessions.maxTTL, std::chrono::hours(2));
  EXPECT_EQ(config.diagnosis.managementNamespaces, std::vector<std::string>{"kube-system"});
}

TEST(OperatorConfig, ReadsEverySection) {
  const auto config = ParseOperatorConfig(R"(
log: {level: debug, format: json}
server: {address: "127.0.0.1:9090", statusLogInterval: 30s}
kubernetes: {kubeconfig: /tmp/kc, context: dev, qps: 50, burst: 100, requestTimeout: 10s}
leaderElection:
  enabled: false
  namespace: ops
  leaseName: kd
  leaseDuration: 30s
  renewDeadline: 20s
  retryPeriod: 4s
diagnosis:
  publicBaseURL: https://kdiag.example.com/base
  managementNamespaces: [kube-system, monitoring]
  maxFindingsInStatus: 20
sessions:
  defaultImage: registry.example/debug:1
  allowedImages: [registry.example/debug:1, registry.example/net:2]
  defaultTTL: 30m
  maxTTL: 90m
  defaultIdleTimeout: 10m
  runAsUser: 4242
  runAsGroup: 4343
  storageClassName: retained
  recordingSize: 2Gi
  resources:
    requests: {cpu: 50m, memory: 64Mi}
    limits: {cpu: "2", memory: 1Gi}
  maxPerNamespace: 4
  maxPerUser: 1
)",
                                          "config.yaml");
  EXPECT_EQ(config.log.level, spdlog::level::debug);
  EXPECT_EQ(config.log.format, LogFormat::kJson);
  EXPECT_EQ(config.server.address, "127.0.0.1:9090");
  EXPECT_EQ(config.server.statusLogInterval, std::chrono::seconds(30));
  EXPECT_EQ(config.kubernetes.context, "dev");
  EXPECT_DOUBLE_EQ(config.kubernetes.qps, 50);
  EXPECT_EQ(config.kubernetes.burst, 100);
  EXPECT_FALSE(config.leaderElection.enabled);
  EXPECT_EQ(config.leaderElection.leaseNamespace, "ops");
  EXPECT_EQ(config.leaderElection.retryPeriod, std::chrono::seconds(4));
  EXPECT_EQ(config.diagnosis.publicBaseURL, "https://kdiag.example.com/base");
  EXPECT_EQ(config.diagnosis.maxFindingsInStatus, 20);
  EXPECT_EQ(config.sessions.allowedImages.size(), 2u);
  EXPECT_EQ(config.sessions.maxTTL, std::chrono::minutes(90));
  EXPECT_EQ(config.sessions.runAsUser, 4242);
  EXPECT_EQ(config.sessions.limits.cpu, "2");
  EXPECT_EQ(config.sessions.maxPerUser, 1);
}

TEST(OperatorConfig, NamesUnknownKeysWithTheirLine) {
  EXPECT_THAT(ProblemsOf("log:\n  level: info\n  colour: blue\n"),
              ElementsAre("config.yaml:3: log.colour: unknown key (known here: format, level)"));
  EXPECT_THAT(
      ProblemsOf("sessions:\n  resources:\n    requests: {gpu: 1}\n"),
      ElementsAre(HasSubstr("config.yaml:3: sessions.resources.requests.gpu: unknown key")));
  EXPECT_THAT(ProblemsOf("logging: {}\n"),
              ElementsAre(HasSubstr("config.yaml:1: logging: unknown key")));
}

TEST(OperatorConfig, NamesBadValues) {
  EXPECT_THAT(ProblemsOf("log: {level: loud}"),
              ElementsAre(HasSubstr("log.level: 'loud' is not one of trace, debug")));
  EXPECT_THAT(
      ProblemsOf("sessions: {maxTTL: 3x}"),
      ElementsAre("config.yaml:1: sessions.maxTTL: '3x' is not a duration (e.g. 90s, 15m, 1h30m)"));
  EXPECT_THAT(ProblemsOf("sessions: {runAsUser: 0}"),
              ElementsAre(HasSubstr("sessions.runAsUser: 0 is out of range [1, 2147483647]")));
  EXPECT_THAT(ProblemsOf("leaderElection: {enabled: yes please}"),
              ElementsAre(HasSubstr("leaderElection.enabled: 'yes please' is not a boolean")));
  EXPECT_THAT(ProblemsOf("kubernetes: {burst: many}"),
              ElementsAre(HasSubstr("kubernetes.burst: 'many' is not a whole number")));
  EXPECT_THAT(ProblemsOf("diagnosis: {managementNamespaces: kube-system}"),
              ElementsAre(HasSubstr("diagnosis.managementNamespaces: must be a list")));
  EXPECT_THAT(ProblemsOf("server: [a, b]"), ElementsAre(HasSubstr("server: must be a mapping")));
}

TEST(OperatorConfig, ReportsEveryProblemAtOnce) {
  EXPECT_EQ(ProblemsOf("log: {level: loud, format: xml}\nextra: 1\n").size(), 3u);
}

TEST(OperatorConfig, AppliesCrossFieldRules) {
  EXPECT_THAT(ProblemsOf("sessions: {maxTTL: 3h}"),
              ElementsAre(HasSubstr("sessions.maxTTL: must be more than 0s and at most 2h")));
  EXPECT_THAT(
      ProblemsOf("sessions: {defaultTTL: 2h, maxTTL: 1h}"),
      ElementsAre(HasSubstr("sessions.defaultTTL: must be more than 0s and at most maxTTL (1h)")));
  EXPECT_THAT(
      ProblemsOf("leaderElection: {leaseDuration: 10s, renewDeadline: 10s}"),
      ElementsAre(HasSubstr("leaderElection.leaseDuration: must be greater than renewDeadline")));
  EXPECT_THAT(ProblemsOf("diagnosis: {publicBaseURL: 'ftp://x'}"),
              ElementsAre(HasSubstr("diagnosis.publicBaseURL: 'ftp://x' is not an http(s) URL")));
}

TEST(OperatorConfig, ReportsMalformedYamlWithPosition) {
  EXPECT_THAT(ProblemsOf("log: {level: info\nserver: x"), ElementsAre(HasSubstr("config.yaml:2:")));
  EXPECT_THAT(ProblemsOf("- just\n- a list\n"),
              ElementsAre(HasSubstr("config.yaml:1: (top level): must be a mapping")));
}

TEST(OperatorConfig, ReportsAnUnreadableFile) {
  try {
    LoadOperatorConfig("/nonexistent/kdiag.yaml");
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/kdiag.yaml: cannot read"));
  }
}

TEST(OperatorConfig, TheShippedConfigMapIsValid) {
  EXPECT_NO_THROW(LoadOperatorConfig(KDIAG_SOURCE_DIR "/manifests/base/config.yaml"));
}

}  // namespace
}  // namespace kdiag
