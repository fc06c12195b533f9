kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=60s >/dev/null
# Deleted by hand, protection finalizer removed: the PersistentVolume controller loses the claim.
kubectl delete pv "e2e-$ns-data" --wait=false >/dev/null
kubectl patch pv "e2e-$ns-data" --type=json -p '[{"op": "remove", "path": "/metadata/finalizers"}]' >/dev/null
kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Lost pvc/data --timeout=60s >/dev/null
