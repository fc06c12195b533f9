now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
unmanaged_node '[{"type": "MemoryPressure", "status": "False", "reason": "KubeletHasSufficientMemory", "message": "kubelet has sufficient memory available", "lastHeartbeatTime": "'"$now"'", "lastTransitionTime": "'"$now"'"}]'
