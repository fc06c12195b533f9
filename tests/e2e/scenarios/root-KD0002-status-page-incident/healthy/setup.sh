# the status page says all is well
