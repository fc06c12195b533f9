#include "checks/builtin_checks.h"

namespace kdiag {

std::vector<CheckDefinition> BuiltinChecks(const BuiltinCheckOptions& options) {
  std::vector<CheckDefinition> checks;
  // Root checks first, then the namespace checks, in the order of the flowchart.
  checks.push_back(GlobalRootCheck());
  checks.push_back(ClusterRootCheck(options));
  checks.push_back(
      ManagementNamespacesRootCheck(options, {PodChecks(options), WorkloadChecks(options)}));
  checks.push_back(PodChecks(options));
  checks.push_back(WorkloadChecks(options));
  checks.push_back(NetworkingChecks(options));
  checks.push_back(StorageChecks(options));
  checks.push_back(CapacityChecks(options));
  checks.push_back(ReleaseChecks(options));
  return checks;
}

}  // namespace kdiag
