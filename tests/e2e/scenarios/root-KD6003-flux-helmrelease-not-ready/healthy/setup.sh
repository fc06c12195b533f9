# The CRD is cluster-wide (hence root-): a cluster running Flux's helm-controller serves it.
# kdiag-controller discovers optional kinds when it starts, so the controller fixture
# (tests/e2e/controller.sh up) installs it first; applying it again here changes nothing.
kubectl apply -f "$(dirname "$0")/crds/helmreleases.yaml" >/dev/null
kubectl wait --for=condition=Established crd/helmreleases.helm.toolkit.fluxcd.io --timeout=30s >/dev/null
kubectl -n "$ns" apply -f "$scenario/helmrelease.yaml" >/dev/null
# What helm-controller (not running here) reports.
kubectl -n "$ns" patch helmreleases.helm.toolkit.fluxcd.io shop --subresource=status --type=merge -p '{"status": {
  "observedGeneration": 1, "lastAttemptedRevision": "2.1.0", "lastAttemptedReleaseAction": "upgrade",
  "conditions": [
    {"type": "Ready", "status": "True", "reason": "UpgradeSucceeded", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T10:00:00Z",
     "message": "Helm upgrade succeeded for release '"$ns"'/shop.v2 with chart shop@2.1.0"},
    {"type": "Released", "status": "True", "reason": "UpgradeSucceeded", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T10:00:00Z",
     "message": "Helm upgrade succeeded for release '"$ns"'/shop.v2 with chart shop@2.1.0"}]}}' >/dev/null
