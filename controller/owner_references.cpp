#include "controller/owner_references.h"

#include <algorithm>

namespace kdiag {
namespace {

using json = nlohmann::json;

const json* OwnerReferences(const json& object) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return nullptr;
  const auto references = metadata->find("ownerReferences");
  return references != metadata->end() && references->is_array() ? &*references : nullptr;
}

std::string MetadataString(const json& object, const char* field) {
  const auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return "";
  return metadata->value(field, "");
}

bool HasUid(const json& reference, std::string_view uid) {
  return reference.is_object() && reference.value("uid", "") == uid;
}

bool IsController(const json& reference) {
  return reference.is_object() && reference.value("controller", false);
}

ApiError Invalid(std::string message) {
  ApiError error;
  error.kind = ErrorKind::kInvalid;
  error.message = std::move(message);
  return error;
}

}  // namespace

Result<json> ControllerReference(const json& owner) {
  if (!owner.is_object()) return Unexpected(Invalid("the owner is not an object"));
  json reference = {{"apiVersion", owner.value("apiVersion", "")},
                    {"kind", owner.value("kind", "")},
                    {"name", MetadataString(owner, "name")},
                    {"uid", MetadataString(owner, "uid")},
                    {"controller", true},
                    {"blockOwnerDeletion", true}};
  for (const char* field : {"apiVersion", "kind", "name", "uid"}) {
    if (reference[field].get_ref<const std::string&>().empty()) {
      return Unexpected(Invalid(std::string("the owner has no ") + field));
    }
  }
  return reference;
}

Result<bool> SetControllerReference(json& child, const json& owner) {
  auto reference = ControllerReference(owner);
  if (!reference) return Unexpected(reference.error());
  const std::string& uid = (*reference)["uid"].get_ref<const std::string&>();
  const std::string owner_namespace = MetadataString(owner, "namespace");
  const std::string child_namespace = MetadataString(child, "namespace");
  if (!owner_namespace.empty() && !child_namespace.empty() && owner_namespace != child_namespace) {
    return Unexpected(Invalid("the owner is in namespace " + owner_namespace + ", the object in " +
                              child_namespace +
                              "; owners must be in the same namespace or cluster-scoped"));
  }
  if (const json* controller = ControllerOf(child);
      controller != nullptr && !HasUid(*controller, uid)) {
    return Unexpected(Invalid("the object is already controlled by " +
                              controller->value("kind", "") + " " + controller->value("name", "")));
  }
  json& references = child["metadata"]["ownerReferences"];
  if (!references.is_array()) references = json::array();
  const auto same = std::find_if(references.begin(), references.end(),
                                 [&](const json& r) { return HasUid(r, uid); });
  if (same == references.end()) {
    references.push_back(std::move(*reference));
    return true;
  }
  if (*same == *reference) return false;
  *same = std::move(*reference);
  return true;
}

const json* ControllerOf(const json& object) {
  const json* references = OwnerReferences(object);
  if (references == nullptr) return nullptr;
  const auto controller = std::find_if(references->begin(), references->end(), IsController);
  return controller != references->end() ? &*controller : nullptr;
}

bool IsOwnedBy(const json& object, std::string_view uid) {
  const json* references = OwnerReferences(object);
  return references != nullptr && std::any_of(references->begin(), references->end(),
                                              [&](const json& r) { return HasUid(r, uid); });
}

bool IsControlledBy(const json& object, std::string_view uid) {
  const json* controller = ControllerOf(object);
  return controller != nullptr && HasUid(*controller, uid);
}

}  // namespace kdiag
