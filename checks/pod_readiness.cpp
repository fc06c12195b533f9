#include "checks/pod_readiness.h"

#include <fmt/format.h>

#include "checks/object_fields.h"

namespace kdiag {

bool PodFinished(const nlohmann::json& pod) {
  const auto phase = Str(Obj(pod, "status"), "phase");
  return phase == "Succeeded" || phase == "Failed";
}

std::optional<Duration> NotReadyFor(const nlohmann::json& pod, Timestamp now) {
  if (PodFinished(pod)) return std::nullopt;
  const auto* ready = Condition(pod, "Ready");
  if (ready && Str(*ready, "status") == "True") return std::nullopt;
  Timestamp since = CreationTime(pod);
  if (ready) since = ParseTime(Str(*ready, "lastTransitionTime")).value_or(since);
  return std::chrono::duration_cast<Duration>(now - since);
}

std::string NotReadyEvidence(const nlohmann::json& pod, Duration not_ready_for) {
  std::string out = fmt::format("pod {} not Ready for {}", Name(pod),
                                FormatDuration(std::chrono::floor<std::chrono::seconds>(
                                    std::max(not_ready_for, Duration::zero()))));
  const auto phase = Str(Obj(pod, "status"), "phase");
  const auto* ready = Condition(pod, "Ready");
  if (ready && !Str(*ready, "reason").empty()) {
    out += fmt::format(" ({}: {})", Str(*ready, "reason"), Str(*ready, "message"));
  } else if (!phase.empty()) {
    out += fmt::format(" (phase {})", phase);
  }
  return out;
}

}  // namespace kdiag
