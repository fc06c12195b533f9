#!/usr/bin/env bash
# A real local Kubernetes control plane for tests, benchmarks and the demo: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler and kwok (simulated nodes and pod
# lifecycles, and the kubelet API for logs, exec and attach), all on loopback.
#
#   hack/cluster.sh up                      start it (idempotent); builds binaries on first use
#   hack/cluster.sh down                    stop every process and remove the cluster's state
#   hack/cluster.sh env                     print `export KUBECONFIG=...` for the admin
#   hack/cluster.sh status                  show each component and whether the API is ready
#   hack/cluster.sh kubeconfig NS SA        write a kubeconfig for ServiceAccount NS/SA, print its path
#   hack/cluster.sh restart COMPONENT       kill -9 one component and start it again
#   hack/cluster.sh stop|start COMPONENT    stop or start one component (tests of outages)
#
# KDIAG_APISERVER_ARGS adds flags to kube-apiserver when it starts (up, start, restart), e.g.
# "--feature-gates=WatchList=true" or "--watch-cache=false".
#
# Several clusters can run side by side: KDIAG_CLUSTER names one (default "default"); its
# ports are picked free at first start and kept in its state directory.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=${KDIAG_CLUSTER:-default}
state=${KDIAG_CLUSTER_DIR:-${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/kdiag-cluster-$name}
pki=$state/pki
logs=$state/logs
components=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)
fake_nodes=(kwok-node-0 kwok-node-1)

log() { printf '%s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

# --- ports -----------------------------------------------------------------------------------

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

pick_ports() {
  [[ -f $state/ports.env ]] && return
  local taken=" " port names=(ETCD_PORT ETCD_PEER_PORT API_PORT KWOK_PORT KCM_PORT SCHED_PORT)
  : >"$state/ports.env.partial"
  for n in "${names[@]}"; do
    while :; do
      # Below the kernel's ephemeral range (32768+), so no outgoing connection takes it later.
      port=$((20000 + RANDOM % 12000))
      [[ $taken == *" $port "* ]] || port_in_use "$port" || break
    done
    taken+="$port "
    echo "$n=$port" >>"$state/ports.env.partial"
  done
  mv "$state/ports.env.partial" "$state/ports.env"
}

# --- certificates ----------------------------------------------------------------------------

issue_cert() { # name subject [subjectAltName]
  local n=$1 subj=$2 san=${3:-}
  [[ -f $pki/$n.crt ]] && return
  openssl genrsa -out "$pki/$n.key" 2048 2>/dev/null
  openssl req -new -key "$pki/$n.key" -subj "$subj" -out "$pki/$n.csr" 2>/dev/null
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [[ -n $san ]] && echo "subjectAltName=$san"
  } >"$pki/$n.ext"
  openssl x509 -req -in "$pki/$n.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$pki/$n.ext" -out "$pki/$n.crt" 2>/dev/null
  rm -f "$pki/$n.csr" "$pki/$n.ext"
}

