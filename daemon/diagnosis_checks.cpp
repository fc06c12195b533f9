#include "daemon/diagnosis_checks.h"

#include "checks/builtin_checks.h"
#include "checks/custom_checks.h"

namespace kdiag {

DiagnosisChecks MakeDiagnosisChecks(const DiagnosisChecksConfig& config,
                                    const std::shared_ptr<HttpTransport>& transport) {
  DiagnosisChecks built;
  built.checks = BuiltinChecks(config.builtin);
  if (!config.customChecks.empty()) built.checks.push_back(CustomChecks(config.customChecks));
  built.pipeline = config.pipeline;
  for (const auto& spec : config.rootSources) {
    built.sources.push_back({MakeInfrastructureSource(spec, transport), spec.interval});
  }
  return built;
}

}  // namespace kdiag
