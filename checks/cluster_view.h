// The read-only view of a cluster that checks see: objects as the API server returns them
// (possibly trimmed to the fields checks read), looked up by kind, namespace, owner and node,
// events by the UID of the object they are about, and what the API server serves.
//
// Implemented over the controller's informer caches (reconcilers/), over plain JSON for tests
// and benchmarks (MemoryClusterView), and later over a diagnostics bundle. Checks never do I/O.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace kdiag {

// One API object; shared so a view may hand out the same parse to many checks.
using ObjectPtr = std::shared_ptr<const nlohmann::json>;
using Objects = std::vector<ObjectPtr>;

class ClusterView {
 public:
  virtual ~ClusterView() = default;

  // Objects of a kind ("Pod", "Deployment", "HelmRelease", …): in one namespace, or in all
  // when ns is empty (and for cluster-scoped kinds such as Node).
  virtual Objects List(std::string_view kind, std::string_view ns) const = 0;
  // One object, or null.
  virtual ObjectPtr Get(std::string_view kind, std::string_view ns,
                        std::string_view name) const = 0;
  // Objects of a kind with an owner reference to this UID.
  virtual Objects OwnedBy(std::string_view kind, std::string_view owner_uid) const = 0;
  // Pods bound to a node.
  virtual Objects PodsOnNode(std::string_view node) const = 0;
  // Events (core/v1 shape) whose involvedObject.uid is this UID, oldest first.
  virtual Objects EventsFor(std::string_view uid) const = 0;
  // Whether the view holds a kind at all: the API server serves it and it is watched. Checks
  // of kinds the cluster does not have (no Argo CD, no Flux) pass without a finding.
  virtual bool Has(std::string_view kind) const = 0;
  // Every kind the view holds, including watched custom resources.
  virtual std::vector<std::string> Kinds() const = 0;
  // Whether discovery lists this group/version (e.g. "metrics.k8s.io/v1beta1").
  virtual bool Serves(std::string_view group_version) const = 0;
};

}  // namespace kdiag
