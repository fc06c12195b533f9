// Which REST collection an object lives in (group, version, plural resource) and the paths of
// its endpoints.
#pragma once

#include <string>
#include <string_view>

namespace kdiag {

struct ResourceType {
  std::string group;  // empty for the core group
  std::string version;
  std::string resource;  // plural, lower case: "pods", "diagnoses"
  bool namespaced = true;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // /api/v1/namespaces/NS/pods/NAME/SUBRESOURCE; ns empty for all namespaces or cluster scope.
  std::string Path(std::string_view ns = {}, std::string_view name = {},
                   std::string_view subresource = {}) const;
  bool operator==(const ResourceType&) const = default;
};

namespace resources {
inline const ResourceType kPods{"", "v1", "pods", true};
inline const ResourceType kEvents{"", "v1", "events", true};
inline const ResourceType kNodes{"", "v1", "nodes", false};
inline const ResourceType kNamespaces{"", "v1", "namespaces", false};
inline const ResourceType kConfigMaps{"", "v1", "configmaps", true};
inline const ResourceType kSecrets{"", "v1", "secrets", true};
inline const ResourceType kServices{"", "v1", "services", true};
inline const ResourceType kPersistentVolumeClaims{"", "v1", "persistentvolumeclaims", true};
inline const ResourceType kPersistentVolumes{"", "v1", "persistentvolumes", false};
inline const ResourceType kDeployments{"apps", "v1", "deployments", true};
inline const ResourceType kReplicaSets{"apps", "v1", "replicasets", true};
inline const ResourceType kLeases{"coordination.k8s.io", "v1", "leases", true};
inline const ResourceType kEventsV1{"events.k8s.io", "v1", "events", true};
}  // namespace resources

}  // namespace kdiag
