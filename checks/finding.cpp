#include "checks/finding.h"

#include <nlohmann/json.hpp>

namespace kdiag {
namespace {

nlohmann::json RefJson(const ObjectRef& ref) {
  nlohmann::json out = nlohmann::json::object();
  if (!ref.apiVersion.empty()) out["apiVersion"] = ref.apiVersion;
  if (!ref.kind.empty()) out["kind"] = ref.kind;
  if (!ref.ns.empty()) out["namespace"] = ref.ns;
  if (!ref.name.empty()) out["name"] = ref.name;
  if (!ref.uid.empty()) out["uid"] = ref.uid;
  return out;
}

nlohmann::json LinksJson(const std::vector<Link>& links, const char* title_key) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& link : links) {
    nlohmann::json item = {{"url", link.url}};
    if (!link.title.empty()) item[title_key] = link.title;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "critical";
    case Severity::kWarning:
      return "warning";
    case Severity::kInfo:
      return "info";
  }
  return "unknown";
}

std::optional<Severity> ParseSeverity(std::string_view text) {
  for (auto s : {Severity::kCritical, Severity::kWarning, Severity::kInfo}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

std::string FindingKey(const Finding& finding) {
  const auto& r = finding.resource;
  return finding.code + " " + r.kind + "/" + (r.ns.empty() ? "" : r.ns + "/") + r.name;
}

nlohmann::json ToJson(const Finding& finding) {
  nlohmann::json out = {
      {"code", finding.code},
      {"title", finding.title},
      {"severity", ToString(finding.severity)},
  };
  if (!finding.category.empty()) out["category"] = finding.category;
  out["resource"] = RefJson(finding.resource);
  if (finding.owner) out["owner"] = RefJson(*finding.owner);
  if (!finding.message.empty()) out["message"] = finding.message;
  if (!finding.evidence.empty()) out["evidence"] = finding.evidence;
  if (finding.rootCause) out["rootCause"] = true;
  if (!finding.related.empty()) out["related"] = finding.related;
  if (!finding.nextSteps.empty()) out["nextSteps"] = finding.nextSteps;
  if (!finding.docs.empty()) out["docs"] = LinksJson(finding.docs, "title");
  if (!finding.logLinks.empty()) out["logLinks"] = LinksJson(finding.logLinks, "driver");
  if (!finding.feedback.empty()) out["feedback"] = finding.feedback;
  if (!finding.firstSeen.empty()) out["firstSeen"] = finding.firstSeen;
  if (!finding.lastSeen.empty()) out["lastSeen"] = finding.lastSeen;
  if (finding.flapping) out["flapping"] = true;
  if (finding.suppressed) {
    out["suppressed"] = true;
    if (!finding.suppressionReason.empty()) out["suppressionReason"] = finding.suppressionReason;
  }
  return out;
}

}  // namespace kdiag
