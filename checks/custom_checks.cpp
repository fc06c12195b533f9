#include "checks/custom_checks.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "checks/enrichment.h"
#include "checks/jq_program.h"
#include "checks/object_fields.h"

namespace kdiag {
namespace {

// Errors of one run, bounded: the step's message names the first few objects.
constexpr size_t kNamedFailures = 3;

struct CompiledCheck {
  CustomCheckSpec spec;
  std::shared_ptr<JqProgramPool> programs;
};

std::string ObjectName(const nlohmann::json& object) {
  return fmt::format("{} {}/{}", Kind(object), Namespace(object), Name(object));
}

}  // namespace

std::optional<std::string> CustomExpressionError(std::string_view expression) {
  std::string error;
  if (JqProgram::Compile(expression, &error)) return std::nullopt;
  return error;
}

CheckDefinition CustomChecks(std::vector<CustomCheckSpec> specs) {
  CheckDefinition check;
  check.name = "custom";
  check.stage = Stage::kNamespace;
  std::vector<CompiledCheck> compiled;
  for (auto& spec : specs) {
    check.codes.push_back({.code = spec.code,
                           .title = spec.title,
                           .severity = spec.severity,
                           .category = spec.category,
                           .description = spec.description,
                           .docs = spec.docs,
                           .nextSteps = spec.nextSteps});
    auto programs = std::make_shared<JqProgramPool>(spec.expression);
    compiled.push_back({std::move(spec), std::move(programs)});
  }
  check.run = [compiled = std::move(compiled)](const CheckContext& ctx, FindingSink& sink) {
    std::vector<std::string> failures;
    size_t failed = 0;
    for (const auto& custom : compiled) {
      for (const auto& object : ctx.InScope(custom.spec.kind)) {
        if (ctx.OverBudget()) return;
        const auto outcome = custom.programs->Run(object->dump(), ctx.now());
        switch (outcome.kind) {
          case JqOutcome::Kind::kTrue: {
            Finding& finding = sink.Add(custom.spec.code, *object);
            const std::map<std::string, std::string> values = {
                {"name", std::string(Name(*object))},
                {"namespace", std::string(Namespace(*object))},
                {"kind", std::string(Kind(*object))}};
            finding.message =
                FillTemplate(custom.spec.message.empty() ? custom.spec.title : custom.spec.message,
                             values, false);
            finding.evidence.push_back("expression: " + custom.spec.expression);
            break;
          }
          case JqOutcome::Kind::kFalse:
          case JqOutcome::Kind::kNoOutput:
            break;
          case JqOutcome::Kind::kNotBoolean:
          case JqOutcome::Kind::kError:
            ++failed;
            if (failures.size() < kNamedFailures) {
              failures.push_back(
                  fmt::format("{} on {}: {}{}", custom.spec.code, ObjectName(*object),
                              outcome.kind == JqOutcome::Kind::kNotBoolean ? "not a boolean: " : "",
                              outcome.detail));
            }
            break;
        }
      }
    }
    if (failed > 0) {
      std::string message = fmt::format("{} object{} skipped: {}", failed, failed == 1 ? "" : "s",
                                        fmt::join(failures, "; "));
      if (failed > failures.size()) message += "; …";
      throw std::runtime_error(message);
    }
  };
  return check;
}

}  // namespace kdiag
