kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound pvc/data --timeout=60s >/dev/null
