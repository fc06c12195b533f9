#include "checks/label_selector.h"

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {

bool Matches(const LabelSelector& selector, const nlohmann::json& labels) {
  for (const auto& [key, value] : selector.matchLabels) {
    if (Str(labels, key) != value) return false;
  }
  for (const auto& requirement : selector.matchExpressions) {
    const bool present = labels.is_object() && labels.contains(requirement.key);
    const auto value = Str(labels, requirement.key);
    const bool listed = std::find(requirement.values.begin(), requirement.values.end(), value) !=
                        requirement.values.end();
    switch (requirement.op) {
      case LabelRequirement::Operator::kIn:
        if (!present || !listed) return false;
        break;
      case LabelRequirement::Operator::kNotIn:
        if (present && listed) return false;
        break;
      case LabelRequirement::Operator::kExists:
        if (!present) return false;
        break;
      case LabelRequirement::Operator::kDoesNotExist:
        if (present) return false;
        break;
    }
  }
  return true;
}

std::optional<LabelSelector> ParseLabelSelector(const nlohmann::json& selector,
                                                std::string* error) {
  LabelSelector out;
  if (selector.is_null()) return out;
  if (!selector.is_object()) {
    *error = "must be an object";
    return std::nullopt;
  }
  for (const auto& [key, value] : Obj(selector, "matchLabels").items()) {
    if (!value.is_string()) {
      *error = "matchLabels." + key + " must be a string";
      return std::nullopt;
    }
    out.matchLabels[key] = value.get<std::string>();
  }
  for (const auto& expression : Arr(selector, "matchExpressions")) {
    LabelRequirement requirement;
    requirement.key = std::string(Str(expression, "key"));
    const auto op = Str(expression, "operator");
    if (op == "In") {
      requirement.op = LabelRequirement::Operator::kIn;
    } else if (op == "NotIn") {
      requirement.op = LabelRequirement::Operator::kNotIn;
    } else if (op == "Exists") {
      requirement.op = LabelRequirement::Operator::kExists;
    } else if (op == "DoesNotExist") {
      requirement.op = LabelRequirement::Operator::kDoesNotExist;
    } else {
      *error = "matchExpressions: operator '" + std::string(op) +
               "' is not one of In, NotIn, Exists, DoesNotExist";
      return std::nullopt;
    }
    for (const auto& value : Arr(expression, "values")) {
      if (value.is_string()) requirement.values.push_back(value.get<std::string>());
    }
    const bool needs_values = requirement.op == LabelRequirement::Operator::kIn ||
                              requirement.op == LabelRequirement::Operator::kNotIn;
    if (requirement.key.empty() || needs_values == requirement.values.empty()) {
      *error = "matchExpressions: key '" + requirement.key + "' with operator " + std::string(op) +
               (needs_values ? " needs values" : " takes no values");
      return std::nullopt;
    }
    out.matchExpressions.push_back(std::move(requirement));
  }
  return out;
}

}  // namespace kdiag
