#!/usr/bin/env bash
# Installs kdiag's API and RBAC (manifests/local: everything but the Deployment) the way a user
# does, and checks that the CRDs become Established. The other tests depend on it.
source "$(dirname "$0")/../lib.sh"

expect_success "manifests/local applies" kubectl apply -k "$repo/manifests/local" --server-side --force-conflicts
expect_success "the CRDs are Established" kubectl wait --for=condition=Established --timeout=30s \
  crd/diagnoses.kdiag.dev crd/troubleshootsessions.kdiag.dev
expect_success "the aggregated controller role is filled in" bash -c \
  "for _ in \$(seq 50); do [[ -n \$(kubectl get clusterrole kdiag-controller -o jsonpath='{.rules}') ]] && exit 0; sleep 0.2; done; exit 1"
finish
