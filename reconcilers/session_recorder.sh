# Entrypoint of a TroubleshootSession pod's recorder container, run as
#   /bin/sh -c "<this file>" kdiag-recorder
# Copies the typescript and timing that script(1) writes in the shell container into the shared
# staging directory onto the recording claim, which the shell container does not mount, so the
# recording is out of the user's reach. Ends the recording when the shell has exited, nothing
# was typed or shown for the idle timeout, the session expired, or the pod is stopped, and
# reports how as the container's termination message.
#
# Environment:
#   KDIAG_STAGING_DIR      read: typescript, timing and the shell's exit marker (required)
#   KDIAG_RECORDING_DIR    written: created if missing; one per pod (required)
#   KDIAG_EXPIRES_AT       epoch seconds when the session ends (required)
#   KDIAG_IDLE_TIMEOUT     seconds without growth of the typescript; 0 or unset: none
#   KDIAG_SESSION_INFO     JSON written verbatim as session.json
#   KDIAG_POLL_INTERVAL    seconds between copies (default 1)
#   KDIAG_TERMINATION_LOG  default /dev/termination-log
# The recording directory ends up holding typescript, timing, SHA256SUMS, session.json and, if
# anything was tampered with in the staging directory, events.log; files 0644, directories 0755.
# The termination message (also the last line of standard output) is one line of JSON:
#   {"reason":"exited|ttl|idle|stopped","digest":"sha256:<hex>","bytes":N,"lastActivityAt":"<UTC>"}
# and exit 0, or {"reason":"failed","error":"<text>"} and exit 1.
#
# POSIX sh with coreutils (stat, head, sha256sum, date, sleep, mkdir); Linux /proc.
set -u
umask 022

staging=${KDIAG_STAGING_DIR:-}
recording=${KDIAG_RECORDING_DIR:-}
expires_at=${KDIAG_EXPIRES_AT:-}
idle_timeout=${KDIAG_IDLE_TIMEOUT:-0}
poll_interval=${KDIAG_POLL_INTERVAL:-1}
termination_log=${KDIAG_TERMINATION_LOG:-/dev/termination-log}
# How long after the expiry the shell gets to end by itself (its own TTL) before the recorder
# gives up waiting for its exit marker.
expiry_grace=30

utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }

# The argument as the inside of a JSON string.
json_string() {
  rest=$1
  escaped=
  while [ -n "$rest" ]; do
    after_first=${rest#?}
    char=${rest%"$after_first"}
    rest=$after_first
    case $char in
    \\) escaped="$escaped\\\\" ;;
    \") escaped="$escaped\\\"" ;;
    [[:cntrl:]]) escaped="$escaped$(printf '\\u%04x' "'$char")" ;;
    *) escaped="$escaped$char" ;;
    esac
  done
  printf '%s' "$escaped"
}

report() { # message: the termination message, also logged
  printf '%s\n' "$1"
  printf '%s\n' "$1" >"$termination_log" ||
    printf 'kdiag-recorder: cannot write the termination message to %s\n' "$termination_log" >&2
}

fail() { # error
  printf 'kdiag-recorder: %s\n' "$1" >&2
  # Short enough that the message stays under the kubelet's 4096 bytes even fully escaped.
  report "{\"reason\":\"failed\",\"error\":\"$(json_string "$(printf '%s' "$1" | head -c 300)")\"}"
  exit 1
}

is_count() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }

[ -n "$staging" ] || fail "KDIAG_STAGING_DIR is not set"
[ -n "$recording" ] || fail "KDIAG_RECORDING_DIR is not set"
is_count "$expires_at" || fail "KDIAG_EXPIRES_AT must be epoch seconds, got '$expires_at'"
is_count "$idle_timeout" || fail "KDIAG_IDLE_TIMEOUT must be seconds, got '$idle_timeout'"
case $poll_interval in
*[!0-9.]* | *.*.* | .* | *.) fail "KDIAG_POLL_INTERVAL must be seconds, got '$poll_interval'" ;;
*[1-9]*) ;;
*) fail "KDIAG_POLL_INTERVAL must be seconds, got '$poll_interval'" ;;
esac

log_event() { # text: a line in events.log, for what happened to the staging files
  line="$(date -u +%Y-%m-%dT%H:%M:%SZ) $1"
  printf 'kdiag-recorder: %s\n' "$line" >&2
  error=$(printf '%s\n' "$line" 2>&1 >>"$recording/events.log") ||
    fail "cannot write $recording/events.log: $error"
}

file_size() { stat -L -c %s "$1"; }

error=$(mkdir -p "$recording" 2>&1) || fail "cannot create the recording directory: $error"
# Both exist from the start, so SHA256SUMS lists them even when the shell never wrote anything.
for name in typescript timing; do
  error=$(printf '' 2>&1 >>"$recording/$name") || fail "cannot write to the recording directory: $error"
done
if [ -n "${KDIAG_SESSION_INFO:-}" ]; then
  error=$(printf '%s' "$KDIAG_SESSION_INFO" 2>&1 >"$recording/session.json") ||
    fail "cannot write session.json: $error"
fi

# Each staging file is read through a descriptor held open from when it first appears (3 for
# the typescript, 4 for the timing), so removing, replacing or chmod-ing it in the staging
# directory does not stop the copy: script keeps writing to the file the descriptor reads.
typescript_fd=3 typescript_held=no typescript_offset=0 typescript_name_inode=
timing_fd=4 timing_held=no timing_offset=0 timing_name_inode=