make_pki() {
  mkdir -p "$pki"
  chmod 700 "$pki"
  if [[ ! -f $pki/ca.crt ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" \
      -days 3650 -subj "/CN=kdiag-local-ca" 2>/dev/null
  fi
  local api_san="DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc"
  api_san+=",DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.96.0.1"
  issue_cert kube-apiserver "/CN=kube-apiserver" "$api_san"
  issue_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  issue_cert admin "/O=system:masters/CN=kdiag-admin"
  issue_cert kube-controller-manager "/CN=system:kube-controller-manager"
  issue_cert kube-scheduler "/CN=system:kube-scheduler"
  # kwok plays every kubelet: it writes node and pod status and serves the kubelet API.
  issue_cert kwok "/O=system:masters/CN=kwok-controller" "IP:127.0.0.1,DNS:localhost"
  if [[ ! -f $pki/sa.key ]]; then
    openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null
    openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null
  fi
}

write_kubeconfig() { # file user-args...
  local file=$1
  shift
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: kdiag-$name
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority: $pki/ca.crt
contexts:
- name: kdiag-$name
  context:
    cluster: kdiag-$name
    user: user
    namespace: default
current-context: kdiag-$name
users:
- name: user
  user:
$(printf '    %s\n' "$@")
EOF
}

make_kubeconfigs() {
  for n in admin kube-controller-manager kube-scheduler kwok; do
    write_kubeconfig "$state/$n.kubeconfig" \
      "client-certificate: $pki/$n.crt" "client-key: $pki/$n.key"
  done
}

# --- kwok ------------------------------------------------------------------------------------

write_kwok_config() {
  mkdir -p "$state/kwok/exec"
  # Logs of every simulated container come from these files (CRI log format), so log
  # fetching, including --previous, works end to end. Tests may rewrite them.
  local now
  now=$(date -u +%Y-%m-%dT%H:%M:%S.000000000Z)
  [[ -f $state/kwok/current.log ]] || printf '%s stdout F simulated container started\n' "$now" \
    >"$state/kwok/current.log"
  [[ -f $state/kwok/previous.log ]] || printf '%s stderr F simulated previous container exited\n' "$now" \
    >"$state/kwok/previous.log"
  cat >"$state/kwok/kwok.yaml" <<EOF
apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  enableCRDs: []
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: all-pods
spec:
  logs:
  - logsFile: $state/kwok/current.log
    previousLogsFile: $state/kwok/previous.log
    follow: true
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: all-pods
spec:
  execs:
  - local:
      workDir: $state/kwok/exec
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterAttach
metadata:
  name: all-pods
spec:
  attaches:
  - logsFile: $state/kwok/current.log
EOF
}

# --- processes -------------------------------------------------------------------------------

component_args() { # component
  case $1 in
  etcd)
    echo "--name=kdiag --data-dir=$state/etcd"
    echo "--listen-client-urls=http://127.0.0.1:$ETCD_PORT"
    echo "--advertise-client-urls=http://127.0.0.1:$ETCD_PORT"
    echo "--listen-peer-urls=http://127.0.0.1:$ETCD_PEER_PORT"
    echo "--initial-advertise-peer-urls=http://127.0.0.1:$ETCD_PEER_PORT"
    echo "--initial-cluster=kdiag=http://127.0.0.1:$ETCD_PEER_PORT"
    # Test data is disposable; skipping fsync makes the control plane several times faster.
    echo "--unsafe-no-fsync=true --log-level=warn"
    ;;
  kube-apiserver)
    echo "--etcd-servers=http://127.0.0.1:$ETCD_PORT"
    echo "--bind-address=127.0.0.1 --secure-port=$API_PORT --advertise-address=127.0.0.1"
    echo "--tls-cert-file=$pki/kube-apiserver.crt --tls-private-key-file=$pki/kube-apiserver.key"
    echo "--client-ca-file=$pki/ca.crt"
    echo "--service-account-key-file=$pki/sa.pub --service-account-signing-key-file=$pki/sa.key"
    echo "--service-account-issuer=https://kubernetes.default.svc.cluster.local"
    echo "--authorization-mode=Node,RBAC"
    echo "--service-cluster-ip-range=10.96.0.0/16"
    echo "--kubelet-client-certificate=$pki/apiserver-kubelet-client.crt"
    echo "--kubelet-client-key=$pki/apiserver-kubelet-client.key"
    echo "--kubelet-preferred-address-types=InternalIP"
    # A loopback address cannot be published in the kubernetes Service's endpoints.
    echo "--endpoint-reconciler-type=none"
    echo "--allow-privileged=true --profiling=false"
    # Extra flags for tests of other server set-ups (feature gates, no watch cache).
    echo "${KDIAG_APISERVER_ARGS:-}"
    ;;
  kube-controller-manager)
    echo "--kubeconfig=$state/kube-controller-manager.kubeconfig"
    echo "--bind-address=127.0.0.1 --secure-port=$KCM_PORT --leader-elect=false"
    echo "--use-service-account-credentials=true"
    echo "--service-account-private-key-file=$pki/sa.key --root-ca-file=$pki/ca.crt"
    echo "--cluster-signing-cert-file=$pki/ca.crt --cluster-signing-key-file=$pki/ca.key"
    ;;
  kube-scheduler)
    echo "--kubeconfig=$state/kube-scheduler.kubeconfig"
    echo "--authentication-kubeconfig=$state/kube-scheduler.kubeconfig"
    echo "--authorization-kubeconfig=$state/kube-scheduler.kubeconfig"
    echo "--bind-address=127.0.0.1 --secure-port=$SCHED_PORT --leader-elect=false"
    ;;
  kwok)
    echo "--kubeconfig=$state/kwok.kubeconfig --config=$state/kwok/kwok.yaml"
    echo "--manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake"
    echo "--node-ip=127.0.0.1 --node-port=$KWOK_PORT --server-address=127.0.0.1:$KWOK_PORT"
    echo "--tls-cert-file=$pki/kwok.crt --tls-private-key-file=$pki/kwok.key"
    echo "--node-lease-duration-seconds=40"
    ;;
  esac
}

pid_of() { # component
  local f=$state/$1.pid
  [[ -f $f ]] || return 1
  local pid
  pid=$(<"$f")
  kill -0 "$pid" 2>/dev/null || return 1
  echo "$pid"
}

start_component() { # component
  local c=$1
  pid_of "$c" >/dev/null && return
  # shellcheck disable=SC2046 # the arguments are one per word by construction
  setsid "$bin/$c" $(component_args "$c") >>"$logs/$c.log" 2>&1 </dev/null &
  echo $! >"$state/$c.pid"
}

stop_component() { # component [signal]
  local c=$1 sig=${2:-TERM} pid
  pid=$(pid_of "$c") || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$state/$c.pid"
}

