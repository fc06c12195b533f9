// Parsed forms of cached objects, kept across Diagnosis runs: the caches hold objects as compact
// bytes, and parsing a namespace's pods and events again for every run would cost more than the
// checks themselves. An entry is valid while its cached object is alive (a new version of an
// object is a new cached object), so nothing is ever stale. Memory is traded for speed, within
// a bound on entries; shared by the workers of the Diagnosis controller.
#pragma once

#include <memory>
#include <mutex>
#include <unordered_map>

#include "checks/cluster_view.h"
#include "controller/cached_object.h"

namespace kdiag {

class ParsedObjectCache {
 public:
  explicit ParsedObjectCache(size_t max_entries = 50'000) : maxEntries_(max_entries) {}

  // The parsed object, from the cache or made by parse(cached) and kept.
  template <typename Parse>
  ObjectPtr Get(const CachedObjectPtr& cached, Parse parse) {
    {
      std::lock_guard lock(mutex_);
      auto it = entries_.find(cached.get());
      if (it != entries_.end() && !it->second.object.expired()) return it->second.parsed;
    }
    ObjectPtr parsed = parse(*cached);
    std::lock_guard lock(mutex_);
    if (entries_.size() >= maxEntries_) Sweep();
    entries_[cached.get()] = {cached, parsed};
    return parsed;
  }

  size_t Size() const;

 private:
  struct Entry {
    std::weak_ptr<const CachedObject> object;
    ObjectPtr parsed;
  };
  // Drops entries of objects no cache holds any more; when all are alive, everything (the
  // next runs parse again what they read).
  void Sweep();

  size_t maxEntries_;
  mutable std::mutex mutex_;
  std::unordered_map<const CachedObject*, Entry> entries_;
};

}  // namespace kdiag
