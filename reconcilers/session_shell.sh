# Entrypoint of a TroubleshootSession pod's shell container, run as
#   /bin/sh -c "<this file>" kdiag-shell
# with stdin and a TTY for `kubectl attach -it`. Runs the user's interactive shell until the
# session's TTL, recorded by script(1) into the staging directory, from which the recorder
# container copies it onto the recording claim (which this container does not mount).
#
# Environment:
#   KDIAG_EXPIRES_AT   epoch seconds when the session ends (required)
#   KDIAG_STAGING_DIR  where script writes typescript and timing; unset or empty: not recorded
#   KDIAG_SESSION, KDIAG_PURPOSE, KDIAG_OWNER  shown in the banner, so the recording names them
#   KDIAG_SHELL        the shell to run; default bash if on PATH, else sh
# When the shell has ended, $KDIAG_STAGING_DIR/exit holds one word: "ttl" if the session had
# expired, else "exited". Exits 0 then; 1 (with no marker) when the environment is unusable.
#
# POSIX sh, needing only sh, timeout --foreground (GNU coreutils), date -d @N, tr, mv, mkdir and
# util-linux script >= 2.35, so that any image on the allow-list with those can be used.
set -u
# script creates its logs with this umask: the recorder, another UID, must be able to read them.
umask 022

# Seconds between asking the shell to hang up at the TTL and killing it.
kill_after=10

fail() {
  printf 'kdiag-shell: %s\n' "$1" >&2
  exit 1
}

utc() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || printf '@%s' "$1"; }

# Banner fields come from the session's spec: control characters could rewrite the terminal of
# whoever replays the recording.
printable() { printf '%s' "$1" | tr -d '\000-\037\177'; }

expires_at=${KDIAG_EXPIRES_AT:-}
case $expires_at in
'' | *[!0-9]*) fail "KDIAG_EXPIRES_AT must be epoch seconds, got '$expires_at'" ;;
esac
staging=${KDIAG_STAGING_DIR:-}

write_exit_marker() { # reason
  [ -n "$staging" ] || return 0
  # Renamed into place, so the recorder never reads a half-written marker.
  printf '%s\n' "$1" >"$staging/exit.partial" && mv -f "$staging/exit.partial" "$staging/exit"
}

remaining=$((expires_at - $(date +%s)))
if [ "$remaining" -le 0 ]; then
  printf 'kdiag: this session expired at %s.\n' "$(utc "$expires_at")"
  write_exit_marker ttl
  exit 0
fi

for tool in timeout date tr; do
  command -v "$tool" >/dev/null 2>&1 || fail "this image lacks $tool, which sessions need"
done

shell_note=
shell_path=
if [ -n "${KDIAG_SHELL:-}" ]; then
  shell_path=$(command -v "$KDIAG_SHELL" 2>/dev/null) ||
    shell_note=" ($(printable "$KDIAG_SHELL") was not found in this image)"
fi
if [ -z "$shell_path" ]; then
  shell_path=$(command -v bash 2>/dev/null) || shell_path=$(command -v sh 2>/dev/null) ||
    shell_path=/bin/sh
fi

if [ -n "$staging" ]; then
  command -v script >/dev/null 2>&1 || fail "this image lacks script (util-linux), which recorded sessions need"
  # A recorded session never runs unrecorded: check the staging directory before starting.
  mkdir -p "$staging" 2>/dev/null
  { printf '' >>"$staging/typescript" && printf '' >>"$staging/timing"; } 2>/dev/null ||
    fail "cannot write to the staging directory $staging"
  recorded_note="This session is recorded: everything shown in this terminal is kept, with its timing."
else
  recorded_note="This session is not recorded."
fi

left="$((remaining / 3600))h$((remaining % 3600 / 60))m$((remaining % 60))s"
banner="kdiag troubleshooting session $(printable "${KDIAG_SESSION:-unknown}")
  purpose: $(printable "${KDIAG_PURPOSE:-}")
  owner:   $(printable "${KDIAG_OWNER:-}")
  expires: $(utc "$expires_at") (in $left); then the shell is ended.
  shell:   $shell_path$shell_note
$recorded_note

"

# What runs in the terminal: the banner, then the shell under timeout. --foreground because the
# shell must own the terminal; HUP because an interactive shell ignores TERM, and on HUP it also
# hangs up its jobs. The banner, shell and seconds come in through the environment (not quoted
# into the command) and are unset before the shell starts.
# One line: script writes the command into the typescript's header.
in_terminal='printf "%s" "$KDIAG_BANNER"; SHELL=$KDIAG_SHELL_PATH; export SHELL; set -- "$KDIAG_REMAINING";'
in_terminal="$in_terminal"' unset KDIAG_BANNER KDIAG_SHELL_PATH KDIAG_REMAINING;'
in_terminal="$in_terminal"' exec timeout --foreground --signal=HUP --kill-after='"$kill_after"' "$1" "$SHELL"'

if [ -n "$staging" ]; then
  # --append: script then writes with O_APPEND, so after someone truncates the typescript it
  # continues at the new end instead of leaving a hole of zeros the size of what was cut.
  # SHELL=/bin/sh: script runs the command with $SHELL -c, and the command is POSIX sh.
  KDIAG_BANNER=$banner KDIAG_SHELL_PATH=$shell_path KDIAG_REMAINING=$remaining SHELL=/bin/sh \
    script --append --quiet --flush --log-out "$staging/typescript" --log-timing "$staging/timing" \
    --command "$in_terminal"
  script_status=$?
  [ "$script_status" -eq 0 ] || printf 'kdiag-shell: script exited with status %s\n' "$script_status" >&2
else
  KDIAG_BANNER=$banner KDIAG_SHELL_PATH=$shell_path KDIAG_REMAINING=$remaining \
    /bin/sh -c "$in_terminal"
fi

# timeout fires at or after the expiry (its start is rounded down to the second), so the clock,
# not the exit status (which the user's `exit 124` could fake), tells a TTL from an exit.
if [ "$(date +%s)" -ge "$expires_at" ]; then
  printf '\nkdiag: this session expired at %s.\n' "$(utc "$expires_at")"
  write_exit_marker ttl
else
  write_exit_marker exited
fi
exit 0
