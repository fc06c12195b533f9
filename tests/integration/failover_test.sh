#!/usr/bin/env bash
# Two replicas of a controller built on the runtime: exactly one leads; after `kill -9` of the
# leader the other leads within 15 s (lease 10 s, renew deadline 7 s, retry 1 s), and no object
# is reconciled by both: everything the dead leader did came before its death, everything the
# new leader did after it.
source "$(dirname "$0")/../lib.sh"

program=${KDIAG_BUILD_DIR:?}/tests/failover_controller
work=$(mktemp -d)
pids=()
trap 'kill -9 "${pids[@]}" 2>/dev/null; rm -rf "$work"; cleanup_namespaces' EXIT
create_namespace failover

"$program" "$ns" "$work/a.log" 2>"$work/a.err" &
pids+=($!)
"$program" "$ns" "$work/b.log" 2>"$work/b.err" &
pids+=($!)

holder() { kubectl -n "$ns" get lease failover -o jsonpath='{.spec.holderIdentity}' 2>/dev/null; }
for _ in $(seq 100); do [[ -n $(holder) ]] && break; sleep 0.2; done
leader=$(holder)
expect_contains "one replica holds the lease" "_" "$leader"

for i in $(seq 1 5); do kubectl -n "$ns" create configmap "before-$i" >/dev/null; done
sleep 2
leader_pid=""
for i in 0 1; do
  log=$work/$([[ $i == 0 ]] && echo a || echo b).log
  if [[ -s $log ]] && grep -q "^$leader " "$log"; then leader_pid=${pids[$i]}; fi
done
expect_success "only the leader reconciles" test -n "$leader_pid"
other_log=$( [[ $leader_pid == "${pids[0]}" ]] && echo "$work/b.log" || echo "$work/a.log")
expect_success "the standby reconciled nothing" test ! -s "$other_log"

killed_ms=$(($(date +%s%N) / 1000000))
kill -9 "$leader_pid"
took_over=""
for _ in $(seq 200); do
  current=$(holder)
  if [[ -n $current && $current != "$leader" ]]; then
    took_over=$(($(date +%s%N) / 1000000 - killed_ms))
    break
  fi
  sleep 0.1
done
expect_success "the other replica took over" test -n "$took_over"
expect_success "within 15 s of the kill (took ${took_over} ms)" test "${took_over:-99999}" -le 15000

for i in $(seq 1 5); do kubectl -n "$ns" create configmap "after-$i" >/dev/null; done
for _ in $(seq 100); do
  [[ $(grep -c "/after-" "$other_log" 2>/dev/null) -ge 5 ]] && break
  sleep 0.2
done
expect_eq "the new leader reconciled every later change" 5 "$(grep -c "/after-" "$other_log")"
dead_log=$( [[ $other_log == "$work/a.log" ]] && echo "$work/b.log" || echo "$work/a.log")
expect_eq "the dead leader did nothing after its death" 0 \
  "$(awk -v t="$killed_ms" '$4 > t' "$dead_log" | wc -l)"
expect_eq "the new leader did nothing before it" 0 \
  "$(awk -v t="$killed_ms" '$3 < t' "$other_log" | wc -l)"
finish
