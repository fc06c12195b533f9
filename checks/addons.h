// Cluster addons the management-namespaces root check looks after (CNI, CoreDNS, external-dns,
// metrics-server, cluster-autoscaler, …), as the operator configuration declares them.
#pragma once

#include <string>
#include <vector>

#include "checks/scope.h"

namespace kdiag {

struct AddonSpec {
  // e.g. "coredns", "cluster-autoscaler"; shown in findings. Specs sharing a name are
  // alternatives (other namespaces or labels of the same addon): the addon is what any matches.
  std::string name;
  std::string kind = "Deployment";  // Deployment or DaemonSet
  std::string ns = "kube-system";
  // The workload: by name, or by label selector when the name varies between distributions.
  std::string objectName;
  LabelSelector selector;
  // How the logging system names its logs ({app} in log-link templates).
  std::string loggingName;
  // A required addon that is missing is a finding; an optional one is only checked when present.
  bool required = false;
};

// CNI (Calico, Cilium, Flannel, AWS VPC CNI, kube-proxy), CoreDNS, external-dns, metrics-server
// and cluster-autoscaler, found by their usual names and labels; all optional but CoreDNS.
std::vector<AddonSpec> DefaultAddons();

}  // namespace kdiag
