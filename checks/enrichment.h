// Enrichment: what a finding shows besides what is wrong — documentation (built-in and the
// organisation's own per code), next steps with kubectl commands filled in, deep links into
// the organisation's logging systems, and a prefilled "report a problem" link.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/finding.h"
#include "checks/scope.h"
#include "controller/url_encode.h"

namespace kdiag {

// A logging system reached by URL. The template's placeholders are filled URL-encoded:
// {cluster} {namespace} {pod} {container} {node} {kind} {name} {app} (the logging name of an
// addon), and the window as {start}/{end} (RFC 3339), {startMillis}/{endMillis},
// {startSeconds}/{endSeconds}.
struct LoggingDriver {
  std::string name;  // shown as the link's driver, e.g. "loki", "splunk"
  std::string urlTemplate;
};

struct EnrichmentOptions {
  // Links shown next to the Kubernetes documentation, by code.
  std::map<std::string, std::vector<Link>, std::less<>> docsOverrides;
  std::vector<LoggingDriver> loggingDrivers;
  // Placeholders: {code} {title} {kind} {namespace} {name} {cluster} {message}; empty: no link.
  std::string feedbackURLTemplate;
};

// Replaces {key} by values[key]; unknown keys stay as written so a typo is visible.
std::string FillTemplate(std::string_view text, const std::map<std::string, std::string>& values,
                         bool url_encode);

// Fills docs, nextSteps, logLinks and feedback of a finding from its catalog entry.
void Enrich(Finding& finding, const CheckCode& code, const EnrichmentOptions& options,
            const Scope& scope, Timestamp now);

}  // namespace kdiag
