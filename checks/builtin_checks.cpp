#include "checks/builtin_checks.h"

namespace kdiag {

std::vector<CheckDefinition> BuiltinChecks(const BuiltinCheckOptions& options) {
  std::vector<CheckDefinition> checks;
  checks.push_back(PodChecks(options));
  return checks;
}

}  // namespace kdiag
