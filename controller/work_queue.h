// A queue of object keys for reconcilers, with the guarantees controllers rely on:
// - a key is never handed to two workers at once; added again while being worked on, it comes
//   back once the worker is done;
// - a key waiting in the queue is there once however often it is added;
// - delayed adds (requeue-after), and back-off after failures: per key exponential (5 ms doubling
//   to 1000 s) and, across all keys, a token bucket (10/s, burst 100), whichever is longer;
// - shutdown hands out what is queued no more; a drain waits for the workers to finish.
#pragma once

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "controller/clock.h"
#include "controller/duration.h"
#include "controller/metrics.h"
#include "controller/rate_limiter.h"

namespace kdiag {

struct WorkQueueOptions {
  std::string name = "default";  // metric label
  Duration baseDelay = std::chrono::milliseconds(5);
  Duration maxDelay = std::chrono::seconds(1000);
  double qps = 10;
  int burst = 100;
};

class WorkQueue {
 public:
  explicit WorkQueue(WorkQueueOptions options = {}, Clock& clock = SystemClock(),
                     RuntimeMetrics* metrics = nullptr);

  void Add(const std::string& key);
  void AddAfter(const std::string& key, Duration delay);
  // Adds after the key's back-off; each call without a Forget in between doubles it.
  void AddRateLimited(const std::string& key);
  // The key succeeded: its back-off starts over.
  void Forget(const std::string& key);
  int Retries(const std::string& key) const;

  // The next key, waiting for one; nullopt once the queue is shut down or stop is requested.
  // Every key handed out must be given back with Done.
  std::optional<std::string> Get(const std::stop_token& stop);
  // The next key if one is ready now (for tests on a fake clock).
  std::optional<std::string> TryGet();
  void Done(const std::string& key);

  // No more keys are accepted or handed out; workers' Get returns nullopt.
  void ShutDown();
  // ShutDown, then wait until every key handed out is Done.
  void ShutDownAndDrain();

  size_t Len() const;  // keys ready to be handed out

 private:
  // Moves delayed keys whose time has come into the queue. Requires mutex_.
  void PromoteDue(Clock::TimePoint now);
  void AddLocked(const std::string& key, Clock::TimePoint now);
  std::optional<std::string> TakeLocked(Clock::TimePoint now);
  void UpdateDepth();

  WorkQueueOptions options_;
  Clock& clock_;
  TokenBucket bucket_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  std::deque<std::string> queue_;
  std::unordered_map<std::string, Clock::TimePoint> dirty_;  // queued or to be queued; when added
  std::unordered_map<std::string, Clock::TimePoint> processing_;    // handed out; since when
  std::multimap<Clock::TimePoint, std::string> waiting_;            // delayed, by ready time
  std::unordered_map<std::string, Clock::TimePoint> waitingSince_;  // key -> its ready time
  std::unordered_map<std::string, int> failures_;
  bool shuttingDown_ = false;

  // Metric series of this queue (null without metrics).
  prometheus::Gauge* depth_ = nullptr;
  prometheus::Counter* adds_ = nullptr;
  prometheus::Counter* retries_ = nullptr;
  prometheus::Histogram* waitSeconds_ = nullptr;
  prometheus::Histogram* workSeconds_ = nullptr;
};

}  // namespace kdiag
