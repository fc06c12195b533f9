#include "checks/addons.h"

namespace kdiag {
namespace {

AddonSpec Addon(std::string name, std::string kind, std::string ns, std::string label_key,
                std::string label_value, bool required = false) {
  AddonSpec spec;
  spec.loggingName = name;
  spec.name = std::move(name);
  spec.kind = std::move(kind);
  spec.ns = std::move(ns);
  spec.selector.matchLabels[std::move(label_key)] = std::move(label_value);
  spec.required = required;
  return spec;
}

}  // namespace

// Labels are those of the upstream manifests and Helm charts; where distributions install an
// addon in different namespaces or with different labels, each variant is an alternative spec.
std::vector<AddonSpec> DefaultAddons() {
  return {
      // Every cluster needs DNS; CoreDNS keeps the kube-dns label for compatibility.
      Addon("coredns", "Deployment", "kube-system", "k8s-app", "kube-dns", true),
      Addon("kube-proxy", "DaemonSet", "kube-system", "k8s-app", "kube-proxy"),
      Addon("calico-node", "DaemonSet", "kube-system", "k8s-app", "calico-node"),
      // The Tigera operator installs Calico in its own namespace.
      Addon("calico-node", "DaemonSet", "calico-system", "k8s-app", "calico-node"),
      Addon("cilium", "DaemonSet", "kube-system", "k8s-app", "cilium"),
      Addon("kube-flannel", "DaemonSet", "kube-flannel", "app", "flannel"),
      Addon("kube-flannel", "DaemonSet", "kube-system", "app", "flannel"),
      Addon("aws-node", "DaemonSet", "kube-system", "k8s-app", "aws-node"),
      Addon("external-dns", "Deployment", "kube-system", "app.kubernetes.io/name", "external-dns"),
      Addon("external-dns", "Deployment", "external-dns", "app.kubernetes.io/name", "external-dns"),
      Addon("metrics-server", "Deployment", "kube-system", "k8s-app", "metrics-server"),
      Addon("metrics-server", "Deployment", "kube-system", "app.kubernetes.io/name",
            "metrics-server"),
      Addon("cluster-autoscaler", "Deployment", "kube-system", "app.kubernetes.io/name",
            "cluster-autoscaler"),
      Addon("cluster-autoscaler", "Deployment", "kube-system", "app", "cluster-autoscaler"),
  };
}

}  // namespace kdiag
