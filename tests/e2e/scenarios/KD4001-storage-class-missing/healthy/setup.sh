# What the driver would do for the claim: a volume of the class, bound to it.
provision_volume uploads 5Gi
