# the default threshold (1s): the local API server answers well within it
