# A Ready node whose kubelet reports memory pressure.
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
unmanaged_node '[{"type": "MemoryPressure", "status": "True", "reason": "KubeletHasInsufficientMemory", "message": "kubelet has insufficient memory available", "lastHeartbeatTime": "'"$now"'", "lastTransitionTime": "'"$now"'"}]'
