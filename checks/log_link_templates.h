// Log-link templates (LoggingDriver.urlTemplate) for the logging systems kdiag knows, built from
// the system's base URL: the configuration names a type and a URL, and gets a link that opens
// the finding's namespace and pod over the log window.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kdiag {

enum class LoggingSystem {
  kSplunk,
  kElasticsearch,
  kKibana,
  kDatadog,
  kLoki,
  kCloudWatch,
  kCustom
};
std::string_view ToString(LoggingSystem system);
std::optional<LoggingSystem> ParseLoggingSystem(std::string_view text);

struct LoggingSystemSettings {
  LoggingSystem type = LoggingSystem::kCustom;
  std::string url;       // base URL: Grafana, Kibana, Splunk Web, Datadog site, CloudWatch console
  std::string region;    // CloudWatch
  std::string logGroup;  // CloudWatch; empty: /aws/containerinsights/{cluster}/application
};

// The template for settings; empty for kCustom, which must give its own.
std::string DefaultLogUrlTemplate(const LoggingSystemSettings& settings);

// Percent-encodes text except the {placeholder}s of checks/enrichment.h, so a query with
// literal braces and quotes (LogQL's {namespace="…"}) can sit in a template.
std::string EncodeKeepingPlaceholders(std::string_view text);

}  // namespace kdiag
