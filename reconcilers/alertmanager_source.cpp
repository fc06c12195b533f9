#include "reconcilers/alertmanager_source.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "controller/client.h"

namespace kdiag {
namespace {

// Severities ordered from the most severe: kCritical < kWarning < kInfo.
bool AtLeast(Severity severity, Severity minimum) {
  return static_cast<int>(severity) <= static_cast<int>(minimum);
}

std::string StringAt(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Severity AlertSeverity(std::string_view label) {
  if (label == "critical" || label == "error" || label == "page") return Severity::kCritical;
  if (label == "info" || label == "none" || label == "low") return Severity::kInfo;
  return Severity::kWarning;
}

AlertmanagerSource::AlertmanagerSource(InfrastructureSourceSpec spec,
                                       std::shared_ptr<HttpTransport> transport)
    : spec_(std::move(spec)), transport_(std::move(transport)) {}

std::string AlertmanagerSource::AlertsUrl() const {
  std::string url = spec_.url;
  while (url.ends_with('/')) url.pop_back();
  url += "/api/v2/alerts?active=true&silenced=false&inhibited=false";
  for (const auto& matcher : spec_.matchers) url += "&filter=" + UrlEncode(matcher);
  return url;
}

SourceResult AlertmanagerSource::Poll() {
  SourceResult result{.source = spec_.name, .type = std::string(ToString(spec_.type))};
  HttpRequest request{.url = AlertsUrl(), .timeout = spec_.timeout};
  request.headers.emplace_back("Accept", "application/json");
  const auto response = transport_->Send(request);
  if (!response) {
    result.error = "cannot reach Alertmanager: " + response.error().message;
    return result;
  }
  if (response->status != 200) {
    result.error = fmt::format("Alertmanager answered HTTP {}", response->status);
    return result;
  }
  const auto alerts = nlohmann::json::parse(response->body, nullptr, false);
  if (!alerts.is_array()) {
    result.error = "Alertmanager's answer is not a list of alerts";
    return result;
  }
  for (const auto& alert : alerts) {
    if (!alert.is_object()) continue;
    const auto& labels = alert.contains("labels") && alert["labels"].is_object()
                             ? alert["labels"]
                             : nlohmann::json::object();
    const auto& annotations = alert.contains("annotations") && alert["annotations"].is_object()
                                  ? alert["annotations"]
                                  : nlohmann::json::object();
    SourceProblem problem;
    problem.name = StringAt(labels, "alertname");
    problem.severity = AlertSeverity(StringAt(labels, "severity"));
    if (!AtLeast(problem.severity, spec_.minSeverity)) continue;
    problem.message = StringAt(annotations, "summary");
    if (problem.message.empty()) problem.message = StringAt(annotations, "description");
    for (const auto& [key, value] : labels.items()) {
      if (value.is_string()) problem.details.push_back(key + "=" + value.get<std::string>());
    }
    result.problems.push_back(std::move(problem));
  }
  return result;
}

}  // namespace kdiag
