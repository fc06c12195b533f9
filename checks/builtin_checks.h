// The built-in catalog: every check kdiag ships, in pipeline order.
#pragma once

#include <chrono>
#include <vector>

#include "checks/addons.h"
#include "checks/check.h"

namespace kdiag {

// Thresholds of the built-in checks; the defaults suit most clusters.
struct BuiltinCheckOptions {
  std::vector<AddonSpec> addons = DefaultAddons();
  // A node lease not renewed for this long means its kubelet is not heartbeating.
  Duration nodeLeaseStaleAfter = std::chrono::seconds(40);
  Duration apiLatencyWarning = std::chrono::seconds(1);
  Duration stuckTerminatingAfter = std::chrono::minutes(5);
  Duration stuckCreatingAfter = std::chrono::minutes(5);
  Duration helmPendingAfter = std::chrono::minutes(15);
  int highRestartCount = 5;
};

// Area by area (checks/<area>.cpp).
CheckDefinition GlobalRootCheck();
CheckDefinition ClusterRootCheck(const BuiltinCheckOptions& options);
// Runs `namespace_checks` over the management namespaces and checks the addons.
CheckDefinition ManagementNamespacesRootCheck(const BuiltinCheckOptions& options,
                                              std::vector<CheckDefinition> namespace_checks);
CheckDefinition PodChecks(const BuiltinCheckOptions& options);
CheckDefinition WorkloadChecks(const BuiltinCheckOptions& options);
CheckDefinition NetworkingChecks(const BuiltinCheckOptions& options);
CheckDefinition StorageChecks(const BuiltinCheckOptions& options);
CheckDefinition CapacityChecks(const BuiltinCheckOptions& options);
CheckDefinition ReleaseChecks(const BuiltinCheckOptions& options);

// Root checks, then namespace checks.
std::vector<CheckDefinition> BuiltinChecks(const BuiltinCheckOptions& options = {});

}  // namespace kdiag
