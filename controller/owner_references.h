// Owner references: how an object names the objects it belongs to, so the garbage collector
// deletes it when they go, and a controller finds the objects it manages.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "controller/api_error.h"

namespace kdiag {

// The reference a controller puts on the objects it creates: owner's apiVersion, kind, name
// and uid, controller: true, blockOwnerDeletion: true. kInvalid when owner lacks one of them
// (an object not yet created has no uid).
Result<nlohmann::json> ControllerReference(const nlohmann::json& owner);

// Makes owner the controller of child, replacing a reference to the same uid instead of adding
// a second. Returns whether child changed. kInvalid when another object already controls
// child (the API server allows one), or when child lives in another namespace than a
// namespaced owner (the garbage collector would then take the owner as absent and delete child).
Result<bool> SetControllerReference(nlohmann::json& child, const nlohmann::json& owner);

// The owner reference marked controller: true, or nullptr.
const nlohmann::json* ControllerOf(const nlohmann::json& object);

// Whether object has an owner reference with this uid (controller or not).
bool IsOwnedBy(const nlohmann::json& object, std::string_view uid);
// Whether the object with this uid is object's controller.
bool IsControlledBy(const nlohmann::json& object, std::string_view uid);

}  // namespace kdiag
