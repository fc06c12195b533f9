// The global root check: infrastructure health as the configured sources report it (firing
// alerts, status-page incidents, failing HTTP probes). The sources are polled by the
// reconcilers; this check only turns their latest results into findings.
#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "checks/builtin_checks.h"

namespace kdiag {
namespace {

const std::vector<CheckCode>& Codes() {
  static const std::vector<CheckCode> codes = {
      {"KD0001",
       "Infrastructure alert firing",
       Severity::kCritical,
       "global",
       "An alert source (Alertmanager or an organisation's own alerting) reports a firing alert. "
       "Problems of the infrastructure under the cluster (network, cloud region, storage) show "
       "up in every namespace as symptoms; they are checked first so the report names the cause.",
       {{"Alertmanager", "https://prometheus.io/docs/alerting/latest/alertmanager/"},
        {"Troubleshooting clusters", "https://kubernetes.io/docs/tasks/debug/debug-cluster/"}},
       {"Look at alert {alert} in source {source}: amtool alert query alertname={alert}",
        "Wait for the alert to resolve, then run the diagnosis again"}},
      {"KD0002",
       "Infrastructure incident on a status page",
       Severity::kCritical,
       "global",
       "A status page the organisation depends on (cloud provider, network, registry) reports an "
       "open incident affecting a component the cluster uses.",
       {{"Troubleshooting clusters", "https://kubernetes.io/docs/tasks/debug/debug-cluster/"}},
       {"Follow incident on {problem} in status page {source}",
        "Wait for the incident to be resolved, then run the diagnosis again"}},
      {"KD0003",
       "Infrastructure HTTP probe failing",
       Severity::kCritical,
       "global",
       "An HTTP endpoint the cluster depends on (a registry, an identity provider, a proxy) does "
       "not answer as configured.",
       {{"Troubleshooting clusters", "https://kubernetes.io/docs/tasks/debug/debug-cluster/"}},
       {"Probe {problem} by hand: curl -sv {problem}",
        "Check the network path from the cluster to {problem} (proxy, firewall, DNS)"}},
  };
  return codes;
}

// Alertmanager and the organisation's own alert sources report alerts; the others say what
// they are.
std::string_view CodeFor(std::string_view type) {
  if (type == "statusPage") return "KD0002";
  if (type == "httpProbe") return "KD0003";
  return "KD0001";
}

// Sources are not API objects; findings name them as objects of a kdiag kind.
nlohmann::json SourceObject(const std::string& source) {
  return {{"apiVersion", "kdiag.dev/v1alpha1"},
          {"kind", "InfrastructureSource"},
          {"metadata", {{"name", source}}}};
}

void Run(const CheckContext& ctx, FindingSink& sink) {
  std::string unreachable;
  for (const auto& result : ctx.signals().sources) {
    // An unreachable source says nothing about the infrastructure: it makes the checkpoint an
    // Error once the other sources are reported, not a finding.
    if (!result.error.empty()) {
      if (!unreachable.empty()) unreachable += "; ";
      unreachable += fmt::format("source {} unreachable: {}", result.source, result.error);
      continue;
    }
    const auto object = SourceObject(result.source);
    for (const auto& problem : result.problems) {
      Finding& f = sink.Add(CodeFor(result.type), object);
      // The source knows how bad its problem is (an alert's severity label).
      f.severity = problem.severity;
      f.message =
          problem.message.empty()
              ? fmt::format("{} reports {}", result.source, problem.name)
              : fmt::format("{} reports {}: {}", result.source, problem.name, problem.message);
      f.evidence = problem.details;
      f.params["source"] = result.source;
      f.params["problem"] = problem.name;
      if (CodeFor(result.type) == "KD0001") f.params["alert"] = problem.name;
    }
  }
  // The pipeline turns the throw into an Error checkpoint and keeps the findings above.
  if (!unreachable.empty()) throw std::runtime_error(unreachable);
}

}  // namespace

CheckDefinition GlobalRootCheck() { return {"global", Stage::kRoot, Codes(), Run}; }

}  // namespace kdiag
