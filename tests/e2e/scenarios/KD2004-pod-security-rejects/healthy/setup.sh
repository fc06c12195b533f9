kubectl label namespace "$ns" pod-security.kubernetes.io/enforce=restricted --overwrite >/dev/null
kubectl -n "$ns" apply -f "$scenario/deployment.yaml" >/dev/null
wait_pods_running app=agent
kubectl -n "$ns" rollout status deployment/agent --timeout=60s >/dev/null
