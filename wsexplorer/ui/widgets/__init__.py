"""wsexplorer.ui.widgets."""
