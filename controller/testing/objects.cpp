#include "controller/testing/objects.h"

#include <nlohmann/json.hpp>

namespace kdiag::testing {

std::string PodJson(const PodSpec& spec) {
  nlohmann::json metadata = {{"name", spec.name},
                             {"namespace", spec.ns},
                             {"uid", spec.uid.empty() ? "uid-" + spec.name : spec.uid},
                             {"resourceVersion", spec.resourceVersion},
                             {"creationTimestamp", "2026-11-23T20:35:50Z"}};
  if (spec.generation != 0) metadata["generation"] = spec.generation;
  if (spec.deleting) metadata["deletionTimestamp"] = "2026-11-23T21:00:00Z";
  if (!spec.ownerKind.empty()) {
    metadata["ownerReferences"] = {{{"apiVersion", spec.ownerApiVersion},
                                    {"kind", spec.ownerKind},
                                    {"name", spec.ownerName},
                                    {"uid", spec.ownerUid},
                                    {"controller", true},
                                    {"blockOwnerDeletion", true}}};
  }
  nlohmann::json pod = {{"kind", "Pod"},
                        {"apiVersion", "v1"},
                        {"metadata", metadata},
                        {"spec", nlohmann::json::object()},
                        {"status", {{"phase", "Running"}}}};
  if (!spec.nodeName.empty()) pod["spec"]["nodeName"] = spec.nodeName;
  return pod.dump();
}

CachedObjectPtr Pod(const PodSpec& spec) {
  ObjectDecoder decoder;
  auto object = decoder.DecodeObject(PodJson(spec));
  return object ? *object : nullptr;
}

std::string WatchLine(std::string_view type, const PodSpec& spec) {
  return R"({"type":")" + std::string(type) + R"(","object":)" + PodJson(spec) + "}\n";
}

}  // namespace kdiag::testing
