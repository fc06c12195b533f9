# What scenarios use to write the state only a kubelet or the scheduler would produce on a real
# node: kwok runs pods as Running and Ready and leaves a pod alone once it has an IP, so a
# status written after that stays as written.

# Waits until the pods matching a selector exist and kwok has started them.
wait_pods_running() { # selector [count]
  local want=${2:-1}
  for _ in $(seq 100); do
    [[ $(kubectl -n "$ns" get pods -l "$1" -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | grep -c .) -ge $want ]] && return 0
    sleep 0.2
  done
  fail "pods $1 did not start"
  return 1
}

# The name of the first pod matching a selector.
pod_of() { kubectl -n "$ns" get pods -l "$1" -o jsonpath='{.items[0].metadata.name}'; }

# Writes a pod's status as the kubelet would (a JSON merge patch of .status).
set_pod_status() { # pod json
  kubectl -n "$ns" patch pod "$1" --subresource=status --type=merge -p "$2" >/dev/null
}

# Records a core/v1 Event about an object, as the kubelet or a controller would: joined to the
# object by its UID; the kubelet's events about a container name it in fieldPath
# (spec.containers{NAME}).
emit_event() { # kind name reason message [type] [component] [count] [fieldPath]
  local kind=$1 name=$2 reason=$3 message=$4 type=${5:-Warning} component=${6:-kubelet} count=${7:-1}
  local field_path=${8:-}
  local api uid now
  api=$(kubectl -n "$ns" get "$kind" "$name" -o jsonpath='{.apiVersion}')
  uid=$(kubectl -n "$ns" get "$kind" "$name" -o jsonpath='{.metadata.uid}')
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  kubectl -n "$ns" create -f - >/dev/null <<JSON
{"apiVersion": "v1", "kind": "Event",
 "metadata": {"generateName": "$name.", "namespace": "$ns"},
 "involvedObject": {"apiVersion": "$api", "kind": "$(kubectl -n "$ns" get "$kind" "$name" -o jsonpath='{.kind}')",
                    "namespace": "$ns", "name": "$name", "uid": "$uid", "fieldPath": "$field_path"},
 "reason": "$reason", "message": $(jq -Rn --arg m "$message" '$m'), "type": "$type", "count": $count,
 "firstTimestamp": "$now", "lastTimestamp": "$now", "source": {"component": "$component"}}
JSON
}

# The scenarios' Alertmanager (tests/e2e/controller.sh starts it).
alertmanager_url() { cat "$e2e_state/alertmanager.url"; }

# Fires (or, with an end time in the past, resolves) an alert in that Alertmanager.
post_alert() { # alertname severity summary [endsAt]
  local ends=${4:-}
  local body
  body=$(jq -n --arg name "$1" --arg severity "$2" --arg summary "$3" --arg ends "$ends" \
    '[{labels: {alertname: $name, severity: $severity}, annotations: {summary: $summary}}
      + (if $ends == "" then {} else {endsAt: $ends} end)]')
  curl -sf -X POST -H 'Content-Type: application/json' -d "$body" "$(alertmanager_url)/api/v2/alerts" >/dev/null
}

# Runs a command when the scenario ends, whether it passes or not: root-* scenarios put back
# what they changed in the cluster.
on_exit() { # command
  scenario_cleanup+=("$1")
  trap 'for c in "${scenario_cleanup[@]}"; do eval "$c" || true; done; cleanup_namespaces' EXIT
}
scenario_cleanup=()

# Runs the scenario's own Diagnosis "probe" (root checks on) once more and waits for that run;
# fails when it does not complete in time. Root scenarios use it to wait until the controller
# sees what they changed before the scenario's Diagnosis runs; probe_codes tells what it found.
probe_runs=0
run_probe_diagnosis() { # timeout
  probe_runs=$((probe_runs + 1))
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: probe, annotations: {kdiag.dev/rerun: "$probe_runs"}}
spec: {}
YAML
  kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'="$probe_runs" diagnosis/probe \
    --timeout="$1" >/dev/null
}
probe_codes() { kubectl -n "$ns" get diagnosis probe -o jsonpath='{.status.findings[*].code}'; }

# Restarts the controller with another configuration until the scenario ends. Only root-*
# scenarios: they run alone.
restart_controller_with() { # config-file
  on_exit '"$repo/tests/e2e/controller.sh" down; "$repo/tests/e2e/controller.sh" up >/dev/null'
  "$repo/tests/e2e/controller.sh" down
  KDIAG_E2E_CONFIG=$1 "$repo/tests/e2e/controller.sh" up >/dev/null
}

# Restarts the controller with other thresholds (diagnosis.thresholds entries, "name: value"),
# for a grace period measured from a time the apiserver sets (creationTimestamp), which setup
# cannot backdate.
controller_thresholds() { # "name: value"...
  local config=$e2e_state/config.$test_name.yaml
  # diagnosis.thresholds is the last section of config.yaml; a threshold given here replaces
  # the one there.
  local keys
  keys=$(printf '%s\n' "$@" | sed 's/:.*//' | paste -sd'|')
  { grep -Ev "^    ($keys):" "$repo/tests/e2e/config.yaml"; printf '    %s\n' "$@"; } >"$config"
  restart_controller_with "$config"
}

