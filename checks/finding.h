// A finding: one thing that is wrong, on one object, with what shows it and what to do.
// Shaped like an item of Diagnosis status.findings (crds/kdiag.dev_diagnoses.yaml).
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

enum class Severity { kCritical, kWarning, kInfo };

std::string_view ToString(Severity severity);
std::optional<Severity> ParseSeverity(std::string_view text);

struct ObjectRef {
  std::string apiVersion;
  std::string kind;
  std::string ns;
  std::string name;
  std::string uid;
  bool operator==(const ObjectRef&) const = default;
};

struct Link {
  std::string title;  // or the driver name, for log links
  std::string url;
  bool operator==(const Link&) const = default;
};

struct Finding {
  std::string code;  // stable, e.g. KD1001
  std::string title;
  Severity severity = Severity::kWarning;
  std::string category;
  ObjectRef resource;
  std::optional<ObjectRef> owner;
  std::string message;
  std::vector<std::string> evidence;
  bool rootCause = false;
  std::vector<std::string> related;
  std::vector<std::string> nextSteps;
  std::vector<Link> docs;
  std::vector<Link> logLinks;
  std::string feedback;   // a prefilled "report a problem with this finding" link
  std::string firstSeen;  // RFC 3339; carried across runs by the reconciler
  std::string lastSeen;
  bool flapping = false;
  bool suppressed = false;
  std::string suppressionReason;
  // Values for the next-step templates and log links ({container}, {node}, {secret}, …), on top
  // of {namespace}, {name} and {kind} of the resource. Not serialized.
  std::map<std::string, std::string> params;
  bool operator==(const Finding&) const = default;
};

// "CODE Kind/namespace/name": how findings name each other in `related`.
std::string FindingKey(const Finding& finding);

// The status.findings item; optional and empty fields are left out.
nlohmann::json ToJson(const Finding& finding);

}  // namespace kdiag
