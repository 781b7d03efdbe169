"""wsexplorer.ui."""
