#!/usr/bin/env bash
# The main job: builds kdiag, and, when no cluster is configured, brings up the local control
# plane (hack/cluster.sh); installs kdiag's API and RBAC; starts kdiag-controller with exactly
# the shipped RBAC; and shows what kdiag does. The controller then keeps running until Ctrl-C.
#
#   hack/run.sh            demo, then follow the controller's log
#   hack/run.sh --once     demo, then stop (leaves the local control plane up)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

once=no
[[ ${1:-} == --once ]] && once=yes

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() {
  printf '$ %s\n' "$*"
  "$@" || true
}

say "Installing build dependencies and building"
hack/deps.sh
cmake --preset default >/dev/null
cmake --build --preset default

if [[ -z ${KUBECONFIG:-} && ! -f $HOME/.kube/config ]]; then
  say "No cluster configured: starting the local control plane (first run builds it from source)"
  export KDIAG_CLUSTER=${KDIAG_CLUSTER:-demo}
  hack/cluster.sh up
  eval "$(hack/cluster.sh env)"
fi
say "Using cluster $(kubectl config current-context)"
kubectl get nodes
# The local control plane: kwok simulates its nodes (and plays their kubelets).
local_plane=no
if kubectl get nodes -o jsonpath='{.items[*].metadata.annotations.kwok\.x-k8s\.io/node}' | grep -q fake; then
  local_plane=yes
fi

say "Installing kdiag's API, RBAC and configuration (kubectl apply -k manifests/local)"
kubectl apply -k manifests/local --server-side --force-conflicts >/dev/null
kubectl wait --for=condition=Established --timeout=30s crd/diagnoses.kdiag.dev crd/troubleshootsessions.kdiag.dev

say "Starting kdiag-controller as ServiceAccount kdiag-system/kdiag-controller"
work=$(mktemp -d)
token=$(kubectl -n kdiag-system create token kdiag-controller --duration=24h)
# The current context, flattened, with its user replaced by the ServiceAccount's token.
kubectl config view --minify --flatten >"$work/kubeconfig"
user=$(kubectl --kubeconfig "$work/kubeconfig" config view -o jsonpath='{.contexts[0].context.user}')
kubectl --kubeconfig "$work/kubeconfig" config unset "users.$user" >/dev/null
kubectl --kubeconfig "$work/kubeconfig" config set-credentials "$user" --token "$token" >/dev/null
port=${KDIAG_PORT:-8080}
config=manifests/base/config.yaml
if [[ $local_plane == yes ]]; then
  # The local control plane runs no addon (no DNS, no CNI: kwok simulates nodes and pods), so
  # the demo declares none instead of expecting CoreDNS.
  config=$work/config.yaml
  # Nor a volume provisioner: sessions record onto volumes made beforehand, of a class that
  # retains them.
  sed -e 's/^diagnosis:$/diagnosis:\n  addons: []/' \
    -e 's/^  storageClassName: ""$/  storageClassName: kdiag-recordings/' manifests/base/config.yaml >"$config"
fi
# The TroubleshootSession admission webhook, on loopback with a certificate of its own,
# registered with the API server by URL while the controller runs (hack/webhook-certs.sh).
webhook_port=${KDIAG_WEBHOOK_PORT:-9443}
hack/webhook-certs.sh files "$work/webhook" 127.0.0.1
build/default/daemon/kdiag-controller --config "$config" \
  --kubeconfig "$work/kubeconfig" --listen-address "127.0.0.1:$port" \
  --webhook-address "127.0.0.1:$webhook_port" --webhook-cert-file "$work/webhook/tls.crt" \
  --webhook-key-file "$work/webhook/tls.key" \
  --leader-election-namespace kdiag-system --log-format text 2>"$work/controller.log" &
controller=$!
stop() {
  hack/webhook-certs.sh unregister || true
  kill -TERM "$controller" 2>/dev/null && wait "$controller" 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
hack/webhook-certs.sh register-url "https://127.0.0.1:$webhook_port" "$work/webhook/ca.crt"
show curl -s "http://127.0.0.1:$port/readyz?verbose"
show sh -c "curl -s http://127.0.0.1:$port/metrics | grep '^kdiag_'"

say "A broken shop in namespace kdiag-demo (manifests/samples/broken-shop.yaml)"
kubectl create namespace kdiag-demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
kubectl apply -f - >/dev/null <<'YAML'
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: demo}
spec: {controller: example.com/demo-ingress}
YAML
show kubectl -n kdiag-demo apply -f manifests/samples/broken-shop.yaml
if [[ $local_plane == yes ]]; then
  # kwok plays the kubelet on the local control plane: write what a kubelet reports for an image
  # tag that does not exist (the pod's status and the kubelet's Event, tied to the pod's UID).
  for _ in $(seq 50); do
    pod=$(kubectl -n kdiag-demo get pods -l app=web -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)
    [[ -n $pod && -n $(kubectl -n kdiag-demo get pod "$pod" -o jsonpath='{.status.podIP}') ]] && break
    sleep 0.2
  done
  image=registry.example/shop/web:v2.0.1-typo
  kubectl -n kdiag-demo patch pod "$pod" --subresource=status --type=merge -p "{\"status\": {\"phase\": \"Pending\",
    \"conditions\": [{\"type\": \"Ready\", \"status\": \"False\", \"reason\": \"ContainersNotReady\"}],
    \"containerStatuses\": [{\"name\": \"web\", \"ready\": false, \"restartCount\": 0, \"image\": \"$image\", \"imageID\": \"\",
      \"state\": {\"waiting\": {\"reason\": \"ImagePullBackOff\", \"message\": \"Back-off pulling image \\\"$image\\\"\"}}}]}}" >/dev/null
  uid=$(kubectl -n kdiag-demo get pod "$pod" -o jsonpath='{.metadata.uid}')
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  kubectl -n kdiag-demo create -f - >/dev/null <<JSON
{"apiVersion": "v1", "kind": "Event", "metadata": {"generateName": "$pod."},
 "involvedObject": {"apiVersion": "v1", "kind": "Pod", "namespace": "kdiag-demo", "name": "$pod", "uid": "$uid",
                    "fieldPath": "spec.containers{web}"},
 "reason": "Failed", "type": "Warning", "count": 3, "firstTimestamp": "$now", "lastTimestamp": "$now",
 "source": {"component": "kubelet", "host": "kwok-node-0"},
 "message": "Failed to pull image \"$image\": rpc error: code = NotFound desc = failed to pull and unpack image \"$image\": failed to resolve reference \"$image\": $image: not found"}
