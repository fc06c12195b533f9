#include "checks/memory_cluster_view.h"

#include <algorithm>

#include "checks/object_fields.h"

namespace kdiag {
namespace {

Objects Matching(const std::unordered_multimap<std::string, ObjectPtr>& index,
                 std::string_view key) {
  Objects out;
  const auto [begin, end] = index.equal_range(std::string(key));
  for (auto it = begin; it != end; ++it) out.push_back(it->second);
  return out;
}

}  // namespace

void MemoryClusterView::Add(nlohmann::json object) {
  auto shared = std::make_shared<const nlohmann::json>(std::move(object));
  const std::string kind(Str(*shared, "kind"));
  kinds_.insert(kind);
  objects_[kind][std::string(Namespace(*shared))][std::string(Name(*shared))] = shared;
  for (const auto& owner : Arr(Meta(*shared), "ownerReferences")) {
    byOwner_.emplace(std::string(Str(owner, "uid")), shared);
  }
  if (kind == "Pod") {
    if (auto node = Str(Obj(*shared, "spec"), "nodeName"); !node.empty()) {
      byNode_.emplace(std::string(node), shared);
    }
  }
  if (kind == "Event") {
    eventsByUid_.emplace(std::string(Str(Obj(*shared, "involvedObject"), "uid")), shared);
  }
}

void MemoryClusterView::AddAll(const nlohmann::json& list_or_array) {
  const auto& items = list_or_array.is_array() ? list_or_array : Arr(list_or_array, "items");
  for (const auto& item : items) Add(item);
}

Objects MemoryClusterView::List(std::string_view kind, std::string_view ns) const {
  Objects out;
  const auto by_kind = objects_.find(kind);
  if (by_kind == objects_.end()) return out;
  for (const auto& [object_ns, by_name] : by_kind->second) {
    if (!ns.empty() && object_ns != ns) continue;
    for (const auto& [name, object] : by_name) out.push_back(object);
  }
  return out;
}

ObjectPtr MemoryClusterView::Get(std::string_view kind, std::string_view ns,
                                 std::string_view name) const {
  const auto by_kind = objects_.find(kind);
  if (by_kind == objects_.end()) return nullptr;
  const auto by_ns = by_kind->second.find(ns);
  if (by_ns == by_kind->second.end()) return nullptr;
  const auto it = by_ns->second.find(std::string(name));
  return it == by_ns->second.end() ? nullptr : it->second;
}

Objects MemoryClusterView::OwnedBy(std::string_view kind, std::string_view owner_uid) const {
  Objects out = Matching(byOwner_, owner_uid);
  std::erase_if(out, [&](const ObjectPtr& o) { return Str(*o, "kind") != kind; });
  return out;
}

Objects MemoryClusterView::PodsOnNode(std::string_view node) const {
  return Matching(byNode_, node);
}

Objects MemoryClusterView::EventsFor(std::string_view uid) const {
  Objects out = Matching(eventsByUid_, uid);
  SortByEventTime(out);
  return out;
}

bool MemoryClusterView::Has(std::string_view kind) const { return kinds_.contains(kind); }

bool MemoryClusterView::Serves(std::string_view group_version) const {
  return groupVersions_.contains(group_version);
}

}  // namespace kdiag
