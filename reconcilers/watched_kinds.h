// The kinds a Diagnosis reads, how to watch each (collection, namespace, which fields to keep),
// and which are optional: started only where the API server serves them and the controller may
// list them (Flux, Argo CD, node leases, Secrets' metadata).
#pragma once

#include <string>
#include <vector>

#include "controller/projection.h"
#include "controller/resource_type.h"

namespace kdiag {

struct WatchedKind {
  std::string kind;  // as checks name it: "Pod", "HelmRelease"
  ResourceType type;
  std::string ns;  // empty: all namespaces
  Projection projection = Projection::Everything();
  bool optional = false;
};

// A custom resource the generic "Ready condition False" check (KD6005) looks at; configured
// (diagnosis.customResources), as nothing else tells which custom resources matter.
struct CustomResourceKind {
  std::string group;
  std::string version;
  std::string resource;  // plural, lower case: "certificates"
  std::string kind;      // "Certificate"
};

// Every kind the built-in checks read, plus these custom resources, optional: watched where
// the API server serves them and the controller may list them.
std::vector<WatchedKind> DiagnosisWatchedKinds(const std::vector<CustomResourceKind>& custom = {});

// The fields of pods that checks read: metadata (ownership, labels, the ignore annotation),
// containers' images, ports, resources, probes and configuration sources, volumes' sources,
// scheduling, and the whole status. Never environment values.
Projection DiagnosisPodProjection();

}  // namespace kdiag
