#include "controller/leader_elector.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <thread>

namespace kdiag {
namespace {

LeaderElectionSettings Validated(LeaderElectionSettings settings) {
  const auto problems = ValidateLeaderElectionSettings(settings);
  if (!problems.empty()) {
    throw std::invalid_argument(
        fmt::format("invalid leader election settings: {}", fmt::join(problems, "; ")));
  }
  return settings;
}

// A factor in [1, kRetryJitter), so candidates that started together drift apart.
double RetryJitter() {
  thread_local std::mt19937 engine{std::random_device{}()};
  return std::uniform_real_distribution<double>(1.0, kRetryJitter)(engine);
}

}  // namespace

LeaderElector::LeaderElector(LeaderElectionSettings settings, LeaseStore& store,
                             LeaderCallbacks callbacks, Clock& clock,
                             prometheus::Registry* registry)
    : settings_(Validated(std::move(settings))),
      lease_(settings_.leaseNamespace + "/" + settings_.leaseName),
      store_(store),
      callbacks_(std::move(callbacks)),
      clock_(clock),
      state_(settings_.identity, settings_.leaseDuration, settings_.renewDeadline) {
  if (registry != nullptr) {
    gauge_ = &prometheus::BuildGauge()
                  .Name("kdiag_leader_election_is_leader")
                  .Help("1 while this process leads the lease, else 0.")
                  .Register(*registry)
                  .Add({{"lease", settings_.leaseName}});
    gauge_->Set(0);
  }
}

LeaderElector::~LeaderElector() { EndTerm("the elector is being destroyed", false); }

bool LeaderElector::IsLeader() const {
  return leading_.load() && clock_.Now().time_since_epoch().count() < leading_until_.load();
}

std::string LeaderElector::Leader() const {
  const std::lock_guard lock(state_mutex_);
  return state_.Holder();
}

void LeaderElector::Run(const std::stop_token& stop) {
  spdlog::info("leader election: campaigning for lease {} as {}", lease_, Identity());
  {
    const std::jthread deadline_timer(
        [this](const std::stop_token& timer_stop) { WatchRenewDeadline(timer_stop); });
    std::mutex sleep_mutex;
    std::condition_variable_any wake;
    while (!stop.stop_requested()) {
      TryAcquireOrRenew();
      std::unique_lock lock(sleep_mutex);
      // Only a stop request ends the wait early.
      wake.wait_for(lock, stop, NextDelay(), [] { return false; });
    }
  }
  if (settings_.releaseOnStop) {
    Release();
  } else {
    EndTerm("stopping", false);
  }
}

bool LeaderElector::TryAcquireOrRenew() {
  EnforceRenewDeadline();
  auto read = store_.Get();
  if (!read && read.error().kind != ErrorKind::kNotFound) {
    NoteFailure("reading", read.error());
    return IsLeader();
  }
  LeaseAction action{};
  LeaseRecord record;
  {
    const std::lock_guard lock(state_mutex_);
    state_.ObserveRead(read ? std::optional(*read) : std::nullopt, clock_.Now());
    action = state_.Next(clock_.Now());
    if (action != LeaseAction::kWait) record = state_.RecordFor(action, clock_.WallNow());
  }
  ReportLeader();
  UpdateTerm();  // someone else holding it ends our term here
  if (action == LeaseAction::kWait) {
    NoteSuccess();
    return false;
  }

  const auto sent = clock_.Now();
  auto written = action == LeaseAction::kCreate ? store_.Create(record) : store_.Update(record);
  if (!written) {
    NoteFailure(action == LeaseAction::kCreate ? "creating" : "updating", written.error());
    return IsLeader();
  }
  NoteSuccess();
  {
    const std::lock_guard lock(state_mutex_);
    state_.ObserveWrite(*written, sent, clock_.Now());
  }
  ReportLeader();
  UpdateTerm();
  return IsLeader();
}

void LeaderElector::EnforceRenewDeadline() { UpdateTerm(); }

void LeaderElector::Release() {
  EndTerm("stopping", false);
  // Two tries: our copy of the lease may be stale without anyone having taken it (a renewal
  // that timed out here but was applied, an edited label).
  for (int attempt = 1;; ++attempt) {
    LeaseRecord record;
    {
      const std::lock_guard lock(state_mutex_);
      if (state_.Holder() != Identity()) return;
      record = state_.ReleaseRecord(clock_.WallNow());
    }
    const auto sent = clock_.Now();
    auto written = store_.Update(record);
    if (written) {
      {
        const std::lock_guard lock(state_mutex_);
        state_.ObserveWrite(*written, sent, clock_.Now());
      }
      spdlog::info("leader election: released lease {}", lease_);
      ReportLeader();
      return;
    }
    if (written.error().kind != ErrorKind::kConflict || attempt == 2) {
      spdlog::warn("leader election: could not release lease {}: {}", lease_,
                   written.error().Describe());
      return;
    }
    auto read = store_.Get();
    if (!read) {
      spdlog::warn("leader election: could not release lease {}: {}", lease_,
                   read.error().Describe());
      return;
    }
    const std::lock_guard lock(state_mutex_);
    state_.ObserveRead(*read, clock_.Now());
  }
}

Duration LeaderElector::NextDelay() {
  // The leader renews at a steady pace.
  if (IsLeader()) return settings_.retryPeriod;
  const auto jittered =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double, Duration::period>(
          static_cast<double>(settings_.retryPeriod.count()) * RetryJitter()));
  const std::lock_guard lock(state_mutex_);
  const auto now = clock_.Now();
  if (state_.Next(now) != LeaseAction::kWait) return jittered;
  // Look again the moment the holder's lease runs out, not up to a retry period later.
  const auto until_expiry = std::chrono::ceil<Duration>(state_.ExpiresAt() - now);
  return std::clamp(until_expiry, Duration::zero(), jittered);
}

