# The CRD is cluster-wide (hence root-): a cluster running cert-manager serves it.
# kdiag-controller discovers optional kinds when it starts, so the controller fixture
# (tests/e2e/controller.sh up) installs it first; applying it again here changes nothing.
kubectl apply -f "$(dirname "$0")/crds/certificates.yaml" >/dev/null
kubectl wait --for=condition=Established crd/certificates.cert-manager.io --timeout=30s >/dev/null
kubectl -n "$ns" apply -f "$scenario/certificate.yaml" >/dev/null
# What cert-manager (not running here) reports.
failure='The certificate request has failed to complete and will be retried: Failed to wait for order resource "shop-tls-1-3712945021" to become ready: order is in "invalid" state: '
kubectl -n "$ns" patch certificates.cert-manager.io shop-tls --subresource=status --type=merge -p "$(jq -cn --arg failure "$failure" '{status: {
  failedIssuanceAttempts: 3, lastFailureTime: "2026-11-23T10:00:00Z",
  conditions: [
    {type: "Ready", status: "False", reason: "DoesNotExist", message: "Issuing certificate as Secret does not exist", observedGeneration: 1, lastTransitionTime: "2026-11-23T09:00:00Z"},
    {type: "Issuing", status: "False", reason: "Failed", message: $failure, observedGeneration: 1, lastTransitionTime: "2026-11-23T10:00:00Z"}]}}')" >/dev/null
emit_event certificates.cert-manager.io shop-tls Failed "$failure" Warning cert-manager-certificates-issuing
