# What the driver would do for the claim: a volume of the class, bound to it.
provision_volume data 500Gi
