#include "reconcilers/diagnosis_spec.h"

#include "checks/label_selector.h"
#include "checks/object_fields.h"
#include "reconcilers/cron_schedule.h"

namespace kdiag {
namespace {

std::vector<std::string> Strings(const nlohmann::json& array) {
  std::vector<std::string> out;
  for (const auto& item : array) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

}  // namespace

ParsedSpec ParseDiagnosisSpec(const nlohmann::json& diagnosis,
                              const std::vector<std::string>& default_management_namespaces) {
  ParsedSpec out;
  auto& spec = out.spec;
  auto& scope = spec.scope;
  const auto& s = Obj(diagnosis, "spec");

  const auto& target = Obj(s, "target");
  scope.ns = std::string(Str(target, "namespace"));
  if (scope.ns.empty()) scope.ns = std::string(Namespace(diagnosis));
  scope.allNamespaces = Bool(target, "allNamespaces");
  scope.target = {std::string(Str(target, "cluster")), std::string(Str(target, "cloudProvider")),
                  std::string(Str(target, "platform"))};

  const auto& filters = Obj(s, "filters");
  scope.filters.kinds = Strings(Arr(filters, "kinds"));
  scope.filters.names = Strings(Arr(filters, "names"));
  scope.filters.helmRelease = std::string(Str(filters, "helmRelease"));
  if (filters.contains("labelSelector")) {
    std::string error;
    if (auto selector = ParseLabelSelector(filters["labelSelector"], &error)) {
      scope.filters.labelSelector = std::move(*selector);
    } else {
      out.problems.push_back({"spec.filters.labelSelector", error});
    }
  }

  const auto& checks = Obj(s, "checks");
  scope.checks = {Strings(Arr(checks, "include")), Strings(Arr(checks, "exclude"))};

  const auto& root = Obj(s, "rootChecks");
  scope.rootChecks = !root.contains("enabled") || Bool(root, "enabled");
  scope.continueAfterRootFailure = Str(root, "onFailure") == "Continue";
  scope.managementNamespaces = s.contains("managementNamespaces")
                                   ? Strings(Arr(s, "managementNamespaces"))
                                   : default_management_namespaces;

  if (auto window = Str(s, "logWindow"); !window.empty()) {
    if (auto parsed = ParseDuration(window)) {
      scope.logWindow = *parsed;
    } else {
      out.problems.push_back({"spec.logWindow", "'" + std::string(window) + "' is not a duration"});
    }
  }
  if (auto interval = Str(s, "interval"); !interval.empty()) {
    spec.interval = ParseDuration(interval);
    if (!spec.interval || *spec.interval < std::chrono::minutes(1)) {
      out.problems.push_back(
          {"spec.interval", "'" + std::string(interval) + "' is not a duration of at least 1m"});
      spec.interval.reset();
    }
  }
  spec.schedule = std::string(Str(s, "schedule"));
  if (!spec.schedule.empty()) {
    std::string error;
    if (!CronSchedule::Parse(spec.schedule, &error)) {
      out.problems.push_back({"spec.schedule", error});
    }
  }
  if (s.contains("ttlSecondsAfterFinished")) {
    spec.ttlAfterFinished = std::chrono::seconds(Int(s, "ttlSecondsAfterFinished"));
  }
  spec.rerun = std::string(Annotation(diagnosis, kRerunAnnotation));
  return out;
}

}  // namespace kdiag
