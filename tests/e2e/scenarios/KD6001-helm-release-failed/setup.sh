# Release shop: revision 1 deployed, the upgrade to revision 2 failed (helm upgrade --wait timed out).
helm_release_secret shop 1 deployed 86400
helm_release_secret shop 2 failed 600
