# A pod of kube-system crash-loops (removed by verify.sh): the management-namespaces root check
# fails and the namespace checks are skipped.
pod=e2e-$ns
kubectl -n kube-system apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: $pod, labels: {app: e2e-crashing-addon}}
spec:
  containers: [{name: agent, image: registry.example/agent:2.1}]
YAML
for _ in $(seq 100); do
  [[ -n $(kubectl -n kube-system get pod "$pod" -o jsonpath='{.status.podIP}') ]] && break
  sleep 0.2
done
kubectl -n kube-system patch pod "$pod" --subresource=status --type=merge -p '{"status": {
  "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady"}],
  "containerStatuses": [{"name": "agent", "ready": false, "restartCount": 9, "image": "registry.example/agent:2.1", "imageID": "",
    "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=agent"}},
    "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:02Z"}}}]}}' >/dev/null
