wait_pods_running app=web 2
# The Deployment reports both replicas available before the Diagnosis runs.
kubectl -n "$ns" rollout status deployment/web --timeout=60s >/dev/null
