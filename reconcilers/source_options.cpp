#include "reconcilers/source_options.h"

#include <cctype>

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
  // A Prometheus label name, an operator, and a double-quoted value with escapes, e.g.
  // severity="critical" or alertname=~"Node.*"; spaces around each.
  size_t pos = 0;
  const auto skip_spaces = [&] {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  };
  const auto is_alpha = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
  };
  const auto is_alnum = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  };
  skip_spaces();
  if (pos >= text.size() || !is_alpha(text[pos])) return false;
  while (pos < text.size() && is_alnum(text[pos])) ++pos;
  skip_spaces();
  bool found_operator = false;
  for (std::string_view op : {"=~", "!~", "!=", "="}) {
    if (text.substr(pos).starts_with(op)) {
      pos += op.size();
      found_operator = true;
      break;
    }
  }
  if (!found_operator) return false;
  skip_spaces();
  if (pos >= text.size() || text[pos] != '"') return false;
  for (++pos; pos < text.size() && text[pos] != '"'; ++pos) {
    if (text[pos] == '\\') ++pos;  // the escaped character
  }
  if (pos >= text.size()) return false;  // no closing quote
  ++pos;
  skip_spaces();
  return pos == text.size();
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
