#include "checks/correlation.h"

#include <map>
#include <optional>
#include <set>

#include "checks/object_fields.h"
#include "checks/ownership.h"

namespace kdiag {
namespace {

// Codes whose findings stand for "the cluster autoscaler is not working".
bool IsAutoscalerFinding(const Finding& finding) {
  const auto it = finding.params.find("addon");
  return it != finding.params.end() && it->second == "cluster-autoscaler";
}

bool IsUnschedulable(const Finding& finding) { return finding.params.contains("unschedulable"); }

bool Selects(const nlohmann::json& service, const nlohmann::json& pod) {
  const auto& selector = Obj(Obj(service, "spec"), "selector");
  if (selector.empty() || Namespace(service) != Namespace(pod)) return false;
  const auto& labels = Obj(Meta(pod), "labels");
  for (const auto& [key, value] : selector.items()) {
    if (!value.is_string() || Str(labels, key) != value.get_ref<const std::string&>()) {
      return false;
    }
  }
  return true;
}

}  // namespace

void Correlate(const ClusterView& view, std::vector<Finding>& findings) {
  // explainedBy[i]: indexes of findings that explain finding i.
  std::vector<std::set<size_t>> explained_by(findings.size());
  std::multimap<std::string, size_t> by_uid;
  std::map<std::string, size_t> node_findings;
  for (size_t i = 0; i < findings.size(); ++i) {
    by_uid.emplace(findings[i].resource.uid, i);
    // A cordoned node (informational) explains nothing about its pods.
    if (findings[i].resource.kind == "Node" && findings[i].severity != Severity::kInfo &&
        !node_findings.contains(findings[i].resource.name)) {
      node_findings.emplace(findings[i].resource.name, i);
    }
  }
  std::optional<size_t> autoscaler;
  for (size_t i = 0; i < findings.size(); ++i) {
    if (IsAutoscalerFinding(findings[i])) autoscaler = i;
  }

  for (size_t i = 0; i < findings.size(); ++i) {
    auto& finding = findings[i];
    if (finding.resource.uid.empty()) continue;
    const auto object = view.Get(finding.resource.kind, finding.resource.ns, finding.resource.name);
    if (!object) continue;
    if (!finding.owner) finding.owner = TopOwner(view, *object);
    // A controller refused pods by an exhausted quota: the quota's finding explains it.
    if (auto quota = finding.params.find("quota"); quota != finding.params.end()) {
      for (size_t j = 0; j < findings.size(); ++j) {
        const auto& r = findings[j].resource;
        if (r.kind == "ResourceQuota" && r.ns == finding.resource.ns && r.name == quota->second) {
          explained_by[i].insert(j);
        }
      }
    }

    // Findings on owners are explained by the findings of what they own.
    for (const auto& owner : OwnerChain(view, *object)) {
      const auto [begin, end] = by_uid.equal_range(std::string(Uid(*owner)));
      for (auto it = begin; it != end; ++it) explained_by[it->second].insert(i);
    }
    if (finding.resource.kind != "Pod") continue;
    // A pod's problems on a broken node are the node's.
    if (auto node = Str(Obj(*object, "spec"), "nodeName"); !node.empty()) {
      if (auto it = node_findings.find(std::string(node)); it != node_findings.end()) {
        explained_by[i].insert(it->second);
      }
    }
    // Pods nobody scales for, while the autoscaler is down.
    if (autoscaler && IsUnschedulable(finding) && *autoscaler != i) {
      explained_by[i].insert(*autoscaler);
    }
    // A pod waiting on a claim that cannot bind is explained by the claim's finding.
    for (const auto& volume : Arr(Obj(*object, "spec"), "volumes")) {
      const auto claim = Str(Obj(volume, "persistentVolumeClaim"), "claimName");
      if (claim.empty()) continue;
      for (size_t j = 0; j < findings.size(); ++j) {
        const auto& r = findings[j].resource;
        if (r.kind == "PersistentVolumeClaim" && r.ns == finding.resource.ns && r.name == claim) {
          explained_by[i].insert(j);
        }
      }
    }
    // Services selecting a broken pod have no ready endpoints because of it.
    for (size_t j = 0; j < findings.size(); ++j) {
      if (findings[j].resource.kind != "Service" ||
          findings[j].resource.ns != finding.resource.ns) {
        continue;
      }
      const auto service = view.Get("Service", findings[j].resource.ns, findings[j].resource.name);
      if (service && Selects(*service, *object)) explained_by[j].insert(i);
    }
  }

  for (size_t i = 0; i < findings.size(); ++i) {
    // A finding explained only by findings it explains itself (a cycle) stays a root cause.
    std::erase_if(explained_by[i], [&](size_t j) { return j == i || explained_by[j].contains(i); });
    findings[i].rootCause = explained_by[i].empty();
    for (size_t j : explained_by[i]) findings[j].related.push_back(FindingKey(findings[i]));
  }
}

}  // namespace kdiag
