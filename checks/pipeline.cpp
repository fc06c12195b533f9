#include "checks/pipeline.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <exception>

#include "checks/correlation.h"
#include "checks/object_fields.h"
#include "checks/suppression.h"

namespace kdiag {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

class CatalogSink : public FindingSink {
 public:
  CatalogSink(const Pipeline& pipeline, const CheckSelection* selection, std::vector<Finding>& out)
      : pipeline_(pipeline), selection_(selection), out_(out) {}

  Finding& Add(std::string_view code, const nlohmann::json& object) override {
    const CheckCode* entry = pipeline_.FindCode(code);
    // A check reporting a code it did not declare is a bug in the check, not in the data.
    assert(entry && "check reported an undeclared code");
    Finding finding;
    finding.code = std::string(code);
    finding.resource = RefTo(object);
    if (entry) {
      finding.title = entry->title;
      finding.severity = entry->severity;
      finding.category = entry->category;
    }
    if (selection_ && entry && !selection_->Selects(entry->code, entry->category)) {
      dropped_ = std::move(finding);
      return dropped_;
    }
    if (finding.severity != Severity::kInfo) ++problems_;
    out_.push_back(std::move(finding));
    ++added_;
    return out_.back();
  }
  int Added() const { return added_; }
  // Findings of critical or warning severity: what fails a step.
  int Problems() const { return problems_; }

 private:
  const Pipeline& pipeline_;
  const CheckSelection* selection_;
  std::vector<Finding>& out_;
  Finding dropped_;  // where findings of unselected codes go
  int added_ = 0;
  int problems_ = 0;
};

bool AnySelected(const CheckDefinition& check, const CheckSelection& selection) {
  return std::any_of(check.codes.begin(), check.codes.end(), [&](const CheckCode& code) {
    return selection.Selects(code.code, code.category);
  });
}

int Rank(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return 0;
    case Severity::kWarning:
      return 1;
    case Severity::kInfo:
      return 2;
  }
  return 3;
}

std::string Verdict(const PipelineResult& result) {
  const auto& s = result.summary;
  if (s.healthy) {
    return s.suppressed ? fmt::format("Healthy ({} suppressed)", s.suppressed)
                        : std::string("Healthy: no problems found");
  }
  // The first finding is the most important root cause.
  const auto first = std::find_if(result.findings.begin(), result.findings.end(),
                                  [](const Finding& f) { return !f.suppressed; });
  std::string lead = first == result.findings.end()
                         ? std::string()
                         : fmt::format("{} {} {}: {}", first->code, first->resource.kind,
                                       first->resource.name, first->title);
  std::string prefix;
  if (result.rootFailed) {
    const auto failed =
        std::find_if(result.checkpoints.begin(), result.checkpoints.end(), [](const Checkpoint& c) {
          return c.stage == Stage::kRoot &&
                 (c.result == StepResult::kFailed || c.result == StepResult::kError);
        });
    // rootFailed is only set by a root step that failed or erred after reporting problems.
    assert(failed != result.checkpoints.end());
    prefix = fmt::format("Root check {} failed", failed->name);
    const bool skipped =
        std::any_of(result.checkpoints.begin(), result.checkpoints.end(), [](const Checkpoint& c) {
          return c.stage == Stage::kNamespace && c.result == StepResult::kSkipped;
        });
    if (skipped) prefix += ", namespace checks skipped";
    prefix += ": ";
  }
  return fmt::format("{}{} critical, {} warning; {}", prefix, s.critical, s.warning, lead);
}

}  // namespace

std::string_view ToString(StepResult result) {
  switch (result) {
    case StepResult::kPassed:
      return "Passed";
    case StepResult::kFailed:
      return "Failed";
    case StepResult::kSkipped:
      return "Skipped";
    case StepResult::kError:
      return "Error";
  }
  return "Error";
}

std::string_view ToString(Stage stage) {
  switch (stage) {
    case Stage::kRoot:
      return "Root";
    case Stage::kNamespace:
      return "Namespace";
    case Stage::kCorrelation:
      return "Correlation";
    case Stage::kEnrichment:
      return "Enrichment";
  }
  return "Namespace";
}

Pipeline::Pipeline(std::vector<CheckDefinition> checks, PipelineOptions options)
    : checks_(std::move(checks)), options_(std::move(options)) {
  for (const auto& check : checks_) {
    for (const auto& code : check.codes) codes_.emplace(code.code, &code);
  }
}

const CheckCode* Pipeline::FindCode(std::string_view code) const {
  const auto it = codes_.find(code);
  return it == codes_.end() ? nullptr : it->second;
}

