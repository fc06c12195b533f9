// The operator configuration: one YAML file (mounted from a ConfigMap), overridden by flags.
// Defaults < file < flags. Unknown keys and bad values are rejected with messages naming the
// file, line and key; see docs/configuration.md.
#pragma once

#include <spdlog/common.h>

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "checks/builtin_checks.h"
#include "checks/custom_checks.h"
#include "checks/pipeline.h"
#include "controller/duration.h"
#include "controller/logging.h"
#include "daemon/subprocess_jq_evaluator.h"
#include "reconcilers/options.h"
#include "reconcilers/source_options.h"
#include "reconcilers/watched_kinds.h"

namespace kdiag {

struct LogConfig {
  LogFormat format = LogFormat::kText;
  spdlog::level::level_enum level = spdlog::level::info;
};

struct ServerConfig {
  // Probes, metrics and the report API.
  std::string address = "0.0.0.0:8080";
  Duration statusLogInterval = std::chrono::minutes(1);
};

// The admission webhook of TroubleshootSessions (HTTPS), served by every replica.
struct WebhookConfig {
  bool enabled = true;
  std::string address = "0.0.0.0:9443";
  // PEM files, mounted from the Secret kdiag-webhook-tls; read again when they change.
  std::string certFile = "/etc/kdiag/webhook/tls.crt";
  std::string keyFile = "/etc/kdiag/webhook/tls.key";
};

struct KubernetesConfig {
  // Empty: in-cluster configuration when running in a pod, else $KUBECONFIG or ~/.kube/config.
  std::string kubeconfig;
  std::string context;
  // Client-side rate limit; 0 turns it off (the API server's priority and fairness governs).
  double qps = 0;
  int burst = 0;
  Duration requestTimeout = std::chrono::seconds(30);
};

struct LeaderElectionConfig {
  bool enabled = true;
  // Empty: the namespace the operator runs in ($POD_NAMESPACE), else "kdiag-system".
  std::string leaseNamespace;
  std::string leaseName = "kdiag-controller";
  Duration leaseDuration = std::chrono::seconds(15);
  Duration renewDeadline = std::chrono::seconds(10);
  Duration retryPeriod = std::chrono::seconds(2);
};

// What the Diagnosis pipeline runs with, from the diagnosis section: thresholds and addons of
// the built-in checks, enrichment (docs, log links, feedback), the check budget, the
// organisation's own checks and the infrastructure sources of the global root check.
struct DiagnosisChecksConfig {
  BuiltinCheckOptions builtin;  // addons absent from the file: DefaultAddons()
  PipelineOptions pipeline;
  std::vector<CustomCheckSpec> customChecks;
  JqWorkerLimits customCheckLimits;
  std::vector<InfrastructureSourceSpec> rootSources;
  std::vector<CustomResourceKind> customResources;  // for KD6005
};

struct OperatorConfig {
  LogConfig log;
  ServerConfig server;
  WebhookConfig webhook;
  KubernetesConfig kubernetes;
  LeaderElectionConfig leaderElection;
  DiagnosisOptions diagnosis;
  DiagnosisChecksConfig checks;  // also under diagnosis: in the file
  SessionOptions sessions;
};

// Every problem found, one line each.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> problems);
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> problems_;
};

// Parses YAML text over the defaults; source names it in messages. Throws ConfigError.
OperatorConfig ParseOperatorConfig(std::string_view yaml, const std::string& source);
// Reads and parses a file. Throws ConfigError (also when the file cannot be read).
OperatorConfig LoadOperatorConfig(const std::string& path);
// Rules that span fields; run again after flags are applied. Throws ConfigError.
void ValidateOperatorConfig(const OperatorConfig& config, const std::string& source);

}  // namespace kdiag
