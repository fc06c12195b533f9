#include "checks/custom_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "checks/enrichment.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

// Errors of one run, bounded: the step's message names the first few objects.
constexpr size_t kNamedFailures = 3;
// Objects handed to the evaluator at once: bounds the memory their JSON text takes.
constexpr size_t kBatch = 128;

std::string ObjectName(const nlohmann::json& object) {
  return fmt::format("{} {}/{}", Kind(object), Namespace(object), Name(object));
}

// Codes whose expression the evaluator stopped, with why; shared by the runs of every thread.
class CodesOff {
 public:
  std::optional<std::string> Why(size_t check) const {
    std::lock_guard lock(mutex_);
    const auto it = why_.find(check);
    if (it == why_.end()) return std::nullopt;
    return it->second;
  }
  void TurnOff(size_t check, std::string why) {
    std::lock_guard lock(mutex_);
    why_.emplace(check, std::move(why));
  }

 private:
  mutable std::mutex mutex_;
  std::map<size_t, std::string> why_;
};

// What one run of the step met besides findings.
struct RunProblems {
  std::vector<std::string> codesOff;
  std::vector<std::string> namedFailures;
  size_t failed = 0;

  void ObjectFailed(std::string what) {
    ++failed;
    if (namedFailures.size() < kNamedFailures) namedFailures.push_back(std::move(what));
  }

  // Throws, making the step an Error, when there was any.
  void Raise() const {
    if (codesOff.empty() && failed == 0) return;
    std::vector<std::string> parts = codesOff;
    if (failed > 0) {
      std::string skipped = fmt::format("{} object{} skipped: {}", failed, failed == 1 ? "" : "s",
                                        fmt::join(namedFailures, "; "));
      if (failed > namedFailures.size()) skipped += "; …";
      parts.push_back(std::move(skipped));
    }
    throw std::runtime_error(fmt::format("{}", fmt::join(parts, "; ")));
  }
};

void ReportFinding(const CustomCheckSpec& spec, const nlohmann::json& object, FindingSink& sink) {
  Finding& finding = sink.Add(spec.code, object);
  const std::map<std::string, std::string> values = {{"name", std::string(Name(object))},
                                                     {"namespace", std::string(Namespace(object))},
                                                     {"kind", std::string(Kind(object))}};
  finding.message = FillTemplate(spec.message.empty() ? spec.title : spec.message, values, false);
  finding.evidence.push_back("expression: " + spec.expression);
}

}  // namespace

std::optional<std::string> CustomExpressionError(std::string_view expression) {
  std::string error;
  if (JqProgram::Compile(expression, &error)) return std::nullopt;
  return error;
}

CheckDefinition CustomChecks(std::vector<CustomCheckSpec> specs,
                             const JqEvaluatorFactory& make_evaluator) {
  CheckDefinition check;
  check.name = "custom";
  check.stage = Stage::kNamespace;
  std::vector<std::string> programs;
  for (const auto& spec : specs) {
    check.codes.push_back({.code = spec.code,
                           .title = spec.title,
                           .severity = spec.severity,
                           .category = spec.category,
                           .description = spec.description,
                           .docs = spec.docs,
                           .nextSteps = spec.nextSteps});
    if (auto error = CustomExpressionError(spec.expression)) {
      throw std::invalid_argument(spec.code + ": " + *error);
    }
    programs.push_back(spec.expression);
  }
  auto evaluator = make_evaluator(programs);
  auto off = std::make_shared<CodesOff>();
  check.run = [specs = std::move(specs), evaluator, off](const CheckContext& ctx,
                                                         FindingSink& sink) {
    RunProblems problems;
    for (size_t index = 0; index < specs.size(); ++index) {
      const CustomCheckSpec& spec = specs[index];
      if (auto why = off->Why(index)) {
        problems.codesOff.push_back(std::move(*why));
        continue;
      }
      const auto objects = ctx.InScope(spec.kind);
      std::vector<std::string> inputs;
      for (size_t first = 0; first < objects.size(); first += kBatch) {
        if (ctx.OverBudget()) return;
        inputs.clear();
        for (size_t i = first; i < std::min(objects.size(), first + kBatch); ++i) {
          inputs.push_back(objects[i]->dump());
        }
        const auto outcomes = evaluator->Run(index, inputs, ctx.now(), ctx.deadline());
        for (size_t i = 0; i < outcomes.size(); ++i) {
          const nlohmann::json& object = *objects[first + i];
          const JqOutcome& outcome = outcomes[i];
          switch (outcome.kind) {
            case JqOutcome::Kind::kTrue:
              ReportFinding(spec, object, sink);
              break;
            case JqOutcome::Kind::kFalse:
            case JqOutcome::Kind::kNoOutput:
              break;
            case JqOutcome::Kind::kNotBoolean:
              problems.ObjectFailed(fmt::format("{} on {}: not a boolean: {}", spec.code,
                                                ObjectName(object), outcome.detail));
              break;
            case JqOutcome::Kind::kError:
              problems.ObjectFailed(
                  fmt::format("{} on {}: {}", spec.code, ObjectName(object), outcome.detail));
              break;
            case JqOutcome::Kind::kStopped: {
              std::string why = fmt::format(
                  "{} is off since {}: its expression {} on {}; correct it in the "
                  "configuration and restart the controller",
                  spec.code, FormatTime(ctx.now()), outcome.detail, ObjectName(object));
              off->TurnOff(index, why);
              problems.codesOff.push_back(std::move(why));
              break;
            }
          }
        }
        if (!outcomes.empty() && outcomes.back().kind == JqOutcome::Kind::kStopped) break;
        // The deadline passed: the pipeline reports the step as timed out.
        if (outcomes.size() < inputs.size()) return;
      }
    }
    problems.Raise();
  };
  return check;
}

}  // namespace kdiag
