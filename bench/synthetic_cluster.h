// A synthetic cluster for the pipeline benchmarks, in the shapes the API server returns:
// nodes, Deployments with their ReplicaSets, pods and Services (with EndpointSlices), the
// kubelet's routine Events, some broken workloads (crash-looping, image not found), and a
// healthy kube-system with CoreDNS (the addon the root checks require).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

namespace kdiag::bench {

struct ClusterShape {
  int namespaces = 10;
  int podsPerNamespace = 1000;
  int podsPerDeployment = 10;
  int nodes = 100;
  int eventsPerPod = 5;
  int brokenWorkloads = 20;  // spread over the namespaces, first ones first
};

// Calls add for every object; namespaces are named ns-0, ns-1, ….
void BuildCluster(const ClusterShape& shape, const std::function<void(nlohmann::json)>& add);

}  // namespace kdiag::bench
