#include "reconcilers/status_page_source.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

// "status.indicator" or "/status/indicator"; null when absent.
const nlohmann::json* ValueAt(const nlohmann::json& document, const std::string& path) {
  std::string pointer = path;
  if (!pointer.starts_with('/')) {
    pointer = "/" + pointer;
    for (auto& c : pointer) {
      if (c == '.') c = '/';
    }
  }
  try {
    const nlohmann::json::json_pointer at(pointer);
    return document.contains(at) ? &document.at(at) : nullptr;
  } catch (const nlohmann::json::exception&) {
    return nullptr;
  }
}

std::string Text(const nlohmann::json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

StatusPageSource::StatusPageSource(InfrastructureSourceSpec spec,
                                   std::shared_ptr<HttpTransport> transport)
    : spec_(std::move(spec)), transport_(std::move(transport)) {}

SourceResult StatusPageSource::Poll() {
  SourceResult result{.source = spec_.name, .type = std::string(ToString(spec_.type))};
  HttpRequest request{.url = spec_.url, .timeout = spec_.timeout};
  request.headers.emplace_back("Accept", "application/json");
  const auto response = transport_->Send(request);
  if (!response) {
    result.error = "cannot reach the status page: " + response.error().message;
    return result;
  }
  if (response->status != 200) {
    result.error = fmt::format("the status page answered HTTP {}", response->status);
    return result;
  }
  const auto document = nlohmann::json::parse(response->body, nullptr, false);
  const nlohmann::json* status =
      document.is_discarded() ? nullptr : ValueAt(document, spec_.statusPath);
  if (status == nullptr) {
    result.error = "the status page's answer has no " + spec_.statusPath;
    return result;
  }
  if (Text(*status) == spec_.healthyValue) return result;
  SourceProblem problem{.name = spec_.name, .severity = Severity::kCritical};
  if (const auto* description = ValueAt(document, spec_.descriptionPath)) {
    problem.message = Text(*description);
  }
  if (problem.message.empty()) problem.message = spec_.statusPath + " is " + Text(*status);
  problem.details.push_back(spec_.statusPath + "=" + Text(*status));
  problem.details.push_back("url=" + spec_.url);
  result.problems.push_back(std::move(problem));
  return result;
}

}  // namespace kdiag
