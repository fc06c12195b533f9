#include "reconcilers/informer_cluster_view.h"

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {

const Store* InformerClusterView::StoreOf(std::string_view kind) const {
  const auto it = informers_.byKind.find(kind);
  return it == informers_.byKind.end() ? nullptr : it->second;
}

ObjectPtr InformerClusterView::Parse(const CachedObjectPtr& cached) const {
  auto [it, inserted] = parsed_.try_emplace(cached.get());
  if (inserted) {
    it->second = {cached, std::make_shared<const nlohmann::json>(cached->Parse())};
  }
  return it->second.second;
}

Objects InformerClusterView::ParseAll(const std::vector<CachedObjectPtr>& cached) const {
  Objects out;
  out.reserve(cached.size());
  for (const auto& object : cached) out.push_back(Parse(object));
  return out;
}

Objects InformerClusterView::List(std::string_view kind, std::string_view ns) const {
  const Store* store = StoreOf(kind);
  if (!store) return {};
  return ParseAll(ns.empty() ? store->List() : store->ListNamespace(ns));
}

ObjectPtr InformerClusterView::Get(std::string_view kind, std::string_view ns,
                                   std::string_view name) const {
  const Store* store = StoreOf(kind);
  if (!store) return nullptr;
  auto cached = store->Get(ns, name);
  return cached ? Parse(cached) : nullptr;
}

Objects InformerClusterView::OwnedBy(std::string_view kind, std::string_view owner_uid) const {
  const Store* store = StoreOf(kind);
  if (!store) return {};
  return ParseAll(store->ByIndex(StoreIndex::kOwnerUid, owner_uid));
}

Objects InformerClusterView::PodsOnNode(std::string_view node) const {
  const Store* store = StoreOf("Pod");
  if (!store) return {};
  return ParseAll(store->ByIndex(StoreIndex::kNodeName, node));
}

Objects InformerClusterView::EventsFor(std::string_view uid) const {
  const Store* store = StoreOf("Event");
  if (!store) return {};
  auto events = ParseAll(store->ByIndex(StoreIndex::kInvolvedObjectUid, uid));
  std::sort(events.begin(), events.end(),
            [](const ObjectPtr& a, const ObjectPtr& b) { return EventTime(*a) < EventTime(*b); });
  return events;
}

bool InformerClusterView::Has(std::string_view kind) const {
  return informers_.byKind.contains(kind);
}

std::vector<std::string> InformerClusterView::Kinds() const {
  std::vector<std::string> kinds;
  for (const auto& [kind, store] : informers_.byKind) kinds.push_back(kind);
  return kinds;
}

bool InformerClusterView::Serves(std::string_view group_version) const {
  return informers_.groupVersions.contains(group_version);
}

}  // namespace kdiag
