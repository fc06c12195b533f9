# kwok runs the pod to completion.
kubectl -n "$ns" wait --for=condition=Complete job/export --timeout=60s >/dev/null
