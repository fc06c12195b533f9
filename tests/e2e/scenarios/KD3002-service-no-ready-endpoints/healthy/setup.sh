wait_pods_running app=api
kubectl -n "$ns" wait --for=jsonpath='{.endpoints[0].conditions.ready}'=true endpointslice -l kubernetes.io/service-name=api --timeout=60s >/dev/null
