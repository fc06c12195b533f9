// Label selectors as the API server evaluates them (metav1.LabelSelector).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "checks/scope.h"

namespace kdiag {

// labels: a metadata.labels object. An empty selector matches everything.
bool Matches(const LabelSelector& selector, const nlohmann::json& labels);

// Reads a metav1.LabelSelector; on a malformed one, nullopt and the reason in *error.
std::optional<LabelSelector> ParseLabelSelector(const nlohmann::json& selector, std::string* error);

}  // namespace kdiag
