#include "checks/ownership.h"

#include "checks/object_fields.h"

namespace kdiag {
namespace {

// Owner chains in Kubernetes are short (Pod → ReplicaSet → Deployment → maybe a custom
// controller); the bound only guards against a cycle in odd data.
constexpr int kMaxDepth = 8;

const nlohmann::json* ControllerRef(const nlohmann::json& object) {
  const nlohmann::json* first = nullptr;
  for (const auto& ref : Arr(Meta(object), "ownerReferences")) {
    if (Bool(ref, "controller")) return &ref;
    if (!first) first = &ref;
  }
  return first;
}

}  // namespace

Objects OwnerChain(const ClusterView& view, const nlohmann::json& object) {
  Objects chain;
  const nlohmann::json* current = &object;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    const auto* ref = ControllerRef(*current);
    if (!ref) break;
    auto owner = view.Get(Str(*ref, "kind"), Namespace(object), Str(*ref, "name"));
    if (!owner || Uid(*owner) != Str(*ref, "uid")) break;
    chain.push_back(owner);
    current = owner.get();
  }
  return chain;
}

std::string HelmReleaseOf(const nlohmann::json& object) {
  if (auto name = Annotation(object, "meta.helm.sh/release-name"); !name.empty()) {
    return std::string(name);
  }
  if (Label(object, "app.kubernetes.io/managed-by") == "Helm") {
    return std::string(Label(object, "app.kubernetes.io/instance"));
  }
  return {};
}

std::string ArgoApplicationOf(const nlohmann::json& object) {
  // tracking-id: "<app>:<group>/<Kind>:<namespace>/<name>"
  if (auto id = Annotation(object, "argocd.argoproj.io/tracking-id"); !id.empty()) {
    return std::string(id.substr(0, id.find(':')));
  }
  return std::string(Label(object, "argocd.argoproj.io/instance"));
}

std::optional<ObjectRef> TopOwner(const ClusterView& view, const nlohmann::json& object) {
  const auto chain = OwnerChain(view, object);
  const nlohmann::json& top = chain.empty() ? object : *chain.back();
  if (auto app = ArgoApplicationOf(top); !app.empty()) {
    return ObjectRef{"argoproj.io/v1alpha1", "Application", "", app, ""};
  }
  if (auto release = HelmReleaseOf(top); !release.empty()) {
    return ObjectRef{"helm.sh/v3", "HelmRelease", std::string(Namespace(top)), release, ""};
  }
  if (chain.empty()) return std::nullopt;
  return RefTo(top);
}

}  // namespace kdiag
