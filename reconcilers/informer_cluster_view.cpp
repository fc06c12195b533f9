#include "reconcilers/informer_cluster_view.h"

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {

const WatchedStore* InformerClusterView::Watched(std::string_view kind) const {
  const auto it = informers_.byKind.find(kind);
  return it == informers_.byKind.end() ? nullptr : &it->second;
}

ObjectPtr InformerClusterView::Parse(const WatchedStore& kind_of, std::string_view kind,
                                     const CachedObjectPtr& cached) const {
  return parsed_.Get(cached, [&](const CachedObject& object) {
    auto parsed = object.Parse();
    if (!parsed.contains("kind")) parsed["kind"] = kind;
    if (!parsed.contains("apiVersion")) parsed["apiVersion"] = kind_of.apiVersion;
    return std::make_shared<const nlohmann::json>(std::move(parsed));
  });
}

Objects InformerClusterView::ParseAll(std::string_view kind,
                                      const std::vector<CachedObjectPtr>& cached) const {
  Objects out;
  const WatchedStore* watched = Watched(kind);
  if (!watched) return out;
  out.reserve(cached.size());
  for (const auto& object : cached) out.push_back(Parse(*watched, kind, object));
  return out;
}

Objects InformerClusterView::List(std::string_view kind, std::string_view ns) const {
  const WatchedStore* watched = Watched(kind);
  if (!watched) return {};
  return ParseAll(kind, ns.empty() ? watched->store->List() : watched->store->ListNamespace(ns));
}

ObjectPtr InformerClusterView::Get(std::string_view kind, std::string_view ns,
                                   std::string_view name) const {
  const WatchedStore* watched = Watched(kind);
  if (!watched) return nullptr;
  auto cached = watched->store->Get(ns, name);
  return cached ? Parse(*watched, kind, cached) : nullptr;
}

Objects InformerClusterView::OwnedBy(std::string_view kind, std::string_view owner_uid) const {
  const WatchedStore* watched = Watched(kind);
  if (!watched) return {};
  return ParseAll(kind, watched->store->ByIndex(StoreIndex::kOwnerUid, owner_uid));
}

Objects InformerClusterView::PodsOnNode(std::string_view node) const {
  const WatchedStore* watched = Watched("Pod");
  if (!watched) return {};
  return ParseAll("Pod", watched->store->ByIndex(StoreIndex::kNodeName, node));
}

Objects InformerClusterView::EventsFor(std::string_view uid) const {
  const WatchedStore* watched = Watched("Event");
  if (!watched) return {};
  const std::lock_guard lock(events_mutex_);
  auto [it, added] = events_.try_emplace(std::string(uid));
  if (added) {
    it->second = ParseAll("Event", watched->store->ByIndex(StoreIndex::kInvolvedObjectUid, uid));
    SortByEventTime(it->second);
  }
  return it->second;
}

bool InformerClusterView::Has(std::string_view kind) const {
  return informers_.byKind.contains(kind);
}

std::vector<std::string> InformerClusterView::Kinds() const {
  std::vector<std::string> kinds;
  for (const auto& [kind, watched] : informers_.byKind) kinds.push_back(kind);
  return kinds;
}

bool InformerClusterView::Serves(std::string_view group_version) const {
  return informers_.groupVersions.contains(group_version);
}

}  // namespace kdiag
