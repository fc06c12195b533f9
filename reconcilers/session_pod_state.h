// What a session's debug pod says about the session: running yet, ended and why, and what the
// recorder reported when it finished (its termination message). Pure, for the reconciler.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "controller/micro_time.h"

namespace kdiag {

// Why a session ended; the CRD's status.terminationReason values.
enum class EndReason { kTTL, kIdle, kDeleted, kExited, kPodFailed };
std::string_view ToString(EndReason reason);

// The recorder's one-line JSON termination message:
// {"reason":"idle","digest":"sha256:…","bytes":123,"lastActivityAt":"…"} or
// {"reason":"failed","error":"…"}.
struct RecorderReport {
  std::string reason;  // ttl, exited, idle, stopped, failed
  std::string digest;
  int64_t bytes = 0;
  std::optional<Timestamp> lastActivityAt;
  std::string error;
};
std::optional<RecorderReport> ParseRecorderReport(std::string_view message);

struct SessionPodState {
  bool running = false;  // the shell container runs: the session can be attached to
  std::optional<Timestamp> startedAt;
  // Why the pod does not run yet (a waiting reason such as ImagePullBackOff, Unschedulable),
  // for the Ready condition.
  std::string waitingReason;
  std::string waitingMessage;
  std::optional<EndReason> ended;
  std::string endMessage;
  std::optional<RecorderReport> recorder;  // once the recorder has finished
};

// expires_at: the session's TTL; a shell that ended by itself close to it was ended by the
// timeout inside the pod rather than by its user.
SessionPodState ObserveSessionPod(const nlohmann::json& pod, Timestamp expires_at);

}  // namespace kdiag
