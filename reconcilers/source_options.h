// Settings of the infrastructure sources the global root check reads (diagnosis.rootSources in
// the operator configuration): Alertmanager, status pages and HTTP probes. Plain values;
// Validate() lists what is wrong, one problem a field.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/finding.h"
#include "controller/duration.h"
#include "reconcilers/options.h"

namespace kdiag {

enum class SourceType { kAlertmanager, kStatusPage, kHttpProbe };
std::string_view ToString(SourceType type);
std::optional<SourceType> ParseSourceType(std::string_view text);

struct InfrastructureSourceSpec {
  std::string name;
  SourceType type = SourceType::kHttpProbe;
  // Alertmanager: its base URL; status page: the JSON endpoint; probe: the URL probed.
  std::string url;

  // Alertmanager: label matchers as Alertmanager writes them (severity="critical",
  // alertname=~"Node.*"), all of which an alert must match; alerts whose severity label is
  // below minSeverity are left out.
  std::vector<std::string> matchers;
  Severity minSeverity = Severity::kWarning;

  // Status page: where the status is in the JSON (dotted path, or a JSON pointer starting with
  // "/"), the value meaning healthy, and where the text shown otherwise is.
  std::string statusPath = "status.indicator";
  std::string healthyValue = "none";
  std::string descriptionPath = "status.description";

  // HTTP probe: the status code expected.
  int expectedStatus = 200;

  Duration timeout = std::chrono::seconds(5);
  Duration interval = std::chrono::minutes(1);

  std::vector<FieldProblem> Validate() const;
};

// Whether text is one Alertmanager label matcher: name, one of = != =~ !~, a quoted value.
bool IsLabelMatcher(std::string_view text);

}  // namespace kdiag
