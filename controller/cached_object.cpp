#include "controller/cached_object.h"

namespace kdiag {

std::string ObjectKey(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).append("/").append(name);
  return key;
}

std::pair<std::string, std::string> SplitObjectKey(std::string_view key) {
  const size_t slash = key.find('/');
  if (slash == std::string_view::npos) return {"", std::string(key)};
  return {std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

std::string CachedObject::Key() const { return ObjectKey(ns(), name()); }

std::string CachedObject::Json() const {
  const std::string_view held = std::string_view(buffer_).substr(0, jsonSize_);
  return dictionary_ ? dictionary_->Decompress(held, rawSize_) : std::string(held);
}

nlohmann::json CachedObject::Parse() const { return nlohmann::json::parse(Json()); }

std::vector<OwnerReference> CachedObject::owners() const {
  std::vector<OwnerReference> owners;
  owners.reserve(owners_.size());
  for (const auto& owner : owners_) {
    owners.push_back(
        {At(owner.apiVersion), At(owner.kind), At(owner.name), At(owner.uid), owner.controller});
  }
  return owners;
}

std::optional<OwnerReference> CachedObject::controllerOwner() const {
  for (const auto& owner : owners_) {
    if (owner.controller) {
      return OwnerReference{At(owner.apiVersion), At(owner.kind), At(owner.name), At(owner.uid),
                            true};
    }
  }
  return std::nullopt;
}

size_t CachedObject::MemoryUsage() const {
  return sizeof(CachedObject) + buffer_.capacity() + owners_.capacity() * sizeof(OwnerSlices);
}

}  // namespace kdiag
