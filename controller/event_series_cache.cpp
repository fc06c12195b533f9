#include "controller/event_series_cache.h"

namespace kdiag {

EventSeriesCache::EventSeriesCache(EventSeriesOptions options) : options_(options) {}

EventWrite EventSeriesCache::TakeCount(Series& series, Clock::TimePoint now) {
  series.writtenCount = series.count;
  series.lastWrite = now;
  return {EventWrite::Kind::kSeries, series.key, series.event, series.count,
          series.lastObservedWall};
}

void EventSeriesCache::Erase(SeriesList::iterator series) {
  index_.erase(series->key);
  recent_.erase(series);
}

std::vector<EventWrite> EventSeriesCache::Observe(const std::string& key, nlohmann::json event,
                                                  Clock::TimePoint now, Clock::WallTime wall_now) {
  std::vector<EventWrite> writes;
  if (const auto found = index_.find(key); found != index_.end()) {
    const auto series = found->second;
    if (now - series->lastObserved < options_.expiry) {
      ++series->count;
      series->lastObserved = now;
      series->lastObservedWall = wall_now;
      recent_.splice(recent_.begin(), recent_, series);
      return writes;
    }
    if (Unwritten(*series)) writes.push_back(TakeCount(*series, now));
    Erase(series);
  }

  recent_.push_front({key, std::move(event), 1, 1, now, wall_now, now});
  index_.emplace(key, recent_.begin());
  writes.push_back({EventWrite::Kind::kCreate, key, recent_.front().event, 1, wall_now});

  if (index_.size() > options_.maxKeys) {
    const auto oldest = std::prev(recent_.end());
    if (Unwritten(*oldest)) writes.push_back(TakeCount(*oldest, now));
    Erase(oldest);
  }
  return writes;
}

std::vector<EventWrite> EventSeriesCache::TakeDue(Clock::TimePoint now) {
  std::vector<EventWrite> writes;
  for (auto series = recent_.begin(); series != recent_.end();) {
    const auto current = series++;
    if (Unwritten(*current)) {
      if (now - current->lastWrite >= options_.flushInterval) {
        writes.push_back(TakeCount(*current, now));
      }
    } else if (now - current->lastObserved >= options_.expiry) {
      Erase(current);
    }
  }
  return writes;
}

std::vector<EventWrite> EventSeriesCache::TakeAll(Clock::TimePoint now) {
  std::vector<EventWrite> writes;
  for (auto& series : recent_) {
    if (Unwritten(series)) writes.push_back(TakeCount(series, now));
  }
  return writes;
}

void EventSeriesCache::Forget(const std::string& key, const std::string& event_name) {
  const auto found = index_.find(key);
  if (found == index_.end()) return;
  const nlohmann::json& event = found->second->event;
  const auto metadata = event.find("metadata");
  if (metadata != event.end() && metadata->is_object() &&
      metadata->value("name", "") == event_name) {
    Erase(found->second);
  }
}

}  // namespace kdiag
