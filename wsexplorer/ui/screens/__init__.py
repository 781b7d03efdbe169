"""wsexplorer.ui.screens."""
