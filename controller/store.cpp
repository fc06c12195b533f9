#include "controller/store.h"

#include <cassert>
#include <mutex>

namespace kdiag {
namespace {

// Calls add(index, value) for every index entry of an object.
template <typename Add>
void ForEachIndexValue(const CachedObject& object, Add&& add) {
  for (const auto& owner : object.owners()) {
    if (!owner.uid.empty()) add(StoreIndex::kOwnerUid, owner.uid);
  }
  if (!object.nodeName().empty()) add(StoreIndex::kNodeName, object.nodeName());
  if (!object.involvedObjectUid().empty()) {
    add(StoreIndex::kInvolvedObjectUid, object.involvedObjectUid());
  }
}

}  // namespace

void Store::Contents::Insert(const CachedObjectPtr& object) {
  const bool inserted = objects.emplace(Key{object->ns(), object->name()}, object).second;
  assert(inserted && "the caller erases an object's previous version first");
  (void)inserted;
  objectBytes += object->MemoryUsage();
  ForEachIndexValue(*object, [&](StoreIndex index, std::string_view value) {
    auto& index_map = indexes[static_cast<int>(index)];
    auto bucket = index_map.find(value);
    if (bucket == index_map.end()) bucket = index_map.emplace(std::string(value), Bucket{}).first;
    bucket->second.insert(object);
  });
}

void Store::Contents::Erase(const CachedObjectPtr& object) {
  objectBytes -= object->MemoryUsage();
  ForEachIndexValue(*object, [&](StoreIndex index, std::string_view value) {
    auto& index_map = indexes[static_cast<int>(index)];
    const auto bucket = index_map.find(value);
    if (bucket == index_map.end()) return;
    bucket->second.erase(object);
    if (bucket->second.empty()) index_map.erase(bucket);
  });
}

CachedObjectPtr Store::Get(std::string_view ns, std::string_view name) const {
  const std::shared_lock lock(mutex_);
  const auto it = contents_.objects.find(Key{ns, name});
  return it == contents_.objects.end() ? nullptr : it->second;
}

std::vector<CachedObjectPtr> Store::List() const {
  const std::shared_lock lock(mutex_);
  std::vector<CachedObjectPtr> objects;
  objects.reserve(contents_.objects.size());
  for (const auto& [key, object] : contents_.objects) objects.push_back(object);
  return objects;
}

std::vector<CachedObjectPtr> Store::ListNamespace(std::string_view ns) const {
  const std::shared_lock lock(mutex_);
  std::vector<CachedObjectPtr> objects;
  // Keys sort by namespace first, so a namespace is one range.
  for (auto it = contents_.objects.lower_bound(Key{ns, {}});
       it != contents_.objects.end() && it->first.ns == ns; ++it) {
    objects.push_back(it->second);
  }
  return objects;
}

std::vector<CachedObjectPtr> Store::ByIndex(StoreIndex index, std::string_view value) const {
  const std::shared_lock lock(mutex_);
  const auto& index_map = contents_.indexes[static_cast<int>(index)];
  const auto bucket = index_map.find(value);
  if (bucket == index_map.end()) return {};
  return {bucket->second.begin(), bucket->second.end()};
}

size_t Store::Size() const {
  const std::shared_lock lock(mutex_);
  return contents_.objects.size();
}

size_t Store::ObjectBytes() const {
  const std::shared_lock lock(mutex_);
  return contents_.objectBytes;
}

CachedObjectPtr Store::Upsert(const CachedObjectPtr& object) {
  const std::unique_lock lock(mutex_);
  CachedObjectPtr before;
  if (const auto it = contents_.objects.find(Key{object->ns(), object->name()});
      it != contents_.objects.end()) {
    before = it->second;
    // The map's key views the old object: drop the entry before the new one takes its place.
    contents_.objects.erase(it);
    contents_.Erase(before);
  }
  contents_.Insert(object);
  return before;
}

CachedObjectPtr Store::Remove(std::string_view ns, std::string_view name) {
  const std::unique_lock lock(mutex_);
  const auto it = contents_.objects.find(Key{ns, name});
  if (it == contents_.objects.end()) return nullptr;
  CachedObjectPtr before = it->second;
  contents_.objects.erase(it);
  contents_.Erase(before);
  return before;
}

std::vector<StoreChange> Store::Replace(const std::vector<CachedObjectPtr>& objects) {
  // Built aside, then swapped in: readers see the old contents or the new, never a mix.
  Contents fresh;
  for (const auto& object : objects) {
    if (const auto it = fresh.objects.find(Key{object->ns(), object->name()});
        it != fresh.objects.end()) {
      const CachedObjectPtr duplicate = it->second;
      fresh.objects.erase(it);
      fresh.Erase(duplicate);
    }
    fresh.Insert(object);
  }
  std::vector<StoreChange> changes;
  {
    const std::unique_lock lock(mutex_);
    std::swap(contents_, fresh);
  }
  // fresh now holds the old contents; both maps are sorted the same way: merge them.
  auto old_it = fresh.objects.begin();
  auto new_it = contents_.objects.begin();
  while (old_it != fresh.objects.end() || new_it != contents_.objects.end()) {
    if (new_it == contents_.objects.end() ||
        (old_it != fresh.objects.end() && old_it->first < new_it->first)) {
      changes.push_back({old_it->second, nullptr});
      ++old_it;
    } else if (old_it == fresh.objects.end() || new_it->first < old_it->first) {
      changes.push_back({nullptr, new_it->second});
      ++new_it;
    } else {
      if (old_it->second->resourceVersion() != new_it->second->resourceVersion() ||
          old_it->second->uid() != new_it->second->uid()) {
        changes.push_back({old_it->second, new_it->second});
      }
      ++old_it;
      ++new_it;
    }
  }
  return changes;
}

}  // namespace kdiag
