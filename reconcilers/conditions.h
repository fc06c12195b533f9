// Status conditions as Kubernetes API conventions have them: one entry per type, with a
// lastTransitionTime that moves only when the status does.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/micro_time.h"

namespace kdiag {

// Sets conditions[type] keeping lastTransitionTime when status did not change.
void SetCondition(nlohmann::json& conditions, std::string_view type, bool status,
                  std::string_view reason, std::string_view message, int64_t generation,
                  Timestamp now);

}  // namespace kdiag
