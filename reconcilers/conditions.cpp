#include "reconcilers/conditions.h"

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {

void SetCondition(nlohmann::json& conditions, std::string_view type, bool status,
                  std::string_view reason, std::string_view message, int64_t generation,
                  Timestamp now) {
  if (!conditions.is_array()) conditions = nlohmann::json::array();
  const std::string status_text = status ? "True" : "False";
  auto it = std::find_if(conditions.begin(), conditions.end(),
                         [&](const nlohmann::json& c) { return Str(c, "type") == type; });
  std::string transition = FormatTime(now);
  if (it != conditions.end() && Str(*it, "status") == status_text &&
      !Str(*it, "lastTransitionTime").empty()) {
    transition = std::string(Str(*it, "lastTransitionTime"));
  }
  nlohmann::json condition = {{"type", type},
                              {"status", status_text},
                              {"reason", reason},
                              {"message", message},
                              {"observedGeneration", generation},
                              {"lastTransitionTime", transition}};
  if (it == conditions.end()) {
    conditions.push_back(std::move(condition));
  } else {
    *it = std::move(condition);
  }
}

}  // namespace kdiag
