#include "daemon/session_setup.h"

#include "reconcilers/kdiag_resources.h"

namespace kdiag {

SessionController::SessionController(const SessionOptions& options, Client& client,
                                     Manager& manager, Informer& sessions, EventRecorder& events,
                                     prometheus::Registry& registry)
    : metrics_(std::make_unique<SessionMetrics>(registry)) {
  const std::string created_by_sessions(kSessionUidLabel);
  auto& pods = manager.AddInformer(
      {.type = resources::kPods, .labelSelector = created_by_sessions, .compress = false});
  auto& claims = manager.AddInformer({.type = resources::kPersistentVolumeClaims,
                                      .labelSelector = created_by_sessions,
                                      .compress = false});
  auto& namespaces = manager.AddInformer(
      {.type = resources::kNamespaces, .labelSelector = created_by_sessions, .compress = false});
  reconciler_ =
      std::make_unique<SessionReconciler>(SessionReconcilerDeps{.client = client,
                                                                .sessions = sessions.store(),
                                                                .pods = pods.store(),
                                                                .claims = claims.store(),
                                                                .namespaces = namespaces.store(),
                                                                .events = events,
                                                                .clock = SystemClock(),
                                                                .metrics = metrics_.get(),
                                                                .registry = &registry},
                                          options);
  auto& loop = manager.AddController({.name = "troubleshootsession", .workers = 4},
                                     [this](const std::string& key, const std::stop_token& stop) {
                                       return reconciler_->Reconcile(key, stop);
                                     });
  // The spec is immutable: creation and deletion are what count of the session itself.
  loop.WatchPrimary(sessions);
  const auto session_of = [](const CachedObject& object) { return SessionKeyOf(object.Parse()); };
  for (Informer* related : {&pods, &claims, &namespaces}) loop.WatchRelated(*related, session_of);
}

}  // namespace kdiag
