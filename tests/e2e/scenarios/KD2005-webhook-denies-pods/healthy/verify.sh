kubectl delete validatingwebhookconfiguration "e2e-$ns" --ignore-not-found >/dev/null
kill "$webhook_pid" 2>/dev/null || true
rm -rf "$webhook_dir"
