// A controller: a primary resource and the resources it owns, watched through informers; keys
// of changed primaries in a work queue; N workers calling a reconcile function. Knows nothing of
// any particular resource.
//
// Which changes count:
// - the primary: additions, deletions, and updates that change metadata.generation (the spec)
//   or start a deletion. Status-only updates, which the reconciler itself writes, do not.
//   Objects without a generation count on every update.
// - an owned object: any change, mapped to the primary named by its controller owner reference.
//
// Error policy: a reconcile that fails is logged, counted, and retried with the queue's
// back-off; one that asks for it is requeued after a delay; a key is never reconciled by two
// workers at once.
#pragma once

#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <tl/expected.hpp>
#include <vector>

#include "controller/informer.h"
#include "controller/work_queue.h"

namespace kdiag {

struct ReconcileResult {
  std::optional<Duration> requeueAfter;  // nullopt: done until something changes

  static ReconcileResult Done() { return {}; }
  static ReconcileResult RequeueAfter(Duration delay) { return {delay}; }
};

// Why a reconcile failed, for the log and the retry.
using ReconcileOutcome = tl::expected<ReconcileResult, std::string>;

// key: "namespace/name" of the primary. stop: the controller is stopping (shutdown or lost
// leadership); long work should end early.
using Reconciler =
    std::function<ReconcileOutcome(const std::string& key, const std::stop_token& stop)>;

struct ControllerOptions {
  std::string name;  // in logs and metric labels
  int workers = 2;
  WorkQueueOptions queue;
};

// The generation predicate above, on its own for tests.
bool SpecChanged(const StoreChange& change);

class ReconcileLoop {
 public:
  ReconcileLoop(ControllerOptions options, Reconciler reconciler, Clock& clock = SystemClock(),
                RuntimeMetrics* metrics = nullptr);

  // Registers with informers before they start. counts: which changes of the primary are
  // reconciled (default: SpecChanged; a controller may add, e.g., an annotation).
  using ChangePredicate = std::function<bool(const StoreChange&)>;
  void WatchPrimary(Informer& primary, ChangePredicate counts = SpecChanged);
  // owner_api_group / owner_kind: the primary's, as owner references name them.
  void WatchOwned(Informer& owned, std::string owner_api_group, std::string owner_kind);
  // Any change of a related object, mapped to the key of the primary it concerns (nullopt:
  // none) — for relations owner references cannot carry, such as across namespaces.
  using KeyMapper = std::function<std::optional<std::string>(const CachedObject&)>;
  void WatchRelated(Informer& related, KeyMapper key_of);

  void Enqueue(const std::string& key) { queue_.Add(key); }

  // Runs the workers until stop is requested; returns when every reconcile in progress ended.
  // Runs once: a controller that stopped (lost leadership) is not started again.
  void Run(const std::stop_token& stop);

  WorkQueue& queue() { return queue_; }
  const WorkQueue& queue() const { return queue_; }
  const std::string& name() const { return options_.name; }

 private:
  void Work(const std::stop_token& stop);

  ControllerOptions options_;
  Reconciler reconciler_;
  Clock& clock_;
  WorkQueue queue_;
  // Metric series of this controller (null without metrics).
  prometheus::Counter* done_ = nullptr;
  prometheus::Counter* requeued_ = nullptr;
  prometheus::Counter* failed_ = nullptr;
  prometheus::Histogram* seconds_ = nullptr;
};

// The key of an object's controller owner when it is of the given API group and kind.
std::optional<std::string> ControllerOwnerKey(const CachedObject& object,
                                              std::string_view owner_api_group,
                                              std::string_view owner_kind);

}  // namespace kdiag
