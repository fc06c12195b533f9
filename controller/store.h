// The objects of one resource type as last seen, with indexes. One writer (the reflector), any
// number of readers. A relist swaps in the new contents at once and reports every difference,
// including deletions missed while disconnected.
#pragma once

#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "controller/cached_object.h"

namespace kdiag {

enum class StoreIndex { kOwnerUid, kNodeName, kInvolvedObjectUid };

// A difference the store applied: before is null for an addition, after for a deletion.
struct StoreChange {
  CachedObjectPtr before;
  CachedObjectPtr after;
};

class Store {
 public:
  // Readers. Objects handed out stay valid however the store changes.
  CachedObjectPtr Get(std::string_view ns, std::string_view name) const;
  std::vector<CachedObjectPtr> List() const;
  std::vector<CachedObjectPtr> ListNamespace(std::string_view ns) const;
  // Objects owned by a UID (any owner reference), on a node, or events about an object.
  std::vector<CachedObjectPtr> ByIndex(StoreIndex index, std::string_view value) const;
  size_t Size() const;
  // Heap bytes held by the objects (not the indexes); for metrics.
  size_t ObjectBytes() const;

  // The writer. Upsert and Remove return what was there before (null when nothing was).
  CachedObjectPtr Upsert(const CachedObjectPtr& object);
  CachedObjectPtr Remove(std::string_view ns, std::string_view name);
  // Makes the contents exactly `objects`; returns every addition, update (a different
  // resourceVersion) and deletion.
  std::vector<StoreChange> Replace(const std::vector<CachedObjectPtr>& objects);

 private:
  // Views into the object the entry holds, so keys cost no memory of their own.
  struct Key {
    std::string_view ns;
    std::string_view name;
    auto operator<=>(const Key&) const = default;
  };
  // Members are held by pointer to the object (hashed and compared by address), so a lookup
  // hands them out without going back through the ordered map.
  using Bucket = std::unordered_set<CachedObjectPtr>;
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  // Keyed by owned strings: an index value outlives the object it was first seen in.
  using IndexMap = std::unordered_map<std::string, Bucket, StringHash, std::equal_to<>>;
  struct Contents {
    std::map<Key, CachedObjectPtr> objects;
    IndexMap indexes[3];
    size_t objectBytes = 0;

    void Insert(const CachedObjectPtr& object);
    void Erase(const CachedObjectPtr& object);
  };

  mutable std::shared_mutex mutex_;
  Contents contents_;
};

}  // namespace kdiag
