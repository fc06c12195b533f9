#include "daemon/operator_config.h"

#include <fstream>
#include <limits>
#include <sstream>

#include "daemon/yaml_reader.h"

namespace kdiag {
namespace {

constexpr size_t kMaxListItems = 256;
constexpr int64_t kMaxId = std::numeric_limits<int32_t>::max();

std::string JoinLines(const std::vector<std::string>& problems) {
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p;
  return text;
}

void ReadLog(YamlSection section, LogConfig& log) {
  section.ReadEnum("format", log.format, ParseLogFormat, "text, json");
  section.ReadEnum("level", log.level, ParseLogLevel, "trace, debug, info, warn, error, off");
}

void ReadServer(YamlSection section, ServerConfig& server) {
  section.Read("address", server.address);
  section.Read("statusLogInterval", server.statusLogInterval);
}

void ReadKubernetes(YamlSection section, KubernetesConfig& kubernetes) {
  section.Read("kubeconfig", kubernetes.kubeconfig);
  section.Read("context", kubernetes.context);
  section.Read("qps", kubernetes.qps, 0, 1e6);
  section.Read("burst", kubernetes.burst, 0, 1'000'000);
  section.Read("requestTimeout", kubernetes.requestTimeout);
}

void ReadLeaderElection(YamlSection section, LeaderElectionConfig& election) {
  section.Read("enabled", election.enabled);
  section.Read("namespace", election.leaseNamespace);
  section.Read("leaseName", election.leaseName);
  section.Read("leaseDuration", election.leaseDuration);
  section.Read("renewDeadline", election.renewDeadline);
  section.Read("retryPeriod", election.retryPeriod);
}

void ReadDiagnosis(YamlSection section, DiagnosisOptions& diagnosis) {
  section.Read("publicBaseURL", diagnosis.publicBaseURL);
  section.Read("managementNamespaces", diagnosis.managementNamespaces, kMaxListItems);
  section.Read("maxFindingsInStatus", diagnosis.maxFindingsInStatus, 1, 500);
}

void ReadResourceAmounts(YamlSection section, ResourceAmounts& amounts) {
  section.Read("cpu", amounts.cpu);
  section.Read("memory", amounts.memory);
}

void ReadSessions(YamlSection section, SessionOptions& sessions) {
  section.Read("defaultImage", sessions.defaultImage);
  section.Read("allowedImages", sessions.allowedImages, kMaxListItems);
  section.Read("defaultTTL", sessions.defaultTTL);
  section.Read("maxTTL", sessions.maxTTL);
  section.Read("defaultIdleTimeout", sessions.defaultIdleTimeout);
  section.Read("runAsUser", sessions.runAsUser, 1, kMaxId);
  section.Read("runAsGroup", sessions.runAsGroup, 1, kMaxId);
  section.Read("storageClassName", sessions.storageClassName);
  section.Read("recordingSize", sessions.recordingSize);
  YamlSection resources = section.Section("resources");
  ReadResourceAmounts(resources.Section("requests"), sessions.requests);
  ReadResourceAmounts(resources.Section("limits"), sessions.limits);
  section.Read("maxPerNamespace", sessions.maxPerNamespace, 1, 10'000);
  section.Read("maxPerUser", sessions.maxPerUser, 1, 10'000);
}

void AddFieldProblems(std::vector<std::string>& out, const std::string& source,
                      const std::string& prefix, const std::vector<FieldProblem>& problems) {
  for (const auto& p : problems) out.push_back(source + ": " + prefix + p.field + ": " + p.reason);
}

}  // namespace

ConfigError::ConfigError(std::vector<std::string> problems)
    : std::runtime_error(JoinLines(problems)), problems_(std::move(problems)) {}

OperatorConfig ParseOperatorConfig(std::string_view yaml, const std::string& source) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw ConfigError({source + ":" + std::to_string(e.mark.line + 1) + ":" +
                       std::to_string(e.mark.column + 1) + ": invalid YAML: " + e.msg});
  }
  OperatorConfig config;
  YamlProblems problems(source);
  {
    YamlSection top(root, "", problems);
    ReadLog(top.Section("log"), config.log);
    ReadServer(top.Section("server"), config.server);
    ReadKubernetes(top.Section("kubernetes"), config.kubernetes);
    ReadLeaderElection(top.Section("leaderElection"), config.leaderElection);
    ReadDiagnosis(top.Section("diagnosis"), config.diagnosis);
    ReadSessions(top.Section("sessions"), config.sessions);
  }
  if (!problems.empty()) throw ConfigError(problems.messages());
  ValidateOperatorConfig(config, source);
  return config;
}

OperatorConfig LoadOperatorConfig(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw ConfigError({path + ": cannot read the configuration file"});
  std::stringstream text;
  text << file.rdbuf();
  return ParseOperatorConfig(text.str(), path);
}

void ValidateOperatorConfig(const OperatorConfig& config, const std::string& source) {
  std::vector<std::string> problems;
  const auto& election = config.leaderElection;
  // The same rules as client-go's leader election: a leader must be able to renew several
  // times before its lease runs out, or leadership flaps under ordinary API latency.
  if (election.leaseDuration <= election.renewDeadline) {
    problems.push_back(source +
                       ": leaderElection.leaseDuration: must be greater than renewDeadline");
  }
  if (election.renewDeadline.count() <= election.retryPeriod.count() * 12 / 10) {
    problems.push_back(source +
                       ": leaderElection.renewDeadline: must be greater than 1.2 × retryPeriod");
  }
  if (election.retryPeriod <= Duration::zero()) {
    problems.push_back(source + ": leaderElection.retryPeriod: must be greater than 0s");
  }
  if (election.leaseName.empty()) {
    problems.push_back(source + ": leaderElection.leaseName: must not be empty");
  }
  if (config.server.statusLogInterval < Duration::zero()) {
    problems.push_back(source + ": server.statusLogInterval: must not be negative");
  }
  if (config.kubernetes.requestTimeout <= Duration::zero()) {
    problems.push_back(source + ": kubernetes.requestTimeout: must be greater than 0s");
  }
  AddFieldProblems(problems, source, "diagnosis.", config.diagnosis.Validate());
  AddFieldProblems(problems, source, "sessions.", config.sessions.Validate());
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

}  // namespace kdiag