void LeaderElector::UpdateTerm() {
  const std::lock_guard term_lock(term_mutex_);
  bool should_lead = false;
  Clock::TimePoint until;
  std::string holder;
  {
    const std::lock_guard lock(state_mutex_);
    should_lead = state_.IsLeading(clock_.Now());
    until = state_.LeadingUntil();
    holder = state_.Holder();
  }
  if (!should_lead) {
    if (!leading_) return;
    std::string reason;
    if (holder == Identity()) {
      reason = "no successful renewal within the renew deadline";
    } else if (holder.empty()) {
      reason = "the lease was released or deleted";
    } else {
      reason = fmt::format("the lease is held by {}", holder);
    }
    EndTermLocked(reason, true);
    return;
  }
  leading_until_.store(until.time_since_epoch().count());
  if (!leading_) {
    term_ = std::stop_source();
    leading_.store(true);
    if (gauge_ != nullptr) gauge_->Set(1);
    spdlog::info("leader election: started leading lease {} as {}", lease_, Identity());
    if (callbacks_.onStartedLeading) callbacks_.onStartedLeading(term_.get_token());
  }
  {
    const std::lock_guard lock(deadline_mutex_);
    ++deadline_generation_;
  }
  deadline_moved_.notify_all();
}

void LeaderElector::EndTerm(const std::string& reason, bool lost) {
  const std::lock_guard term_lock(term_mutex_);
  EndTermLocked(reason, lost);
}

void LeaderElector::EndTermLocked(const std::string& reason, bool lost) {
  if (!leading_) return;
  leading_.store(false);
  term_.request_stop();
  if (gauge_ != nullptr) gauge_->Set(0);
  spdlog::log(lost ? spdlog::level::warn : spdlog::level::info,
              "leader election: stopped leading lease {}: {}", lease_, reason);
  if (callbacks_.onStoppedLeading) callbacks_.onStoppedLeading();
}

void LeaderElector::ReportLeader() {
  const std::string holder = Leader();
  const std::lock_guard term_lock(term_mutex_);
  if (holder == reported_leader_) return;
  reported_leader_ = holder;
  if (holder.empty()) {
    spdlog::info("leader election: lease {} is free", lease_);
  } else {
    spdlog::info("leader election: lease {} is held by {}", lease_, holder);
  }
  if (callbacks_.onNewLeader) callbacks_.onNewLeader(holder);
}

void LeaderElector::NoteFailure(const char* what, const ApiError& error) {
  // A lost race, not a fault: the next read shows who won.
  if (error.kind == ErrorKind::kConflict || error.kind == ErrorKind::kAlreadyExists) {
    spdlog::debug("leader election: {} lease {}: {}", what, lease_, error.Describe());
    return;
  }
  const std::lock_guard lock(state_mutex_);
  const bool first = !failing_;
  failing_ = true;
  if (first) {
    spdlog::warn("leader election: {} lease {} failed: {}", what, lease_, error.Describe());
  } else {
    spdlog::debug("leader election: {} lease {} failed: {}", what, lease_, error.Describe());
  }
}

void LeaderElector::NoteSuccess() {
  const std::lock_guard lock(state_mutex_);
  if (!failing_) return;
  failing_ = false;
  spdlog::info("leader election: lease {} is reachable again", lease_);
}

void LeaderElector::WatchRenewDeadline(const std::stop_token& stop) {
  std::unique_lock lock(deadline_mutex_);
  while (!stop.stop_requested()) {
    const uint64_t seen = deadline_generation_;
    const auto moved = [&] { return deadline_generation_ != seen; };
    if (leading_) {
      const Clock::TimePoint until{Clock::TimePoint::duration(leading_until_.load())};
      deadline_moved_.wait_for(lock, stop, until - clock_.Now(), moved);
    } else {
      deadline_moved_.wait(lock, stop, moved);
    }
    lock.unlock();
    EnforceRenewDeadline();
    lock.lock();
  }
}

}  // namespace kdiag
