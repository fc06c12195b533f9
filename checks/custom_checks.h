// Checks the organisation declares in the operator configuration: a jq expression over objects
// of one kind; an object for which it outputs `true` gets a finding of the check's KD9xxx code.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "checks/check.h"
#include "checks/jq_evaluator.h"

namespace kdiag {

struct CustomCheckSpec {
  std::string code;  // KD9000–KD9999, unique
  std::string title;
  std::string kind;  // the kind of object examined, e.g. "Deployment"
  Severity severity = Severity::kWarning;
  std::string category = "custom";
  std::string description;
  // A jq program with the object as input; the check fires on objects for which its first
  // output is `true`. No output counts as false; any other value is reported as an error.
  std::string expression;
  // Templates with {name}, {namespace} and {kind}.
  std::string message;
  std::vector<std::string> nextSteps;
  std::vector<Link> docs;
};

// jq's messages when expression does not compile; nullopt when it does.
std::optional<std::string> CustomExpressionError(std::string_view expression);

// One namespace-stage check named "custom" holding every spec's code; the expressions run in
// an evaluator made by make_evaluator. Throws std::invalid_argument when an expression does not
// compile. An object on which an expression fails, or gives something other than a boolean, is
// skipped; the step then ends as an Error naming the objects, keeping the findings of the
// others. An expression the evaluator had to stop turns its code off for the life of the check
// (a program that ran away once would again, on every run): the step reports it as an Error
// while the other codes go on.
CheckDefinition CustomChecks(std::vector<CustomCheckSpec> specs,
                             const JqEvaluatorFactory& make_evaluator = MakeInProcessJqEvaluator);

}  // namespace kdiag
