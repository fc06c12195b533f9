wait_pods_running app=cache 2
kubectl -n "$ns" wait --for=jsonpath='{.status.disruptionsAllowed}'=1 pdb/cache --timeout=60s >/dev/null
