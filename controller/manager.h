// Runs a process's informers and controllers together, with leader election among replicas:
// informers start at once (a standby replica keeps warm caches, ready to take over); controllers
// run only while this replica leads, under the term's stop token, so they stop the moment
// leadership ends. Losing leadership ends Run: the process exits and is restarted, as
// controller-runtime does, rather than carry state from a term it no longer owns.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "controller/client.h"
#include "controller/informer.h"
#include "controller/leader_election_settings.h"
#include "controller/reconcile_loop.h"

namespace kdiag {

class LeaderElector;
class LeaseStore;

class Manager {
 public:
  enum class Outcome { kStopped, kLostLeadership };

  Manager(Client& client, Clock& clock = SystemClock(), RuntimeMetrics* metrics = nullptr,
          prometheus::Registry* registry = nullptr);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Informers added before Run start with it, and Run waits for their caches before any
  // controller runs. One added while Run runs (a kind discovered later) starts at once; it does
  // not count for Synced.
  Informer& AddInformer(ReflectorOptions options);
  // Stops an informer for good (its kind is no longer served). The informer stays allocated
  // until the manager is destroyed, so a reader still holding its store is safe.
  void RemoveInformer(const Informer& informer);
  // Set up before Run.
  ReconcileLoop& AddController(ControllerOptions options, Reconciler reconciler);
  // Without this, controllers run as soon as the caches have synced. lease_client: a client of
  // its own for the lease, with a request timeout well under renewDeadline and no retries
  // (the elector retries every retryPeriod itself); it must outlive the manager.
  void EnableLeaderElection(LeaderElectionSettings settings, Client& lease_client);

  // Runs until stop is requested or leadership is lost.
  Outcome Run(const std::stop_token& stop);

  // Every informer added before Run has synced (for the readiness probe).
  bool Synced() const;
  // This replica leads (always true without leader election once controllers run).
  bool Leading() const;
  // For the periodic status line: leader, caches, queues.
  std::string Describe() const;

 private:
  void RunControllers(const std::stop_token& term);

  Client& client_;
  Clock& clock_;
  RuntimeMetrics* metrics_;
  prometheus::Registry* registry_;
  struct Watched {
    std::unique_ptr<Informer> informer;
    bool late = false;  // added while running: not part of Synced
  };
  mutable std::mutex informersMutex_;
  std::vector<Watched> informers_;  // guarded by informersMutex_
  std::vector<std::unique_ptr<Informer>> removed_;
  bool running_ = false;  // informers started (guarded by informersMutex_)
  std::vector<std::unique_ptr<ReconcileLoop>> controllers_;
  std::unique_ptr<LeaseStore> leaseStore_;
  std::unique_ptr<LeaderElector> elector_;
  std::atomic<bool> leading_{false};
  std::mutex mutex_;
  std::condition_variable_any termChanged_;
  bool termEnded_ = false;  // a term of leadership ended (guarded by mutex_)
  std::jthread term_;       // runs the controllers during a term (on the elector's callbacks)
};

}  // namespace kdiag