# Restarts the controller with these addons (a YAML flow list) instead of none.
controller_addons() { # list
  local config=$e2e_state/config.$test_name.yaml
  sed "s|^  addons: \\[\\]\$|  addons: $1|" "$repo/tests/e2e/config.yaml" >"$config"
  restart_controller_with "$config"
}

# Writes what the HPA controller writes when a metrics API serves the pods' CPU usage; the local
# control plane runs no metrics-server. After its own sync (it then leaves the HPA alone for
# its 15s sync period), the status is rewritten with the given replica counts and CPU use.
write_hpa_status() { # hpa current desired utilization limited-reason limited-message
  local limited=False
  [[ $5 == TooManyReplicas ]] && limited=True
  kubectl -n "$ns" wait --for=jsonpath='{.status.conditions[?(@.type=="ScalingActive")].type}'=ScalingActive "hpa/$1" --timeout=90s >/dev/null
  kubectl -n "$ns" patch hpa "$1" --subresource=status --type=merge -p '{"status": {
    "currentReplicas": '"$2"', "desiredReplicas": '"$3"',
    "currentMetrics": [{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": '"$4"', "averageValue": "'"$4"'m"}}}],
    "conditions": [
      {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale", "message": "recommended size matches current size", "lastTransitionTime": "2026-11-23T09:00:00Z"},
      {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound", "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)", "lastTransitionTime": "2026-11-23T09:00:00Z"},
      {"type": "ScalingLimited", "status": "'"$limited"'", "reason": "'"$5"'", "message": "'"$6"'", "lastTransitionTime": "2026-11-23T09:00:00Z"}]}}' >/dev/null
}

# Writes a Helm release revision the way helm does: a Secret sh.helm.release.v1.NAME.vN of type
# helm.sh/release.v1 labelled owner, name, status, version and modifiedAt (epoch seconds), its
# release field the gzipped, base64-encoded release record.
helm_release_secret() { # release revision status [modified-seconds-ago]
  local modified=$(( $(date +%s) - ${4:-0} ))
  local record
  record=$(jq -cn --arg n "$1" --argjson v "$2" --arg s "$3" --arg ns "$ns" \
    '{name: $n, namespace: $ns, version: $v, info: {status: $s, description: ($s | if . == "failed" then "Upgrade \"\($n)\" failed: context deadline exceeded" elif startswith("pending") then "Preparing upgrade" else "Upgrade complete" end)}, chart: {metadata: {name: $n, version: "2.\($v).0"}}}' |
    gzip -c | base64 -w0)
  kubectl -n "$ns" create secret generic "sh.helm.release.v1.$1.v$2" --type=helm.sh/release.v1 \
    --from-literal=release="$record" --dry-run=client -o json |
    jq --arg n "$1" --arg v "$2" --arg s "$3" --arg m "$modified" \
      '.metadata.labels = {owner: "helm", name: $n, status: $s, version: $v, modifiedAt: $m}' |
    kubectl -n "$ns" apply -f - >/dev/null
}

# Plays scheduler and kubelet for the pod of a Job whose template names schedulerName
# e2e-setup (no scheduler runs by that name): binds it to a node and reports its container
# exited with the given code, then waits for the Job controller to mark the Job Complete or
# Failed; sets pod. kwok would complete a Job's pods on its own as soon as they run, so the pod
# gets its IP before it is bound, which keeps kwok from starting it.
finish_job_pod() { # job container exit-code
  local job=$1 container=$2 code=$3 image node ip phase=Failed reason=Error condition=Failed
  ((code == 0)) && { phase=Succeeded; reason=Completed; condition=Complete; }
  local ready_reason=Pod${phase/Succeeded/Completed}
  for _ in $(seq 100); do
    pod=$(kubectl -n "$ns" get pods -l "job-name=$job" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)
    [[ -n $pod ]] && break
    sleep 0.2
  done
  [[ -n $pod ]] || { fail "Job $job created no pod"; return 1; }
  image=$(kubectl -n "$ns" get pod "$pod" -o jsonpath='{.spec.containers[0].image}')
  node=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
  ip=$(kubectl get node "$node" -o jsonpath='{.status.addresses[?(@.type=="InternalIP")].address}')
  set_pod_status "$pod" '{"status": {"phase": "Pending", "hostIP": "'"$ip"'", "podIP": "10.244.7.21", "podIPs": [{"ip": "10.244.7.21"}]}}'
  kubectl -n "$ns" create -f - >/dev/null <<JSON
{"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "$pod"}, "target": {"apiVersion": "v1", "kind": "Node", "name": "$node"}}
JSON
  set_pod_status "$pod" '{"status": {"phase": "'"$phase"'", "startTime": "2026-11-23T10:00:00Z",
    "conditions": [{"type": "PodScheduled", "status": "True"}, {"type": "Initialized", "status": "True"},
                   {"type": "Ready", "status": "False", "reason": "'"$ready_reason"'"}, {"type": "ContainersReady", "status": "False", "reason": "'"$ready_reason"'"}],
    "containerStatuses": [{"name": "'"$container"'", "ready": false, "started": false, "restartCount": 0, "image": "'"$image"'", "imageID": "'"${image%%:*}"'@sha256:3e1f",
      "containerID": "containerd://a1b2", "state": {"terminated": {"reason": "'"$reason"'", "exitCode": '"$code"', "startedAt": "2026-11-23T10:00:00Z", "finishedAt": "2026-11-23T10:00:04Z", "containerID": "containerd://a1b2"}}}]}}'
  kubectl -n "$ns" wait --for=condition=$condition "job/$job" --timeout=60s >/dev/null
}

