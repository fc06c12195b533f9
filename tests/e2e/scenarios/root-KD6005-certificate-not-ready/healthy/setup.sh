# The CRD is cluster-wide (hence root-): a cluster running cert-manager serves it.
# kdiag-controller discovers optional kinds when it starts, so the controller fixture
# (tests/e2e/controller.sh up) installs it first; applying it again here changes nothing.
kubectl apply -f "$(dirname "$0")/crds/certificates.yaml" >/dev/null
kubectl wait --for=condition=Established crd/certificates.cert-manager.io --timeout=30s >/dev/null
kubectl -n "$ns" apply -f "$scenario/certificate.yaml" >/dev/null
# What cert-manager (not running here) reports.
kubectl -n "$ns" patch certificates.cert-manager.io shop-tls --subresource=status --type=merge -p '{"status": {
  "notBefore": "2026-11-23T09:00:00Z", "notAfter": "2027-02-21T09:00:00Z", "renewalTime": "2027-01-22T09:00:00Z", "revision": 1,
  "conditions": [{"type": "Ready", "status": "True", "reason": "Ready", "message": "Certificate is up to date and has not expired", "observedGeneration": 1, "lastTransitionTime": "2026-11-23T09:00:00Z"}]}}' >/dev/null
