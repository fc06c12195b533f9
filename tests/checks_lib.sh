# The checks and waits of the shell-driven tests, without a cluster: what a test finds is
# logged, failures are counted, and finish ends the test with its verdict.
failures=0
test_name=${test_name:-$(basename "$0" .sh)}

log() { printf '[%s] %s\n' "$test_name" "$*"; }

fail() {
  printf '[%s] FAIL: %s\n' "$test_name" "$*" >&2
  failures=$((failures + 1))
}

expect_eq() { # description expected actual
  if [[ $2 == "$3" ]]; then log "ok: $1"; else fail "$1: expected '$2', got '$3'"; fi
}

expect_contains() { # description needle haystack
  if [[ $3 == *"$2"* ]]; then log "ok: $1"; else fail "$1: expected to contain '$2', got: $3"; fi
}

# Runs a command that must fail, and checks that its output names the reason.
expect_failure() { # description needle command...
  local description=$1 needle=$2 out
  shift 2
  if out=$("$@" 2>&1); then
    fail "$description: succeeded but should have failed: $out"
  else
    expect_contains "$description" "$needle" "$out"
  fi
}

expect_success() { # description command...
  local description=$1 out
  shift
  if out=$("$@" 2>&1); then log "ok: $description"; else fail "$description: $out"; fi
}

# Polls a command until it succeeds; fails after the given number of seconds.
wait_until() { # seconds command...
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

finish() {
  if ((failures > 0)); then
    log "$failures check(s) failed"
    exit 1
  fi
  log "all checks passed"
}
