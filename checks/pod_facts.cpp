#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "checks/object_fields.h"
#include "checks/pod_problems.h"

namespace kdiag {
namespace {

// Event messages can be long (a full runtime error chain); evidence keeps the useful start.
constexpr size_t kEventMessageLimit = 600;

}  // namespace

std::string EventLine(const nlohmann::json& event) {
  std::string message(Str(event, "message"));
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (message.size() > kEventMessageLimit) message = message.substr(0, kEventMessageLimit) + "...";
  int64_t count = Int(event, "count", 0);
  if (count == 0) count = Int(Obj(event, "series"), "count", 1);
  if (count > 1) return fmt::format("Event {} (x{}): {}", Str(event, "reason"), count, message);
  return fmt::format("Event {}: {}", Str(event, "reason"), message);
}

bool AboutContainer(const nlohmann::json& event, std::string_view container) {
  const auto path = Str(Obj(event, "involvedObject"), "fieldPath");
  const auto open = path.find('{');
  if (open == std::string_view::npos || !path.ends_with('}')) return false;
  return path.substr(open + 1, path.size() - open - 2) == container;
}

std::vector<const nlohmann::json*> EventsWithReason(const Objects& events, std::string_view reason,
                                                    std::string_view container) {
  std::vector<const nlohmann::json*> out;
  for (const auto& event : events) {
    if (Str(*event, "reason") != reason) continue;
    if (!container.empty() && !AboutContainer(*event, container)) continue;
    out.push_back(event.get());
  }
  return out;
}

const nlohmann::json* ContainerSpec(const nlohmann::json& pod, std::string_view name) {
  const auto& spec = Obj(pod, "spec");
  for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
    for (const auto& container : Arr(spec, list)) {
      if (Str(container, "name") == name) return &container;
    }
  }
  return nullptr;
}

std::string StateLine(const nlohmann::json& status, Timestamp now) {
  std::string line = fmt::format("container {}:", Str(status, "name"));
  const auto& state = Obj(status, "state");
  if (const auto& waiting = Obj(state, "waiting"); !waiting.empty()) {
    line += fmt::format(" waiting {}", Str(waiting, "reason"));
    if (const auto message = Str(waiting, "message"); !message.empty()) {
      line += fmt::format(" ({})", message.substr(0, kEventMessageLimit));
    }
  } else if (const auto& running = Obj(state, "running"); !running.empty()) {
    line += " running";
    if (auto started = ParseTime(Str(running, "startedAt"))) {
      line += fmt::format(" for {}", Ago(*started, now));
    }
    line += Bool(status, "ready") ? ", ready" : ", not ready";
  } else if (const auto& terminated = Obj(state, "terminated"); !terminated.empty()) {
    line += fmt::format(" terminated {} exit {}", Str(terminated, "reason"),
                        Int(terminated, "exitCode"));
  }
  if (const auto& last = Obj(Obj(status, "lastState"), "terminated"); !last.empty()) {
    line += fmt::format(", last terminated {} exit {}", Str(last, "reason"), Int(last, "exitCode"));
    if (auto finished = ParseTime(Str(last, "finishedAt"))) {
      line += fmt::format(" {} ago", Ago(*finished, now));
    }
  }
  line += fmt::format(", restarts {}", Int(status, "restartCount"));
  return line;
}

bool ContainsAny(std::string_view text, std::initializer_list<std::string_view> needles) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(needles.begin(), needles.end(), [&](std::string_view needle) {
    return lower.find(needle) != std::string::npos;
  });
}

std::string QuotedAfter(std::string_view text, std::string_view prefix) {
  const size_t at = text.find(prefix);
  if (at == std::string_view::npos) return "";
  const size_t open = at + prefix.size();
  if (open >= text.size() || text[open] != '"') return "";
  const size_t close = text.find('"', open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(text.substr(open + 1, close - open - 1));
}

std::string Ago(Timestamp then, Timestamp now) {
  using std::chrono::duration_cast;
  const auto seconds = duration_cast<std::chrono::seconds>(now - then).count();
  if (seconds < 0) return "0s";
  if (seconds < 120) return fmt::format("{}s", seconds);
  const auto minutes = seconds / 60;
  if (minutes < 120) return fmt::format("{}m", minutes);
  const auto hours = minutes / 60;
  if (hours < 48) return fmt::format("{}h{}m", hours, minutes % 60);
  return fmt::format("{}d", hours / 24);
}

}  // namespace kdiag
