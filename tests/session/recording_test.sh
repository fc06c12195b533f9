#!/usr/bin/env bash
# The TroubleshootSession pod's two entrypoints, reconcilers/session_shell.sh in a real terminal
# (a tmux pane on a tmux server of the test's own) and reconcilers/session_recorder.sh beside
# it, both started the way the pod starts them (/bin/sh -c "<script>" NAME), in temporary
# directories. Needs no cluster: tmux, script and scriptreplay (util-linux), jq, coreutils.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shell_script=$(cat "$repo/reconcilers/session_shell.sh")
recorder_script=$(cat "$repo/reconcilers/session_recorder.sh")
test_name=session.recording
source "$repo/tests/checks_lib.sh"

check() { # description command...
  local description=$1
  shift
  if "$@"; then log "ok: $description"; else fail "$description"; fi
}

for tool in tmux script scriptreplay jq timeout sha256sum cmp; do
  command -v "$tool" >/dev/null || { fail "$tool is not installed (hack/deps.sh)"; exit 1; }
done

work=$(mktemp -d)
socket=kdiag-recording-test-$$-$RANDOM
recorder_pids=()
cleanup() {
  local pid
  for pid in "${recorder_pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  tmux -L "$socket" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Panes stay after their process ends, so a case can see that the shell ended and what it showed.
printf 'set -g remain-on-exit on\nset -g status off\n' >"$work/tmux.conf"
tmux_() { tmux -L "$socket" -f "$work/tmux.conf" "$@"; }
mkdir "$work/home"
# A prompt the cases can wait for; bash reads it after the system's bashrc.
printf "PS1='kdiag-test-prompt\$ '\n" >"$work/home/.bashrc"
prompt='kdiag-test-prompt$'

pane_text() { tmux_ capture-pane -p -t "$1"; }
pane_shows() { pane_text "$1" | grep -qF -- "$2"; }
pane_dead() { [[ $(tmux_ display-message -p -t "$1" '#{pane_dead}' 2>/dev/null) == 1 ]]; }
file_has() { [[ -f $1 ]] && grep -qaF -- "$2" "$1"; }
running() { kill -0 "$1" 2>/dev/null; }
type_line() { # session text: types text and Enter into the session's terminal
  tmux_ send-keys -t "$1" -l -- "$2"
  tmux_ send-keys -t "$1" Enter
}

# new_case NAME: a directory of the case's own with its staging directory; sets dir.
new_case() {
  dir=$work/$1
  mkdir -p "$dir/staging"
  log "== $1"
}

# start_recorder [VAR=VALUE...]: the recorder of the current case; sets recorder_pid.
start_recorder() {
  env KDIAG_STAGING_DIR="$dir/staging" KDIAG_RECORDING_DIR="$dir/recording/session" \
    KDIAG_TERMINATION_LOG="$dir/termination-log" KDIAG_POLL_INTERVAL=1 "$@" \
    /bin/sh -c "$recorder_script" kdiag-recorder >"$dir/recorder.out" 2>"$dir/recorder.err" &
  recorder_pid=$!
  recorder_pids+=("$recorder_pid")
}

# start_shell SESSION [VAR=VALUE...]: the shell entrypoint in a 120x40 terminal.
start_shell() {
  local session=$1
  shift
  tmux_ new-session -d -s "$session" -x 120 -y 40 env HOME="$work/home" \
    KDIAG_STAGING_DIR="$dir/staging" KDIAG_SESSION="shop/debug-$session" \
    KDIAG_PURPOSE="find out why payments cannot resolve db.internal" KDIAG_OWNER=alice@example.com \
    "$@" /bin/sh -c "$shell_script" kdiag-shell
}

# finish_recorder SECONDS: waits for the recorder to end; sets recorder_status.
finish_recorder() {
  recorder_status=timeout
  if wait_until "$1" eval '! running "$recorder_pid"'; then
    recorder_status=0
    wait "$recorder_pid" || recorder_status=$?
  else
    fail "the recorder did not finish within $1 s: $(cat "$dir/recorder.err")"
  fi
}

termination() { jq -r "$1" "$dir/termination-log" 2>/dev/null; }
is_rfc3339_utc() { [[ $1 =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]] && date -u -d "$1" +%s >/dev/null; }
sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
no_nul_bytes() { [[ $(tr -d '\000' <"$1" | wc -c) == $(wc -c <"$1") ]]; }

started=$SECONDS

# a. A session as used: commands, then exit.
new_case exited
info='{"session":"shop/debug-a","owner":"alice@example.com","purpose":"say \"hi\"","image":"ghcr.io/kdiag/debug:0.1.0","node":"node-1"}'
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) + 120)) KDIAG_IDLE_TIMEOUT=60 KDIAG_SESSION_INFO="$info"
start_shell a KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
check "the shell shows its prompt" wait_until 10 pane_shows a "$prompt"
n=$RANDOM
# The shell computes the marker, so it is in the recording only if the output is.
marker="kdiag-recording-marker-42-$n"
type_line a "echo kdiag-recording-marker-\$((40+2))-$n"
type_line a "id -u"
check "the shell ran the commands" wait_until 5 pane_shows a "$marker"
type_line a exit
finish_recorder 10
recording=$dir/recording/session
expect_eq "the recorder exits 0" 0 "$recorder_status"
check "the shell's pane ended" wait_until 5 pane_dead a
expect_eq "the exit marker" exited "$(cat "$dir/staging/exit" 2>/dev/null)"
expect_eq "termination reason" exited "$(termination .reason)"
expect_eq "termination digest is the recorded typescript's" "sha256:$(sha256_of "$recording/typescript")" \
  "$(termination .digest)"