PipelineResult Pipeline::Run(const CheckContext& context) const {
  PipelineResult result;
  const Scope& scope = context.scope();

  // Returns the number of critical and warning findings the step reported.
  auto run_step = [&](const CheckDefinition& check, const CheckContext& step_context,
                      const CheckSelection* selection) {
    Checkpoint checkpoint{check.name, check.stage, StepResult::kPassed, {}, {}};
    const auto start = Clock::now();
    CheckContext bounded = step_context;
    bounded.deadline_ = start + options_.checkBudget;
    CatalogSink sink(*this, selection, result.findings);
    try {
      check.run(bounded, sink);
      if (bounded.OverBudget()) {
        checkpoint.result = StepResult::kError;
        checkpoint.message = fmt::format("timed out after {} ms; its findings so far are kept",
                                         options_.checkBudget.count());
      } else if (sink.Problems() > 0) {
        checkpoint.result = StepResult::kFailed;
        checkpoint.message =
            fmt::format("{} finding{}", sink.Added(), sink.Added() == 1 ? "" : "s");
      } else if (sink.Added() > 0) {
        // Informational findings (a cordoned node, a suspended CronJob) fail nothing.
        checkpoint.message =
            fmt::format("{} informational finding{}", sink.Added(), sink.Added() == 1 ? "" : "s");
      }
    } catch (const std::exception& e) {
      checkpoint.result = StepResult::kError;
      checkpoint.message = e.what();
    }
    checkpoint.duration = Since(start);
    result.checkpoints.push_back(std::move(checkpoint));
    return sink.Problems();
  };

  // 1. Root checks: global infrastructure, the cluster, the management namespaces.
  for (const auto& check : checks_) {
    if (check.stage != Stage::kRoot) continue;
    if (!scope.rootChecks) {
      result.checkpoints.push_back({check.name,
                                    Stage::kRoot,
                                    StepResult::kSkipped,
                                    "root checks are off (spec.rootChecks.enabled)",
                                    {}});
      continue;
    }
    // A root step in Error that still reported problems (alerts firing while another source
    // is unreachable) gates like a failed one.
    if (run_step(check, context, nullptr) > 0) result.rootFailed = true;
  }

  // 2. Namespace checks, unless a root failure already explains what they would find.
  const bool gated = result.rootFailed && !scope.continueAfterRootFailure;
  auto namespace_context = context.ForNamespaces(
      scope.allNamespaces ? std::vector<std::string>{} : std::vector<std::string>{scope.ns},
      scope.allNamespaces, true);
  for (const auto& check : checks_) {
    if (check.stage != Stage::kNamespace) continue;
    if (gated) {
      result.checkpoints.push_back({check.name,
                                    Stage::kNamespace,
                                    StepResult::kSkipped,
                                    "a root check failed; namespace findings would be symptoms "
                                    "(set spec.rootChecks.onFailure: Continue to run them)",
                                    {}});
    } else if (!AnySelected(check, scope.checks)) {
      result.checkpoints.push_back(
          {check.name, Stage::kNamespace, StepResult::kSkipped, "not selected by spec.checks", {}});
    } else {
      run_step(check, namespace_context, &scope.checks);
    }
  }

  // 3. Correlation: owners, root causes, related findings; then suppressions.
  auto start = Clock::now();
  Correlate(context.view(), result.findings);
  ApplySuppressions(context.view(), result.findings);
  const int roots = static_cast<int>(std::count_if(result.findings.begin(), result.findings.end(),
                                                   [](const Finding& f) { return f.rootCause; }));
  result.checkpoints.push_back(
      {"correlation", Stage::kCorrelation, StepResult::kPassed,
       fmt::format("{} root cause{} among {} finding{}", roots, roots == 1 ? "" : "s",
                   result.findings.size(), result.findings.size() == 1 ? "" : "s"),
       Since(start)});

  // 4. Enrichment: docs, next steps, log links, feedback.
  start = Clock::now();
  for (auto& finding : result.findings) {
    if (const CheckCode* code = FindCode(finding.code)) {
      Enrich(finding, *code, options_.enrichment, scope, context.now());
    }
  }
  result.checkpoints.push_back(
      {"enrichment", Stage::kEnrichment, StepResult::kPassed,
       fmt::format("{} logging driver{}", options_.enrichment.loggingDrivers.size(),
                   options_.enrichment.loggingDrivers.size() == 1 ? "" : "s"),
       Since(start)});

  std::stable_sort(
      result.findings.begin(), result.findings.end(), [](const Finding& a, const Finding& b) {
        return std::tuple(a.suppressed, !a.rootCause, Rank(a.severity), a.code, a.resource.ns,
                          a.resource.name) < std::tuple(b.suppressed, !b.rootCause,
                                                        Rank(b.severity), b.code, b.resource.ns,
                                                        b.resource.name);
      });

  auto& s = result.summary;
  for (const auto& finding : result.findings) {
    if (finding.suppressed) {
      ++s.suppressed;
    } else if (finding.severity == Severity::kCritical) {
      ++s.critical;
    } else if (finding.severity == Severity::kWarning) {
      ++s.warning;
    } else {
      ++s.info;
    }
  }
  s.healthy = s.critical == 0 && s.warning == 0;
  s.verdict = Verdict(result);
  return result;
}

}  // namespace kdiag
