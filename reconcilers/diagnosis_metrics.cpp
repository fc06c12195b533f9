#include "reconcilers/diagnosis_metrics.h"

namespace kdiag {
namespace {

const prometheus::Histogram::BucketBoundaries& SecondsBuckets() {
  static const prometheus::Histogram::BucketBoundaries buckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return buckets;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

DiagnosisMetrics::DiagnosisMetrics(prometheus::Registry& registry)
    : runs_(prometheus::BuildCounter()
                .Name("kdiag_diagnosis_runs_total")
                .Help("Diagnosis runs by result: healthy, unhealthy (problems found) or failed "
                      "(the run could not be done)")
                .Register(registry)),
      runSeconds_(prometheus::BuildHistogram()
                      .Name("kdiag_diagnosis_run_duration_seconds")
                      .Help("Time of a Diagnosis run, from its start to its status written")
                      .Register(registry)
                      .Add({}, SecondsBuckets())),
      findings_(prometheus::BuildCounter()
                    .Name("kdiag_diagnosis_findings_total")
                    .Help("Findings reported by Diagnosis runs, by catalog code and severity")
                    .Register(registry)),
      checkSeconds_(prometheus::BuildHistogram()
                        .Name("kdiag_check_duration_seconds")
                        .Help("Time of each pipeline step, by check")
                        .Register(registry)) {}

void DiagnosisMetrics::RunDone(std::string_view result,
                               std::chrono::steady_clock::duration duration) {
  runs_.Add({{"result", std::string(result)}}).Increment();
  runSeconds_.Observe(Seconds(duration));
}

void DiagnosisMetrics::Findings(const PipelineResult& result) {
  for (const auto& finding : result.findings) {
    findings_.Add({{"code", finding.code}, {"severity", std::string(ToString(finding.severity))}})
        .Increment();
  }
  for (const auto& checkpoint : result.checkpoints) {
    if (checkpoint.result == StepResult::kSkipped) continue;
    checkSeconds_.Add({{"check", checkpoint.name}}, SecondsBuckets())
        .Observe(std::chrono::duration<double>(checkpoint.duration).count());
  }
}

}  // namespace kdiag
