#include "checks/evidence_text.h"

#include <fmt/format.h>

#include "checks/object_fields.h"

namespace kdiag {

std::string ConditionEvidence(const nlohmann::json& condition) {
  std::string out =
      fmt::format("condition {}={}", Str(condition, "type"), Str(condition, "status"));
  if (auto reason = Str(condition, "reason"); !reason.empty()) out += fmt::format(" ({})", reason);
  // When it changed tells how long the problem has lasted.
  if (auto since = Str(condition, "lastTransitionTime"); !since.empty()) {
    out += fmt::format(" since {}", since);
  }
  if (auto message = Str(condition, "message"); !message.empty()) {
    out += fmt::format(": {}", message);
  }
  return out;
}

int64_t EventCount(const nlohmann::json& event) {
  if (auto series = Int(Obj(event, "series"), "count"); series > 0) return series;
  return std::max<int64_t>(Int(event, "count", 1), 1);
}

std::string EventEvidence(const nlohmann::json& event) {
  const auto count = EventCount(event);
  const std::string times = count > 1 ? fmt::format(" (x{})", count) : std::string();
  // core/v1 events carry a message; events.k8s.io ones a note.
  auto message = Str(event, "message");
  if (message.empty()) message = Str(event, "note");
  return fmt::format("Event {}{}: {}", Str(event, "reason"), times, message);
}

void AddRecentEvents(const ClusterView& view, const nlohmann::json& object,
                     std::vector<std::string>& evidence, size_t limit) {
  if (Uid(object).empty()) return;
  for (auto& line : LatestEventsEvidence(view.EventsFor(Uid(object)), limit)) {
    evidence.push_back(std::move(line));
  }
}

std::vector<std::string> LatestEventsEvidence(const Objects& events, size_t limit) {
  std::vector<std::string> out;
  const size_t skip = events.size() > limit ? events.size() - limit : 0;
  for (size_t i = skip; i < events.size(); ++i) out.push_back(EventEvidence(*events[i]));
  return out;
}

Objects EventsWithReason(const ClusterView& view, std::string_view uid, std::string_view reason) {
  Objects out = view.EventsFor(uid);
  std::erase_if(out, [&](const ObjectPtr& event) { return Str(*event, "reason") != reason; });
  return out;
}

std::string TextAfter(std::string_view text, std::string_view prefix, char terminator) {
  const auto start = text.find(prefix);
  if (start == std::string_view::npos) return {};
  const auto rest = text.substr(start + prefix.size());
  return std::string(rest.substr(0, rest.find(terminator)));
}

// The LimitRanger admission plugin's rejections name the rule they break.
bool IsLimitRangeRejection(std::string_view message) {
  for (std::string_view marker :
       {"LimitRange", "usage per Container", "usage per Pod", "limit to request ratio per",
        "usage per PersistentVolumeClaim"}) {
    if (message.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace kdiag
