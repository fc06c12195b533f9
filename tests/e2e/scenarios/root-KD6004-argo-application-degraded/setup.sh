# The CRD is cluster-wide (hence root-): a cluster running Argo CD serves it. kdiag-controller
# discovers optional kinds when it starts, so the controller fixture (tests/e2e/controller.sh up)
# installs it first; applying it again here changes nothing.
kubectl apply -f "$(dirname "$0")/crds/applications.yaml" >/dev/null
kubectl wait --for=condition=Established crd/applications.argoproj.io --timeout=30s >/dev/null
sed "s/\$NS/$ns/g" "$scenario/application.yaml" | kubectl -n "$ns" apply -f - >/dev/null
# What the Argo CD application controller (not running here) reports.
kubectl -n "$ns" patch applications.argoproj.io shop --subresource=status --type=merge -p '{"status": {
  "health": {"status": "Missing"},
  "sync": {"status": "OutOfSync", "revision": "4f9c2d1e8b7a", "comparedTo": {"source": {"repoURL": "https://git.example/shop-deploy.git", "path": "overlays/prod", "targetRevision": "main"}}},
  "operationState": {"phase": "Failed", "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z",
    "message": "one or more objects failed to apply, reason: Deployment.apps \"shop\" is invalid: spec.template.spec.containers[0].image: Required value",
    "operation": {"sync": {"revision": "4f9c2d1e8b7a"}}},
  "resources": [{"group": "apps", "version": "v1", "kind": "Deployment", "namespace": "'"$ns"'", "name": "shop", "status": "OutOfSync",
    "health": {"status": "Missing"}}]}}' >/dev/null
