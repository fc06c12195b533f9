now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
unmanaged_node '[{"type": "NetworkUnavailable", "status": "False", "reason": "RouteCreated", "message": "RouteController created a route", "lastHeartbeatTime": "'"$now"'", "lastTransitionTime": "'"$now"'"}]'
