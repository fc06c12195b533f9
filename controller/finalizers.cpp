#include "controller/finalizers.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

namespace kdiag {
namespace {

using json = nlohmann::json;

const json* Metadata(const json& object) {
  const auto metadata = object.find("metadata");
  return metadata != object.end() && metadata->is_object() ? &*metadata : nullptr;
}

std::string MetadataString(const json& object, const char* field) {
  const json* metadata = Metadata(object);
  return metadata != nullptr ? metadata->value(field, "") : "";
}

// The finalizer list, or nullptr when the object has none (the server omits an empty list).
const json* Finalizers(const json& object) {
  const json* metadata = Metadata(object);
  if (metadata == nullptr) return nullptr;
  const auto finalizers = metadata->find("finalizers");
  return finalizers != metadata->end() && finalizers->is_array() ? &*finalizers : nullptr;
}

json Test(const std::string& path, json value) {
  return {{"op", "test"}, {"path", path}, {"value", std::move(value)}};
}

using PatchFor = std::function<std::optional<json>(const json& object, std::string_view)>;

// Patches object with the patch computed from it, reading it again after each failed test.
Result<json> PatchFinalizers(Client& client, const ResourceType& type, const json& object,
                             std::string_view finalizer, const FinalizerOptions& options,
                             const PatchFor& patch_for, std::string_view verb) {
  const std::string ns = MetadataString(object, "namespace");
  const std::string name = MetadataString(object, "name");
  if (name.empty()) {
    ApiError error;
    error.kind = ErrorKind::kBadRequest;
    error.message = "the object has no metadata.name";
    return Unexpected(std::move(error));
  }
  json current = object;
  for (int attempt = 1; attempt <= options.maxAttempts; ++attempt) {
    auto patch = patch_for(current, finalizer);
    if (!patch) return current;
    auto patched = client.Patch(type, ns, name, PatchType::kJson, patch->dump(),
                                {.fieldManager = options.fieldManager});
    if (patched || !IsFailedPatchTest(patched.error())) return patched;
    spdlog::debug("{} finalizer {} on {} {}/{}: the object changed; reading it again", verb,
                  finalizer, type.resource, ns, name);
    auto reread = client.Get(type, ns, name);
    if (!reread) return reread;
    current = std::move(*reread);
  }
  ApiError error;
  error.kind = ErrorKind::kConflict;
  error.httpCode = 409;
  error.message = fmt::format(
      "could not {} finalizer {} on {} {}/{}: the object changed under each of {} attempts", verb,
      finalizer, type.resource, ns, name, options.maxAttempts);
  return Unexpected(std::move(error));
}

}  // namespace

bool HasFinalizer(const json& object, std::string_view finalizer) {
  const json* finalizers = Finalizers(object);
  if (finalizers == nullptr) return false;
  return std::any_of(finalizers->begin(), finalizers->end(),
                     [&](const json& f) { return f.is_string() && f == finalizer; });
}

std::optional<json> AddFinalizerPatch(const json& object, std::string_view finalizer) {
  if (HasFinalizer(object, finalizer)) return std::nullopt;
  const json* finalizers = Finalizers(object);
  if (finalizers == nullptr) {
    // "add" on a missing member creates it, but on a present one replaces it: only the
    // resourceVersion proves that nobody created the list meanwhile.
    return json::array(
        {Test("/metadata/resourceVersion", MetadataString(object, "resourceVersion")),
         {{"op", "add"}, {"path", "/metadata/finalizers"}, {"value", json::array({finalizer})}}});
  }
  return json::array({Test("/metadata/finalizers", *finalizers),
                      {{"op", "add"}, {"path", "/metadata/finalizers/-"}, {"value", finalizer}}});
}

std::optional<json> RemoveFinalizerPatch(const json& object, std::string_view finalizer) {
  const json* finalizers = Finalizers(object);
  if (finalizers == nullptr) return std::nullopt;
  json patch = json::array();
  // From the back, so the indices still to be removed do not shift.
  for (auto index = finalizers->size(); index-- > 0;) {
    const json& value = (*finalizers)[index];
    if (!value.is_string() || value != finalizer) continue;
    const std::string path = "/metadata/finalizers/" + std::to_string(index);
    patch.push_back(Test(path, value));
    patch.push_back({{"op", "remove"}, {"path", path}});
  }
  if (patch.empty()) return std::nullopt;
  return patch;
}

bool IsFailedPatchTest(const ApiError& error) {
  return (error.kind == ErrorKind::kInvalid && error.causes.empty()) ||
         error.kind == ErrorKind::kConflict;
}

Result<json> AddFinalizer(Client& client, const ResourceType& type, const json& object,
                          std::string_view finalizer, const FinalizerOptions& options) {
  return PatchFinalizers(client, type, object, finalizer, options, AddFinalizerPatch, "add");
}

Result<json> RemoveFinalizer(Client& client, const ResourceType& type, const json& object,
                             std::string_view finalizer, const FinalizerOptions& options) {
  return PatchFinalizers(client, type, object, finalizer, options, RemoveFinalizerPatch, "remove");
}

}  // namespace kdiag
