// A ClusterView over objects held in memory: what unit tests, benchmarks and offline analysis
// build from JSON. Add every object, then read; it is not for concurrent writers.
#pragma once

#include <map>
#include <set>
#include <string>
#include <unordered_map>

#include "checks/cluster_view.h"

namespace kdiag {

class MemoryClusterView : public ClusterView {
 public:
  // An object with apiVersion, kind and metadata, as the API server returns it. Events are
  // indexed by involvedObject.uid, pods by spec.nodeName, everything by owner UIDs.
  void Add(nlohmann::json object);
  // Adds every item of a List ({"items": [...]}) or of a JSON array.
  void AddAll(const nlohmann::json& list_or_array);
  // Declares a kind as present even when no object of it exists.
  void AddKind(std::string kind) { kinds_.insert(std::move(kind)); }
  void AddGroupVersion(std::string group_version) {
    groupVersions_.insert(std::move(group_version));
  }

  Objects List(std::string_view kind, std::string_view ns) const override;
  ObjectPtr Get(std::string_view kind, std::string_view ns, std::string_view name) const override;
  Objects OwnedBy(std::string_view kind, std::string_view owner_uid) const override;
  Objects PodsOnNode(std::string_view node) const override;
  Objects EventsFor(std::string_view uid) const override;
  bool Has(std::string_view kind) const override;
  std::vector<std::string> Kinds() const override { return {kinds_.begin(), kinds_.end()}; }
  bool Serves(std::string_view group_version) const override;

 private:
  // kind → namespace → name → object; ordered so listings are deterministic.
  std::map<std::string, std::map<std::string, std::map<std::string, ObjectPtr>, std::less<>>,
           std::less<>>
      objects_;
  std::unordered_multimap<std::string, ObjectPtr> byOwner_;
  std::unordered_multimap<std::string, ObjectPtr> byNode_;
  std::unordered_multimap<std::string, ObjectPtr> eventsByUid_;
  std::set<std::string, std::less<>> kinds_;
  std::set<std::string, std::less<>> groupVersions_;
};

}  // namespace kdiag
