#include "checks/status_evidence.h"

#include <fmt/format.h>

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {

std::string ConditionEvidence(const nlohmann::json& condition) {
  std::string text =
      fmt::format("condition {}={}", Str(condition, "type"), Str(condition, "status"));
  if (auto reason = Str(condition, "reason"); !reason.empty()) text += fmt::format(" ({})", reason);
  if (auto since = Str(condition, "lastTransitionTime"); !since.empty()) {
    text += fmt::format(" since {}", since);
  }
  if (auto message = Str(condition, "message"); !message.empty()) {
    text += fmt::format(": {}", message);
  }
  return text;
}

std::string EventEvidence(const nlohmann::json& event) {
  // core/v1 events count repeats in count; events.k8s.io ones in series.count.
  const int64_t count = std::max(Int(event, "count", 1), Int(Obj(event, "series"), "count", 1));
  std::string text = fmt::format("Event {}", Str(event, "reason"));
  if (count > 1) text += fmt::format(" (x{})", count);
  auto message = Str(event, "message");
  if (message.empty()) message = Str(event, "note");
  return fmt::format("{}: {}", text, message);
}

void AddRecentEvents(const ClusterView& view, const nlohmann::json& object,
                     std::vector<std::string>& evidence, size_t limit) {
  const auto uid = Uid(object);
  if (uid.empty()) return;
  const auto events = view.EventsFor(uid);
  const size_t first = events.size() > limit ? events.size() - limit : 0;
  for (size_t i = first; i < events.size(); ++i) evidence.push_back(EventEvidence(*events[i]));
}

}  // namespace kdiag
