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
build/default/daemon/kdiag-controller --config manifests/base/config.yaml \
  --kubeconfig "$work/kubeconfig" --listen-address "127.0.0.1:$port" \
  --leader-election-namespace kdiag-system --log-format text 2>"$work/controller.log" &
controller=$!
stop() {
  kill -TERM "$controller" 2>/dev/null && wait "$controller" 2>/dev/null
  rm -rf "$work"
}
trap stop EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
show curl -s "http://127.0.0.1:$port/readyz?verbose"
show sh -c "curl -s http://127.0.0.1:$port/metrics | grep '^kdiag_'"

say "A Diagnosis and a TroubleshootSession, as users apply them"
kubectl create namespace kdiag-demo --dry-run=client -o yaml | kubectl apply -f - >/dev/null
show kubectl -n kdiag-demo apply -f manifests/samples/diagnosis.yaml -f manifests/samples/troubleshootsession.yaml
show kubectl -n kdiag-demo get diagnoses,troubleshootsessions
show kubectl explain troubleshootsession.spec.ttl

say "The API refuses what kdiag must never do"
show kubectl -n kdiag-demo apply -f - <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: TroubleshootSession
metadata: {name: as-root-for-3h}
spec: {ttl: 3h, runAsUser: 0}
YAML

say "kdiag-controller is serving on http://127.0.0.1:$port (probes, /metrics)"
if [[ $once == yes ]]; then
  echo "stopping (--once)"
  exit 0
fi
echo "following its log; Ctrl-C stops it. 'hack/cluster.sh down' (KDIAG_CLUSTER=${KDIAG_CLUSTER:-}) removes the local control plane."
tail -f "$work/controller.log" &
wait "$controller"