expect_eq "termination bytes" "$(wc -c <"$recording/typescript")" "$(termination .bytes)"
check "lastActivityAt is a UTC RFC 3339 time" is_rfc3339_utc "$(termination .lastActivityAt)"
expect_eq "the termination message is one line" 1 "$(wc -l <"$dir/termination-log")"
expect_eq "the recorder's last output line is the termination message" "$(cat "$dir/termination-log")" \
  "$(tail -n 1 "$dir/recorder.out")"
check "the recording has the marker" file_has "$recording/typescript" "$marker"
check "the recording has the typed id -u" file_has "$recording/typescript" "id -u"
check "the banner names the session" file_has "$recording/typescript" "shop/debug-a"
check "the banner names the purpose" file_has "$recording/typescript" "find out why payments cannot resolve db.internal"
check "the banner names the owner" file_has "$recording/typescript" "alice@example.com"
check "the banner says it is recorded" file_has "$recording/typescript" "This session is recorded"
check "timing is not empty" test -s "$recording/timing"
replay() {
  scriptreplay --log-timing "$recording/timing" --log-out "$recording/typescript" --maxdelay 0.01 \
    >"$dir/replay.out" 2>"$dir/replay.err"
}
check "scriptreplay replays it" replay
check "the replay shows the marker" file_has "$dir/replay.out" "$marker"
check "SHA256SUMS verifies" eval '(cd "$recording" && sha256sum --quiet -c SHA256SUMS)'
check "typescript: staging and recording are identical" cmp "$dir/staging/typescript" "$recording/typescript"
check "timing: staging and recording are identical" cmp "$dir/staging/timing" "$recording/timing"
check "session.json is the session info, verbatim" cmp <(printf '%s' "$info") "$recording/session.json"
check "no events" test ! -e "$recording/events.log"
expect_eq "recording file modes" "644 644 644 644" \
  "$(stat -c %a "$recording"/{typescript,timing,SHA256SUMS,session.json} | tr '\n' ' ' | sed 's/ $//')"
expect_eq "recording directory mode" 755 "$(stat -c %a "$recording")"

# b. The TTL ends the shell by itself, even a busy one.
new_case ttl
expires=$(($(date +%s) + 3))
start_recorder KDIAG_EXPIRES_AT=$expires
start_shell b KDIAG_EXPIRES_AT=$expires
check "the shell shows its prompt" wait_until 10 pane_shows b "$prompt"
busy="sleep 3600.$RANDOM"
type_line b "$busy"
check "the shell ends by itself at the TTL" wait_until 8 pane_dead b
check "not before the TTL" test "$(date +%s)" -ge "$expires"
check "the busy command ended with the shell" eval '! pgrep -f "^$busy\$" >/dev/null'
check "the terminal says the session expired" pane_shows b "kdiag: this session expired"
expect_eq "the exit marker" ttl "$(cat "$dir/staging/exit" 2>/dev/null)"
finish_recorder 5
expect_eq "the recorder exits 0" 0 "$recorder_status"
expect_eq "termination reason" ttl "$(termination .reason)"
check "the recording has the busy command" file_has "$dir/recording/session/typescript" "$busy"

# b'. A shell that never finishes: the recorder stops waiting 30 s after the expiry.
new_case ttl-without-shell
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) - 31))
finish_recorder 5
expect_eq "the recorder exits 0" 0 "$recorder_status"
expect_eq "termination reason" ttl "$(termination .reason)"
expect_eq "an empty recording" 0 "$(termination .bytes)"

# b''. An expired session starts no shell.
new_case expired
start_shell b2 KDIAG_EXPIRES_AT=$(($(date +%s) - 1))
check "the shell entrypoint ends at once" wait_until 3 pane_dead b2
expect_eq "the exit marker" ttl "$(cat "$dir/staging/exit" 2>/dev/null)"

# b'''. Not recorded (no staging directory), with sh asked for: the TTL still holds.
new_case unrecorded
start_shell b3 KDIAG_STAGING_DIR= KDIAG_SHELL=sh KDIAG_EXPIRES_AT=$(($(date +%s) + 2))
check "the banner says it is not recorded" wait_until 5 pane_shows b3 "This session is not recorded"
check "the banner names the shell asked for" eval 'pane_text b3 | grep -qE "shell: +/.*/sh$"'
check "the shell ends by itself at the TTL" wait_until 6 pane_dead b3
check "no exit marker" test ! -e "$dir/staging/exit"

