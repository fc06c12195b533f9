#include "controller/manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "controller/client_lease_store.h"
#include "controller/leader_elector.h"

namespace kdiag {

Manager::Manager(Client& client, Clock& clock, RuntimeMetrics* metrics,
                 prometheus::Registry* registry)
    : client_(client), clock_(clock), metrics_(metrics), registry_(registry) {}

Manager::~Manager() = default;

Informer& Manager::AddInformer(ReflectorOptions options) {
  auto informer = std::make_unique<Informer>(client_, std::move(options), clock_, metrics_);
  Informer& added = *informer;
  const std::lock_guard lock(informersMutex_);
  if (running_) added.Start();
  informers_.push_back({std::move(informer), running_});
  return added;
}

void Manager::RemoveInformer(const Informer& informer) {
  std::unique_ptr<Informer> removed;
  {
    const std::lock_guard lock(informersMutex_);
    const auto it = std::ranges::find_if(
        informers_, [&](const Watched& watched) { return watched.informer.get() == &informer; });
    if (it == informers_.end()) return;
    removed = std::move(it->informer);
    informers_.erase(it);
  }
  removed->RequestStop();
  removed->Stop();
  const std::lock_guard lock(informersMutex_);
  removed_.push_back(std::move(removed));
}

ReconcileLoop& Manager::AddController(ControllerOptions options, Reconciler reconciler) {
  return *controllers_.emplace_back(
      std::make_unique<ReconcileLoop>(std::move(options), std::move(reconciler), clock_, metrics_));
}

void Manager::EnableLeaderElection(LeaderElectionSettings settings, Client& lease_client) {
  leaseStore_ =
      std::make_unique<ClientLeaseStore>(lease_client, settings.leaseNamespace, settings.leaseName);
  // The term's controllers run on a thread of their own; the elector waits for them in
  // onStoppedLeading, so the lease is released only once no reconcile is left running.
  LeaderCallbacks callbacks{
      .onStartedLeading =
          [this](const std::stop_token& term) {
            leading_ = true;
            term_ = std::jthread([this, term] { RunControllers(term); });
          },
      .onStoppedLeading =
          [this] {
            if (term_.joinable()) term_.join();
            leading_ = false;
            const std::lock_guard lock(mutex_);
            termEnded_ = true;
            termChanged_.notify_all();
          },
      .onNewLeader =
          [](const std::string& identity) {
            spdlog::info("leader: {}", identity.empty() ? "none" : identity);
          },
  };
  elector_ = std::make_unique<LeaderElector>(std::move(settings), *leaseStore_,
                                             std::move(callbacks), clock_, registry_);
}

void Manager::RunControllers(const std::stop_token& term) {
  std::vector<std::jthread> loops;
  loops.reserve(controllers_.size());
  for (auto& controller : controllers_) {
    loops.emplace_back([&controller, term] { controller->Run(term); });
  }
}  // joined: every loop returns once the term ends

Manager::Outcome Manager::Run(const std::stop_token& stop) {
  std::vector<Informer*> initial;
  {
    const std::lock_guard lock(informersMutex_);
    for (auto& watched : informers_) {
      watched.informer->Start();
      initial.push_back(watched.informer.get());
    }
    running_ = true;
  }
  for (Informer* informer : initial) {
    // Controllers must not act on a partial picture of the cluster.
    while (!informer->WaitForSync(stop, std::chrono::seconds(30))) {
      if (stop.stop_requested()) break;
      spdlog::warn("{}: cache not synced yet: {}", informer->reflector().name(),
                   informer->reflector().lastError());
    }
  }
  Outcome outcome = Outcome::kStopped;
  if (!stop.stop_requested()) {
    if (elector_) {
      std::stop_source election;
      std::jthread campaign([this, token = election.get_token()] { elector_->Run(token); });
      // A term that ends without a stop request was lost.
      {
        std::unique_lock lock(mutex_);
        termChanged_.wait(lock, stop, [this] { return termEnded_; });
        if (termEnded_ && !stop.stop_requested()) outcome = Outcome::kLostLeadership;
      }
      election.request_stop();
    } else {
      leading_ = true;
      RunControllers(stop);
      leading_ = false;
    }
  }
  const std::lock_guard lock(informersMutex_);
  running_ = false;
  for (auto& watched : informers_) watched.informer->RequestStop();
  for (auto& watched : informers_) watched.informer->Stop();
  return outcome;
}

bool Manager::Synced() const {
  const std::lock_guard lock(informersMutex_);
  return std::ranges::all_of(informers_, [](const Watched& watched) {
    return watched.late || watched.informer->HasSynced();
  });
}

bool Manager::Leading() const { return leading_; }

std::string Manager::Describe() const {
  std::string text = fmt::format("leader={}", leading_.load());
  const std::lock_guard lock(informersMutex_);
  for (const auto& watched : informers_) {
    const Informer& informer = *watched.informer;
    text += fmt::format(" {}={}{}", informer.reflector().name(), informer.store().Size(),
                        informer.HasSynced() ? "" : "(syncing)");
  }
  for (const auto& controller : controllers_) {
    text += fmt::format(" queue[{}]={}", controller->name(), controller->queue().Len());
  }
  return text;
}

}  // namespace kdiag
