# The node still shows Ready, but its kubelet has not renewed its Lease for two minutes.
unmanaged_node '[]' 120
