// Who owns an object: the chain of controllers above it (Pod → ReplicaSet → Deployment), and
// the top owner shown with findings, which may be a Helm release or an Argo CD application
// that manages the top controller.
#pragma once

#include <optional>

#include "checks/cluster_view.h"
#include "checks/finding.h"

namespace kdiag {

// The controllers above `object`, nearest first, as far as the view holds them.
Objects OwnerChain(const ClusterView& view, const nlohmann::json& object);

// The Helm release managing an object (Helm's meta.helm.sh/release-name annotation, or the
// app.kubernetes.io/instance label with app.kubernetes.io/managed-by Helm), or "".
std::string HelmReleaseOf(const nlohmann::json& object);
// The Argo CD application tracking an object (argocd.argoproj.io/tracking-id annotation or the
// app.kubernetes.io/instance label with argocd.argoproj.io/instance), or "".
std::string ArgoApplicationOf(const nlohmann::json& object);

// The top owner: the Argo CD application, else the Helm release, else the top controller;
// nullopt for an object nothing owns.
std::optional<ObjectRef> TopOwner(const ClusterView& view, const nlohmann::json& object);

}  // namespace kdiag
