// The cluster view of a Diagnosis run over the controller's informer caches. Cached objects
// are compact byte strings; an object is parsed the first time a check reads it and the parse
// is kept for later runs while the object is unchanged (ParsedObjectCache).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <unordered_map>

#include "checks/cluster_view.h"
#include "controller/store.h"
#include "reconcilers/parsed_object_cache.h"

namespace kdiag {

// One watched kind: its informer's store, and its apiVersion (items of a list response carry no
// kind or apiVersion, so cached objects may lack them; the view puts them back).
struct WatchedStore {
  const Store* store = nullptr;
  std::string apiVersion;
};

// What the daemon watches, shared by all runs: kind → its store, and discovery's
// group/versions.
struct InformerSet {
  std::map<std::string, WatchedStore, std::less<>> byKind;
  std::set<std::string, std::less<>> groupVersions;
};

// The InformerSet runs read now. Discovery replaces it whole when kinds come or go; a run keeps
// the one it started with, so it never sees a kind half added.
class CurrentInformerSet {
 public:
  explicit CurrentInformerSet(InformerSet initial = {})
      : current_(std::make_shared<const InformerSet>(std::move(initial))) {}
  std::shared_ptr<const InformerSet> Get() const { return current_.load(); }
  void Set(InformerSet next) {
    current_.store(std::make_shared<const InformerSet>(std::move(next)));
  }

 private:
  std::atomic<std::shared_ptr<const InformerSet>> current_;
};

class InformerClusterView : public ClusterView {
 public:
  InformerClusterView(const InformerSet& informers, ParsedObjectCache& parsed)
      : informers_(informers), parsed_(parsed) {}

  Objects List(std::string_view kind, std::string_view ns) const override;
  ObjectPtr Get(std::string_view kind, std::string_view ns, std::string_view name) const override;
  Objects OwnedBy(std::string_view kind, std::string_view owner_uid) const override;
  Objects PodsOnNode(std::string_view node) const override;
  Objects EventsFor(std::string_view uid) const override;
  bool Has(std::string_view kind) const override;
  std::vector<std::string> Kinds() const override;
  bool Serves(std::string_view group_version) const override;

 private:
  const WatchedStore* Watched(std::string_view kind) const;
  ObjectPtr Parse(const WatchedStore& kind_of, std::string_view kind,
                  const CachedObjectPtr& cached) const;
  Objects ParseAll(std::string_view kind, const std::vector<CachedObjectPtr>& cached) const;

  const InformerSet& informers_;
  ParsedObjectCache& parsed_;
  // A run asks for the events of a failing object from several checks; they are gathered and
  // sorted once. A view lives for one run, so what it keeps is as fresh as the run.
  mutable std::mutex events_mutex_;
  mutable std::unordered_map<std::string, Objects> events_;
};

}  // namespace kdiag
