#include "checks/builtin_checks.h"

namespace kdiag {

std::vector<CheckDefinition> BuiltinChecks(const BuiltinCheckOptions& options) {
  std::vector<CheckDefinition> checks;
  // checks.push_back(...) per area, in pipeline order: root checks first.
  checks.push_back(GlobalRootCheck());
  checks.push_back(ClusterRootCheck(options));
  // Enabled together with the pod and workload checks it runs over the management namespaces:
  // checks.push_back(ManagementNamespacesRootCheck(options, {PodChecks(options),
  //                                                          WorkloadChecks(options)}));
  checks.push_back(CapacityChecks(options));
  checks.push_back(ReleaseChecks(options));
  return checks;
}

}  // namespace kdiag
