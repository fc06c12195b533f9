#include "checks/builtin_checks.h"

namespace kdiag {

std::vector<CheckDefinition> BuiltinChecks(const BuiltinCheckOptions& options) {
  std::vector<CheckDefinition> checks;
  // checks.push_back(...) per area, in pipeline order: root checks first.
  checks.push_back(WorkloadChecks(options));
  checks.push_back(NetworkingChecks(options));
  checks.push_back(StorageChecks(options));
  return checks;
}

}  // namespace kdiag
