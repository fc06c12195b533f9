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
alertmanager_url() { cat "${KDIAG_BUILD_DIR:?}/e2e-controller/alertmanager.url"; }

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

# Restarts the controller with other thresholds (diagnosis.thresholds entries, "name: value")
# until the scenario ends, for a grace period measured from a time the apiserver sets
# (creationTimestamp), which setup cannot backdate. Only root-* scenarios: they run alone.
controller_thresholds() { # "name: value"...
  local config=${KDIAG_BUILD_DIR:?}/e2e-controller/config.$test_name.yaml
  # diagnosis.thresholds is the last section of config.yaml.
  { cat "$repo/tests/e2e/config.yaml"; printf '    %s\n' "$@"; } >"$config"
  on_exit '"$repo/tests/e2e/controller.sh" down; "$repo/tests/e2e/controller.sh" up >/dev/null'
  "$repo/tests/e2e/controller.sh" down
  KDIAG_E2E_CONFIG=$config "$repo/tests/e2e/controller.sh" up >/dev/null
}
