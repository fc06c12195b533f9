#include "reconcilers/parsed_object_cache.h"

namespace kdiag {

size_t ParsedObjectCache::Size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ParsedObjectCache::Sweep() {
  std::erase_if(entries_, [](const auto& item) { return item.second.object.expired(); });
  if (entries_.size() >= maxEntries_) entries_.clear();
}

}  // namespace kdiag