# A Node no simulator manages (so its status stays as written), Ready, with these extra status
# conditions (a JSON array) and a fresh kubelet Lease; removed when the scenario ends. Sets node.
unmanaged_node() { # extra-conditions-json [lease-renewed-seconds-ago]
  node=e2e-$ns
  local now renewed
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  renewed=$(date -u -d "-${2:-0} seconds" +%Y-%m-%dT%H:%M:%S.000000Z)
  on_exit "kubectl delete node $node --wait=false >/dev/null 2>&1; kubectl -n kube-node-lease delete lease $node --wait=false >/dev/null 2>&1"
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata: {name: $node, labels: {kubernetes.io/hostname: $node}}
YAML
  kubectl -n kube-node-lease apply -f - >/dev/null <<YAML
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: $node}
spec: {holderIdentity: $node, leaseDurationSeconds: 40, renewTime: "$renewed"}
YAML
  local conditions
  conditions=$(jq -c --arg now "$now" '[{type: "Ready", status: "True", reason: "KubeletReady",
      message: "kubelet is posting ready status", lastHeartbeatTime: $now, lastTransitionTime: $now}] + .' <<<"$1")
  kubectl patch node "$node" --subresource=status --type=merge -p "{\"status\": {\"conditions\": $conditions}}" >/dev/null
}

# What a CSI driver's external-provisioner does (it runs outside this cluster): a volume of
# StorageClass e2e-$ns for the claim; the PersistentVolume controller binds them. Sets uid (the
# claim's, which names the volume pvc-$uid).
provision_volume() { # claim size
  uid=$(kubectl -n "$ns" get pvc "$1" -o jsonpath='{.metadata.uid}')
  kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata:
  name: pvc-$uid
  annotations: {pv.kubernetes.io/provisioned-by: ebs.csi.aws.com}
spec:
  capacity: {storage: $2}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: e2e-$ns
  claimRef: {namespace: $ns, name: $1, uid: $uid}
  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-0c9d8e7f6a5b43210, fsType: ext4}
YAML
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Bound "pvc/$1" --timeout=60s >/dev/null
}

# A Deployment of one replica in kube-system (an addon), removed when the scenario ends; waits
# until kwok has started its pod and sets pod.
kube_system_deployment() { # name image
  on_exit "kubectl -n kube-system delete deployment $1 --wait=false >/dev/null 2>&1"
  kubectl -n kube-system apply -f - >/dev/null <<YAML
apiVersion: apps/v1
kind: Deployment
metadata: {name: $1}
spec:
  replicas: 1
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec: {containers: [{name: server, image: $2}]}
YAML
  for _ in $(seq 100); do
    pod=$(kubectl -n kube-system get pods -l "app=$1" -o jsonpath='{.items[0].metadata.name}' 2>/dev/null)
    [[ -n $pod && -n $(kubectl -n kube-system get pod "$pod" -o jsonpath='{.status.podIP}') ]] && return 0
    sleep 0.2
  done
  fail "the pod of kube-system/$1 did not start"
}

# TroubleshootSessions of the session tests, in $ns.
session() { # name spec-yaml
  kubectl -n "$ns" apply -f - >/dev/null <<YAML
apiVersion: kdiag.dev/v1alpha1
kind: TroubleshootSession
metadata: {name: $1}
spec: $2
YAML
}
session_get() { kubectl -n "$ns" get troubleshootsession "$1" -o jsonpath="$2"; }

# Volumes of the session recordings' class, as a static provisioner would offer them; removed
# when the test ends (the retained ones too: their recordings are test data).
session_volumes() { # count
  local i name
  for i in $(seq "$1"); do
    name=rec-$ns-$i
    kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: PersistentVolume
metadata: {name: $name, labels: {e2e.kdiag.dev/test: $ns}}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: kdiag-recordings
  hostPath: {path: /tmp/kdiag-e2e/$name}
YAML
  done
  on_exit "kubectl delete pv -l e2e.kdiag.dev/test=$ns --wait=false >/dev/null 2>&1"
}
