#include "controller/event_recorder.h"

namespace kdiag {

std::string_view ToString(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

ObjectReference ObjectReference::Of(const nlohmann::json& object) {
  ObjectReference reference;
  if (!object.is_object()) return reference;
  reference.apiVersion = object.value("apiVersion", "");
  reference.kind = object.value("kind", "");
  const auto metadata = object.find("metadata");
  if (metadata != object.end() && metadata->is_object()) {
    reference.name = metadata->value("name", "");
    reference.namespaceName = metadata->value("namespace", "");
    reference.uid = metadata->value("uid", "");
    reference.resourceVersion = metadata->value("resourceVersion", "");
  }
  return reference;
}

nlohmann::json ObjectReference::ToJson() const {
  nlohmann::json reference = nlohmann::json::object();
  const auto set = [&](const char* field, const std::string& value) {
    if (!value.empty()) reference[field] = value;
  };
  set("apiVersion", apiVersion);
  set("kind", kind);
  set("name", name);
  set("namespace", namespaceName);
  set("uid", uid);
  set("resourceVersion", resourceVersion);
  return reference;
}

}  // namespace kdiag
