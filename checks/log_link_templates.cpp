#include "checks/log_link_templates.h"

#include <array>

#include "controller/url_encoding.h"

namespace kdiag {
namespace {

constexpr std::array<std::string_view, 15> kPlaceholders = {
    "cluster",     "namespace", "pod",          "container",  "node",
    "kind",        "name",      "app",          "start",      "end",
    "startMillis", "endMillis", "startSeconds", "endSeconds", "logGroup"};

std::string Base(std::string url) {
  while (url.ends_with('/')) url.pop_back();
  return url;
}

}  // namespace

std::string_view ToString(LoggingSystem system) {
  switch (system) {
    case LoggingSystem::kSplunk:
      return "splunk";
    case LoggingSystem::kElasticsearch:
      return "elasticsearch";
    case LoggingSystem::kKibana:
      return "kibana";
    case LoggingSystem::kDatadog:
      return "datadog";
    case LoggingSystem::kLoki:
      return "loki";
    case LoggingSystem::kCloudWatch:
      return "cloudwatch";
    case LoggingSystem::kCustom:
      return "custom";
  }
  return "custom";
}

std::optional<LoggingSystem> ParseLoggingSystem(std::string_view text) {
  for (auto system : {LoggingSystem::kSplunk, LoggingSystem::kElasticsearch, LoggingSystem::kKibana,
                      LoggingSystem::kDatadog, LoggingSystem::kLoki, LoggingSystem::kCloudWatch,
                      LoggingSystem::kCustom}) {
    if (ToString(system) == text) return system;
  }
  return std::nullopt;
}

std::string EncodeKeepingPlaceholders(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '{') {
      const size_t close = text.find('}', pos);
      if (close != std::string_view::npos) {
        const auto name = text.substr(pos + 1, close - pos - 1);
        for (auto placeholder : kPlaceholders) {
          if (name == placeholder) {
            out.append(text.substr(pos, close - pos + 1));
            pos = close + 1;
            break;
          }
        }
        if (pos > close) continue;
      }
    }
    out += UrlEncode(text.substr(pos, 1));
    ++pos;
  }
  return out;
}

std::string DefaultLogUrlTemplate(const LoggingSystemSettings& settings) {
  const std::string base = Base(settings.url);
  switch (settings.type) {
    case LoggingSystem::kLoki:
      // Grafana Explore with a LogQL stream selector; the data source is Grafana's default.
      return base + "/explore?orgId=1&left=" +
             EncodeKeepingPlaceholders(
                 R"({"queries":[{"refId":"A","expr":"{namespace=\"{namespace}\", pod=\"{pod}\"}"}],)"
                 R"("range":{"from":"{startMillis}","to":"{endMillis}"}})");
    case LoggingSystem::kKibana:
    case LoggingSystem::kElasticsearch:
      // Kibana Discover with a KQL query on the fields Filebeat and Fluent Bit write.
      return base + "/app/discover#/?_g=" +
             EncodeKeepingPlaceholders("(time:(from:'{start}',to:'{end}'))") + "&_a=" +
             EncodeKeepingPlaceholders(
                 "(query:(language:kuery,query:'kubernetes.namespace:\"{namespace}\" and "
                 "kubernetes.pod.name:{pod}*'))");
    case LoggingSystem::kSplunk:
      return base + "/en-US/app/search/search?q=" +
             EncodeKeepingPlaceholders(
                 R"(search index=* kubernetes.namespace="{namespace}" kubernetes.pod="{pod}*")") +
             "&earliest={startSeconds}&latest={endSeconds}";
    case LoggingSystem::kDatadog:
      return base + "/logs?query=" +
             EncodeKeepingPlaceholders("kube_namespace:{namespace} pod_name:{pod}*") +
             "&from_ts={startMillis}&to_ts={endMillis}&live=false";
    case LoggingSystem::kCloudWatch: {
      // Logs Insights in the region's console; the console reads its state after the '#' in
      // its own encoding ('*' for '%'), so the query is written in it.
      const std::string console =
          base.empty() ? "https://" + settings.region + ".console.aws.amazon.com" : base;
      const std::string log_group = settings.logGroup.empty()
                                        ? "/aws/containerinsights/{cluster}/application"
                                        : settings.logGroup;
      const auto console_encoded = [](std::string_view text) {
        std::string encoded = EncodeKeepingPlaceholders(text);
        for (auto& c : encoded) {
          if (c == '%') c = '*';
        }
        return encoded;
      };
      const std::string query = console_encoded(
          "fields @timestamp, @message | filter kubernetes.namespace_name = \"{namespace}\" and "
          "kubernetes.pod_name like \"{pod}\" | sort @timestamp desc");
      return console + "/cloudwatch/home?region=" + settings.region +
             "#logsV2:logs-insights$3FqueryDetail$3D~(end~'{end}~start~'{start}~timeType~'"
             "ABSOLUTE~editorString~'" +
             query + "~source~(~'" + console_encoded(log_group) + "))";
    }
    case LoggingSystem::kCustom:
      return {};
  }
  return {};
}

}  // namespace kdiag
