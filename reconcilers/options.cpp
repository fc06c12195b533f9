#include "reconcilers/options.h"

#include <string_view>

#include "controller/names.h"
#include "controller/quantity.h"

namespace kdiag {
namespace {

// http:// or https://, a host, and an optional path; no query, fragment or white space, since
// report paths are appended to it.
bool IsHttpBaseUrl(std::string_view url) {
  std::string_view rest;
  for (std::string_view scheme : {"http://", "https://"}) {
    if (url.starts_with(scheme)) rest = url.substr(scheme.size());
  }
  if (rest.empty() || rest.front() == '/') return false;
  return rest.find_first_of("?# \t\n\r") == std::string_view::npos;
}

void CheckQuantity(std::vector<FieldProblem>& problems, const std::string& field,
                   const std::string& value) {
  const auto parsed = ParseQuantity(value);
  if (!parsed) {
    problems.push_back({field, "'" + value + "' is not a resource quantity (e.g. 500m, 256Mi)"});
  } else if (parsed->value <= 0) {
    problems.push_back({field, "must be greater than zero"});
  }
}

}  // namespace

std::vector<FieldProblem> DiagnosisOptions::Validate() const {
  std::vector<FieldProblem> problems;
  if (!IsHttpBaseUrl(publicBaseURL)) {
    problems.push_back({"publicBaseURL",
                        "'" + publicBaseURL + "' is not an http(s) URL without query or fragment"});
  }
  const auto check_namespaces = [&](const char* field, const std::vector<std::string>& names) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (!IsDnsLabel(names[i])) {
        problems.push_back({std::string(field) + "[" + std::to_string(i) + "]",
                            "'" + names[i] + "' is not a valid namespace name"});
      }
    }
  };
  check_namespaces("managementNamespaces", managementNamespaces);
  check_namespaces("trustedNamespaces", trustedNamespaces);
  if (maxFindingsInStatus < 1 || maxFindingsInStatus > 500) {
    problems.push_back({"maxFindingsInStatus", "must be between 1 and 500"});
  }
  if (apiServerProbeInterval <= Duration::zero()) {
    problems.push_back({"apiServerProbeInterval", "must be greater than 0s"});
  }
  return problems;
}

std::vector<FieldProblem> SessionOptions::Validate() const {
  std::vector<FieldProblem> problems;
  if (defaultImage.empty()) problems.push_back({"defaultImage", "must not be empty"});
  if (maxTTL <= Duration::zero() || maxTTL > kTTLCeiling) {
    problems.push_back(
        {"maxTTL", "must be more than 0s and at most " + FormatDuration(kTTLCeiling)});
  }
  if (defaultTTL <= Duration::zero() || defaultTTL > maxTTL) {
    problems.push_back(
        {"defaultTTL", "must be more than 0s and at most maxTTL (" + FormatDuration(maxTTL) + ")"});
  }
  if (defaultIdleTimeout < Duration::zero()) {
    problems.push_back({"defaultIdleTimeout", "must not be negative"});
  }
  if (runAsUser <= 0) problems.push_back({"runAsUser", "must be a non-root UID (> 0)"});
  if (runAsGroup <= 0) problems.push_back({"runAsGroup", "must be a non-root GID (> 0)"});
  if (recorderUser <= 0) problems.push_back({"recorderUser", "must be a non-root UID (> 0)"});
  if (recorderUser == runAsUser) {
    problems.push_back(
        {"recorderUser", "must differ from runAsUser, so the shell cannot write the recording"});
  }
  if (!storageClassName.empty() && !IsDnsSubdomain(storageClassName)) {
    problems.push_back({"storageClassName", "is not a valid StorageClass name"});
  }
  CheckQuantity(problems, "recordingSize", recordingSize);
  CheckQuantity(problems, "resources.requests.cpu", requests.cpu);
  CheckQuantity(problems, "resources.requests.memory", requests.memory);
  CheckQuantity(problems, "resources.limits.cpu", limits.cpu);
  CheckQuantity(problems, "resources.limits.memory", limits.memory);
  const auto request_cpu = ParseQuantity(requests.cpu);
  const auto limit_cpu = ParseQuantity(limits.cpu);
  if (request_cpu && limit_cpu && *request_cpu > *limit_cpu) {
    problems.push_back({"resources.requests.cpu", "must not exceed resources.limits.cpu"});
  }
  const auto request_memory = ParseQuantity(requests.memory);
  const auto limit_memory = ParseQuantity(limits.memory);
  if (request_memory && limit_memory && *request_memory > *limit_memory) {
    problems.push_back({"resources.requests.memory", "must not exceed resources.limits.memory"});
  }
  if (maxPerNamespace < 1) problems.push_back({"maxPerNamespace", "must be at least 1"});
  if (maxPerUser < 1) problems.push_back({"maxPerUser", "must be at least 1"});
  return problems;
}

}  // namespace kdiag
