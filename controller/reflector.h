// Keeps a Store equal to the server's objects of one resource type: lists (or streams the list
// through a watch, where the server supports it), then watches from where the list ended, and
// starts over as the watch protocol requires. The whole protocol is one explicit state machine:
//
//   kStreamList --(initial-events-end bookmark)--> (watching on the same stream) --> kWatch
//        | server without streaming lists                       ^   |
//        v                                                      |   | ended: server timeout,
//   kList --(all pages read, contents swapped in)---------------+   | idle, closed --> kWatch
//                                                                   | 410 Gone, expired,
//   any failure --> kBackoff (800 ms .. 30 s, jittered) --> retry   | too large RV --> relist
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "controller/backoff.h"
#include "controller/client.h"
#include "controller/clock.h"
#include "controller/metrics.h"
#include "controller/object_decoder.h"
#include "controller/resource_type.h"
#include "controller/store.h"

namespace kdiag {

struct ReflectorOptions {
  ResourceType type;
  std::string ns;  // empty: all namespaces
  std::string labelSelector;
  std::string fieldSelector;
  Projection projection = Projection::Everything();
  int64_t pageSize = 500;
  // Each watch asks the server to end it after a random time in [min, 2 * min), so the watches
  // of many clients do not all end together.
  Duration minWatchTimeout = std::chrono::minutes(5);
  // A watch that sends nothing for this long is taken for a half-open connection. The server
  // sends a bookmark about every minute, so a healthy watch is never this quiet.
  Duration idleTimeout = std::chrono::minutes(3);
  BackoffSettings backoff;
  // Try a streaming list (a watch with sendInitialEvents) first; fall back to paged lists when
  // the server does not offer it.
  bool streamingList = true;
  // Keep objects compressed with a dictionary trained on them, once there are enough of them.
  bool compress = true;
};

class Reflector {
 public:
  enum class State { kList, kStreamList, kWatch, kBackoff };
  // Called on the reflector's thread after the store changed.
  using OnChange = std::function<void(const StoreChange&)>;

  Reflector(Client& client, Store& store, ReflectorOptions options, OnChange on_change,
            Clock& clock = SystemClock(), RuntimeMetrics* metrics = nullptr);

  // Runs the state machine until stop is requested. Run again, it resumes the watch.
  void Run(const std::stop_token& stop);

  // The store holds a complete list (it may lag behind the server).
  bool HasSynced() const { return synced_.load(); }
  State state() const { return state_.load(); }
  // Lists come as streams (the server offers sendInitialEvents), not pages.
  bool streamsLists() const { return streamingList_.load(); }
  std::string resourceVersion() const;
  // The last failure, for status reporting; empty when the last attempt worked.
  std::string lastError() const;
  // The name used in logs and metric labels: "pods", "diagnoses.kdiag.dev".
  const std::string& name() const { return name_; }

 private:
  State List(const std::stop_token& stop);
  // A watch; with initial_events, a streaming list first. Returns the next state.
  State Watch(const std::stop_token& stop, bool initial_events);
  State Fail(const ApiError& error, State retry);
  void Apply(WatchEvent& event);
  // Trains a dictionary on these objects when there are enough of them and none was trained
  // yet; then returns them compressed with it. False when nothing changed.
  bool Compress(std::vector<CachedObjectPtr>& objects);
  void SetResourceVersion(std::string rv);
  void Synced();
  void UpdateCacheMetrics();
  std::string WatchPath(bool initial_events);

  Client& client_;
  Store& store_;
  ReflectorOptions options_;
  OnChange onChange_;
  Clock& clock_;
  std::string name_;
  ObjectDecoder decoder_;
  Backoff backoff_;
  std::mt19937_64 random_{std::random_device{}()};

  // Metric series of this resource (null without metrics).
  prometheus::Counter* events_[5] = {};  // by WatchEventType
  prometheus::Counter* decodeErrors_ = nullptr;
  prometheus::Counter* relists_ = nullptr;
  prometheus::Counter* restarts_ = nullptr;
  prometheus::Gauge* cacheObjects_ = nullptr;
  prometheus::Gauge* cacheBytes_ = nullptr;

  std::atomic<State> state_{State::kList};
  std::atomic<bool> synced_{false};
  // Learned from the server: false once it refused a streaming list.
  std::atomic<bool> streamingList_;
  State retryState_ = State::kList;  // where kBackoff resumes
  size_t trainedOn_ = 0;  // objects of the last training attempt; the next needs twice as many
  Duration retryDelay_{0};

  mutable std::mutex mutex_;  // guards the strings below, read by other threads
  std::string resourceVersion_;
  std::string lastError_;
};

std::string_view ToString(Reflector::State state);

}  // namespace kdiag
