#include "controller/work_queue.h"

#include <algorithm>
#include <cmath>

namespace kdiag {

WorkQueue::WorkQueue(WorkQueueOptions options, Clock& clock, RuntimeMetrics* metrics)
    : options_(std::move(options)), clock_(clock), bucket_(options_.qps, options_.burst) {
  if (metrics == nullptr) return;
  const prometheus::Labels name{{"name", options_.name}};
  depth_ = &metrics->queueDepth.Add(name);
  adds_ = &metrics->queueAdds.Add(name);
  retries_ = &metrics->queueRetries.Add(name);
  waitSeconds_ = &metrics->queueWaitSeconds.Add(name, LatencyBuckets());
  workSeconds_ = &metrics->queueWorkSeconds.Add(name, LatencyBuckets());
}

void WorkQueue::Add(const std::string& key) {
  const std::lock_guard lock(mutex_);
  AddLocked(key, clock_.Now());
  UpdateDepth();
}

void WorkQueue::AddLocked(const std::string& key, Clock::TimePoint now) {
  if (shuttingDown_) return;
  Increment(adds_);
  if (!dirty_.emplace(key, now).second) return;  // already waiting its turn
  if (processing_.contains(key)) return;         // queued again when its worker is done
  queue_.push_back(key);
  changed_.notify_one();
}

void WorkQueue::AddAfter(const std::string& key, Duration delay) {
  const std::lock_guard lock(mutex_);
  if (shuttingDown_) return;
  const auto now = clock_.Now();
  if (delay <= Duration::zero()) {
    AddLocked(key, now);
    UpdateDepth();
    return;
  }
  const auto ready = now + delay;
  if (const auto it = waitingSince_.find(key); it != waitingSince_.end()) {
    if (it->second <= ready) return;  // already due sooner
    auto [first, last] = waiting_.equal_range(it->second);
    for (auto entry = first; entry != last; ++entry) {
      if (entry->second == key) {
        waiting_.erase(entry);
        break;
      }
    }
  }
  waiting_.emplace(ready, key);
  waitingSince_[key] = ready;
  changed_.notify_all();  // a sleeping Get may need to wake sooner
}

void WorkQueue::AddRateLimited(const std::string& key) {
  Duration delay;
  {
    const std::lock_guard lock(mutex_);
    const int failures = failures_[key]++;
    // base * 2^failures, computed in double so it cannot overflow, then capped.
    const double scaled =
        static_cast<double>(options_.baseDelay.count()) * std::pow(2.0, std::min(failures, 62));
    delay = scaled >= static_cast<double>(options_.maxDelay.count())
                ? options_.maxDelay
                : Duration(static_cast<int64_t>(scaled));
    Increment(retries_);
  }
  const auto overall = std::chrono::ceil<Duration>(bucket_.Reserve(clock_.Now()));
  AddAfter(key, std::max(delay, overall));
}

void WorkQueue::Forget(const std::string& key) {
  const std::lock_guard lock(mutex_);
  failures_.erase(key);
}

int WorkQueue::Retries(const std::string& key) const {
  const std::lock_guard lock(mutex_);
  const auto it = failures_.find(key);
  return it == failures_.end() ? 0 : it->second;
}

void WorkQueue::PromoteDue(Clock::TimePoint now) {
  while (!waiting_.empty() && waiting_.begin()->first <= now) {
    const std::string key = std::move(waiting_.begin()->second);
    waiting_.erase(waiting_.begin());
    waitingSince_.erase(key);
    AddLocked(key, now);
  }
}

std::optional<std::string> WorkQueue::TakeLocked(Clock::TimePoint now) {
  if (queue_.empty()) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  const auto added = dirty_.find(key);
  if (added != dirty_.end()) {
    Observe(waitSeconds_, Seconds(now - added->second));
    dirty_.erase(added);
  }
  processing_.emplace(key, now);
  UpdateDepth();
  return key;
}

std::optional<std::string> WorkQueue::TryGet() {
  const std::lock_guard lock(mutex_);
  if (shuttingDown_) return std::nullopt;
  const auto now = clock_.Now();
  PromoteDue(now);
  return TakeLocked(now);
}

std::optional<std::string> WorkQueue::Get(const std::stop_token& stop) {
  std::unique_lock lock(mutex_);
  while (!shuttingDown_ && !stop.stop_requested()) {
    const auto now = clock_.Now();
    PromoteDue(now);
    if (auto key = TakeLocked(now)) return key;
    if (waiting_.empty()) {
      changed_.wait(lock, stop,
                    [&] { return shuttingDown_ || !queue_.empty() || !waiting_.empty(); });
    } else {
      // Until the earliest delayed key is due (or something changes).
      changed_.wait_for(lock, stop, waiting_.begin()->first - now,
                        [&] { return shuttingDown_ || !queue_.empty(); });
    }
  }
  return std::nullopt;
}

void WorkQueue::Done(const std::string& key) {
  const std::lock_guard lock(mutex_);
  const auto it = processing_.find(key);
  if (it == processing_.end()) return;
  Observe(workSeconds_, Seconds(clock_.Now() - it->second));
  processing_.erase(it);
  // Added while it was being worked on: its turn now.
  if (dirty_.contains(key) && !shuttingDown_) queue_.push_back(key);
  UpdateDepth();
  changed_.notify_all();
}

void WorkQueue::ShutDown() {
  const std::lock_guard lock(mutex_);
  shuttingDown_ = true;
  changed_.notify_all();
}

void WorkQueue::ShutDownAndDrain() {
  std::unique_lock lock(mutex_);
  shuttingDown_ = true;
  changed_.notify_all();
  changed_.wait(lock, [&] { return processing_.empty(); });
}

size_t WorkQueue::Len() const {
  const std::lock_guard lock(mutex_);
  return queue_.size();
}

void WorkQueue::UpdateDepth() { Set(depth_, static_cast<double>(queue_.size())); }

}  // namespace kdiag
