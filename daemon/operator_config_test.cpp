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
  EXPECT_TRUE(config.webhook.enabled);
  EXPECT_EQ(config.webhook.address, "0.0.0.0:9443");
  EXPECT_EQ(config.webhook.certFile, "/etc/kdiag/webhook/tls.crt");
  EXPECT_EQ(config.webhook.keyFile, "/etc/kdiag/webhook/tls.key");
  EXPECT_TRUE(config.leaderElection.enabled);
  EXPECT_EQ(config.leaderElection.leaseDuration, std::chrono::seconds(15));
  EXPECT_EQ(config.sessions.maxTTL, std::chrono::hours(2));
  EXPECT_EQ(config.diagnosis.managementNamespaces, std::vector<std::string>{"kube-system"});
}

TEST(OperatorConfig, ReadsEverySection) {
  const auto config = ParseOperatorConfig(R"(
log: {level: debug, format: json}
server: {address: "127.0.0.1:9090", statusLogInterval: 30s}
webhook: {enabled: false, address: "127.0.0.1:9444", certFile: /tls/c.pem, keyFile: /tls/k.pem}
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
  EXPECT_FALSE(config.webhook.enabled);
  EXPECT_EQ(config.webhook.address, "127.0.0.1:9444");
  EXPECT_EQ(config.webhook.certFile, "/tls/c.pem");
  EXPECT_EQ(config.webhook.keyFile, "/tls/k.pem");
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
  EXPECT_THAT(ProblemsOf("webhook: {address: '0.0.0.0'}"),
              ElementsAre("config.yaml: webhook.address: listen address '0.0.0.0' has no port "
                          "(want host:port)"));
  EXPECT_THAT(ProblemsOf("webhook: {certFile: '', keyFile: ''}"),
              ElementsAre("config.yaml: webhook.certFile: must not be empty",
                          "config.yaml: webhook.keyFile: must not be empty"));
  EXPECT_THAT(ProblemsOf("webhook: {enabled: false, certFile: ''}"), ::testing::IsEmpty());
  EXPECT_THAT(ProblemsOf("webhook: {certfile: /x}"),
              ElementsAre(HasSubstr("config.yaml:1: webhook.certfile: unknown key")));
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

constexpr std::string_view kDiagnosisChecks = R"(
diagnosis:
  managementNamespaces: [kube-system, networking]
  addons:
    - {name: coredns, kind: Deployment, namespace: kube-system, objectName: coredns,
       loggingName: coredns, required: true}
    - name: cilium
      kind: DaemonSet
      namespace: kube-system
      matchLabels: {k8s-app: cilium}
  docs:
    KD1001:
      - {title: Registry runbook, url: "https://wiki.example.com/registry"}
  loggingDrivers:
    - {name: loki, type: loki, url: "https://grafana.example.com"}
    - {name: archive, type: custom, urlTemplate: "https://logs.example.com/?ns={namespace}"}
  feedbackURL: "https://git.example.com/issues/new?title={code}"
  rootSources:
    - name: prod-alerts
      type: alertmanager
      url: http://alertmanager.monitoring:9093
      matchers: ['severity="critical"', 'alertname=~"Node.*"']
      minSeverity: critical
      interval: 30s
    - {name: cloud, type: statusPage, url: "https://status.example.com/api/v2/status.json"}
    - {name: gateway, type: httpProbe, url: "https://gw.example.com/healthz", expectedStatus: 204,
       timeout: 2s}
  customChecks:
    - code: KD9001
      title: Deployment without an owner team
      kind: Deployment
      severity: info
      expression: '.metadata.labels.team == null'
      message: '{kind} {namespace}/{name} has no team label'
      nextSteps: ['kubectl -n {namespace} label deployment {name} team=...']
      docs: [{title: Ownership policy, url: "https://wiki.example.com/owners"}]
  customCheckLimits: {timePerObject: 500ms, memory: 1Gi}
  discoveryInterval: 5m
  apiServerProbeInterval: 10s
  checkBudget: 5s
  thresholds: {nodeLeaseStaleAfter: 1m, highRestartCount: 10, stuckTerminatingAfter: 10m}
  customResources:
    - {group: cert-manager.io, version: v1, resource: certificates, kind: Certificate}
)";

TEST(OperatorConfig, ReadsTheDiagnosisChecks) {
  const auto config = ParseOperatorConfig(kDiagnosisChecks, "config.yaml");
  EXPECT_EQ(config.diagnosis.managementNamespaces,
            (std::vector<std::string>{"kube-system", "networking"}));
  const auto& checks = config.checks;
  ASSERT_EQ(checks.builtin.addons.size(), 2u);
  EXPECT_TRUE(checks.builtin.addons[0].required);
  EXPECT_EQ(checks.builtin.addons[0].loggingName, "coredns");
  EXPECT_EQ(checks.builtin.addons[1].kind, "DaemonSet");
  EXPECT_EQ(checks.builtin.addons[1].selector.matchLabels.at("k8s-app"), "cilium");
  EXPECT_EQ(checks.pipeline.enrichment.docsOverrides.at("KD1001").at(0).url,
            "https://wiki.example.com/registry");
  ASSERT_EQ(checks.pipeline.enrichment.loggingDrivers.size(), 2u);
  EXPECT_THAT(checks.pipeline.enrichment.loggingDrivers[0].urlTemplate,
              ::testing::StartsWith("https://grafana.example.com/explore?"));
  EXPECT_EQ(checks.pipeline.enrichment.loggingDrivers[1].urlTemplate,
            "https://logs.example.com/?ns={namespace}");
  EXPECT_EQ(checks.pipeline.enrichment.feedbackURLTemplate,
            "https://git.example.com/issues/new?title={code}");
  ASSERT_EQ(checks.rootSources.size(), 3u);
  EXPECT_EQ(checks.rootSources[0].type, SourceType::kAlertmanager);
  EXPECT_EQ(checks.rootSources[0].matchers.size(), 2u);
  EXPECT_EQ(checks.rootSources[0].minSeverity, Severity::kCritical);
  EXPECT_EQ(checks.rootSources[0].interval, std::chrono::seconds(30));
  EXPECT_EQ(checks.rootSources[1].statusPath, "status.indicator");
  EXPECT_EQ(checks.rootSources[2].expectedStatus, 204);
  ASSERT_EQ(checks.customChecks.size(), 1u);
  EXPECT_EQ(checks.customChecks[0].code, "KD9001");
  EXPECT_EQ(checks.customChecks[0].severity, Severity::kInfo);
  EXPECT_EQ(checks.customChecks[0].category, "custom");
  EXPECT_EQ(checks.customChecks[0].docs.at(0).title, "Ownership policy");
  EXPECT_EQ(config.diagnosis.discoveryInterval, std::chrono::minutes(5));
  EXPECT_EQ(config.diagnosis.apiServerProbeInterval, std::chrono::seconds(10));
  EXPECT_EQ(checks.customCheckLimits.timePerObject, std::chrono::milliseconds(500));
  EXPECT_EQ(checks.customCheckLimits.memoryBytes, 1ull << 30);
  EXPECT_EQ(checks.pipeline.checkBudget, std::chrono::seconds(5));
  EXPECT_EQ(checks.builtin.nodeLeaseStaleAfter, std::chrono::minutes(1));
  EXPECT_EQ(checks.builtin.highRestartCount, 10);
  EXPECT_EQ(checks.builtin.helmPendingAfter, std::chrono::minutes(15));  // default kept
  ASSERT_EQ(checks.customResources.size(), 1u);
  EXPECT_EQ(checks.customResources[0].resource, "certificates");
}

TEST(OperatorConfig, WatchesTheConfiguredCustomResourcesWhereServed) {
  const auto config = ParseOperatorConfig(kDiagnosisChecks, "config.yaml");
  const auto kinds = DiagnosisWatchedKinds(config.checks.customResources);
  const auto certificates = std::ranges::find_if(
      kinds, [](const WatchedKind& kind) { return kind.kind == "Certificate"; });
  ASSERT_NE(certificates, kinds.end());
  EXPECT_EQ(certificates->type.ApiVersion(), "cert-manager.io/v1");
  EXPECT_EQ(certificates->type.resource, "certificates");
  EXPECT_TRUE(certificates->optional);
  EXPECT_EQ(kinds.size(), DiagnosisWatchedKinds().size() + 1);
}

TEST(OperatorConfig, NamesBadCustomResources) {
  EXPECT_THAT(
      ProblemsOf("diagnosis:\n  customResources:\n"
                 "    - {group: '', version: v1, resource: certificates, kind: Certificate}\n"
                 "    - {group: example.com, version: v1, resource: pods, kind: Pod}\n"),
      ElementsAre(HasSubstr("diagnosis.customResources[0].group: must not be empty"),
                  HasSubstr("diagnosis.customResources[1].kind: Pod is watched already")));
}

TEST(OperatorConfig, KeepsTheDefaultAddonsUnlessGiven) {
  EXPECT_EQ(ParseOperatorConfig("", "config.yaml").checks.builtin.addons.size(),
            DefaultAddons().size());
  EXPECT_TRUE(
      ParseOperatorConfig("diagnosis: {addons: []}", "config.yaml").checks.builtin.addons.empty());
}

TEST(OperatorConfig, NamesBadDiagnosisChecks) {
  EXPECT_THAT(
      ProblemsOf("diagnosis:\n  customChecks:\n    - code: KD1001\n      title: t\n"
                 "      kind: Pod\n      expression: '.spec ==='\n"),
      ElementsAre(
          HasSubstr("config.yaml:3: diagnosis.customChecks[0].code: 'KD1001' is not a custom"),
          HasSubstr("config.yaml:6: diagnosis.customChecks[0].expression: jq: syntax error")));
  EXPECT_THAT(ProblemsOf("diagnosis:\n  customChecks:\n"
                         "    - {code: KD9001, title: a, kind: Pod, expression: 'true'}\n"
                         "    - {code: KD9001, title: b, kind: Pod, expression: 'true'}\n"),
              ElementsAre(HasSubstr("config.yaml:4: diagnosis.customChecks[1].code: KD9001 is "
                                    "used by another check")));
  EXPECT_THAT(ProblemsOf("diagnosis:\n  rootSources:\n    - name: am\n      type: alertmanager\n"
                         "      url: http://am:9093\n      matchers: [severity=critical]\n"),
              ElementsAre(HasSubstr("diagnosis.rootSources[0].matchers[0]: 'severity=critical' "
                                    "is not a label matcher")));
  EXPECT_THAT(ProblemsOf("diagnosis:\n  customChecks:\n"
                         "    - {code: KD9001, title: a, kind: Deploymnet, expression: 'true'}\n"
                         "    - {code: KD9002, title: b, kind: Certificate, expression: 'true'}\n"),
              ElementsAre(HasSubstr("config.yaml:3: diagnosis.customChecks[0].kind: 'Deploymnet' "
                                    "is not a kind the controller watches (APIService, "),
                          HasSubstr("diagnosis.customChecks[1].kind: 'Certificate' is not a kind "
                                    "the controller watches")));
  EXPECT_THAT(ProblemsOf("diagnosis: {rootSources: [{name: x, type: pager, url: 'http://x'}]}"),
              ElementsAre(HasSubstr("diagnosis.rootSources[0].type: 'pager' is not one of")));
  EXPECT_THAT(ProblemsOf("diagnosis: {loggingDrivers: [{type: custom}]}"),
              ElementsAre(HasSubstr("diagnosis.loggingDrivers[0].urlTemplate: is required")));
  EXPECT_THAT(ProblemsOf("diagnosis: {loggingDrivers: [{type: cloudwatch}]}"),
              ElementsAre(HasSubstr("diagnosis.loggingDrivers[0].region: is required")));
  EXPECT_THAT(ProblemsOf("diagnosis: {addons: [{name: dns, kind: StatefulSet, objectName: x}]}"),
              ElementsAre(HasSubstr("diagnosis.addons[0].kind: 'StatefulSet' is not one of")));
  EXPECT_THAT(ProblemsOf("diagnosis: {addons: [{name: dns, colour: red, objectName: x}]}"),
              ElementsAre(HasSubstr("diagnosis.addons[0].colour: unknown key")));
  EXPECT_THAT(ProblemsOf("diagnosis: {docs: {KD1001: [{title: x, url: 'ftp://x'}]}}"),
              ElementsAre(HasSubstr("diagnosis.docs.KD1001[0].url: 'ftp://x' is not")));
  EXPECT_THAT(ProblemsOf("diagnosis: {thresholds: {highRestartCount: 0}}"),
              ElementsAre(HasSubstr("diagnosis.thresholds.highRestartCount: 0 is out of range")));
  EXPECT_THAT(ProblemsOf("diagnosis: {checkBudget: 0s}"),
              ElementsAre(HasSubstr("diagnosis.checkBudget: must be greater than 0s")));
  EXPECT_THAT(ProblemsOf("diagnosis: {customCheckLimits: {memory: 10Mi}}"),
              ElementsAre(HasSubstr("diagnosis.customCheckLimits.memory: '10Mi' is not a "
                                    "quantity of at least 64Mi")));
  EXPECT_THAT(ProblemsOf("diagnosis: {customCheckLimits: {memory: lots}}"),
              ElementsAre(HasSubstr("diagnosis.customCheckLimits.memory: 'lots' is not")));
  EXPECT_THAT(ProblemsOf("diagnosis: {apiServerProbeInterval: 0s}"),
              ElementsAre(HasSubstr("diagnosis.apiServerProbeInterval: must be greater than 0s")));
  EXPECT_THAT(ProblemsOf("diagnosis: {customCheckLimits: {timePerObject: 0s}}"),
              ElementsAre(HasSubstr("diagnosis.customCheckLimits.timePerObject: must be greater "
                                    "than 0s")));
}

TEST(OperatorConfig, TheShippedConfigMapIsValid) {
  EXPECT_NO_THROW(LoadOperatorConfig(KDIAG_SOURCE_DIR "/manifests/base/config.yaml"));
}

}  // namespace
}  // namespace kdiag
