#!/usr/bin/env bash
# The local control plane is a real one: scheduling, controllers, garbage collection,
# namespace deletion, service-account tokens, and the kubelet API (logs, exec) served by kwok.
source "$(dirname "$0")/../lib.sh"

expect_success "every component is running and the API is ready" "$repo/hack/cluster.sh" status
expect_success "up is idempotent" "$repo/hack/cluster.sh" up
state=$(dirname "$KUBECONFIG")
expect_eq "no component was started twice" 1 \
  "$(pgrep -fc -- "--tls-cert-file=$state/pki/kube-apiserver.crt")"
expect_success "simulated nodes are Ready" kubectl wait --for=condition=Ready node --all --timeout=30s

create_namespace cp
expect_success "a ServiceAccount token can be issued" kubectl -n "$ns" create token default

kubectl -n "$ns" create deployment web --image=nginx:1.27 --replicas=2 >/dev/null
expect_success "a Deployment becomes Available (scheduler, controllers, kwok)" \
  kubectl -n "$ns" wait --for=condition=Available deployment/web --timeout=60s
pod=$(kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[0].metadata.name}')
expect_eq "pods are Running" "Running Running" \
  "$(kubectl -n "$ns" get pods -l app=web -o jsonpath='{.items[*].status.phase}')"

expect_contains "logs are served" "simulated container started" "$(kubectl -n "$ns" logs "$pod")"
expect_contains "previous logs are served" "simulated previous container exited" \
  "$(kubectl -n "$ns" logs "$pod" --previous)"
expect_eq "exec returns stdout" "hello" "$(kubectl -n "$ns" exec "$pod" -- echo hello)"
expect_contains "exec returns stderr" "oops" "$(kubectl -n "$ns" exec "$pod" -- sh -c 'echo oops >&2' 2>&1)"
expect_failure "exec reports the exit code" "exit status 3" kubectl -n "$ns" exec "$pod" -- sh -c 'exit 3'

# Attach streams what the container writes from then on; kwok takes it from its log file.
attach_out=$(mktemp)
timeout 6 kubectl -n "$ns" attach "$pod" >"$attach_out" 2>&1 &
sleep 2
printf '%s stdout F written while attached\n' "$(date -u +%Y-%m-%dT%H:%M:%S.000000000Z)" \
  >>"$state/kwok/current.log"
wait || true
expect_contains "attach streams the container's output" "written while attached" "$(cat "$attach_out")"
rm -f "$attach_out"

kubectl -n "$ns" delete deployment web >/dev/null
gone() { [[ -z $(kubectl -n "$ns" get replicasets,pods -o name) ]]; }
for _ in $(seq 60); do gone && break; sleep 0.5; done
expect_success "garbage collection removes the owned ReplicaSet and pods" gone

kubectl delete namespace "$ns" --wait=true --timeout=60s >/dev/null
expect_failure "namespace deletion completes" "NotFound" kubectl get namespace "$ns"
finish
