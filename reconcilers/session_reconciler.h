// The TroubleshootSession reconciler. For a live session it creates, in order and
// idempotently, the temporary namespace (when asked), the recording claim and the debug pod;
// records the bound volume (annotated with the session and set to Retain); follows the pod to
// Running; and ends the session when its TTL passes, the recorder reports it idle, the shell is
// exited, the pod fails or is deleted. Ending deletes the pod and keeps the claim, the volume
// and the status. Deleting the session (behind a finalizer) removes the pod and the temporary
// namespace, and the claim only when the spec asks. Objects left by a session that no longer
// exists (a controller that was down when it went) are swept when their events arrive, which
// the informers' first list provides after every restart.
#pragma once

#include <mutex>
#include <set>
#include <stop_token>
#include <string>

#include "controller/client.h"
#include "controller/clock.h"
#include "controller/event_recorder.h"
#include "controller/reconcile_loop.h"
#include "controller/status_writer.h"
#include "controller/store.h"
#include "reconcilers/options.h"
#include "reconcilers/session_metrics.h"
#include "reconcilers/session_objects.h"

namespace kdiag {

inline constexpr std::string_view kSessionFinalizer = "kdiag.dev/session-cleanup";

struct SessionReconcilerDeps {
  Client& client;
  const Store& sessions;
  // Only the objects sessions created (informers selecting kSessionUidLabel).
  const Store& pods;
  const Store& claims;
  const Store& namespaces;
  EventRecorder& events;
  Clock& clock;
  SessionMetrics* metrics = nullptr;         // optional
  prometheus::Registry* registry = nullptr;  // optional, for the status writer's metrics
};

class SessionReconciler {
 public:
  SessionReconciler(SessionReconcilerDeps deps, SessionOptions options);

  ReconcileOutcome Reconcile(const std::string& key, const std::stop_token& stop);

 private:
  struct Session;  // one reconcile's view of a session
  struct Ending {
    EndReason reason;
    std::string message;
    std::optional<RecorderReport> recorder;
  };

  ReconcileOutcome Sweep(const std::string& key);
  ReconcileOutcome Finalize(const Session& session);
  ReconcileOutcome AfterEnd(const Session& session);
  ReconcileOutcome Advance(Session& session);
  ReconcileOutcome End(const Session& session, const Ending& ending);
  // A session that cannot go on for a reason of its own (a spec or a pod the API refused).
  ReconcileOutcome Fail(const Session& session, std::string_view reason,
                        const std::string& message);

  // Each step: nullopt to go on, else what the reconcile returns.
  std::optional<ReconcileOutcome> EnsureNamespace(const Session& session);
  std::optional<ReconcileOutcome> EnsureClaim(Session& session);
  std::optional<ReconcileOutcome> EnsurePod(Session& session);

  Result<void> DeletePod(const Session& session);
  Result<nlohmann::json> WriteStatus(const Session& session, const StatusMutation& mutate);
  // Keeps the set of active sessions, whose size is kdiag_sessions_active: every session is
  // reconciled when it starts, ends, goes, and at start-up, so the set follows them.
  void NoteActive(const std::string& key, bool active);

  SessionReconcilerDeps deps_;
  SessionOptions options_;
  StatusWriter statusWriter_;
  std::mutex activeMutex_;
  std::set<std::string> active_;
};

}  // namespace kdiag
