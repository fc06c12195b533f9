#!/usr/bin/env bash
# Runs one scenario directory (tests/e2e/scenarios/NAME) the way a user meets the problem:
#   objects.yaml   applied with kubectl in a fresh namespace ($ns)
#   setup.sh       optional: what only a kubelet or scheduler would write (pod status, events),
#                  sourced with the helpers of scenario_lib.sh
#   diagnosis.yaml optional: the Diagnosis to apply (default: this namespace, root checks off)
#   healthy/       optional: the healthy counterpart, a scenario of its own (same layout)
#   expected       the findings, one per line: CODE Kind/name root|related [suppressed], where
#                  names may be variables setup.sh set (Pod/$pod); "# verdict: healthy" when
#                  the findings are informational
# then waits with kubectl wait for the Diagnosis to complete and compares its findings.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/scenario_lib.sh"

scenario=${1:?scenario directory}
test_name=$(basename "$scenario")
[[ $test_name == healthy ]] && test_name="$(basename "$(dirname "$scenario")").healthy"
create_namespace e2e
if [[ -f $scenario/objects.yaml ]]; then
  sed "s/\$NS/$ns/g" "$scenario/objects.yaml" | kubectl -n "$ns" apply -f - >/dev/null
fi
if [[ -f $scenario/setup.sh ]]; then
  # shellcheck disable=SC1091
  source "$scenario/setup.sh"
fi
diagnosis=$scenario/diagnosis.yaml
[[ -f $diagnosis ]] || diagnosis=$(dirname "$0")/diagnosis.yaml
sed "s/\$NS/$ns/g" "$diagnosis" | kubectl -n "$ns" apply -f - >/dev/null
name=$(sed "s/\$NS/$ns/g" "$diagnosis" | kubectl create --dry-run=client -o jsonpath='{.metadata.name}' -f -)
expect_success "the Diagnosis completes" kubectl -n "$ns" wait --for=jsonpath='{.status.phase}'=Completed \
  --timeout=60s "diagnosis/$name"

actual=$(kubectl -n "$ns" get diagnosis "$name" -o jsonpath='{range .status.findings[*]}{.code} {.resource.kind}/{.resource.name} {.rootCause} {.suppressed}{"\n"}{end}' |
  awk 'NF { printf "%s %s %s%s\n", $1, $2, ($3 == "true" ? "root" : "related"), ($4 == "true" ? " suppressed" : "") }' | sort)
# The expected file may name objects by the variables setup.sh set ($pod).
expected=$(eval "cat <<EXPECTED
$(grep -v '^#' "$scenario/expected")
EXPECTED
" | sed '/^$/d' | sort || true)
expect_eq "the findings are exactly the expected ones" "$expected" "$actual"
# Healthy when nothing is expected, or when the expected file says so (informational findings).
healthy=false
if [[ -z $expected ]] || grep -q '^# verdict: healthy' "$scenario/expected"; then healthy=true; fi
expect_eq "summary.healthy is $healthy" "$healthy" \
  "$(kubectl -n "$ns" get diagnosis "$name" -o jsonpath='{.status.summary.healthy}')"
if [[ -f $scenario/verify.sh ]]; then
  # shellcheck disable=SC1091
  source "$scenario/verify.sh"
fi
if ((failures > 0)); then
  kubectl -n "$ns" get diagnosis "$name" -o yaml >&2
fi
finish
