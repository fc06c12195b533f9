#include "daemon/operator_config.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <set>
#include <sstream>

#include "checks/log_link_templates.h"
#include "controller/http_server.h"
#include "controller/names.h"
#include "controller/quantity.h"
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

void ReadWebhook(YamlSection section, WebhookConfig& webhook) {
  section.Read("enabled", webhook.enabled);
  section.Read("address", webhook.address);
  section.Read("certFile", webhook.certFile);
  section.Read("keyFile", webhook.keyFile);
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

void ReadLink(YamlSection& item, Link& link) {
  item.Read("title", link.title);
  item.Read("url", link.url);
  if (link.title.empty()) item.Problem("title", "must not be empty");
  if (!link.url.starts_with("https://") && !link.url.starts_with("http://")) {
    item.Problem("url", "'" + link.url + "' is not an http(s) URL");
  }
}

void ReadLinks(YamlSection& section, const std::string& key, std::vector<Link>& links) {
  section.ReadItems(key, kMaxListItems, [&](YamlSection& item, size_t) {
    Link link;
    ReadLink(item, link);
    links.push_back(std::move(link));
  });
}

void ReadAddons(YamlSection& section, std::vector<AddonSpec>& addons) {
  std::vector<AddonSpec> read;
  section.ReadItems("addons", kMaxListItems, [&](YamlSection& item, size_t) {
    AddonSpec addon;
    item.Read("name", addon.name);
    item.Read("kind", addon.kind);
    item.Read("namespace", addon.ns);
    item.Read("objectName", addon.objectName);
    item.Read("matchLabels", addon.selector.matchLabels, kMaxListItems);
    item.Read("loggingName", addon.loggingName);
    item.Read("required", addon.required);
    if (addon.name.empty()) item.Problem("name", "must not be empty");
    if (addon.kind != "Deployment" && addon.kind != "DaemonSet") {
      item.Problem("kind", "'" + addon.kind + "' is not one of Deployment, DaemonSet");
    }
    if (!IsDnsLabel(addon.ns)) item.Problem("namespace", "is not a valid namespace name");
    if (addon.objectName.empty() == addon.selector.matchLabels.empty()) {
      item.Problem("objectName", "give either objectName or matchLabels");
    }
    read.push_back(std::move(addon));
  });
  // An empty list turns every addon check off; an absent key keeps the defaults.
  const auto keys = section.Keys();
  if (std::ranges::find(keys, "addons") != keys.end()) {
    addons = std::move(read);
  }
}

// Custom resources for KD6005: each a kind no other watched kind has, in a named API group.
void ReadCustomResources(YamlSection& section, std::vector<CustomResourceKind>& resources) {
  std::set<std::string> kinds;
  for (const auto& kind : DiagnosisWatchedKinds()) kinds.insert(kind.kind);
  section.ReadItems("customResources", kMaxListItems, [&](YamlSection& item, size_t) {
    CustomResourceKind resource;
    item.Read("group", resource.group);
    item.Read("version", resource.version);
    item.Read("resource", resource.resource);
    item.Read("kind", resource.kind);
    if (resource.group.empty()) item.Problem("group", "must not be empty");
    if (resource.version.empty()) item.Problem("version", "must not be empty");
    if (resource.resource.empty()) item.Problem("resource", "must not be empty");
    if (resource.kind.empty()) {
      item.Problem("kind", "must not be empty");
    } else if (!kinds.insert(resource.kind).second) {
      item.Problem("kind", resource.kind + " is watched already");
    }
    resources.push_back(std::move(resource));
  });
}

void ReadDocs(YamlSection section, EnrichmentOptions& enrichment) {
  for (const auto& code : section.Keys()) {
    std::vector<Link> links;
    ReadLinks(section, code, links);
    enrichment.docsOverrides[code] = std::move(links);
  }
}

void ReadLoggingDrivers(YamlSection& section, EnrichmentOptions& enrichment) {
  section.ReadItems("loggingDrivers", kMaxListItems, [&](YamlSection& item, size_t) {
    LoggingDriver driver;
    LoggingSystemSettings settings;
    item.Read("name", driver.name);
    item.ReadEnum("type", settings.type, ParseLoggingSystem,
                  "splunk, elasticsearch, kibana, datadog, loki, cloudwatch, custom");
    item.Read("url", settings.url);
    item.Read("urlTemplate", driver.urlTemplate);
    item.Read("region", settings.region);
    item.Read("logGroup", settings.logGroup);
    if (driver.name.empty()) driver.name = std::string(ToString(settings.type));
    if (driver.urlTemplate.empty()) {
      if (settings.type == LoggingSystem::kCustom) {
        item.Problem("urlTemplate", "is required for type custom");
      } else if (settings.type == LoggingSystem::kCloudWatch && settings.region.empty()) {
        item.Problem("region", "is required for type cloudwatch");
      } else if (settings.type != LoggingSystem::kCloudWatch &&
                 !settings.url.starts_with("http://") && !settings.url.starts_with("https://")) {
        item.Problem("url", "'" + settings.url + "' is not an http(s) URL");
      }
      driver.urlTemplate = DefaultLogUrlTemplate(settings);
    }
    enrichment.loggingDrivers.push_back(std::move(driver));
  });
}

void ReadRootSources(YamlSection& section, std::vector<InfrastructureSourceSpec>& sources) {
  section.ReadItems("rootSources", kMaxListItems, [&](YamlSection& item, size_t) {
    InfrastructureSourceSpec source;
    item.Read("name", source.name);
    item.ReadEnum("type", source.type, ParseSourceType, "alertmanager, statusPage, httpProbe");
    item.Read("url", source.url);
    item.Read("matchers", source.matchers, kMaxListItems);
    item.ReadEnum("minSeverity", source.minSeverity, ParseSeverity, "critical, warning, info");
    item.Read("statusPath", source.statusPath);
    item.Read("healthyValue", source.healthyValue);
    item.Read("descriptionPath", source.descriptionPath);
    item.Read("expectedStatus", source.expectedStatus, 100, 599);
    item.Read("timeout", source.timeout);
    item.Read("interval", source.interval);
    for (const auto& problem : source.Validate()) item.Problem(problem.field, problem.reason);
    for (const auto& other : sources) {
      if (!source.name.empty() && other.name == source.name) {
        item.Problem("name", "'" + source.name + "' is used by another source");
      }
    }
    sources.push_back(std::move(source));
  });
}

// watched: the kinds the controller caches; a check of any other kind would never see an object.
void ReadCustomChecks(YamlSection& section, const std::set<std::string>& watched,
                      std::vector<CustomCheckSpec>& checks) {
  section.ReadItems("customChecks", kMaxListItems, [&](YamlSection& item, size_t) {
    CustomCheckSpec check;
    item.Read("code", check.code);
    item.Read("title", check.title);
    item.Read("kind", check.kind);
    item.ReadEnum("severity", check.severity, ParseSeverity, "critical, warning, info");
    item.Read("category", check.category);
    item.Read("description", check.description);
    item.Read("expression", check.expression);
    item.Read("message", check.message);
    item.Read("nextSteps", check.nextSteps, kMaxListItems);
    ReadLinks(item, "docs", check.docs);
    const bool custom_code = check.code.size() == 6 && check.code.starts_with("KD9") &&
                             std::all_of(check.code.begin() + 3, check.code.end(),
                                         [](char c) { return c >= '0' && c <= '9'; });
    if (!custom_code) {
      item.Problem("code", "'" + check.code + "' is not a custom check code (KD9000-KD9999)");
    }
    for (const auto& other : checks) {
      if (other.code == check.code) item.Problem("code", check.code + " is used by another check");
    }
    if (check.title.empty()) item.Problem("title", "must not be empty");
    if (check.kind.empty()) {
      item.Problem("kind", "must not be empty");
    } else if (!watched.contains(check.kind)) {
      item.Problem("kind", fmt::format("'{}' is not a kind the controller watches ({}; a custom "
                                       "resource needs an entry in diagnosis.customResources)",
                                       check.kind, fmt::join(watched, ", ")));
    }
    if (check.category.empty()) item.Problem("category", "must not be empty");
    if (check.expression.empty()) {
      item.Problem("expression", "must not be empty");
    } else if (auto error = CustomExpressionError(check.expression)) {
      item.Problem("expression", "jq: " + *error);
    }
    checks.push_back(std::move(check));
  });
}

void ReadCustomCheckLimits(YamlSection section, JqWorkerLimits& limits) {
  section.Read("timePerObject", limits.timePerObject);
  std::string memory;
  section.Read("memory", memory);
  if (memory.empty()) return;
  // Below this, the worker cannot hold jq and its compiled programs.
  constexpr double kMinimum = 64 << 20;
  const auto quantity = ParseQuantity(memory);
  if (!quantity || quantity->value < kMinimum) {
    section.Problem("memory", "'" + memory + "' is not a quantity of at least 64Mi");
  } else {
    limits.memoryBytes = static_cast<uint64_t>(quantity->value);
  }
}

void ReadThresholds(YamlSection section, BuiltinCheckOptions& builtin) {
  section.Read("nodeLeaseStaleAfter", builtin.nodeLeaseStaleAfter);
  section.Read("apiLatencyWarning", builtin.apiLatencyWarning);
  section.Read("stuckTerminatingAfter", builtin.stuckTerminatingAfter);
  section.Read("stuckCreatingAfter", builtin.stuckCreatingAfter);
  section.Read("helmPendingAfter", builtin.helmPendingAfter);
  section.Read("highRestartCount", builtin.highRestartCount, 1, 1'000'000);
}

void ReadDiagnosis(YamlSection section, DiagnosisOptions& diagnosis,
                   DiagnosisChecksConfig& checks) {
  section.Read("publicBaseURL", diagnosis.publicBaseURL);
  section.Read("managementNamespaces", diagnosis.managementNamespaces, kMaxListItems);
  section.Read("trustedNamespaces", diagnosis.trustedNamespaces, kMaxListItems);
  section.Read("maxFindingsInStatus", diagnosis.maxFindingsInStatus, 1, 500);
  section.Read("discoveryInterval", diagnosis.discoveryInterval);
  section.Read("apiServerProbeInterval", diagnosis.apiServerProbeInterval);
  ReadAddons(section, checks.builtin.addons);
  ReadDocs(section.Section("docs"), checks.pipeline.enrichment);
  ReadLoggingDrivers(section, checks.pipeline.enrichment);
  section.Read("feedbackURL", checks.pipeline.enrichment.feedbackURLTemplate);
  ReadRootSources(section, checks.rootSources);
  ReadCustomResources(section, checks.customResources);
  std::set<std::string> watched;
  for (const auto& kind : DiagnosisWatchedKinds(checks.customResources)) watched.insert(kind.kind);
  ReadCustomChecks(section, watched, checks.customChecks);
  ReadCustomCheckLimits(section.Section("customCheckLimits"), checks.customCheckLimits);
  section.Read("checkBudget", checks.pipeline.checkBudget);
  ReadThresholds(section.Section("thresholds"), checks.builtin);
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
  section.Read("recorderUser", sessions.recorderUser, 1, kMaxId);
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
    ReadWebhook(top.Section("webhook"), config.webhook);
    ReadKubernetes(top.Section("kubernetes"), config.kubernetes);
    ReadLeaderElection(top.Section("leaderElection"), config.leaderElection);
    ReadDiagnosis(top.Section("diagnosis"), config.diagnosis, config.checks);
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
  if (config.webhook.enabled) {
    try {
      SplitHostPort(config.webhook.address);
    } catch (const std::exception& e) {
      problems.push_back(source + ": webhook.address: " + e.what());
    }
    if (config.webhook.certFile.empty()) {
      problems.push_back(source + ": webhook.certFile: must not be empty");
    }
    if (config.webhook.keyFile.empty()) {
      problems.push_back(source + ": webhook.keyFile: must not be empty");
    }
  }
  if (config.checks.pipeline.checkBudget <= Duration::zero()) {
    problems.push_back(source + ": diagnosis.checkBudget: must be greater than 0s");
  }
  if (config.checks.customCheckLimits.timePerObject <= Duration::zero()) {
    problems.push_back(source +
                       ": diagnosis.customCheckLimits.timePerObject: must be greater than 0s");
  }
  if (config.kubernetes.requestTimeout <= Duration::zero()) {
    problems.push_back(source + ": kubernetes.requestTimeout: must be greater than 0s");
  }
  AddFieldProblems(problems, source, "diagnosis.", config.diagnosis.Validate());
  AddFieldProblems(problems, source, "sessions.", config.sessions.Validate());
  if (!problems.empty()) throw ConfigError(std::move(problems));
}

}  // namespace kdiag
