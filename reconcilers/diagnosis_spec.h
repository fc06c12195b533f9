// A Diagnosis' spec read into what the pipeline and the reconciler use. The API server already
// validated the schema; what remains is what only the controller can judge (a selector that
// does not parse, a namespace it may not diagnose), reported as problems naming the field.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checks/scope.h"
#include "controller/duration.h"

namespace kdiag {

inline constexpr std::string_view kRerunAnnotation = "kdiag.dev/rerun";

struct DiagnosisSpec {
  Scope scope;
  std::optional<Duration> interval;
  std::string schedule;  // cron, five fields, UTC
  std::optional<std::chrono::seconds> ttlAfterFinished;
  std::string rerun;  // the kdiag.dev/rerun annotation's value
};

struct SpecProblem {
  std::string field;  // e.g. "spec.filters.labelSelector"
  std::string reason;
};

struct ParsedSpec {
  DiagnosisSpec spec;
  std::vector<SpecProblem> problems;
};

// default_management_namespaces: the operator's, used unless the spec names its own.
ParsedSpec ParseDiagnosisSpec(const nlohmann::json& diagnosis,
                              const std::vector<std::string>& default_management_namespaces);

}  // namespace kdiag
