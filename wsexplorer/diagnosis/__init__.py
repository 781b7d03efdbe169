"""wsexplorer.diagnosis."""
