// Operator-wide settings of the reconcilers, filled from the operator configuration.
// Plain values with defaults; Validate() lists what is wrong, one problem a field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "controller/duration.h"

namespace kdiag {

struct FieldProblem {
  std::string field;  // path relative to the options, e.g. "defaultTTL"
  std::string reason;
};

struct DiagnosisOptions {
  // Where people open reports; status.deeplink is built from it.
  std::string publicBaseURL = "http://localhost:8080";
  // Checked by the management-namespaces root check, unless a Diagnosis overrides them.
  std::vector<std::string> managementNamespaces = {"kube-system"};
  // Findings written into a Diagnosis status; the full list stays in the report.
  int maxFindingsInStatus = 50;
  // Namespaces whose Diagnoses may diagnose another namespace or the whole cluster; any other
  // Diagnosis diagnoses its own namespace only.
  std::vector<std::string> trustedNamespaces = {"kdiag-system"};
  // How often API discovery is read again, so that optional kinds installed after start-up
  // (Argo CD, Flux, configured custom resources) are watched and removed ones dropped; 0: never.
  Duration discoveryInterval = std::chrono::minutes(1);
  // How often the API server's /readyz, /livez and latency are probed (KD0110, KD0112).
  Duration apiServerProbeInterval = std::chrono::seconds(30);

  std::vector<FieldProblem> Validate() const;
};

struct ResourceAmounts {
  std::string cpu;
  std::string memory;
};

struct SessionOptions {
  // Hard ceiling of any session; PRODUCT.md: at most two hours.
  static constexpr Duration kTTLCeiling = std::chrono::hours(2);

  std::string defaultImage = "ghcr.io/kdiag/debug:0.1.0";
  // Images a session may ask for. The default image is always allowed.
  std::vector<std::string> allowedImages;
  Duration defaultTTL = std::chrono::hours(1);
  Duration maxTTL = kTTLCeiling;
  Duration defaultIdleTimeout = std::chrono::minutes(30);
  int64_t runAsUser = 1000;
  int64_t runAsGroup = 1000;
  // UID/GID of the recorder container, which alone writes the recording; sessions may not
  // run their shell as it.
  int64_t recorderUser = 65532;
  // Empty: the cluster's default StorageClass, which must retain its volumes.
  std::string storageClassName;
  std::string recordingSize = "1Gi";
  ResourceAmounts requests = {"100m", "128Mi"};
  ResourceAmounts limits = {"1", "512Mi"};
  int maxPerNamespace = 10;
  int maxPerUser = 3;

  std::vector<FieldProblem> Validate() const;
};

}  // namespace kdiag
