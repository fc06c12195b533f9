# Release shop: revision 1 superseded by revision 2, deployed.
helm_release_secret shop 1 superseded 86400
helm_release_secret shop 2 deployed 600
