wait_pods_running app=web
pod=$(pod_of app=web)
emit_event pod "$pod" Pulled 'Successfully pulled image "registry.example/web:1.4.2" in 1.2s (1.2s including waiting). Image size: 52341234 bytes.' Normal kubelet 1 "spec.containers{app}"
kubectl -n "$ns" rollout status deployment/web --timeout=60s >/dev/null
