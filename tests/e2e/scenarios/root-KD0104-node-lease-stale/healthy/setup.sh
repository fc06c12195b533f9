unmanaged_node '[]' 0