hold() { # fd path
  case $1 in
  3) command exec 3<"$2" ;;
  4) command exec 4<"$2" ;;
  esac
}

# Fresh descriptor on the held file itself (not on the name, which may now be another file),
# positioned at byte 0.
rehold() { # fd
  case $1 in
  3) command exec 3</proc/self/fd/3 ;;
  4) command exec 4</proc/self/fd/4 ;;
  esac
}

# Appends to the recording what staging file $1 gained since the last poll: the bytes from the
# offset reached so far to the size seen now, never anything twice.
copy_new_bytes() { # name
  name=$1
  source=$staging/$name
  target=$recording/$name
  eval "fd=\$${name}_fd held=\$${name}_held offset=\$${name}_offset name_inode=\$${name}_name_inode"
  if [ "$held" = no ]; then
    # Only a regular file: opening a FIFO put in its place would block.
    if [ ! -f "$source" ] || [ -h "$source" ] || [ ! -r "$source" ]; then
      return 0
    fi
    hold "$fd" "$source" || return 0
    held=yes
    name_inode=$(stat -L -c %i "/proc/self/fd/$fd")
    # A restarted recorder resumes after what the recording already holds.
    offset=$(file_size "$target") || fail "cannot read the size of $target"
    if [ "$offset" -gt 0 ]; then
      head -c "$offset" <&"$fd" >/dev/null
      log_event "recorder restarted: $name resumes after the $offset bytes already recorded"
    fi
    # Idleness counts from when the shell started writing, not from an image pull before it.
    [ "$name" = typescript ] && last_activity=$(date +%s)
  fi

  held_stat=$(stat -L -c '%s %i' "/proc/self/fd/$fd") || fail "cannot read the size of the staging $name"
  size=${held_stat% *} held_inode=${held_stat#* }
  current_inode=$(stat -L -c %i "$source" 2>/dev/null) || current_inode=none
  if [ "$current_inode" != "$name_inode" ]; then
    name_inode=$current_inode
    if [ "$current_inode" != "$held_inode" ]; then
      log_event "$name in the staging directory was removed or replaced; still copying the file the shell writes"
    fi
  fi

  if [ "$size" -lt "$offset" ]; then
    log_event "$name in the staging directory shrank from $offset to $size bytes; copying continues from there"
    if rehold "$fd"; then
      head -c "$size" <&"$fd" >/dev/null
    else
      log_event "cannot reopen $name; bytes written below offset $offset are lost"
      size=$offset
    fi
    offset=$size
  fi

  if [ "$size" -gt "$offset" ]; then
    before=$(file_size "$target") || fail "cannot read the size of $target"
    error=$(head -c $((size - offset)) <&"$fd" 2>&1 >>"$target") || fail "cannot append to $target: $error"
    after=$(file_size "$target") || fail "cannot read the size of $target"
    # What was actually appended: less than asked if the file shrank meanwhile.
    offset=$((offset + after - before))
    if [ "$name" = typescript ] && [ "$after" -gt "$before" ]; then
      last_activity=$(date +%s)
    fi
  fi
  eval "${name}_held=\$held ${name}_offset=\$offset ${name}_name_inode=\$name_inode"
}

finalize() { # reason
  trap '' TERM INT
  copy_new_bytes typescript
  copy_new_bytes timing
  error=$(cd "$recording" && sha256sum typescript timing 2>&1 >SHA256SUMS) ||
    fail "cannot write SHA256SUMS: $error"
  read -r digest _ <"$recording/SHA256SUMS"
  bytes=$(file_size "$recording/typescript")
  report "{\"reason\":\"$1\",\"digest\":\"sha256:$digest\",\"bytes\":$bytes,\"lastActivityAt\":\"$(utc "$last_activity")\"}"
  exit 0
}

# The marker is in the user's reach: only the two words the shell writes are taken as reasons.
read_exit_reason() { # sets exit_reason
  exit_reason=
  read -r exit_reason <"$staging/exit" 2>/dev/null
  case $exit_reason in
  ttl | exited) ;;
  *)
    log_event "the shell's exit marker holds an unexpected word; taken as exited"
    exit_reason=exited
    ;;
  esac
}

stop_requested=no
trap 'stop_requested=yes' TERM INT
last_activity=$(date +%s)

while :; do
  now=$(date +%s)
  # Looked at before copying: the shell writes the marker after script has written everything.
  shell_exited=no
  [ -f "$staging/exit" ] && shell_exited=yes
  copy_new_bytes typescript
  copy_new_bytes timing
  if [ "$shell_exited" = yes ]; then
    read_exit_reason
    finalize "$exit_reason"
  fi
  [ "$stop_requested" = yes ] && finalize stopped
  if [ "$idle_timeout" -gt 0 ] && [ $((now - last_activity)) -ge "$idle_timeout" ]; then
    finalize idle
  fi
  [ "$now" -ge $((expires_at + expiry_grace)) ] && finalize ttl
  # wait, unlike a foreground sleep, returns as soon as a trapped signal arrives.
  sleep "$poll_interval" &
  sleep_pid=$!
  wait "$sleep_pid"
  kill "$sleep_pid" 2>/dev/null
done
