#!/usr/bin/env bash
# The shipped RBAC lets the controller's ServiceAccount do what it must, and nothing more; the
# aggregated roles give users view and edit on kdiag's resources.
source "$(dirname "$0")/../lib.sh"

sa=system:serviceaccount:kdiag-system:kdiag-controller
can() { kubectl auth can-i "$@" --as="$sa" 2>/dev/null || true; }
allowed() { expect_eq "controller may $*" yes "$(can "$@")"; }
denied() { expect_eq "controller may not $*" no "$(can "$@")"; }

# What the checks read.
allowed list pods -A
allowed watch pods -A
allowed list events -A
allowed get pods --subresource=log -n default
allowed list nodes
allowed list deployments.apps -A
allowed list replicasets.apps -A
allowed list jobs.batch -A
allowed list ingresses.networking.k8s.io -A
allowed list ingressclasses.networking.k8s.io
allowed list endpointslices.discovery.k8s.io -A
allowed list persistentvolumeclaims -A
allowed list storageclasses.storage.k8s.io
allowed list horizontalpodautoscalers.autoscaling -A
allowed list poddisruptionbudgets.policy -A
allowed list resourcequotas -A
allowed list leases.coordination.k8s.io -n kube-node-lease
allowed list validatingwebhookconfigurations.admissionregistration.k8s.io
allowed list apiservices.apiregistration.k8s.io
allowed get /readyz
# kdiag's own resources, their status and events.
allowed update diagnoses.kdiag.dev -n default
allowed update diagnoses.kdiag.dev --subresource=status -n default
allowed update troubleshootsessions.kdiag.dev --subresource=status -n default
allowed delete diagnoses.kdiag.dev -n default
allowed create events.events.k8s.io -n default
# Leader election in its own namespace only.
allowed create leases.coordination.k8s.io -n kdiag-system
allowed update leases.coordination.k8s.io/kdiag-controller -n kdiag-system
# What sessions create.
allowed create pods -n default
allowed create persistentvolumeclaims -n default
allowed delete pods -n default
allowed create namespaces
allowed patch persistentvolumes
allowed update troubleshootsessions.kdiag.dev --subresource=finalizers -n default
allowed create subjectaccessreviews.authorization.k8s.io
allowed create tokenreviews.authentication.k8s.io

# Secrets: read only through the opt-in Helm release role (manifests/helm-releases), which
# manifests/local includes; the shipped base grants nothing on them.
allowed list secrets -A
denied update secrets -n default
denied create secrets -n default
expect_eq "the shipped base grants no access to Secrets" "" \
  "$(kubectl kustomize "$repo/manifests/base" | grep -E 'resources:.*\bsecrets\b' || true)"

# Nothing more.
denied update pods -n default
denied create pods --subresource=exec -n default
denied delete deployments.apps -n default
denied create deployments.apps -n default
denied update nodes
denied delete nodes
denied update leases.coordination.k8s.io/kdiag-controller -n default
denied update leases.coordination.k8s.io/another-lease -n kdiag-system
denied create clusterrolebindings.rbac.authorization.k8s.io
denied create roles.rbac.authorization.k8s.io -n default
denied update customresourcedefinitions.apiextensions.k8s.io
denied create diagnoses.kdiag.dev -n default
denied patch configmaps -n kdiag-system
denied create pods --subresource=attach -n default
denied update pods --subresource=status -n default
denied impersonate users

# The rules hold for real calls with the ServiceAccount's own token, not only for can-i.
sa_kubeconfig=$("$repo/hack/cluster.sh" kubeconfig kdiag-system kdiag-controller)
expect_success "a real call the controller needs succeeds" kubectl --kubeconfig "$sa_kubeconfig" get pods -A
expect_failure "a real call it must not make is forbidden" "forbidden" \
  kubectl --kubeconfig "$sa_kubeconfig" -n kube-system create configmap kdiag-rbac-test --dry-run=server

# Users: view reads kdiag's resources, edit also creates them.
kubectl create clusterrolebinding "kdiag-test-view" --clusterrole=view --group=kdiag-test-viewers \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl create clusterrolebinding "kdiag-test-edit" --clusterrole=edit --group=kdiag-test-editors \
  --dry-run=client -o yaml | kubectl apply -f - >/dev/null
trap 'kubectl delete clusterrolebinding kdiag-test-view kdiag-test-edit >/dev/null 2>&1 || true' EXIT
user_can() { kubectl auth can-i "$@" 2>/dev/null || true; }
settle() { for _ in $(seq 50); do [[ $(user_can "$@") == yes ]] && return; sleep 0.2; done; }
settle list troubleshootsessions.kdiag.dev -n default --as=ann --as-group=kdiag-test-viewers
expect_eq "view may list sessions" yes "$(user_can list troubleshootsessions.kdiag.dev -n default --as=ann --as-group=kdiag-test-viewers)"
expect_eq "view may not create sessions" no "$(user_can create troubleshootsessions.kdiag.dev -n default --as=ann --as-group=kdiag-test-viewers)"
settle create diagnoses.kdiag.dev -n default --as=bob --as-group=kdiag-test-editors
expect_eq "edit may create diagnoses" yes "$(user_can create diagnoses.kdiag.dev -n default --as=bob --as-group=kdiag-test-editors)"
expect_eq "edit may delete sessions" yes "$(user_can delete troubleshootsessions.kdiag.dev -n default --as=bob --as-group=kdiag-test-editors)"
expect_eq "edit may not write a diagnosis status" no "$(user_can update diagnoses.kdiag.dev --subresource=status -n default --as=bob --as-group=kdiag-test-editors)"
finish
