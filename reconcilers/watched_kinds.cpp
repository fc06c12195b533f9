#include "reconcilers/watched_kinds.h"

namespace kdiag {

Projection DiagnosisPodProjection() {
  return Projection::Only({
      "spec.nodeName",
      "spec.nodeSelector",
      "spec.affinity",
      "spec.tolerations",
      "spec.serviceAccountName",
      "spec.imagePullSecrets",
      "spec.priorityClassName",
      "spec.containers.name",
      "spec.containers.image",
      "spec.containers.command",
      "spec.containers.resources",
      "spec.containers.ports",
      "spec.containers.readinessProbe",
      "spec.containers.livenessProbe",
      "spec.containers.startupProbe",
      "spec.containers.env.name",
      "spec.containers.env.valueFrom",
      "spec.containers.envFrom",
      "spec.initContainers.name",
      "spec.initContainers.image",
      "spec.initContainers.command",
      "spec.initContainers.env.name",
      "spec.initContainers.env.valueFrom",
      "spec.initContainers.envFrom",
      "spec.volumes",
      "status",
  });
}

std::vector<WatchedKind> DiagnosisWatchedKinds(const std::vector<CustomResourceKind>& custom) {
  const auto metadata_only = Projection::Only({"type"});
  std::vector<WatchedKind> kinds = {
      {"Namespace", resources::kNamespaces},
      {"Node", resources::kNodes},
      {"Pod", resources::kPods, "", DiagnosisPodProjection()},
      {"Event", resources::kEvents, "", Projection::Everything()},
      {"Lease", resources::kLeases, "kube-node-lease", Projection::Only({"spec"}), true},
      {"Deployment", resources::kDeployments},
      {"ReplicaSet", resources::kReplicaSets},
      {"StatefulSet", {"apps", "v1", "statefulsets", true}},
      {"DaemonSet", {"apps", "v1", "daemonsets", true}},
      {"Job", {"batch", "v1", "jobs", true}},
      {"CronJob", {"batch", "v1", "cronjobs", true}},
      {"Service", resources::kServices},
      {"Endpoints", {"", "v1", "endpoints", true}},
      {"EndpointSlice", {"discovery.k8s.io", "v1", "endpointslices", true}},
      {"Ingress", {"networking.k8s.io", "v1", "ingresses", true}},
      {"IngressClass", {"networking.k8s.io", "v1", "ingressclasses", false}},
      {"PersistentVolumeClaim", resources::kPersistentVolumeClaims},
      {"StorageClass", {"storage.k8s.io", "v1", "storageclasses", false}},
      // Names only: a ConfigMap's or Secret's existence is what checks need, never its data.
      {"ConfigMap", resources::kConfigMaps, "", Projection::Only({"-metadata.annotations"})},
      {"Secret", resources::kSecrets, "", metadata_only, true},
      {"ResourceQuota", {"", "v1", "resourcequotas", true}},
      {"LimitRange", {"", "v1", "limitranges", true}},
      {"PodDisruptionBudget", {"policy", "v1", "poddisruptionbudgets", true}},
      {"HorizontalPodAutoscaler", {"autoscaling", "v2", "horizontalpodautoscalers", true}},
      {"APIService", {"apiregistration.k8s.io", "v1", "apiservices", false}},
      {"ValidatingWebhookConfiguration",
       {"admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", false}},
      {"MutatingWebhookConfiguration",
       {"admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", false}},
      {"HelmRelease",
       {"helm.toolkit.fluxcd.io", "v2", "helmreleases", true},
       "",
       Projection::Everything(),
       true},
      {"Application",
       {"argoproj.io", "v1alpha1", "applications", true},
       "",
       Projection::Everything(),
       true},
  };
  for (const auto& resource : custom) {
    kinds.push_back({resource.kind,
                     {resource.group, resource.version, resource.resource, true},
                     "",
                     Projection::Everything(),
                     true});
  }
  return kinds;
}

}  // namespace kdiag
