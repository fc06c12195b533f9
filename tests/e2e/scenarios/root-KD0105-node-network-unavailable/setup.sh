# The network plugin has not configured the node's pod network.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
unmanaged_node '[{"type": "NetworkUnavailable", "status": "True", "reason": "NoRouteCreated", "message": "Node created without a route", "lastHeartbeatTime": "'"$now"'", "lastTransitionTime": "'"$now"'"}]'
