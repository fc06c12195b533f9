wait_pods_running app=frontend
kubectl -n "$ns" wait --for=jsonpath='{.endpoints[0].conditions.ready}'=true endpointslice -l kubernetes.io/service-name=frontend --timeout=60s >/dev/null
