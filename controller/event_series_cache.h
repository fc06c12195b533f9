// Which Event each occurrence belongs to, and when a series' count is due to be written.
// Repeats of one event (same key) less than `expiry` apart form a series on one Event object:
// the first occurrence creates it, later ones raise a count that is written at most once per
// `flushInterval`. Not thread-safe; ApiEventRecorder guards it.
#pragma once

#include <cstdint>
#include <list>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/clock.h"
#include "controller/duration.h"

namespace kdiag {

struct EventSeriesOptions {
  // Keys remembered; beyond it the least recently seen is forgotten.
  size_t maxKeys = 4096;
  Duration flushInterval = std::chrono::seconds(30);
  // A repeat after this long without one starts a new Event.
  Duration expiry = std::chrono::minutes(6);
};

// A write to the API server that an observation calls for.
struct EventWrite {
  enum class Kind { kCreate, kSeries };
  Kind kind = Kind::kCreate;
  std::string key;
  // The Event as created, with metadata.name and metadata.namespace.
  nlohmann::json event;
  // kSeries: occurrences so far, at least 2.
  int64_t count = 1;
  Clock::WallTime lastObserved;
};

class EventSeriesCache {
 public:
  explicit EventSeriesCache(EventSeriesOptions options = {});

  // An occurrence of the event identified by key, at now. event is the Event to create if this
  // starts a new series (kept only then). Returns the writes due at once: a create for a new
  // series, after the final count of a series it expires or evicts, if that was not written.
  std::vector<EventWrite> Observe(const std::string& key, nlohmann::json event,
                                  Clock::TimePoint now, Clock::WallTime wall_now);
  // The counts held back for at least flushInterval since their Event was last written; they
  // count as written from now on. Also forgets series that expired with nothing to write.
  std::vector<EventWrite> TakeDue(Clock::TimePoint now);
  // Every count held back, however recent (for a flush before shutdown).
  std::vector<EventWrite> TakeAll(Clock::TimePoint now);
  // Forgets key if its series is still the one of the Event named event_name: that Event could
  // not be created, so the next occurrence must create one, not count on it.
  void Forget(const std::string& key, const std::string& event_name);

  size_t Size() const { return index_.size(); }

 private:
  struct Series {
    std::string key;
    nlohmann::json event;
    int64_t count = 1;
    int64_t writtenCount = 1;
    Clock::TimePoint lastObserved;
    Clock::WallTime lastObservedWall;
    Clock::TimePoint lastWrite;
  };
  using SeriesList = std::list<Series>;

  static bool Unwritten(const Series& series) { return series.count > series.writtenCount; }
  static EventWrite TakeCount(Series& series, Clock::TimePoint now);
  void Erase(SeriesList::iterator series);

  EventSeriesOptions options_;
  SeriesList recent_;  // most recently observed first
  std::unordered_map<std::string, SeriesList::iterator> index_;
};

}  // namespace kdiag
