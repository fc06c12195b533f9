# Release shop: the helm process upgrading to revision 2 was killed half an hour ago, leaving
# the revision pending-upgrade.
helm_release_secret shop 1 deployed 86400
helm_release_secret shop 2 pending-upgrade 1800
