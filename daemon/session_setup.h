// Wiring of the TroubleshootSession controller into the manager: the caches of what sessions
// create (selected by their label, so only those objects are held) and the reconciler.
#pragma once

#include <memory>

#include "controller/client.h"
#include "controller/event_recorder.h"
#include "controller/manager.h"
#include "reconcilers/session_metrics.h"
#include "reconcilers/session_reconciler.h"

namespace kdiag {

class SessionController {
 public:
  // sessions: the manager's informer of TroubleshootSessions. Call before manager.Run.
  SessionController(const SessionOptions& options, Client& client, Manager& manager,
                    Informer& sessions, EventRecorder& events, prometheus::Registry& registry);

 private:
  std::unique_ptr<SessionMetrics> metrics_;
  std::unique_ptr<SessionReconciler> reconciler_;
};

}  // namespace kdiag
