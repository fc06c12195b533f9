#!/usr/bin/env bash
# Kinds that come and go while kdiag-controller runs: a custom resource listed in its
# configuration but installed only after it started is watched from its next discovery (its
# generic Ready check, KD6005, and a custom check over it then report it), and dropped again
# when its CRD is deleted, without a restart and without an error in the runs.
source "$(dirname "$0")/../lib.sh"

work=$(mktemp -d)
crd_file=$work/widgets.yaml
trap 'stop_controller || true; kubectl delete --ignore-not-found -f "$crd_file" -f "$work/rbac.yaml" >/dev/null 2>&1 || true; rm -rf "$work"; cleanup_namespaces' EXIT

cat >"$work/config.yaml" <<'YAML'
log: {level: info, format: json}
diagnosis:
  discoveryInterval: 1s
  customResources:
    - {group: discovery.test.kdiag.dev, version: v1, resource: widgets, kind: Widget}
  customChecks:
    - {code: KD9201, title: Widget marked, kind: Widget, expression: '.spec.marked == true'}
YAML
cat >"$crd_file" <<'YAML'
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.discovery.test.kdiag.dev}
spec:
  group: discovery.test.kdiag.dev
  scope: Namespaced
  names: {kind: Widget, listKind: WidgetList, plural: widgets, singular: widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
YAML
# Read access as an administrator grants it for a configured custom resource.
cat >"$work/rbac.yaml" <<'YAML'
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: kdiag-controller-discovery-test
  labels: {kdiag.dev/aggregate-to-controller: "true"}
rules:
  - apiGroups: [discovery.test.kdiag.dev]
    resources: [widgets]
    verbs: [get, list, watch]
YAML
kubectl apply -f "$work/rbac.yaml" >/dev/null
kubectl delete --ignore-not-found -f "$crd_file" >/dev/null

start_controller "$work/config.yaml" "$work/log"
create_namespace discovery
kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: kdiag.dev/v1alpha1
kind: Diagnosis
metadata: {name: probe}
spec:
  rootChecks: {enabled: false}
YAML
get() { kubectl -n "$ns" get diagnosis probe -o jsonpath="$1"; }
expect_success "a Diagnosis completes while Widgets are not served" \
  kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Completed diagnosis/probe --timeout=30s
expect_eq "no findings before" "" "$(get '{.status.findings[*].code}')"

kubectl apply -f "$crd_file" >/dev/null
kubectl wait --for=condition=Established --timeout=30s -f "$crd_file" >/dev/null
kubectl -n "$ns" apply -f - >/dev/null <<'YAML'
apiVersion: discovery.test.kdiag.dev/v1
kind: Widget
metadata: {name: broken}
spec: {marked: true}
status:
  conditions: [{type: Ready, status: "False", reason: NoGears, message: "no gears left"}]
YAML
logged() { grep -qF "$1" "$work/log"; }
expect_success "the controller watches Widgets from its next discovery" \
  wait_until 20 logged '"msg":"now watching Widget (widgets): the server serves it since start-up"'

run=1
rerun() {
  run=$((run + 1))
  kubectl -n "$ns" annotate diagnosis probe "kdiag.dev/rerun=$run" --overwrite >/dev/null
  kubectl -n "$ns" wait --for=jsonpath='{.status.observedRerun}'="$run" diagnosis/probe --timeout=30s >/dev/null
}
findings() { get '{range .status.findings[*]}{.code} {.resource.kind}/{.resource.name}{"\n"}{end}' | sort; }
rerun
expect_eq "the late kind is diagnosed: its Ready check and a custom check over it" \
  "$(printf 'KD6005 Widget/broken\nKD9201 Widget/broken')" "$(findings)"
expect_contains "KD6005 says why" "Widget broken is not ready (NoGears)" "$(get '{.status.findings[*].message}')"

kubectl delete -f "$crd_file" --wait >/dev/null
expect_success "the controller drops Widgets once they are not served" \
  wait_until 20 logged '"msg":"no longer watching Widget: the server does not serve it any more"'
rerun
expect_eq "no Widget findings once the kind is gone" "" "$(findings)"
expect_eq "every step ran" "False" "$(get '{.status.conditions[?(@.type=="Degraded")].status}')"
expect_eq "the readiness probe stayed ready" "ok" \
  "$(curl -sf "http://127.0.0.1:$controller_port/readyz")"

rc=0
stop_controller || rc=$?
expect_eq "the controller stops cleanly" 0 "$rc"
finish
