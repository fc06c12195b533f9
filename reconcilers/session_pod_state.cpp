#include "reconcilers/session_pod_state.h"

#include <fmt/format.h>

#include "checks/object_fields.h"
#include "reconcilers/session_objects.h"

namespace kdiag {
namespace {

// A shell that ended this close to the TTL was ended by the timeout inside the pod.
constexpr auto kTimeoutSlack = std::chrono::seconds(5);

const nlohmann::json* ContainerStatus(const nlohmann::json& pod, std::string_view name) {
  for (const auto& status : Arr(Obj(pod, "status"), "containerStatuses")) {
    if (Str(status, "name") == name) return &status;
  }
  return nullptr;
}

// The container's termination, current or (after a restart) last.
const nlohmann::json* Terminated(const nlohmann::json* status) {
  if (status == nullptr) return nullptr;
  const auto& now = Obj(Obj(*status, "state"), "terminated");
  if (!now.empty()) return &now;
  const auto& last = Obj(Obj(*status, "lastState"), "terminated");
  return last.empty() ? nullptr : &last;
}

}  // namespace

std::string_view ToString(EndReason reason) {
  switch (reason) {
    case EndReason::kTTL:
      return "ttl";
    case EndReason::kIdle:
      return "idle";
    case EndReason::kDeleted:
      return "deleted";
    case EndReason::kExited:
      return "exited";
    case EndReason::kPodFailed:
      return "pod-failed";
  }
  return "pod-failed";
}

std::optional<RecorderReport> ParseRecorderReport(std::string_view message) {
  const auto json = nlohmann::json::parse(message, nullptr, false);
  if (!json.is_object() || Str(json, "reason").empty()) return std::nullopt;
  RecorderReport report{.reason = std::string(Str(json, "reason")),
                        .digest = std::string(Str(json, "digest")),
                        .bytes = Int(json, "bytes"),
                        .lastActivityAt = ParseTime(Str(json, "lastActivityAt")),
                        .error = std::string(Str(json, "error"))};
  return report;
}

SessionPodState ObserveSessionPod(const nlohmann::json& pod, Timestamp expires_at) {
  SessionPodState state;
  const auto& status = Obj(pod, "status");

  if (const auto* recorder = Terminated(ContainerStatus(pod, kRecorderContainer))) {
    state.recorder = ParseRecorderReport(Str(*recorder, "message"));
    if (!state.recorder) {
      // Killed before it could report (OOM, a crash): the recording is incomplete.
      state.recorder = RecorderReport{
          .reason = "failed",
          .error = fmt::format("the recorder ended without a report ({}, exit code {})",
                               Str(*recorder, "reason"), Int(*recorder, "exitCode"))};
    }
  }

  const auto* shell = ContainerStatus(pod, kShellContainer);
  if (shell != nullptr) {
    const auto& state_of = Obj(*shell, "state");
    if (const auto& running = Obj(state_of, "running"); !running.empty()) {
      state.running = true;
      state.startedAt = ParseTime(Str(running, "startedAt"));
    } else if (const auto& waiting = Obj(state_of, "waiting"); !waiting.empty()) {
      state.waitingReason = Str(waiting, "reason");
      state.waitingMessage = Str(waiting, "message");
    }
  }
  if (state.waitingReason.empty() && !state.running) {
    for (const auto& condition : Arr(status, "conditions")) {
      if (Str(condition, "type") == "PodScheduled" && Str(condition, "status") == "False") {
        state.waitingReason = Str(condition, "reason");
        state.waitingMessage = Str(condition, "message");
      }
    }
  }

  const auto end = [&state](EndReason reason, std::string message) {
    state.ended = reason;
    state.endMessage = std::move(message);
    state.running = false;
    return state;
  };

  if (Str(status, "reason") == "DeadlineExceeded") {
    return end(EndReason::kTTL, "the pod's activeDeadlineSeconds passed");
  }
  if (state.recorder) {
    const auto& reason = state.recorder->reason;
    if (reason == "idle") return end(EndReason::kIdle, "nothing happened in the terminal");
    if (reason == "ttl") return end(EndReason::kTTL, "the session's TTL ran out");
    if (reason == "exited") return end(EndReason::kExited, "the shell was exited");
    if (reason == "failed") {
      return end(EndReason::kPodFailed, "recording failed: " + state.recorder->error);
    }
    // "stopped": the pod was being ended from outside; the reasons below say by what.
  }
  if (const auto* terminated = Terminated(shell)) {
    const auto code = Int(*terminated, "exitCode");
    if (code != 0) {
      return end(EndReason::kPodFailed,
                 fmt::format("the shell container ended with exit code {} ({}) {}", code,
                             Str(*terminated, "reason"), Str(*terminated, "message")));
    }
    const auto finished = ParseTime(Str(*terminated, "finishedAt"));
    if (finished && *finished + kTimeoutSlack >= expires_at) {
      return end(EndReason::kTTL, "the session's TTL ran out");
    }
    return end(EndReason::kExited, "the shell was exited");
  }
  if (Str(status, "phase") == "Failed") {
    return end(EndReason::kPodFailed,
               fmt::format("the pod failed: {} {}", Str(status, "reason"), Str(status, "message")));
  }
  if (Str(status, "phase") == "Succeeded") return end(EndReason::kExited, "the shell was exited");
  if (state.recorder) {
    // Stopped while the shell goes on: nothing from here on would be recorded.
    return end(EndReason::kPodFailed, "the recorder stopped before the session ended");
  }
  return state;
}

}  // namespace kdiag