admin_kubectl() { kubectl --kubeconfig "$state/admin.kubeconfig" "$@"; }

wait_for() { # description seconds command...
  local what=$1 limit=$2
  shift 2
  local deadline=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what not ready after ${limit}s (logs in $logs)"
    sleep 0.2
  done
}

etcd_healthy() { curl -sf "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"'; }
api_ready() { admin_kubectl get --raw /readyz; }
default_sa_exists() { admin_kubectl -n default get serviceaccount default; }
nodes_ready() {
  local n
  for n in "${fake_nodes[@]}"; do
    [[ $(admin_kubectl get node "$n" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}') == True ]] || return 1
  done
}

create_fake_nodes() {
  local n
  for n in "${fake_nodes[@]}"; do
    admin_kubectl apply -f - >/dev/null <<EOF
apiVersion: v1
kind: Node
metadata:
  name: $n
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/hostname: $n
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "500"}
  capacity: {cpu: "32", memory: 256Gi, pods: "500"}
EOF
  done
}

load_state() {
  # shellcheck disable=SC1091
  source "$state/ports.env"
  bin=$(<"$state/bin-dir")
  command -v kubectl >/dev/null 2>&1 || PATH="$bin:$PATH"
}

# --- commands --------------------------------------------------------------------------------

cmd_up() {
  mkdir -p "$state" "$logs"
  "$here/k8s-binaries.sh" >"$state/bin-dir"
  pick_ports
  load_state
  make_pki
  make_kubeconfigs
  write_kwok_config
  local started=$SECONDS
  start_component etcd
  wait_for etcd 30 etcd_healthy
  start_component kube-apiserver
  wait_for kube-apiserver 60 api_ready
  start_component kube-controller-manager
  start_component kube-scheduler
  start_component kwok
  create_fake_nodes
  wait_for "fake nodes" 60 nodes_ready
  # Pods need the default ServiceAccount, which the controller manager creates.
  wait_for "default ServiceAccount" 60 default_sa_exists
  log "cluster '$name' ready in $((SECONDS - started))s: export KUBECONFIG=$state/admin.kubeconfig"
}

cmd_down() {
  if [[ -d $state ]]; then
    # The cluster is disposable: stop every component at once rather than in order.
    local c pids=()
    for c in "${components[@]}"; do
      pid=$(pid_of "$c") && pids+=("$pid")
    done
    if ((${#pids[@]} > 0)); then
      kill -TERM "${pids[@]}" 2>/dev/null || true
      local alive
      for _ in $(seq 100); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        ((alive)) || break
        sleep 0.1
      done
      kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    rm -rf "$state"
  fi
  log "cluster '$name' is down"
}

cmd_env() {
  [[ -f $state/admin.kubeconfig ]] || die "cluster '$name' is not up (run: hack/cluster.sh up)"
  echo "export KUBECONFIG=$state/admin.kubeconfig"
  # kubectl was built with the control plane when the machine has none.
  command -v kubectl >/dev/null 2>&1 || echo "export PATH=$(<"$state/bin-dir"):\$PATH"
}

cmd_status() {
  [[ -f $state/ports.env ]] || {
    echo "cluster '$name': down"
    return 1
  }
  load_state
  local c rc=0
  for c in "${components[@]}"; do
    if pid=$(pid_of "$c"); then echo "$c: running (pid $pid)"; else
      echo "$c: stopped"
      rc=1
    fi
  done
  if api_ready >/dev/null 2>&1; then echo "api: ready at https://127.0.0.1:$API_PORT"; else
    echo "api: not ready"
    rc=1
  fi
  return $rc
}

cmd_kubeconfig() { # namespace serviceaccount
  local ns=${1:?namespace} sa=${2:?serviceaccount}
  load_state
  local token file=$state/sa-$ns-$sa.kubeconfig
  token=$(admin_kubectl -n "$ns" create token "$sa" --duration=24h)
  write_kubeconfig "$file" "token: $token"
  echo "$file"
}

cmd_component() { # stop|start|restart component
  local action=$1 c=${2:?component}
  [[ " ${components[*]} " == *" $c "* ]] || die "unknown component '$c' (one of: ${components[*]})"
  load_state
  case $action in
  stop) stop_component "$c" ;;
  start) start_component "$c" ;;
  restart)
    stop_component "$c" KILL
    start_component "$c"
    ;;
  esac
  if [[ $action != stop && $c == kube-apiserver ]]; then wait_for kube-apiserver 60 api_ready; fi
}

case ${1:-} in
up) cmd_up ;;
down) cmd_down ;;
env) cmd_env ;;
status) cmd_status ;;
kubeconfig) cmd_kubeconfig "${@:2}" ;;
stop | start | restart) cmd_component "$@" ;;
*)
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
  exit 2
  ;;
esac
