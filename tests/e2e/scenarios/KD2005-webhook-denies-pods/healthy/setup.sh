source "$scenario/../webhook.sh"
kubectl -n "$ns" apply -f "$scenario/deployment.yaml" >/dev/null
wait_pods_running app=billing
kubectl -n "$ns" rollout status deployment/billing --timeout=60s >/dev/null
