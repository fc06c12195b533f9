#include "reconcilers/source_options.h"

#include <regex>

namespace kdiag {
namespace {

bool IsHttpUrl(std::string_view url) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme) && url.size() > scheme.size() && url[scheme.size()] != '/') {
      return url.find_first_of(" \t\n\r") == std::string_view::npos;
    }
  }
  return false;
}

}  // namespace

std::string_view ToString(SourceType type) {
  switch (type) {
    case SourceType::kAlertmanager:
      return "alertmanager";
    case SourceType::kStatusPage:
      return "statusPage";
    case SourceType::kHttpProbe:
      return "httpProbe";
  }
  return "httpProbe";
}

std::optional<SourceType> ParseSourceType(std::string_view text) {
  for (auto type : {SourceType::kAlertmanager, SourceType::kStatusPage, SourceType::kHttpProbe}) {
    if (ToString(type) == text) return type;
  }
  return std::nullopt;
}

bool IsLabelMatcher(std::string_view text) {
  // Prometheus label names, then an operator and a double-quoted value with escapes.
  static const std::regex matcher(
      R"re(\s*[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*"(?:[^"\\]|\\.)*"\s*)re");
  return std::regex_match(text.begin(), text.end(), matcher);
}

std::vector<FieldProblem> InfrastructureSourceSpec::Validate() const {
  std::vector<FieldProblem> problems;
  if (name.empty()) problems.push_back({"name", "must not be empty"});
  if (!IsHttpUrl(url)) problems.push_back({"url", "'" + url + "' is not an http(s) URL"});
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (!IsLabelMatcher(matchers[i])) {
      problems.push_back(
          {"matchers[" + std::to_string(i) + "]",
           "'" + matchers[i] + "' is not a label matcher (e.g. severity=\"critical\")"});
    }
  }
  if (!matchers.empty() && type != SourceType::kAlertmanager) {
    problems.push_back({"matchers", "applies to alertmanager sources only"});
  }
  if (type == SourceType::kStatusPage && statusPath.empty()) {
    problems.push_back({"statusPath", "must not be empty"});
  }
  if (expectedStatus < 100 || expectedStatus > 599) {
    problems.push_back({"expectedStatus", "must be an HTTP status code (100-599)"});
  }
  if (timeout <= Duration::zero()) problems.push_back({"timeout", "must be greater than 0s"});
  if (interval < std::chrono::seconds(1)) {
    problems.push_back({"interval", "must be at least 1s"});
  } else if (timeout > interval) {
    problems.push_back({"timeout", "must not exceed interval"});
  }
  return problems;
}

}  // namespace kdiag
