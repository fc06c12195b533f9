// Adding and removing finalizers with JSON patches that first test what they were computed
// from, so a concurrent writer's finalizers are never lost: a stale view makes the patch fail
// as a whole, and the object is read again and the patch recomputed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "controller/client.h"

namespace kdiag {

struct FinalizerOptions {
  // Patches tried in all while the object keeps changing between read and patch.
  int maxAttempts = 5;
  std::string fieldManager;
};

bool HasFinalizer(const nlohmann::json& object, std::string_view finalizer);

// The JSON patch that adds finalizer to object as read, or nullopt when it is there already.
// It tests the finalizer list as read (or the resourceVersion when there is no list, since a
// test cannot check that a member is absent) before appending.
std::optional<nlohmann::json> AddFinalizerPatch(const nlohmann::json& object,
                                                std::string_view finalizer);
// The JSON patch that removes every occurrence of finalizer by index, each removal preceded by
// a test of the value at that index; nullopt when it is absent.
std::optional<nlohmann::json> RemoveFinalizerPatch(const nlohmann::json& object,
                                                   std::string_view finalizer);

// True when a patch failed because one of its tests did: the API server answers 422 Invalid
// without field causes (validation failures always name their fields), or 409 Conflict when its
// own retries of the patch ran out.
bool IsFailedPatchTest(const ApiError& error);

// Adds or removes finalizer on the object, given as last read (metadata name, namespace,
// resourceVersion and finalizers are used). Returns the object as the server has it after the
// change, or as given when there was nothing to do (no call is made). When the object changed
// since it was read, it is read again and the patch recomputed, up to options.maxAttempts
// patches; then the error is kConflict. Other errors (the object is gone: kNotFound; it is
// being deleted and the finalizer is new: kInvalid) come back as the server gave them.
Result<nlohmann::json> AddFinalizer(Client& client, const ResourceType& type,
                                    const nlohmann::json& object, std::string_view finalizer,
                                    const FinalizerOptions& options = {});
Result<nlohmann::json> RemoveFinalizer(Client& client, const ResourceType& type,
                                       const nlohmann::json& object, std::string_view finalizer,
                                       const FinalizerOptions& options = {});

}  // namespace kdiag
