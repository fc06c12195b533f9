// Small objects for unit tests of the cache and the runtime, shaped as the API server writes them.
#pragma once

#include <string>

#include "controller/object_decoder.h"

namespace kdiag::testing {

struct PodSpec {
  std::string ns = "shop";
  std::string name = "web-0";
  std::string uid;  // default: derived from the name
  std::string resourceVersion = "1";
  int64_t generation = 0;
  std::string nodeName;
  std::string ownerKind;  // with ownerName/ownerUid: a controller owner reference
  std::string ownerApiVersion = "apps/v1";
  std::string ownerName;
  std::string ownerUid;
  bool deleting = false;
};

// The JSON of a pod-like object.
std::string PodJson(const PodSpec& spec);
// The same, decoded into a cached object.
CachedObjectPtr Pod(const PodSpec& spec);
// A watch event line of it.
std::string WatchLine(std::string_view type, const PodSpec& spec);

}  // namespace kdiag::testing
