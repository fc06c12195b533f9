# The provider's status page reports a major outage (restored when the scenario ends).
www=$e2e_state/www
on_exit "echo '{\"status\": {\"indicator\": \"none\", \"description\": \"All Systems Operational\"}}' >$www/status.json; sleep 2"
echo '{"status": {"indicator": "major", "description": "Major outage: eu-west-1 networking"}}' >"$www/status.json"
sleep 3  # polled every second