JSON
fi
kubectl -n kdiag-demo wait --for=jsonpath='{.status.conditions[?(@.type=="PodScheduled")].reason}'=Unschedulable \
  pod/report-builder --timeout=30s >/dev/null || true

say "A Diagnosis of the namespace, as a user or a deployment pipeline applies it"
show kubectl -n kdiag-demo apply -f manifests/samples/diagnosis.yaml
show kubectl -n kdiag-demo wait --for=jsonpath='{.status.phase}'=Completed diagnosis/after-deploy --timeout=60s
show kubectl -n kdiag-demo get diagnosis after-deploy -o wide
show kubectl -n kdiag-demo get diagnosis after-deploy -o jsonpath='{range .status.checkpoints[*]}{.stage}/{.name}: {.result} {.message}{"\n"}{end}'
show kubectl -n kdiag-demo get diagnosis after-deploy -o jsonpath='{range .status.findings[*]}{.code} {.severity} {.resource.kind}/{.resource.name}{" root cause: "}{.rootCause}{"\n  "}{.message}{"\n"}{end}'
show kubectl -n kdiag-demo get diagnosis after-deploy -o jsonpath='{"Next steps for "}{.status.findings[0].code}{":\n"}{range .status.findings[0].nextSteps[*]}{"  - "}{@}{"\n"}{end}'

say "A TroubleshootSession, as an SRE applies it: a recorded, non-root debug pod for 30 minutes"
# A session of an earlier run goes first, its recording with it (a demo keeps none).
kubectl -n kdiag-demo delete troubleshootsession net-debug --ignore-not-found --timeout=30s >/dev/null
kubectl -n kdiag-demo delete pvc net-debug-recording --ignore-not-found --timeout=30s >/dev/null
if [[ $local_plane == yes ]]; then
  kubectl apply -f hack/local-recordings.yaml >/dev/null
  kubectl delete pv kdiag-demo-recordings --ignore-not-found --timeout=30s >/dev/null
  kubectl apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: PersistentVolume
metadata: {name: kdiag-demo-recordings}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: kdiag-recordings
  hostPath: {path: /tmp/kdiag-demo-recordings}
YAML
fi
show kubectl -n kdiag-demo apply -f manifests/samples/troubleshootsession.yaml
show kubectl -n kdiag-demo wait --for=jsonpath='{.status.phase}'=Running troubleshootsession/net-debug --timeout=60s
show kubectl -n kdiag-demo get troubleshootsession net-debug -o wide
show kubectl -n kdiag-demo get troubleshootsession net-debug -o jsonpath='{"owner: "}{.status.owner.username}{"\nexpires: "}{.status.expiresAt}{"\nrecording: "}{.status.claimName}{" (volume "}{.status.volumeName}{") "}{.status.recordingPath}{"\nattach: "}{.status.attachCommand}{"\n"}'
show kubectl -n kdiag-demo get pod net-debug-debug -o jsonpath='{range .spec.containers[*]}{.name}: uid {.securityContext.runAsUser}, privilege escalation {.securityContext.allowPrivilegeEscalation}, drop {.securityContext.capabilities.drop}{"\n"}{end}'

say "The API refuses what kdiag must never do"
show kubectl -n kdiag-demo apply -f - <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: TroubleshootSession
metadata: {name: as-root-for-3h}
spec: {ttl: 3h, runAsUser: 0}
YAML

say "kdiag-controller is serving on http://127.0.0.1:$port (probes, /metrics), admission webhook on :$webhook_port"
if [[ $once == yes ]]; then
  echo "stopping (--once)"
  exit 0
fi
echo "following its log; Ctrl-C stops it. 'hack/cluster.sh down' (KDIAG_CLUSTER=${KDIAG_CLUSTER:-}) removes the local control plane."
tail -f "$work/controller.log" &
wait "$controller"
