#include "daemon/diagnosis_checks.h"

#include "checks/builtin_checks.h"
#include "checks/custom_checks.h"
#include "daemon/subprocess_jq_evaluator.h"

namespace kdiag {

DiagnosisChecks MakeDiagnosisChecks(const DiagnosisChecksConfig& config,
                                    const std::shared_ptr<HttpTransport>& transport) {
  DiagnosisChecks built;
  built.checks = BuiltinChecks(config.builtin);
  if (!config.customChecks.empty()) {
    built.checks.push_back(
        CustomChecks(config.customChecks, [&](const std::vector<std::string>& programs) {
          return std::make_shared<SubprocessJqEvaluator>(JqWorkerBesideThisProgram(), programs,
                                                         config.customCheckLimits);
        }));
  }
  built.pipeline = config.pipeline;
  for (const auto& spec : config.rootSources) {
    built.sources.push_back({MakeInfrastructureSource(spec, transport), spec.interval});
  }
  return built;
}

}  // namespace kdiag
