wait_pods_running app=ledger
kubectl -n "$ns" delete pod ledger --grace-period=1 --wait=false >/dev/null
kubectl -n "$ns" wait --for=delete pod/ledger --timeout=60s >/dev/null
