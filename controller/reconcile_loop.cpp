#include "controller/reconcile_loop.h"

#include <spdlog/spdlog.h>

namespace kdiag {
namespace {

// "kdiag.dev/v1alpha1" -> "kdiag.dev"; "v1" -> "".
std::string_view GroupOf(std::string_view api_version) {
  const size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

}  // namespace

bool SpecChanged(const StoreChange& change) {
  if (!change.before || !change.after) return true;  // added or deleted
  const CachedObject& before = *change.before;
  const CachedObject& after = *change.after;
  if (before.uid() != after.uid()) return true;  // deleted and made again
  if (after.deleting() && !before.deleting()) return true;
  if (before.generation() == 0 && after.generation() == 0) {
    return before.resourceVersion() != after.resourceVersion();
  }
  return before.generation() != after.generation();
}

std::optional<std::string> ControllerOwnerKey(const CachedObject& object,
                                              std::string_view owner_api_group,
                                              std::string_view owner_kind) {
  const auto owner = object.controllerOwner();
  if (!owner || owner->kind != owner_kind || GroupOf(owner->apiVersion) != owner_api_group) {
    return std::nullopt;
  }
  return ObjectKey(object.ns(), owner->name);
}

ReconcileLoop::ReconcileLoop(ControllerOptions options, Reconciler reconciler, Clock& clock,
                             RuntimeMetrics* metrics)
    : options_(std::move(options)),
      reconciler_(std::move(reconciler)),
      clock_(clock),
      queue_(
          [&] {
            WorkQueueOptions queue = options_.queue;
            queue.name = options_.name;
            return queue;
          }(),
          clock, metrics) {
  if (metrics == nullptr) return;
  const auto result = [&](const char* value) {
    return &metrics->reconciles.Add({{"controller", options_.name}, {"result", value}});
  };
  done_ = result("done");
  requeued_ = result("requeue");
  failed_ = result("error");
  seconds_ = &metrics->reconcileSeconds.Add({{"controller", options_.name}}, LatencyBuckets());
}

void ReconcileLoop::WatchPrimary(Informer& primary, ChangePredicate counts) {
  primary.AddHandler([this, counts = std::move(counts)](const StoreChange& change) {
    if (!counts(change)) return;
    queue_.Add((change.after ? change.after : change.before)->Key());
  });
}

void ReconcileLoop::WatchOwned(Informer& owned, std::string owner_api_group,
                               std::string owner_kind) {
  owned.AddHandler([this, group = std::move(owner_api_group),
                    kind = std::move(owner_kind)](const StoreChange& change) {
    // Both versions: an object that changed owner is news to the old owner and the new.
    for (const auto& object : {change.before, change.after}) {
      if (!object) continue;
      if (auto key = ControllerOwnerKey(*object, group, kind)) queue_.Add(*key);
    }
  });
}

void ReconcileLoop::WatchRelated(Informer& related, KeyMapper key_of) {
  related.AddHandler([this, key_of = std::move(key_of)](const StoreChange& change) {
    for (const auto& object : {change.before, change.after}) {
      if (!object) continue;
      if (auto key = key_of(*object)) queue_.Add(*key);
    }
  });
}

void ReconcileLoop::Run(const std::stop_token& stop) {
  spdlog::info("{}: starting {} workers", options_.name, options_.workers);
  {
    std::vector<std::jthread> workers;
    workers.reserve(static_cast<size_t>(options_.workers));
    for (int i = 0; i < options_.workers; ++i) {
      workers.emplace_back([this, stop] { Work(stop); });
    }
  }  // workers return once stop is requested and are joined here, their reconciles ended
  queue_.ShutDownAndDrain();
  spdlog::info("{}: stopped", options_.name);
}

void ReconcileLoop::Work(const std::stop_token& stop) {
  while (auto key = queue_.Get(stop)) {
    const auto started = clock_.Now();
    ReconcileOutcome outcome = [&]() -> ReconcileOutcome {
      try {
        return reconciler_(*key, stop);
      } catch (const std::exception& error) {
        // A reconciler must not throw; if one does, the key is retried, not the process lost.
        return tl::unexpected(std::string("unexpected exception: ") + error.what());
      }
    }();
    prometheus::Counter* result = done_;
    if (!outcome) {
      result = failed_;
      spdlog::warn("{}: reconciling {} failed (retry {}): {}", options_.name, *key,
                   queue_.Retries(*key) + 1, outcome.error());
      queue_.AddRateLimited(*key);
    } else if (outcome->requeueAfter) {
      result = requeued_;
      queue_.Forget(*key);
      queue_.AddAfter(*key, *outcome->requeueAfter);
    } else {
      queue_.Forget(*key);
    }
    Increment(result);
    Observe(seconds_, Seconds(clock_.Now() - started));
    queue_.Done(*key);
  }
}

}  // namespace kdiag
