"""wsexplorer.probes."""
