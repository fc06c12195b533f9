# The probed gateway answers 404 (its health endpoint is gone; restored when the scenario ends).
www=$e2e_state/www
on_exit "echo ok >$www/healthz; sleep 2"
rm -f "$www/healthz"
sleep 3  # polled every second
