// An EventRecorder that writes events.k8s.io/v1 Events to the API server from a background
// thread, aggregating repeats into series (EventSeriesCache), so a reconciler never waits for
// the API and a hot loop costs a few writes a minute, not one per repeat.
#pragma once

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <random>
#include <set>
#include <stop_token>
#include <thread>

#include "controller/client.h"
#include "controller/clock.h"
#include "controller/event_recorder.h"
#include "controller/event_series_cache.h"

namespace kdiag {

struct EventRecorderOptions {
  // Who reports: a qualified name such as "kdiag.dev/controller" (required by the API).
  std::string reportingController;
  // Which instance of it, e.g. its pod name (required by the API; at most 128 characters).
  std::string reportingInstance;
  // Writes waiting for the API; beyond it new Events are dropped and counted.
  size_t queueCapacity = 1024;
  EventSeriesOptions series;
  // How often the writer looks for series counts due to be written.
  Duration scanInterval = std::chrono::seconds(1);
};

// The API server's limits on Event fields (events.k8s.io/v1 validation), in bytes.
inline constexpr size_t kEventNoteLimit = 1024;
inline constexpr size_t kEventReasonLimit = 128;
inline constexpr size_t kEventActionLimit = 128;

class ApiEventRecorder final : public EventRecorder {
 public:
  struct Stats {
    int64_t created = 0;        // Events created
    int64_t seriesUpdated = 0;  // series counts written onto an existing Event
    int64_t dropped = 0;        // writes dropped because the queue was full
    int64_t failed = 0;         // writes the API server refused or did not answer
  };

  // clock gives every time (series intervals and the timestamps written). metrics, when given,
  // gets kdiag_events_total{result=created|series_updated|dropped|failed}.
  ApiEventRecorder(Client& client, Clock& clock, EventRecorderOptions options,
                   prometheus::Registry* metrics = nullptr);
  // Stops the writer after the write in progress; call Flush first not to lose the rest.
  ~ApiEventRecorder() override;
  ApiEventRecorder(const ApiEventRecorder&) = delete;
  ApiEventRecorder& operator=(const ApiEventRecorder&) = delete;

  using EventRecorder::Record;
  void Record(const ObjectReference& regarding, EventType type, std::string_view reason,
              std::string_view action, std::string_view note) override;

  // Writes every held series count and waits until nothing is queued or being written.
  void Flush();

  Stats GetStats() const;

 private:
  enum class Outcome { kCreated, kSeriesUpdated, kFailed };

  nlohmann::json MakeEvent(const ObjectReference& regarding, EventType type,
                           std::string_view reason, std::string_view action, std::string_view note);
  void Run(const std::stop_token& stop);
  Outcome Write(const EventWrite& write);
  void Count(Outcome outcome);
  void CountDropped(int64_t writes);
  void ReportFailure(const std::string& ns, const ApiError& error);

  Client& client_;
  Clock& clock_;
  const EventRecorderOptions options_;

  std::mutex mutex_;
  std::condition_variable_any work_;  // something to write, or a flush
  std::condition_variable_any idle_;  // the queue ran empty
  EventSeriesCache series_;
  std::deque<EventWrite> queue_;
  bool writing_ = false;
  bool stopped_ = false;  // the writer left; Flush must not wait for it
  Clock::TimePoint last_scan_;
  std::mt19937_64 random_;
  std::set<std::string> reported_failures_;

  std::atomic<int64_t> created_{0};
  std::atomic<int64_t> series_updated_{0};
  std::atomic<int64_t> dropped_{0};
  std::atomic<int64_t> failed_{0};
  prometheus::Counter* created_metric_ = nullptr;
  prometheus::Counter* series_updated_metric_ = nullptr;
  prometheus::Counter* dropped_metric_ = nullptr;
  prometheus::Counter* failed_metric_ = nullptr;

  std::jthread writer_;  // last: stopped and joined before the members it uses go
};

}  // namespace kdiag