# c. Nothing typed for the idle timeout.
new_case idle
idle_started=$(date +%s)
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) + 120)) KDIAG_IDLE_TIMEOUT=2
start_shell c KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
finish_recorder 8
expect_eq "the recorder exits 0" 0 "$recorder_status"
expect_eq "termination reason" idle "$(termination .reason)"
last_activity=$(termination .lastActivityAt || true)
check "lastActivityAt is a UTC RFC 3339 time" is_rfc3339_utc "$last_activity"
last_activity_s=$(date -u -d "$last_activity" +%s 2>/dev/null || echo 0)
check "lastActivityAt is within the session" test "$last_activity_s" -ge "$idle_started" -a \
  "$last_activity_s" -le "$(date +%s)"
check "the banner was recorded" file_has "$dir/recording/session/typescript" "shop/debug-c"
tmux_ kill-session -t c

# d. The pod is stopped: SIGTERM to the recorder.
new_case stopped
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
start_shell d KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
check "the shell shows its prompt" wait_until 10 pane_shows d "$prompt"
type_line d "echo stopped-marker-\$((40+2))"
check "the recorder copies while the session runs" \
  wait_until 5 file_has "$dir/recording/session/typescript" stopped-marker-42
sleep 1.5 # the shell's prompt after the output, copied by the next poll
kill -TERM "$recorder_pid"
finish_recorder 3
expect_eq "the recorder exits 0" 0 "$recorder_status"
expect_eq "termination reason" stopped "$(termination .reason)"
check "typescript: complete so far" cmp "$dir/staging/typescript" "$dir/recording/session/typescript"
check "timing: complete so far" cmp "$dir/staging/timing" "$dir/recording/session/timing"
check "SHA256SUMS verifies" eval '(cd "$dir/recording/session" && sha256sum --quiet -c SHA256SUMS)'
tmux_ kill-session -t d

# e. The user truncates, then removes, the staging typescript.
new_case tampered
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
start_shell e KDIAG_EXPIRES_AT=$(($(date +%s) + 120))
recording=$dir/recording/session
check "the shell shows its prompt" wait_until 10 pane_shows e "$prompt"
type_line e "echo before-truncation-\$((40+2))"
check "copied before the truncation" wait_until 5 file_has "$recording/typescript" before-truncation-42
sleep 1.5
: >"$dir/staging/typescript"
check "events.log names the shrunk typescript" \
  wait_until 5 file_has "$recording/events.log" "typescript in the staging directory shrank from"
type_line e "echo after-truncation-\$((40+2))"
check "copying continues after the truncation" wait_until 5 file_has "$recording/typescript" after-truncation-42
rm "$dir/staging/typescript"
check "events.log names the removed typescript" \
  wait_until 5 file_has "$recording/events.log" "typescript in the staging directory was removed"
type_line e "echo after-removal-\$((40+2))"
check "copying continues after the removal" wait_until 5 file_has "$recording/typescript" after-removal-42
type_line e exit
finish_recorder 10
expect_eq "the recorder exits 0" 0 "$recorder_status"
expect_eq "termination reason" exited "$(termination .reason)"
check "what was typed before the truncation is kept" file_has "$recording/typescript" before-truncation-42
check "no hole of zeros where the truncation was" no_nul_bytes "$recording/typescript"
check "events.log lines start with a UTC time" \
  eval '! grep -vE "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z " "$recording/events.log"'

# f. The recording cannot be written: a path that cannot be a directory (with a quote, which
# the error's JSON must escape), and a disk that is full.
new_case unwritable
printf 'not a directory' >"$dir/not\"a-dir"
env KDIAG_STAGING_DIR="$dir/staging" KDIAG_RECORDING_DIR="$dir/not\"a-dir/recording" \
  KDIAG_TERMINATION_LOG="$dir/termination-log" KDIAG_EXPIRES_AT=$(($(date +%s) + 60)) \
  timeout 10 /bin/sh -c "$recorder_script" kdiag-recorder >/dev/null 2>&1 && status=0 || status=$?
expect_eq "the recorder exits 1" 1 "$status"
expect_eq "termination reason" failed "$(termination .reason)"
check "the error names the path" eval '[[ $(termination .error) == *"not\"a-dir"* ]]'

new_case disk-full
printf 'typed before the disk filled\n' >"$dir/staging/typescript"
mkdir -p "$dir/recording/session"
ln -s /dev/full "$dir/recording/session/typescript"
start_recorder KDIAG_EXPIRES_AT=$(($(date +%s) + 60))
finish_recorder 5
expect_eq "the recorder exits 1" 1 "$recorder_status"
expect_eq "termination reason" failed "$(termination .reason)"
check "the error says the disk is full" eval '[[ $(termination .error) == *"No space left"* ]]'

log "took $((SECONDS - started)) s"
finish
